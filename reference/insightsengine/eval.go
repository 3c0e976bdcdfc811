package insightsengine

import (
	"math"
	"regexp"
	"strings"
	"time"

	"github.com/ruleport/ruleport/reference/logs"
)

// row is one event flowing through the pipeline, or one row that stats
// produced (ev nil). vals holds the fields commands assigned; a nil stored
// there hides a discovered field of the same name.
type row struct {
	ev   *logs.LogEvent
	vals map[string]any
}

func (r *row) set(name string, v any) {
	if r.vals == nil {
		r.vals = map[string]any{}
	}
	r.vals[name] = v
}

// lookup finds the field called exactly name.
func (r *row) lookup(name string) (any, bool) {
	if v, ok := r.vals[name]; ok {
		return v, true
	}
	if r.ev == nil {
		return nil, false
	}
	switch name {
	case "@message":
		return r.ev.Message, true
	case "@timestamp":
		return timeValue(r.ev.Timestamp)
	case "@ingestionTime":
		return timeValue(r.ev.IngestionTime)
	case "@logStream":
		return r.ev.LogStream, true
	case "@log":
		return r.ev.Log, true
	}
	return r.ev.Field(name)
}

func timeValue(t time.Time) (any, bool) {
	if t.IsZero() {
		return nil, false
	}
	return t, true
}

// timestamp is the row's @timestamp, for bin, earliest and latest.
func (r *row) timestamp() (time.Time, bool) {
	v, _ := r.lookup("@timestamp")
	t, ok := v.(time.Time)
	return t, ok
}

// resolve reads a dotted path: the longest prefix that names a field of
// the row is the field, and the remaining segments are member access on
// its value. So requestParameters.instancesSet.items.0.instanceId reads the
// discovered field of that name (when discovery kept it) and m.a.b reads
// member a.b of a map that fields jsonParse(@message) as m stored.
// Guess: a field the query assigned (fields ... as, parse, stats) wins over
// system and discovered fields at any prefix length, so m.eventName means
// the query's m even in a log that has a top-level "m" object: a name the
// query defines should mean what the query says.
func (r *row) resolve(segs []string) any {
	if v, rest, ok := r.longest(segs, func(name string) (any, bool) {
		v, ok := r.vals[name]
		return v, ok
	}); ok {
		return members(v, rest)
	}
	if v, rest, ok := r.longest(segs, r.lookup); ok {
		return members(v, rest)
	}
	return nil
}

func (r *row) longest(segs []string, find func(string) (any, bool)) (any, []string, bool) {
	for k := len(segs); k > 0; k-- {
		name := segs[0]
		if k > 1 {
			name = strings.Join(segs[:k], ".")
		}
		if v, ok := find(name); ok {
			return v, segs[k:], true
		}
	}
	return nil, nil, false
}

func members(v any, keys []string) any {
	for _, k := range keys {
		v = member(v, k)
	}
	return v
}

// member is map.attribute from the Structure types section.
// Guess: on a list only the documented bracket form indexes, so list.0 is
// null; a query that relies on it gets nothing rather than a value
// CloudWatch might not give.
func member(v any, key string) any {
	if j, ok := v.(*jsonValue); ok {
		return j.get(key)
	}
	return nil
}

// index is list[index].
// Guess: an index that is not a whole number in range, or indexing
// anything but a list, is null, as a missing member is.
func index(v, i any) any {
	f, ok := i.(float64)
	if !ok || f != math.Trunc(f) || f < 0 || f > math.MaxInt32 {
		return nil
	}
	switch v := v.(type) {
	case *jsonValue:
		return v.at(int(f))
	case []any:
		if int(f) < len(v) {
			return v[int(f)]
		}
	}
	return nil
}

// elements is the right side of in: a list literal or a list value.
func elements(v any) ([]any, bool) {
	switch v := v.(type) {
	case []any:
		return v, true
	case *jsonValue:
		return v.elems(), !v.isObject()
	}
	return nil, false
}

// evalCtx carries what expressions need beyond the row: the query's time
// range and, while stats emits a group, its aggregate results.
type evalCtx struct {
	opt  Options
	aggs []any
}

