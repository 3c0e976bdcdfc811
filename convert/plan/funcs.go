package plan

import (
	"strings"

	"github.com/ruleport/ruleport/convert/kql"
)

// call lowers a scalar function call.
func (l *lowerer) call(x *kql.CallExpr, sc *scope) Expr {
	name := x.Fun.Name
	if _, isAgg := aggFuncs[name]; isAgg {
		l.errorf(x.Pos(), kql.ErrSemantic, "aggregate function %s used outside summarize", name)
		return nil
	}
	f, ok := scalarFuncs[name]
	if b, isLet := l.lets[name]; isLet && b.isFunc {
		l.unsupported(x.Pos(), "user-defined function %s", name)
		return nil
	}
	if !ok {
		l.unsupported(x.Pos(), "function %s", name)
		return nil
	}
	if n := len(x.Args); n < f.min || n > f.max {
		l.errorf(x.Pos(), kql.ErrSemantic, "%s takes %s, found %d", name, argCount([2]int{f.min, f.max}), n)
		return nil
	}
	return f.lower(l, x, sc)
}

// scalarFunc is how the plan lowers one KQL function.
type scalarFunc struct {
	min, max int
	lower    func(l *lowerer, x *kql.CallExpr, sc *scope) Expr
}

var scalarFuncs map[string]scalarFunc

func init() {
	scalarFuncs = map[string]scalarFunc{
		"tostring":       {1, 1, lowerToString},
		"toint":          {1, 1, lowerToInt(32)},
		"tolong":         {1, 1, lowerToInt(64)},
		"toreal":         {1, 1, lowerToReal},
		"todouble":       {1, 1, lowerToReal},
		"parse_json":     {1, 1, lowerParseJSON},
		"todynamic":      {1, 1, lowerParseJSON},
		"isempty":        {1, 1, lowerIsEmpty(false)},
		"isnotempty":     {1, 1, lowerIsEmpty(true)},
		"isnull":         {1, 1, lowerIsNull(false)},
		"isnotnull":      {1, 1, lowerIsNull(true)},
		"iff":            {3, 3, lowerCase},
		"iif":            {3, 3, lowerCase},
		"case":           {3, 1 << 20, lowerCase},
		"not":            {1, 1, lowerNot},
		"split":          {2, 3, lowerSplit},
		"datetime_diff":  {3, 3, lowerDatetimeDiff},
		"ago":            {1, 1, lowerAgo},
		"now":            {0, 1, lowerNow},
		"tolower":        {1, 1, stringCall("tolower", String)},
		"toupper":        {1, 1, stringCall("toupper", String)},
		"strlen":         {1, 1, stringCall("strlen", Long)},
		"strcat":         {1, 64, stringCall("strcat", String)},
		"replace_string": {3, 3, stringCall("replace_string", String)},
		"indexof":        {2, 2, stringCall("indexof", Long)},
		"indexof_regex":  {2, 2, lowerIndexOfRegex},
		"substring":      {2, 3, lowerSubstring},
		"startofday":     {1, 1, lowerStartOfDay},
		"bin":            {2, 2, lowerBin},
		"floor":          {2, 2, lowerBin},
		"array_length":   {1, 1, lowerArrayLength},
		"pack":           {2, 1 << 20, lowerPack},
		"bag_pack":       {2, 1 << 20, lowerPack},
		"pack_array":     {1, 1 << 20, lowerPackArray},
	}
}

// args lowers every argument; nil if any failed.
func (l *lowerer) args(x *kql.CallExpr, sc *scope) []Expr {
	out := make([]Expr, len(x.Args))
	ok := true
	for i, a := range x.Args {
		out[i] = l.expr(a, sc)
		ok = ok && out[i] != nil
	}
	if !ok {
		return nil
	}
	return out
}

func lowerToString(l *lowerer, x *kql.CallExpr, sc *scope) Expr {
	e := l.expr(x.Args[0], sc)
	if e == nil {
		return nil
	}
	switch e.Type() {
	case String:
		return e
	case Dynamic, Int, Long, Bool:
		return &ToString{at: at{x.Pos()}, X: e}
	}
	l.unsupported(x.Pos(), "tostring of a %s value", e.Type())
	return nil
}

