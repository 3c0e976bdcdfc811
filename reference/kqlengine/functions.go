package kqlengine

import (
	"strings"

	"github.com/ruleport/ruleport/convert/kql"
)

// This file holds the function registry and the conversion, null, and
// conditional functions. String, dynamic and datetime functions live in
// strfuncs.go and dtfuncs.go.

// fnSpec is a scalar function: its argument count and a builder that
// type-checks the compiled arguments and returns the call.
type fnSpec struct {
	min, max int // max < 0: no upper bound
	build    func(c *compiler, x *kql.CallExpr, args []*expr) (*expr, error)
}

var scalarFuncs map[string]fnSpec

func init() {
	scalarFuncs = map[string]fnSpec{
		"tostring":   {1, 1, buildToString},
		"toint":      {1, 1, convertFn(TypeInt, func(v any) any { return optional(toIntValue(v)) })},
		"tolong":     {1, 1, convertFn(TypeLong, func(v any) any { return optional(toLongValue(v)) })},
		"toreal":     {1, 1, convertFn(TypeReal, func(v any) any { return optional(toRealValue(v)) })},
		"todouble":   {1, 1, convertFn(TypeReal, func(v any) any { return optional(toRealValue(v)) })},
		"tobool":     {1, 1, convertFn(TypeBool, func(v any) any { return optional(toBoolValue(v)) })},
		"toboolean":  {1, 1, convertFn(TypeBool, func(v any) any { return optional(toBoolValue(v)) })},
		"todatetime": {1, 1, buildToDatetime},
		"totimespan": {1, 1, buildToTimespan},
		"toguid":     {1, 1, buildToGuid},
		"parse_json": {1, 1, buildParseJSON},
		"parsejson":  {1, 1, buildParseJSON},
		"todynamic":  {1, 1, buildParseJSON},
		"toobject":   {1, 1, buildParseJSON},
		"isempty":    {1, 1, buildIsEmpty(false)},
		"isnotempty": {1, 1, buildIsEmpty(true)},
		"isnull":     {1, 1, buildIsNull(false)},
		"isnotnull":  {1, 1, buildIsNull(true)},
		"coalesce":   {2, 64, buildCoalesce},
		"iff":        {3, 3, buildIff},
		"iif":        {3, 3, buildIff},
		"case":       {3, -1, buildCase},
		"not":        {1, 1, buildNot},
	}
	for name, spec := range stringFuncs {
		scalarFuncs[name] = spec
	}
	for name, spec := range datetimeFuncs {
		scalarFuncs[name] = spec
	}
}

// optional turns a (value, ok) pair into a value or null.
func optional[T any](v T, ok bool) any {
	if !ok {
		return nil
	}
	return v
}

// call compiles a function call.
func (c *compiler) call(x *kql.CallExpr) (*expr, error) {
	name := x.Fun.Name
	if _, ok := aggFuncs[name]; ok {
		if c.aggs == nil {
			return nil, errorf(x.Pos(), "aggregation function %s() is only allowed in summarize", name)
		}
		return c.aggs(x)
	}
	switch name {
	case "toscalar":
		return c.toscalar(x)
	case "materialize":
		return nil, errorf(x.Pos(), "materialize() returns a table, not a scalar")
	}
	spec, ok := scalarFuncs[name]
	if !ok {
		return nil, unsupportedf(x.Pos(), "function %s()", name)
	}
	if len(x.Args) < spec.min || (spec.max >= 0 && len(x.Args) > spec.max) {
		return nil, errorf(x.Pos(), "%s() takes %s, not %d", name, argCount(spec), len(x.Args))
	}
	args := make([]*expr, len(x.Args))
	for i, a := range x.Args {
		e, err := c.expr(a)
		if err != nil {
			return nil, err
		}
		args[i] = e
	}
	out, err := spec.build(c, x, args)
	if err != nil {
		return nil, err
	}
	if len(args) > 0 && (out == args[0] || out == args[len(args)-1]) {
		k := *out // a builder that returned an argument as-is must not rename it
		out = &k
	}
	out.name = resultName(name, args)
	return out, nil
}