func (c *evalCtx) eval(x expr, r *row) any {
	switch x := x.(type) {
	case *numLit:
		return x.v
	case *strLit:
		return x.s
	case *boolLit:
		return x.v
	case *regexLit:
		return x.re
	case *periodLit:
		return period{x.n, x.unit}
	case *parenExpr:
		return c.eval(x.x, r)
	case *listLit:
		list := make([]any, len(x.elems))
		for i, e := range x.elems {
			list[i] = c.eval(e, r)
		}
		return list
	case *fieldRef:
		return r.resolve(x.segs)
	case *memberExpr:
		return member(c.eval(x.x, r), x.key)
	case *indexExpr:
		return index(c.eval(x.x, r), c.eval(x.index, r))
	case *callExpr:
		return c.call(x, r)
	case *unaryExpr:
		return c.unary(x, r)
	case *binaryExpr:
		return c.binary(x, r)
	case *likeExpr:
		return c.like(x, r)
	case *inExpr:
		return c.in(x, r)
	}
	panic("insightsengine: unknown expression")
}

func (c *evalCtx) call(x *callExpr, r *row) any {
	if x.agg != nil {
		return c.aggs[x.slot]
	}
	args := make([]any, len(x.args))
	for i, a := range x.args {
		args[i] = c.eval(a, r)
	}
	return x.fn.call(c, r, args)
}

// unary: "-" needs a number.
// Guess: "not" of a missing value is true: comparisons never return null
// (they "return a Boolean result"), so not works on two values.
func (c *evalCtx) unary(x *unaryExpr, r *row) any {
	v := c.eval(x.x, r)
	if x.op == "not" {
		return !truthy(v)
	}
	if f, ok := toNumber(v); ok {
		return -f
	}
	return nil
}

func (c *evalCtx) binary(x *binaryExpr, r *row) any {
	switch x.op {
	case "and":
		return truthy(c.eval(x.l, r)) && truthy(c.eval(x.r, r))
	case "or":
		return truthy(c.eval(x.l, r)) || truthy(c.eval(x.r, r))
	case "=", "!=", "<", "<=", ">", ">=":
		return compare(x.op, c.eval(x.l, r), c.eval(x.r, r))
	}
	return arith(x.op, c.eval(x.l, r), c.eval(x.r, r))
}

// arith applies + - * / % ^ to numbers ("2 ^ 3 returns 8", "10 % 3
// returns 1").
// Guess: a missing or non-numeric operand gives null, and so does dividing
// by zero: arithmetic "accept[s] numeric data types" and there is no
// number to give.
func arith(op string, a, b any) any {
	x, ok1 := toNumber(a)
	y, ok2 := toNumber(b)
	if !ok1 || !ok2 {
		return nil
	}
	var z float64
	switch op {
	case "+":
		z = x + y
	case "-":
		z = x - y
	case "*":
		z = x * y
	case "/":
		if y == 0 {
			return nil
		}
		z = x / y
	case "%":
		if y == 0 {
			return nil
		}
		z = math.Mod(x, y)
	case "^":
		z = math.Pow(x, y)
	}
	if math.IsNaN(z) || math.IsInf(z, 0) {
		return nil
	}
	return z
}

// like is "x like pat", "x not like pat" and "x =~ pat": a regex in
// slashes matches anywhere in the value, a quoted string is a
// case-sensitive substring (CWL_QuerySyntax-Filter.html).
// Guess: a missing value matches neither like nor not like, as it makes
// every comparison false.
func (c *evalCtx) like(x *likeExpr, r *row) any {
	v := c.eval(x.x, r)
	s, ok := toText(v)
	if !ok {
		return false
	}
	var m bool
	switch pat := c.eval(x.pat, r).(type) {
	case *regexp.Regexp:
		m = pat.MatchString(s)
	case string:
		m = strings.Contains(s, pat)
	}
	return m != x.not
}

// in tests membership with "=" against each element: "in" matches
// complete strings, and the documented [300,400,500] matches text fields.
// The right side may also be a list value from jsonParse.
// Guess: a missing value is in nothing and not in nothing, as it makes
// every comparison false.
func (c *evalCtx) in(x *inExpr, r *row) any {
	v := c.eval(x.x, r)
	list, ok := elements(c.eval(x.list, r))
	if v == nil || !ok {
		return false
	}
	found := false
	for _, e := range list {
		if compare("=", v, e) {
			found = true
			break
		}
	}
	return found != x.not
}