func lowerToInt(bits int) func(*lowerer, *kql.CallExpr, *scope) Expr {
	return func(l *lowerer, x *kql.CallExpr, sc *scope) Expr {
		e := l.expr(x.Args[0], sc)
		if e == nil {
			return nil
		}
		switch e.Type() {
		case Int:
			if bits == 32 {
				return e
			}
		case Long:
			if bits == 64 {
				return e
			}
		case String, Dynamic, Real, Bool:
		default:
			l.unsupported(x.Pos(), "%s of a %s value", x.Fun.Name, e.Type())
			return nil
		}
		return &ToInt{at: at{x.Pos()}, X: e, Bits: bits}
	}
}

func lowerToReal(l *lowerer, x *kql.CallExpr, sc *scope) Expr {
	e := l.expr(x.Args[0], sc)
	if e == nil {
		return nil
	}
	switch e.Type() {
	case Real:
		return e
	case String, Dynamic, Int, Long:
		return &ToReal{at: at{x.Pos()}, X: e}
	}
	l.unsupported(x.Pos(), "%s of a %s value", x.Fun.Name, e.Type())
	return nil
}

func lowerParseJSON(l *lowerer, x *kql.CallExpr, sc *scope) Expr {
	e := l.expr(x.Args[0], sc)
	if e == nil {
		return nil
	}
	switch e.Type() {
	case Dynamic:
		return e
	case String:
		return &ParseJSON{at: at{x.Pos()}, X: e}
	}
	l.unsupported(x.Pos(), "%s of a %s value", x.Fun.Name, e.Type())
	return nil
}

// lowerIsEmpty is isempty and isnotempty: for strings, "" (IsEmptyString);
// for a dynamic value, null or "" (its text is empty); for other types,
// null.
func lowerIsEmpty(negate bool) func(*lowerer, *kql.CallExpr, *scope) Expr {
	return func(l *lowerer, x *kql.CallExpr, sc *scope) Expr {
		e := l.expr(x.Args[0], sc)
		if e == nil {
			return nil
		}
		var out Expr
		switch e.Type() {
		case String:
			out = &IsEmptyString{at: at{x.Pos()}, X: e}
		case Dynamic:
			out = &IsEmptyString{at: at{x.Pos()}, X: &ToString{at: at{x.Pos()}, X: e}}
		default:
			out = &IsNull{at: at{x.Pos()}, X: e}
		}
		if negate {
			out = &Not{at: at{x.Pos()}, X: out}
		}
		return out
	}
}

// lowerIsNull is isnull and isnotnull. A string is never null in KQL, so
// isnull of a string is false.
func lowerIsNull(negate bool) func(*lowerer, *kql.CallExpr, *scope) Expr {
	return func(l *lowerer, x *kql.CallExpr, sc *scope) Expr {
		e := l.expr(x.Args[0], sc)
		if e == nil {
			return nil
		}
		if e.Type() == String {
			return &Const{at: at{x.Pos()}, T: Bool, Value: negate}
		}
		var out Expr = &IsNull{at: at{x.Pos()}, X: e}
		if negate {
			out = &Not{at: at{x.Pos()}, X: out}
		}
		return out
	}
}

func lowerNot(l *lowerer, x *kql.CallExpr, sc *scope) Expr {
	e := l.boolExpr(x.Args[0], sc)
	if e == nil {
		return nil
	}
	return &Not{at: at{x.Pos()}, X: e}
}

// lowerCase is iff, iif and case: predicates, then values of one type (a
// typed null takes the others' type; ints and longs widen to long, mixed
// with reals to real).
func lowerCase(l *lowerer, x *kql.CallExpr, sc *scope) Expr {
	if len(x.Args)%2 == 0 {
		l.errorf(x.Pos(), kql.ErrSemantic, "%s takes pairs of predicate and value, then a default value", x.Fun.Name)
		return nil
	}
	c := &Case{at: at{x.Pos()}}
	var vals []Expr
	for i := 0; i+1 < len(x.Args); i += 2 {
		cond := l.boolExpr(x.Args[i], sc)
		val := l.expr(x.Args[i+1], sc)
		if cond == nil || val == nil {
			return nil
		}
		c.Whens = append(c.Whens, When{Cond: cond, Then: val})
		vals = append(vals, val)
	}
	if c.Else = l.expr(x.Args[len(x.Args)-1], sc); c.Else == nil {
		return nil
	}
	vals = append(vals, c.Else)
	t := Unknown
	for _, v := range vals {
		t = unify(t, v)
		if t == Unknown {
			l.errorf(v.Pos(), kql.ErrSemantic, "%s values must have one type, found %s", x.Fun.Name, typeList(vals))
			return nil
		}
	}
	c.T = t
	return c
}