// firstArgNamed are the functions whose result column takes the name of
// their first argument's column, and prefixNamed those whose name is
// prefix_argument: the names Microsoft's Kusto.Language binder gives them
// (tools/node/kusto-check.js: "T | project tostring(s)" outputs column s,
// "T | project strlen(s)" outputs strlen_s, "T | project tolower(s)"
// outputs Column1). Other calls get ColumnN.
var (
	firstArgNamed = map[string]bool{
		"tostring": true, "toint": true, "tolong": true, "toreal": true, "todouble": true,
		"tobool": true, "toboolean": true, "todatetime": true, "totimespan": true, "toguid": true,
		"parse_json": true, "parsejson": true, "todynamic": true, "toobject": true,
		"split": true, "bin": true, "floor": true, "startofday": true, "abs": true,
	}
	prefixNamed = map[string]bool{"strlen": true}
)

func resultName(fn string, args []*expr) string {
	if len(args) == 0 {
		return ""
	}
	switch {
	case firstArgNamed[fn]:
		return args[0].name
	case prefixNamed[fn] && args[0].name != "":
		return fn + "_" + args[0].name
	}
	return ""
}

func argCount(s fnSpec) string {
	switch {
	case s.min == s.max && s.min == 1:
		return "1 argument"
	case s.min == s.max:
		return itoa(s.min) + " arguments"
	case s.max < 0:
		return "at least " + itoa(s.min) + " arguments"
	}
	return itoa(s.min) + " to " + itoa(s.max) + " arguments"
}

// toscalar evaluates a tabular expression now and returns the first
// column of its first row, or null when it has no rows
// (https://learn.microsoft.com/kusto/query/toscalar-function).
func (c *compiler) toscalar(x *kql.CallExpr) (*expr, error) {
	if len(x.Args) != 1 {
		return nil, errorf(x.Pos(), "toscalar() takes 1 argument")
	}
	if !c.e.isTabular(x.Args[0], c.sc) {
		return c.expr(x.Args[0])
	}
	rel, err := c.e.tabular(x.Args[0], c.sc)
	if err != nil {
		return nil, err
	}
	if len(rel.cols) == 0 {
		return nil, errorf(x.Pos(), "toscalar() of a table without columns")
	}
	row, err := rel.next()
	if err != nil {
		return nil, err
	}
	if row == nil {
		return constant(rel.cols[0].Type, zeroOf(rel.cols[0].Type)), nil
	}
	return constant(rel.cols[0].Type, row[0]), nil
}

// unary builds a one-argument function of result type t.
func (c *compiler) unaryFn(x *kql.CallExpr, t Type, a *expr, f func(any) any) (*expr, error) {
	return c.derive(x.Pos(), t, func(r []any) any { return f(a.eval(r)) }, a)
}

// convertible reports whether the to*() conversions accept type t. They
// read numbers, strings, booleans and dynamic values; datetime, timespan
// and guid inputs (ticks, in Kusto) are not implemented.
func convertible(t Type) bool {
	switch t {
	case TypeBool, TypeInt, TypeLong, TypeReal, TypeString, TypeDynamic:
		return true
	}
	return false
}

func convertFn(t Type, f func(any) any) func(*compiler, *kql.CallExpr, []*expr) (*expr, error) {
	return func(c *compiler, x *kql.CallExpr, args []*expr) (*expr, error) {
		if !convertible(args[0].t) {
			return nil, unsupportedf(x.Pos(), "%s() of a %s value", x.Fun.Name, args[0].t)
		}
		return c.unaryFn(x, t, args[0], f)
	}
}

func buildToString(c *compiler, x *kql.CallExpr, args []*expr) (*expr, error) {
	return c.unaryFn(x, TypeString, args[0], func(v any) any { return toStringValue(v) })
}

func buildToDatetime(c *compiler, x *kql.CallExpr, args []*expr) (*expr, error) {
	switch args[0].t {
	case TypeDatetime, TypeString, TypeDynamic:
	default:
		return nil, unsupportedf(x.Pos(), "todatetime() of a %s value", args[0].t)
	}
	return c.unaryFn(x, TypeDatetime, args[0], func(v any) any { return optional(toDatetimeValue(v)) })
}

func buildToTimespan(c *compiler, x *kql.CallExpr, args []*expr) (*expr, error) {
	switch args[0].t {
	case TypeTimespan, TypeString, TypeDynamic:
	default:
		return nil, unsupportedf(x.Pos(), "totimespan() of a %s value", args[0].t)
	}
	return c.unaryFn(x, TypeTimespan, args[0], func(v any) any { return optional(toTimespanValue(v)) })
}

