package plan

import (
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"github.com/ruleport/ruleport/convert/kql"
)

func (l *lowerer) basicLit(x *kql.BasicLit) Expr {
	pos := at{x.Pos()}
	switch x.Kind {
	case kql.LitString:
		return &Const{at: pos, T: String, Value: x.Value}
	case kql.LitInt:
		n, err := strconv.ParseInt(x.Raw, 0, 64)
		if err != nil {
			l.errorf(x.Pos(), kql.ErrSyntax, "integer %s out of range", x.Raw)
			return nil
		}
		return &Const{at: pos, T: Long, Value: n}
	case kql.LitReal:
		f, err := strconv.ParseFloat(x.Raw, 64)
		if err != nil {
			l.errorf(x.Pos(), kql.ErrSyntax, "bad real %s", x.Raw)
			return nil
		}
		return &Const{at: pos, T: Real, Value: f}
	case kql.LitBool:
		return &Const{at: pos, T: Bool, Value: strings.EqualFold(x.Raw, "true")}
	case kql.LitTimespan:
		d, ok := parseTimespan(x.Raw)
		if !ok {
			l.errorf(x.Pos(), kql.ErrSyntax, "bad timespan %s", x.Raw)
			return nil
		}
		return &Const{at: pos, T: Timespan, Value: d}
	case kql.LitNull:
		return &Const{at: pos, T: Dynamic}
	}
	l.errorf(x.Pos(), kql.ErrSyntax, "unknown literal %s", x.Raw)
	return nil
}

// timespanUnits are KQL's timespan literal suffixes (the timespan data type
// page, https://learn.microsoft.com/kusto/query/scalar-data-types/timespan:
// d, h, m, s, ms, microsecond, tick, and their long and short names such
// as min and sec), longest first so "ms" is not read as "s".
var timespanUnits = []struct {
	suffix string
	unit   time.Duration
}{
	{"microseconds", time.Microsecond}, {"microsecond", time.Microsecond},
	{"milliseconds", time.Millisecond}, {"millisecond", time.Millisecond},
	{"seconds", time.Second}, {"second", time.Second},
	{"minutes", time.Minute}, {"minute", time.Minute},
	{"hours", time.Hour}, {"hour", time.Hour},
	{"days", 24 * time.Hour}, {"day", 24 * time.Hour},
	{"ticks", 100 * time.Nanosecond}, {"tick", 100 * time.Nanosecond},
	{"millis", time.Millisecond}, {"milli", time.Millisecond},
	{"sec", time.Second}, {"min", time.Minute}, {"hrs", time.Hour}, {"hr", time.Hour},
	{"ms", time.Millisecond},
	{"d", 24 * time.Hour}, {"h", time.Hour}, {"m", time.Minute}, {"s", time.Second},
}

// parseTimespan reads a timespan literal such as 1d, 90m, 1.5h, 100ms.
func parseTimespan(raw string) (time.Duration, bool) {
	s := strings.ToLower(strings.TrimSpace(raw))
	for _, u := range timespanUnits {
		if !strings.HasSuffix(s, u.suffix) {
			continue
		}
		f, err := strconv.ParseFloat(strings.TrimSuffix(s, u.suffix), 64)
		if err != nil {
			return 0, false
		}
		return time.Duration(f * float64(u.unit)), true
	}
	return parseClockTimespan(s)
}

// parseClockTimespan reads timespan(text) in the [d.]hh:mm[:ss[.fff]] form.
func parseClockTimespan(s string) (time.Duration, bool) {
	days := 0
	if i := strings.IndexByte(s, '.'); i >= 0 && i < strings.IndexByte(s+":", ':') {
		n, err := strconv.Atoi(s[:i])
		if err != nil {
			return 0, false
		}
		days, s = n, s[i+1:]
	}
	parts := strings.Split(s, ":")
	if len(parts) < 2 || len(parts) > 3 {
		return 0, false
	}
	var d time.Duration
	units := []time.Duration{time.Hour, time.Minute, time.Second}
	for i, p := range parts {
		f, err := strconv.ParseFloat(p, 64)
		if err != nil {
			return 0, false
		}
		d += time.Duration(f * float64(units[i]))
	}
	return d + time.Duration(days)*24*time.Hour, true
}