// unify is the common type of t (Unknown at first) and v's type.
func unify(t Type, v Expr) Type {
	vt := v.Type()
	if c, ok := v.(*Const); ok && c.Value == nil && t != Unknown {
		return t // a typed null fits anywhere
	}
	switch {
	case t == Unknown || t == vt:
		return vt
	case t.IsNumeric() && vt.IsNumeric():
		if t == Real || vt == Real {
			return Real
		}
		return Long
	}
	return Unknown
}

func typeList(vals []Expr) string {
	names := make([]string, len(vals))
	for i, v := range vals {
		names[i] = v.Type().String()
	}
	return strings.Join(names, ", ")
}

// splitPick is the three-argument split(s, d, i): an array holding only
// piece i. It is only valid indexed by [0], which access turns into a
// SplitIndex; the plan never holds one.
type splitPick struct {
	at
	s, delim Expr
	index    int
}

func (*splitPick) Type() Type { return Dynamic }
func (*splitPick) expr()      {}

func lowerSplit(l *lowerer, x *kql.CallExpr, sc *scope) Expr {
	s := l.stringExpr(x.Args[0], sc)
	d := l.stringExpr(x.Args[1], sc)
	if s == nil || d == nil {
		return nil
	}
	if len(x.Args) == 2 {
		return &Split{at: at{x.Pos()}, S: s, Delim: d}
	}
	i := l.expr(x.Args[2], sc)
	if i == nil {
		return nil
	}
	n, ok := intConst(i)
	if !ok || n < 0 {
		l.unsupported(x.Args[2].Pos(), "split with an index that is not a non-negative constant")
		return nil
	}
	return &splitPick{at: at{x.Pos()}, s: s, delim: d, index: int(n)}
}

func intConst(e Expr) (int64, bool) {
	c, ok := e.(*Const)
	if !ok {
		return 0, false
	}
	n, ok := c.Value.(int64)
	return n, ok
}

// dateUnits are the datetime_diff units the plan supports: those whose
// boundaries are the same in every calendar (week, whose first day varies,
// and quarter are not lowered).
var dateUnits = map[string]string{
	"year": "year", "month": "month", "day": "day", "hour": "hour", "minute": "minute", "second": "second",
}

func lowerDatetimeDiff(l *lowerer, x *kql.CallExpr, sc *scope) Expr {
	u := l.expr(x.Args[0], sc)
	end, start := l.expr(x.Args[1], sc), l.expr(x.Args[2], sc)
	if u == nil || end == nil || start == nil {
		return nil
	}
	uc, ok := u.(*Const)
	unit, isStr := "", false
	if ok {
		unit, isStr = uc.Value.(string)
	}
	if !isStr {
		l.unsupported(x.Args[0].Pos(), "datetime_diff with a unit that is not a constant string")
		return nil
	}
	norm, ok := dateUnits[strings.ToLower(unit)]
	if !ok {
		l.unsupported(x.Args[0].Pos(), "datetime_diff unit %q", unit)
		return nil
	}
	if end.Type() != Datetime || start.Type() != Datetime {
		l.errorf(x.Pos(), kql.ErrSemantic, "datetime_diff needs two datetimes, found %s and %s", end.Type(), start.Type())
		return nil
	}
	return &BoundariesBetween{at: at{x.Pos()}, Unit: norm, End: end, Start: start}
}

func lowerAgo(l *lowerer, x *kql.CallExpr, sc *scope) Expr {
	d := l.expr(x.Args[0], sc)
	if d == nil {
		return nil
	}
	if d.Type() != Timespan {
		l.errorf(x.Args[0].Pos(), kql.ErrSemantic, "ago needs a timespan, found %s", d.Type())
		return nil
	}
	return &Arith{at: at{x.Pos()}, Op: Sub, X: &Now{at: at{x.Pos()}}, Y: d, T: Datetime}
}

func lowerNow(l *lowerer, x *kql.CallExpr, sc *scope) Expr {
	now := &Now{at: at{x.Pos()}}
	if len(x.Args) == 0 {
		return now
	}
	d := l.expr(x.Args[0], sc)
	if d == nil {
		return nil
	}
	if d.Type() != Timespan {
		l.errorf(x.Args[0].Pos(), kql.ErrSemantic, "now needs a timespan offset, found %s", d.Type())
		return nil
	}
	return &Arith{at: at{x.Pos()}, Op: Add, X: now, Y: d, T: Datetime}
}