func buildToGuid(c *compiler, x *kql.CallExpr, args []*expr) (*expr, error) {
	switch args[0].t {
	case TypeGuid, TypeString, TypeDynamic:
	default:
		return nil, errorf(x.Pos(), "toguid() of a %s value", args[0].t)
	}
	return c.unaryFn(x, TypeGuid, args[0], func(v any) any {
		s, ok := v.(string)
		if !ok {
			return nil
		}
		return optional(parseGuid(s))
	})
}

// buildParseJSON is parse_json() and its aliases: a string is parsed; text
// that is not valid JSON becomes a dynamic string; "" is null; a dynamic
// argument is used as-is (https://learn.microsoft.com/kusto/query/parse-json-function,
// ARCHITECTURE.md Decisions).
func buildParseJSON(c *compiler, x *kql.CallExpr, args []*expr) (*expr, error) {
	a := args[0]
	switch a.t {
	case TypeDynamic:
		return a, nil
	case TypeString:
	default:
		return nil, errorf(x.Pos(), "%s() needs a string, not %s", x.Fun.Name, a.t)
	}
	cache := &c.e.json
	return c.unaryFn(x, TypeDynamic, a, func(v any) any { return cache.parse(v.(string)) })
}

// jsonCache remembers the last few parse_json results: the seed rule
// parses the same ResponseElements text five times per row, and dynamic
// values are never modified, so sharing them is safe.
type jsonCache struct {
	keys [4]string
	vals [4]any
	next int
}

func (j *jsonCache) parse(s string) any {
	if s == "" {
		return nil
	}
	for i := range j.keys {
		if j.keys[i] == s && len(s) > 0 {
			return j.vals[i]
		}
	}
	v, ok := parseJSON(s)
	if !ok {
		v = s // not JSON: a dynamic string
	}
	j.keys[j.next], j.vals[j.next] = s, v
	j.next = (j.next + 1) % len(j.keys)
	return v
}

// buildIsEmpty is isempty()/isnotempty(): true for "" and null; a
// dynamic value is empty when null or an empty string, not when it is an
// empty array or bag (the doc's table: parsejson("[]") is not empty,
// https://learn.microsoft.com/kusto/query/isempty-function).
func buildIsEmpty(negate bool) func(*compiler, *kql.CallExpr, []*expr) (*expr, error) {
	return func(c *compiler, x *kql.CallExpr, args []*expr) (*expr, error) {
		return c.unaryFn(x, TypeBool, args[0], func(v any) any {
			empty := v == nil || v == ""
			return empty != negate
		})
	}
}

// buildIsNull is isnull()/isnotnull(); a string is never null.
func buildIsNull(negate bool) func(*compiler, *kql.CallExpr, []*expr) (*expr, error) {
	return func(c *compiler, x *kql.CallExpr, args []*expr) (*expr, error) {
		return c.unaryFn(x, TypeBool, args[0], func(v any) any { return (v == nil) != negate })
	}
}

// commonType is the type two branches of iff, case or coalesce share:
// equal types, or numbers widened (int < long < real).
func commonType(a, b Type) (Type, bool) {
	switch {
	case a == b:
		return a, true
	case a.numeric() && b.numeric():
		if a == TypeReal || b == TypeReal {
			return TypeReal, true
		}
		return TypeLong, true
	case a == TypeString && b == TypeDynamic, a == TypeDynamic && b == TypeString:
		return TypeString, true
	}
	return TypeInvalid, false
}

// widen converts a branch value to the branches' common type t: numbers
// widen; a dynamic value becomes a string with tostring() when the other
// branches are strings (Kusto.Language types iff(p, dynamicValue, "x") as
// string).
func widen(v any, t Type) any {
	switch t {
	case TypeLong:
		if i, ok := v.(int32); ok {
			return int64(i)
		}
	case TypeReal:
		switch n := v.(type) {
		case int32:
			return float64(n)
		case int64:
			return float64(n)
		}
	case TypeString:
		if _, ok := v.(string); !ok {
			return toStringValue(v)
		}
	}
	return v
}

// branches checks that vals share a type and returns it. Branches of
// other types Kusto.Language accepts too (iff(p, 1, "x") is dynamic to
// it), with conversions it does not document: not implemented.
func branches(x *kql.CallExpr, vals []*expr) (Type, error) {
	t := vals[0].t
	for _, v := range vals[1:] {
		u, ok := commonType(t, v.t)
		if !ok {
			return TypeInvalid, unsupportedf(x.Pos(), "%s() with branches of types %s and %s", x.Fun.Name, t, v.t)
		}
		t = u
	}
	return t, nil
}

