package kqlengine

import (
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/ruleport/ruleport/reference/alerts"
)

// This file holds the conversion functions (tostring, toint, tolong,
// toreal, tobool, todatetime, totimespan) and the text forms of values.

// formatReal prints a real the way .NET's shortest round-trip formatting
// does, which is what Kusto shows: 118.0 prints as 118 (the parse_json
// doc's example output, https://learn.microsoft.com/kusto/query/parse-json-function),
// exponents from 1E+15 up and below 1E-05 ("E", a sign, two digits at
// least). The exponent thresholds are .NET's, unverified against Kusto.
func formatReal(f float64) string {
	switch {
	case math.IsNaN(f):
		return "NaN"
	case math.IsInf(f, 1):
		return "Infinity"
	case math.IsInf(f, -1):
		return "-Infinity"
	}
	e := strconv.FormatFloat(f, 'e', -1, 64) // d.ddde±XX
	mant, exp, _ := strings.Cut(e, "e")
	n, _ := strconv.Atoi(exp)
	if n >= -5 && n < 15 {
		return strconv.FormatFloat(f, 'f', -1, 64)
	}
	sign := "+"
	if n < 0 {
		sign, n = "-", -n
	}
	digits := strconv.Itoa(n)
	if len(digits) < 2 {
		digits = "0" + digits
	}
	return mant + "E" + sign + digits
}

// formatDatetime prints a datetime as ISO 8601 with seven fraction digits
// (Kusto's 100 ns ticks) and a Z. No Microsoft page shows tostring of a
// datetime; this is .NET's round-trip ("o") form for UTC, unverified.
func formatDatetime(t time.Time) string {
	return t.UTC().Format("2006-01-02T15:04:05.0000000Z")
}

// formatTimespan prints [-][d.]hh:mm:ss[.fffffff], the timespan text form
// (https://learn.microsoft.com/kusto/query/scalar-data-types/timespan).
func formatTimespan(d time.Duration) string { return alerts.FormatTimespan(d) }

// toStringValue is tostring(): null is "", a dynamic string is its
// content without quotes, other dynamic values are compact JSON
// (https://learn.microsoft.com/kusto/query/tostring-function: "If value is
// null, the result is an empty string"). Booleans print as true/false.
func toStringValue(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case bool:
		return strconv.FormatBool(x)
	case int32:
		return strconv.FormatInt(int64(x), 10)
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		return formatReal(x)
	case time.Time:
		return formatDatetime(x)
	case time.Duration:
		return formatTimespan(x)
	}
	return dynamicJSON(v)
}

// parseNumber reads a decimal number as Kusto's conversions do: optional
// sign, digits with an optional fraction, optional exponent, surrounding
// spaces ignored. It reports whether the text is an integer (no fraction or
// exponent) and, if so, its exact value.
func parseNumber(s string) (f float64, i int64, isInt, ok bool) {
	// White space as .NET's NumberStyles.AllowLeadingWhite and
	// AllowTrailingWhite take it: U+0009..U+000D and space, not Unicode's
	// other spaces (ARCHITECTURE.md Decisions, toint).
	s = strings.Trim(s, "\t\n\v\f\r ")
	if !isDecimal(s) {
		return 0, 0, false, false
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return float64(n), n, true, true
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil && !isRangeErr(err) {
		return 0, 0, false, false
	}
	return f, 0, false, true
}

// isDecimal matches [+-]?(d+(.d*)?|.d+)([eE][+-]?d+)?, which keeps out the
// hex, infinity and underscore forms Go's parser would otherwise accept.
func isDecimal(s string) bool {
	i := 0
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		i++
	}
	digits := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
		digits++
	}
	if i < len(s) && s[i] == '.' {
		i++
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
			digits++
		}
	}
	if digits == 0 {
		return false
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		exp := 0
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
			exp++
		}
		if exp == 0 {
			return false
		}
	}
	return i == len(s)
}