// datetimeLayouts are the forms datetime(...) literals take in rules.
var datetimeLayouts = []string{
	time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02T15:04", "2006-01-02 15:04:05.999999999",
	"2006-01-02 15:04:05", "2006-01-02 15:04", "2006-01-02", "2006/01/02 15:04:05", "2006/01/02",
}

func parseDatetime(text string) (time.Time, bool) {
	for _, layout := range datetimeLayouts {
		if t, err := time.Parse(layout, text); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

func (l *lowerer) typedLit(x *kql.TypedLit) Expr {
	pos := at{x.Pos()}
	t := typeOf(x.Type)
	if x.Type == "dynamic" {
		v, ok := l.dynamicValue(x.Value)
		if !ok {
			return nil
		}
		return &Const{at: pos, T: Dynamic, Value: v}
	}
	if strings.EqualFold(x.Text, "null") {
		return &Const{at: pos, T: t}
	}
	switch t {
	case String:
		if x.Type == "guid" {
			return &Const{at: pos, T: String, Value: x.Text}
		}
	case Datetime:
		if v, ok := parseDatetime(x.Text); ok {
			return &Const{at: pos, T: t, Value: v}
		}
	case Timespan:
		if v, ok := parseTimespan(x.Text); ok {
			return &Const{at: pos, T: t, Value: v}
		}
	case Int, Long:
		if v, err := strconv.ParseInt(x.Text, 10, 64); err == nil {
			return &Const{at: pos, T: t, Value: v}
		}
	case Real:
		if v, err := strconv.ParseFloat(x.Text, 64); err == nil {
			return &Const{at: pos, T: t, Value: v}
		}
	case Bool:
		if v, err := strconv.ParseBool(strings.ToLower(x.Text)); err == nil {
			return &Const{at: pos, T: t, Value: v}
		}
	}
	l.unsupported(x.Pos(), "literal %s(%s)", x.Type, x.Text)
	return nil
}

// dynamicValue converts the inside of dynamic(...) to a JSON value as
// encoding/json would decode it.
func (l *lowerer) dynamicValue(x kql.Expr) (any, bool) {
	switch x := x.(type) {
	case *kql.DynamicLit:
		if !x.IsBag {
			arr := []any{}
			for _, e := range x.Elems {
				v, ok := l.dynamicValue(e)
				if !ok {
					return nil, false
				}
				arr = append(arr, v)
			}
			return arr, true
		}
		bag := map[string]any{}
		for i, k := range x.Keys {
			v, ok := l.dynamicValue(x.Vals[i])
			if !ok {
				return nil, false
			}
			bag[k.Value] = v
		}
		return bag, true
	case *kql.BasicLit:
		switch x.Kind {
		case kql.LitString:
			return x.Value, true
		case kql.LitInt, kql.LitReal:
			f, err := strconv.ParseFloat(x.Raw, 64)
			return f, err == nil
		case kql.LitBool:
			return strings.EqualFold(x.Raw, "true"), true
		case kql.LitNull:
			return nil, true
		}
	case *kql.UnaryExpr:
		v, ok := l.dynamicValue(x.X)
		if f, isNum := v.(float64); ok && isNum && x.Op == "-" {
			return -f, true
		}
		return v, ok
	}
	l.unsupported(x.Pos(), "dynamic literal element %s", describe(x))
	return nil, false
}

// dynamicElem turns one element of a dynamic array constant into a typed
// constant, for in (...) lists.
func dynamicElem(v any, pos kql.Pos) Expr {
	a := at{pos}
	switch v := v.(type) {
	case string:
		return &Const{at: a, T: String, Value: v}
	case bool:
		return &Const{at: a, T: Bool, Value: v}
	case float64:
		if v == float64(int64(v)) {
			return &Const{at: a, T: Long, Value: int64(v)}
		}
		return &Const{at: a, T: Real, Value: v}
	case nil:
		return &Const{at: a, T: Dynamic}
	}
	return &Const{at: a, T: Dynamic, Value: v}
}

// negConst folds -c for numeric and timespan constants.
func negConst(c *Const, pos kql.Pos) Expr {
	out := &Const{at: at{pos}, T: c.T}
	switch v := c.Value.(type) {
	case int64:
		out.Value = -v
	case float64:
		out.Value = -v
	case time.Duration:
		out.Value = -v
	}
	return out
}

// jsonText renders a dynamic constant as compact JSON, for printing.
func jsonText(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return "null"
	}
	return string(b)
}