// buildIff is iff()/iif(): the second argument when the predicate is
// true, else the third (a null predicate is not true)
// (https://learn.microsoft.com/kusto/query/iff-function).
func buildIff(c *compiler, x *kql.CallExpr, args []*expr) (*expr, error) {
	p, a, b := args[0], args[1], args[2]
	if p.t != TypeBool {
		return nil, errorf(x.Args[0].Pos(), "%s() needs a bool predicate, not %s", x.Fun.Name, p.t)
	}
	t, err := branches(x, args[1:])
	if err != nil {
		return nil, err
	}
	eval := func(r []any) any {
		if p.eval(r) == true {
			return widen(a.eval(r), t)
		}
		return widen(b.eval(r), t)
	}
	return c.derive(x.Pos(), t, eval, args...)
}

// buildCase is case(p1, v1, p2, v2, ..., else): the value of the first
// true predicate, else the last argument
// (https://learn.microsoft.com/kusto/query/case-function).
func buildCase(c *compiler, x *kql.CallExpr, args []*expr) (*expr, error) {
	if len(args)%2 == 0 {
		return nil, errorf(x.Pos(), "case() takes predicate/value pairs and an else value")
	}
	var vals []*expr
	for i := 0; i+1 < len(args); i += 2 {
		if args[i].t != TypeBool {
			return nil, errorf(x.Args[i].Pos(), "case(): predicate of type %s", args[i].t)
		}
		vals = append(vals, args[i+1])
	}
	vals = append(vals, args[len(args)-1])
	t, err := branches(x, vals)
	if err != nil {
		return nil, err
	}
	eval := func(r []any) any {
		for i := 0; i+1 < len(args); i += 2 {
			if args[i].eval(r) == true {
				return widen(args[i+1].eval(r), t)
			}
		}
		return widen(args[len(args)-1].eval(r), t)
	}
	return c.derive(x.Pos(), t, eval, args...)
}

// buildCoalesce is coalesce(): the first argument that is not null (for
// strings, not empty) (https://learn.microsoft.com/kusto/query/coalesce-function).
func buildCoalesce(c *compiler, x *kql.CallExpr, args []*expr) (*expr, error) {
	for _, a := range args[1:] {
		if a.t != args[0].t && !(a.t.numeric() && args[0].t.numeric()) {
			// Kusto.Language: "The expression must have the type ..."
			return nil, errorf(x.Pos(), "coalesce() of %s and %s", args[0].t, a.t)
		}
	}
	t, err := branches(x, args)
	if err != nil {
		return nil, err
	}
	eval := func(r []any) any {
		for _, a := range args {
			if v := a.eval(r); v != nil && v != "" {
				return widen(v, t)
			}
		}
		return zeroOf(t)
	}
	return c.derive(x.Pos(), t, eval, args...)
}

func buildNot(c *compiler, x *kql.CallExpr, args []*expr) (*expr, error) {
	if args[0].t != TypeBool {
		return nil, errorf(x.Pos(), "not() needs a bool, not %s", args[0].t)
	}
	return c.unaryFn(x, TypeBool, args[0], not3)
}

// checkTypes verifies argument types: want[i] lists what argument i may be.
func checkTypes(x *kql.CallExpr, args []*expr, want ...[]Type) error {
	for i, a := range args {
		if i >= len(want) {
			break
		}
		if want[i] == nil {
			continue // any type
		}
		ok := false
		for _, t := range want[i] {
			if a.t == t {
				ok = true
			}
		}
		if !ok {
			names := make([]string, len(want[i]))
			for j, t := range want[i] {
				names[j] = t.String()
			}
			return errorf(x.Args[i].Pos(), "%s(): argument %d is %s, want %s", x.Fun.Name, i+1, a.t, strings.Join(names, " or "))
		}
	}
	return nil
}

var (
	anyString = []Type{TypeString, TypeDynamic}
	anyInt    = []Type{TypeInt, TypeLong}
	anyNumber = []Type{TypeInt, TypeLong, TypeReal}
	anyTime   = []Type{TypeDatetime}
	anySpan   = []Type{TypeTimespan}
)