// stringCall lowers a function of string arguments (dynamic ones read as
// text) with the result type t.
func stringCall(fn string, t Type) func(*lowerer, *kql.CallExpr, *scope) Expr {
	return func(l *lowerer, x *kql.CallExpr, sc *scope) Expr {
		args := make([]Expr, len(x.Args))
		for i, a := range x.Args {
			if args[i] = l.stringExpr(a, sc); args[i] == nil {
				return nil
			}
		}
		return &Call{at: at{x.Pos()}, Fn: fn, Args: args, T: t}
	}
}

// lowerIndexOfRegex is indexof_regex with a pattern that holds no regular
// expression syntax: the index of the pattern's literal text, which is
// indexof. Real patterns are not lowered (RE2 and Java regex differ).
func lowerIndexOfRegex(l *lowerer, x *kql.CallExpr, sc *scope) Expr {
	s, p := l.stringExpr(x.Args[0], sc), l.stringExpr(x.Args[1], sc)
	if s == nil || p == nil {
		return nil
	}
	c, ok := p.(*Const)
	if !ok || strings.ContainsAny(c.Value.(string), `\.^$|?*+()[]{}`) {
		l.unsupported(x.Args[1].Pos(), "indexof_regex with a regular expression (only literal text is lowered)")
		return nil
	}
	return &Call{at: at{x.Pos()}, Fn: "indexof", Args: []Expr{s, p}, T: Long}
}

func lowerSubstring(l *lowerer, x *kql.CallExpr, sc *scope) Expr {
	s := l.stringExpr(x.Args[0], sc)
	rest := l.args(&kql.CallExpr{Fun: x.Fun, Args: x.Args[1:]}, sc)
	if s == nil || rest == nil {
		return nil
	}
	for i, a := range rest {
		if a.Type() != Int && a.Type() != Long {
			l.errorf(x.Args[i+1].Pos(), kql.ErrSemantic, "substring needs integer positions, found %s", a.Type())
			return nil
		}
	}
	return &Call{at: at{x.Pos()}, Fn: "substring", Args: append([]Expr{s}, rest...), T: String}
}

func lowerStartOfDay(l *lowerer, x *kql.CallExpr, sc *scope) Expr {
	t := l.expr(x.Args[0], sc)
	if t == nil {
		return nil
	}
	if t.Type() != Datetime {
		l.errorf(x.Args[0].Pos(), kql.ErrSemantic, "startofday needs a datetime, found %s", t.Type())
		return nil
	}
	return &Call{at: at{x.Pos()}, Fn: "startofday", Args: []Expr{t}, T: Datetime}
}

func lowerBin(l *lowerer, x *kql.CallExpr, sc *scope) Expr {
	args := l.args(x, sc)
	if args == nil {
		return nil
	}
	if args[0].Type() != Datetime || args[1].Type() != Timespan {
		l.unsupported(x.Pos(), "%s of %s by %s (only datetimes by a timespan)", x.Fun.Name, args[0].Type(), args[1].Type())
		return nil
	}
	if _, ok := args[1].(*Const); !ok {
		l.unsupported(x.Args[1].Pos(), "%s with a size that is not a constant", x.Fun.Name)
		return nil
	}
	return &Call{at: at{x.Pos()}, Fn: "bin", Args: args, T: Datetime}
}

func lowerArrayLength(l *lowerer, x *kql.CallExpr, sc *scope) Expr {
	d := l.expr(x.Args[0], sc)
	if d == nil {
		return nil
	}
	if d.Type() != Dynamic {
		l.errorf(x.Args[0].Pos(), kql.ErrSemantic, "array_length needs a dynamic value, found %s", d.Type())
		return nil
	}
	return &Call{at: at{x.Pos()}, Fn: "array_length", Args: []Expr{d}, T: Long}
}