// toLongValue converts to a 64-bit integer, or null. Reals truncate toward
// zero (toint: "If the input includes a decimal value, the result truncate
// to only the integer portion", https://learn.microsoft.com/kusto/query/toint-function);
// strings are parsed as numbers and then converted the same way
// (ARCHITECTURE.md Decisions); booleans are 1 and 0; bags, arrays and
// anything out of range are null.
func toLongValue(v any) (int64, bool) {
	switch x := v.(type) {
	case bool:
		if x {
			return 1, true
		}
		return 0, true
	case int32:
		return int64(x), true
	case int64:
		return x, true
	case float64:
		return truncToLong(x)
	case string:
		f, i, isInt, ok := parseNumber(x)
		if !ok {
			return 0, false
		}
		if isInt {
			return i, true
		}
		return truncToLong(f)
	}
	return 0, false
}

func truncToLong(f float64) (int64, bool) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, false
	}
	t := math.Trunc(f)
	if t < -9223372036854775808.0 || t >= 9223372036854775808.0 {
		return 0, false
	}
	return int64(t), true
}

// toIntValue is toint(): toLongValue, then null unless the result fits in
// 32 bits (ARCHITECTURE.md Decisions, "toint").
func toIntValue(v any) (int32, bool) {
	n, ok := toLongValue(v)
	if !ok || n < math.MinInt32 || n > math.MaxInt32 {
		return 0, false
	}
	return int32(n), true
}

// toRealValue is todouble()/toreal(): numbers widen, numeric strings parse,
// booleans are 1 and 0, everything else is null.
func toRealValue(v any) (float64, bool) {
	switch x := v.(type) {
	case bool:
		if x {
			return 1, true
		}
		return 0, true
	case int32:
		return float64(x), true
	case int64:
		return float64(x), true
	case float64:
		return x, true
	case string:
		f, _, _, ok := parseNumber(x)
		return f, ok
	}
	return 0, false
}

// toBoolValue is tobool(): "true"/"false" in any case, and numbers, where
// any non-zero value is true (the doc's examples: tobool(1) == true,
// tobool(123) == true, https://learn.microsoft.com/kusto/query/tobool-function).
func toBoolValue(v any) (bool, bool) {
	switch x := v.(type) {
	case bool:
		return x, true
	case int32:
		return x != 0, true
	case int64:
		return x != 0, true
	case float64:
		if math.IsNaN(x) {
			return false, false
		}
		return x != 0, true
	case string:
		switch strings.ToLower(strings.TrimSpace(x)) {
		case "true":
			return true, true
		case "false":
			return false, true
		}
		if n, _, _, ok := parseNumber(x); ok {
			return n != 0, true
		}
	}
	return false, false
}

// toDatetimeValue is todatetime(): datetimes pass, strings in the ISO 8601
// forms of the datetime page parse (https://learn.microsoft.com/kusto/query/scalar-data-types/datetime),
// anything else is null. The RFC 822/850 forms that page also lists are not
// read: such a string gives null.
func toDatetimeValue(v any) (time.Time, bool) {
	switch x := v.(type) {
	case time.Time:
		return x, true
	case string:
		return parseDatetime(x)
	}
	return time.Time{}, false
}

// isoLayouts are the ISO 8601 forms of the datetime page, each with and
// without a time zone designator.
var isoLayouts = []string{
	"2006-01-02T15:04:05.999999999Z07:00",
	"2006-01-02T15:04:05.999999999",
	"2006-01-02T15:04Z07:00",
	"2006-01-02T15:04",
	"2006-01-02 15:04:05.999999999Z07:00",
	"2006-01-02 15:04:05.999999999",
	"2006-01-02 15:04Z07:00",
	"2006-01-02 15:04",
	"2006-01-02",
}

// parseDatetime reads the ISO 8601 forms as UTC (a zone designator, if
// any, is applied), truncated to Kusto's 100 ns ticks.
func parseDatetime(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	for _, layout := range isoLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return ticks(t), true
		}
	}
	return time.Time{}, false
}

// ticks truncates t to Kusto's resolution of 100 ns, in UTC.
func ticks(t time.Time) time.Time { return t.UTC().Truncate(100) }

// toTimespanValue is totimespan(): timespans pass; strings in the
// [-][d.]hh:mm[:ss[.fffffff]] form or a timespan literal such as "1d"
// parse; anything else is null.
func toTimespanValue(v any) (time.Duration, bool) {
	switch x := v.(type) {
	case time.Duration:
		return x, true
	case string:
		if d, ok := parseTimespanClock(x); ok {
			return d, true
		}
		return parseTimespanLiteral(x)
	}
	return 0, false
}