// access lowers member access (x.a, x["a"]) and indexing (x[0]) on dynamic
// values, folding chains into one JSONPath and split(...)[i] into a
// SplitIndex.
func (l *lowerer) access(x kql.Expr, sc *scope) Expr {
	var base kql.Expr
	var step PathStep
	switch x := x.(type) {
	case *kql.MemberExpr:
		base, step = x.X, PathStep{Name: x.Sel.Name}
	case *kql.IndexExpr:
		base = x.X
		i := l.expr(x.Index, &scope{})
		if i == nil {
			return nil
		}
		c, ok := i.(*Const)
		if !ok {
			l.unsupported(x.Index.Pos(), "index that is not a constant")
			return nil
		}
		switch v := c.Value.(type) {
		case int64:
			step = PathStep{Index: int(v), IsIndex: true}
		case string:
			step = PathStep{Name: v}
		default:
			l.errorf(x.Index.Pos(), kql.ErrSemantic, "an index must be an integer or a string, found %s", c.T)
			return nil
		}
	}
	b := l.expr(base, sc)
	if b == nil {
		return nil
	}
	pos := at{x.Pos()}
	switch b := b.(type) {
	case *ParseJSON:
		return &JSONPath{at: pos, Src: b.X, Steps: []PathStep{step}}
	case *JSONPath:
		steps := append(append([]PathStep(nil), b.Steps...), step)
		return &JSONPath{at: pos, Src: b.Src, Steps: steps}
	case *Split:
		if !step.IsIndex {
			return &Const{at: pos, T: Dynamic, Value: nil} // an array has no members
		}
		return &SplitIndex{at: pos, S: b.S, Delim: b.Delim, Index: step.Index}
	case *splitPick:
		if step.IsIndex && (step.Index == 0 || step.Index == -1) {
			return &SplitIndex{at: pos, S: b.s, Delim: b.delim, Index: b.index}
		}
		return &Const{at: pos, T: Dynamic, Value: nil} // the array has at most one element
	}
	if b.Type() != Dynamic {
		l.errorf(x.Pos(), kql.ErrSemantic, "member access on a %s value (parse it with parse_json first)", b.Type())
		return nil
	}
	return &JSONPath{at: pos, Src: b, Steps: []PathStep{step}}
}

// lowerPack is pack and bag_pack: key/value pairs, each key a constant
// string named once (a computed or repeated key is not lowered).
func lowerPack(l *lowerer, x *kql.CallExpr, sc *scope) Expr {
	if len(x.Args)%2 != 0 {
		l.errorf(x.Pos(), kql.ErrSemantic, "%s takes key/value pairs", x.Fun.Name)
		return nil
	}
	args := l.args(x, sc)
	if args == nil {
		return nil
	}
	seen := map[string]bool{}
	for i := 0; i < len(args); i += 2 {
		c, ok := args[i].(*Const)
		key, isStr := "", false
		if ok {
			key, isStr = c.Value.(string)
		}
		if !isStr || c.T != String {
			l.unsupported(x.Args[i].Pos(), "%s with a key that is not a constant string", x.Fun.Name)
			return nil
		}
		if seen[key] {
			l.unsupported(x.Args[i].Pos(), "%s with the key %q twice", x.Fun.Name, key)
			return nil
		}
		seen[key] = true
	}
	return &Call{at: at{x.Pos()}, Fn: "bag_pack", Args: args, T: Dynamic}
}

// lowerPackArray is pack_array(v1, ...) of constants
// (https://learn.microsoft.com/kusto/query/pack-array-function): the
// dynamic array of the values, a constant like dynamic([...]), so that
// "x has_any (pack_array('a', 'b'))" and in lists read its elements. A
// value computed per row is not lowered.
func lowerPackArray(l *lowerer, x *kql.CallExpr, sc *scope) Expr {
	args := l.args(x, sc)
	if args == nil {
		return nil
	}
	arr := make([]any, len(args))
	for i, a := range args {
		c, ok := a.(*Const)
		if !ok {
			l.unsupported(x.Args[i].Pos(), "pack_array of a value that is not a constant")
			return nil
		}
		switch v := c.Value.(type) {
		case string, bool, float64, nil:
			if c.T == Dynamic && v != nil {
				l.unsupported(x.Args[i].Pos(), "pack_array of a dynamic value")
				return nil
			}
			arr[i] = v
		case int64:
			arr[i] = float64(v) // a JSON number, as dynamic constants hold it
		default:
			l.unsupported(x.Args[i].Pos(), "pack_array of a %s constant", c.T)
			return nil
		}
	}
	return &Const{at: at{x.Pos()}, T: Dynamic, Value: arr}
}