// timespanUnits maps the suffixes of timespan literals to their length
// (https://learn.microsoft.com/kusto/query/scalar-data-types/timespan).
var timespanUnits = map[string]time.Duration{
	"d": 24 * time.Hour, "day": 24 * time.Hour, "days": 24 * time.Hour,
	"h": time.Hour, "hr": time.Hour, "hrs": time.Hour, "hour": time.Hour, "hours": time.Hour,
	"m": time.Minute, "min": time.Minute, "minute": time.Minute, "minutes": time.Minute,
	"s": time.Second, "sec": time.Second, "second": time.Second, "seconds": time.Second,
	"ms": time.Millisecond, "milli": time.Millisecond, "millis": time.Millisecond,
	"millisec": time.Millisecond, "millisecond": time.Millisecond, "milliseconds": time.Millisecond,
	"microsec": time.Microsecond, "microsecond": time.Microsecond, "microseconds": time.Microsecond,
	"tick": 100, "ticks": 100,
}

// parseTimespanLiteral reads a number followed by a unit: 1d, 1.5h, 30min.
func parseTimespanLiteral(s string) (time.Duration, bool) {
	s = strings.TrimSpace(s)
	i := 0
	for i < len(s) && (s[i] == '.' || s[i] == '-' || s[i] == '+' || (s[i] >= '0' && s[i] <= '9')) {
		i++
	}
	unit, ok := timespanUnits[strings.ToLower(s[i:])]
	if !ok || i == 0 {
		return 0, false
	}
	if n, err := strconv.ParseInt(s[:i], 10, 64); err == nil {
		if n > math.MaxInt64/int64(unit) || n < math.MinInt64/int64(unit) {
			return 0, false
		}
		return time.Duration(n) * unit, true
	}
	f, err := strconv.ParseFloat(s[:i], 64)
	if err != nil || math.IsInf(f*float64(unit), 0) || math.Abs(f*float64(unit)) > math.MaxInt64 {
		return 0, false
	}
	return time.Duration(math.Round(f*float64(unit)/100) * 100), true
}

// parseTimespanClock reads [-][d.]hh:mm[:ss[.fffffff]].
func parseTimespanClock(s string) (time.Duration, bool) {
	s = strings.TrimSpace(s)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var days int64
	if dot, colon := strings.IndexByte(s, '.'), strings.IndexByte(s, ':'); dot >= 0 && colon > dot {
		n, err := strconv.ParseInt(s[:dot], 10, 64)
		if err != nil || n < 0 || n > 100000 {
			return 0, false
		}
		days, s = n, s[dot+1:]
	}
	parts := strings.Split(s, ":")
	if len(parts) < 2 || len(parts) > 3 {
		return 0, false
	}
	h, err1 := strconv.Atoi(parts[0])
	m, err2 := strconv.Atoi(parts[1])
	if err1 != nil || err2 != nil || h < 0 || h > 23 || m < 0 || m > 59 {
		return 0, false
	}
	d := time.Duration(days)*24*time.Hour + time.Duration(h)*time.Hour + time.Duration(m)*time.Minute
	if len(parts) == 3 {
		sec, frac, _ := strings.Cut(parts[2], ".")
		n, err := strconv.Atoi(sec)
		if err != nil || n < 0 || n > 59 || len(frac) > 7 || strings.Trim(frac, "0123456789") != "" {
			return 0, false
		}
		d += time.Duration(n) * time.Second
		if frac != "" {
			f, _ := strconv.Atoi((frac + "0000000")[:7])
			d += time.Duration(f) * 100
		}
	}
	if neg {
		d = -d
	}
	return d, true
}

// parseGuid reads the 8-4-4-4-12 hex form (braces or parentheses allowed)
// and returns it in lower case.
func parseGuid(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if len(s) == 38 && (s[0] == '{' && s[37] == '}' || s[0] == '(' && s[37] == ')') {
		s = s[1:37]
	}
	if len(s) != 36 {
		return "", false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if i == 8 || i == 13 || i == 18 || i == 23 {
			if c != '-' {
				return "", false
			}
			continue
		}
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
			return "", false
		}
	}
	return strings.ToLower(s), true
}
