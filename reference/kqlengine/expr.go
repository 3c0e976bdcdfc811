package kqlengine

import (
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/ruleport/ruleport/convert/kql"
)

// expr is a compiled scalar expression: a KQL type fixed at compile time
// and a closure over an input row. Constant expressions carry their value.
type expr struct {
	t     Type
	eval  func(row []any) any
	konst bool
	val   any
	// name is the column name KQL derives for the expression when it is
	// not named (a column reference keeps its name), or "".
	name string
}

func constant(t Type, v any) *expr {
	return &expr{t: t, konst: true, val: v, eval: func([]any) any { return v }}
}

// compiler compiles scalar expressions against one input row schema. cols
// is nil where no row exists (the value of a scalar let).
type compiler struct {
	e    *engine
	sc   *scope
	cols []Column
	idx  map[string]int
	// aggs compiles aggregation calls; set only inside summarize.
	aggs func(call *kql.CallExpr) (*expr, error)
}

func (e *engine) compiler(sc *scope, cols []Column) *compiler {
	idx := make(map[string]int, len(cols))
	for i, c := range cols {
		if _, dup := idx[c.Name]; !dup {
			idx[c.Name] = i
		}
	}
	return &compiler{e: e, sc: sc, cols: cols, idx: idx}
}

// derive builds an expression of type t from args, folding it into a
// constant when every argument is constant.
func (c *compiler) derive(pos kql.Pos, t Type, eval func([]any) any, args ...*expr) (*expr, error) {
	for _, a := range args {
		if !a.konst {
			return &expr{t: t, eval: eval}, nil
		}
	}
	v := eval(nil)
	if err := c.e.err; err != nil {
		c.e.err = nil
		return nil, err
	}
	return constant(t, v), nil
}

// expr compiles x.
func (c *compiler) expr(x kql.Expr) (*expr, error) {
	switch x := x.(type) {
	case *kql.Ident:
		return c.ident(x)
	case *kql.BasicLit:
		return basicLit(x)
	case *kql.TypedLit:
		return c.typedLit(x)
	case *kql.ParenExpr:
		if c.e.isTabular(x.X, c.sc) {
			return nil, unsupportedf(x.Pos(), "a tabular expression used as a scalar (use toscalar())")
		}
		return c.expr(x.X)
	case *kql.UnaryExpr:
		return c.unary(x)
	case *kql.BinaryExpr:
		return c.binary(x)
	case *kql.InExpr:
		return c.in(x)
	case *kql.BetweenExpr:
		return c.between(x)
	case *kql.CallExpr:
		return c.call(x)
	case *kql.MemberExpr:
		return c.member(x)
	case *kql.IndexExpr:
		return c.index(x)
	case *kql.DynamicLit:
		v, err := dynamicLitValue(x)
		if err != nil {
			return nil, err
		}
		return constant(TypeDynamic, v), nil
	case *kql.NamedExpr:
		return nil, errorf(x.Pos(), "an assignment is not allowed here")
	case *kql.StarExpr:
		return nil, errorf(x.Pos(), "* is not allowed here")
	}
	return nil, unsupportedf(x.Pos(), "expression %s", typeName(x))
}

// ident resolves a name: a column of the input row first, then a scalar
// let (a column hides a let of the same name inside row expressions).
func (c *compiler) ident(x *kql.Ident) (*expr, error) {
	if i, ok := c.idx[x.Name]; ok {
		t := c.cols[i].Type
		return &expr{t: t, name: x.Name, eval: func(r []any) any { return r[i] }}, nil
	}
	if b := c.sc.lookup(x.Name); b != nil {
		if b.scalar == nil {
			return nil, errorf(x.Pos(), "%s is a table, not a scalar", x.Name)
		}
		k := *b.scalar
		k.name = x.Name
		return &k, nil
	}
	if c.cols == nil {
		return nil, errorf(x.Pos(), "unknown name %s", x.Name)
	}
	return nil, errorf(x.Pos(), "unknown column %s", x.Name)
}

// basicLit compiles an untyped literal. Integer literals are long
// (https://learn.microsoft.com/kusto/query/scalar-data-types/long).
func basicLit(x *kql.BasicLit) (*expr, error) {
	switch x.Kind {
	case kql.LitString:
		return constant(TypeString, x.Value), nil
	case kql.LitInt:
		n, err := strconv.ParseInt(x.Raw, 0, 64)
		if err != nil {
			return nil, errorf(x.Pos(), "integer literal %s out of range", x.Raw)
		}
		return constant(TypeLong, n), nil
	case kql.LitReal:
		f, err := strconv.ParseFloat(x.Raw, 64)
		if err != nil {
			return nil, errorf(x.Pos(), "bad real literal %s", x.Raw)
		}
		return constant(TypeReal, f), nil
	case kql.LitBool:
		return constant(TypeBool, strings.EqualFold(x.Raw, "true")), nil
	case kql.LitTimespan:
		d, ok := parseTimespanLiteral(x.Raw)
		if !ok {
			return nil, errorf(x.Pos(), "bad timespan literal %s", x.Raw)
		}
		return constant(TypeTimespan, d), nil
	case kql.LitNull:
		return constant(TypeDynamic, nil), nil
	}
	return nil, unsupportedf(x.Pos(), "literal %s", x.Raw)
}

// typedLit compiles T(text) literals such as datetime(2017-10-30 23:59),
// int(null) and dynamic([1, 2]).
func (c *compiler) typedLit(x *kql.TypedLit) (*expr, error) {
	t, ok := ParseType(x.Type)
	if !ok {
		return nil, unsupportedf(x.Pos(), "%s literal", x.Type)
	}
	if t == TypeDynamic {
		if x.Value == nil {
			return constant(TypeDynamic, nil), nil
		}
		v, err := dynamicElem(x.Value)
		if err != nil {
			return nil, err
		}
		return constant(TypeDynamic, v), nil
	}
	text := strings.TrimSpace(x.Text)
	if text == "null" {
		return constant(t, zeroOf(t)), nil
	}
	v, ok := literalValue(t, text, c.e.now)
	if !ok {
		return nil, errorf(x.Pos(), "bad %s literal %q", x.Type, text)
	}
	return constant(t, v), nil
}

// literalValue reads the text of a T(text) literal.
func literalValue(t Type, text string, now time.Time) (any, bool) {
	switch t {
	case TypeDatetime:
		if text == "" {
			return now, true // datetime() is the current time
		}
		return parseDatetime(text)
	case TypeTimespan:
		if d, ok := parseTimespanClock(text); ok {
			return d, true
		}
		return parseTimespanLiteral(text)
	case TypeInt:
		n, err := strconv.ParseInt(text, 10, 32)
		return int32(n), err == nil
	case TypeLong:
		n, err := strconv.ParseInt(text, 10, 64)
		return n, err == nil
	case TypeReal:
		if f, _, _, ok := parseNumber(text); ok {
			return f, true
		}
		switch text {
		case "nan":
			return math.NaN(), true
		case "+inf", "inf":
			return math.Inf(1), true
		case "-inf":
			return math.Inf(-1), true
		}
	case TypeBool:
		switch strings.ToLower(text) {
		case "true":
			return true, true
		case "false":
			return false, true
		}
	case TypeGuid:
		return parseGuid(text)
	case TypeString:
		return text, true
	}
	return nil, false
}

// dynamicLitValue builds the value of a dynamic literal's array or bag.
func dynamicLitValue(x *kql.DynamicLit) (any, error) {
	if !x.IsBag {
		arr := make([]any, 0, len(x.Elems))
		for _, el := range x.Elems {
			v, err := dynamicElem(el)
			if err != nil {
				return nil, err
			}
			arr = append(arr, v)
		}
		return arr, nil
	}
	if len(x.Keys) != len(x.Vals) {
		return nil, errorf(x.Pos(), "malformed property bag literal")
	}
	b := newBag(len(x.Keys))
	for i, k := range x.Keys {
		v, err := dynamicElem(x.Vals[i])
		if err != nil {
			return nil, err
		}
		b.Set(k.Value, v)
	}
	return b, nil
}

// dynamicElem is one element of a dynamic literal: JSON values plus the
// Kusto literals the dynamic page allows inside (datetime, timespan, ...).
func dynamicElem(x kql.Expr) (any, error) {
	switch x := x.(type) {
	case *kql.DynamicLit:
		return dynamicLitValue(x)
	case *kql.BasicLit:
		k, err := basicLit(x)
		if err != nil {
			return nil, err
		}
		return dynamicOf(k.val), nil
	case *kql.TypedLit:
		t, ok := ParseType(x.Type)
		if !ok || t == TypeDynamic {
			return nil, unsupportedf(x.Pos(), "%s literal inside dynamic", x.Type)
		}
		if strings.TrimSpace(x.Text) == "null" {
			return nil, nil
		}
		v, ok := literalValue(t, strings.TrimSpace(x.Text), time.Time{})
		if !ok {
			return nil, errorf(x.Pos(), "bad %s literal %q", x.Type, x.Text)
		}
		return dynamicOf(v), nil
	case *kql.UnaryExpr:
		if lit, ok := x.X.(*kql.BasicLit); ok && (x.Op == "-" || x.Op == "+") {
			v, err := dynamicElem(lit)
			if err != nil {
				return nil, err
			}
			if x.Op == "+" {
				return v, nil
			}
			switch n := v.(type) {
			case int64:
				return -n, nil
			case float64:
				return -n, nil
			case time.Duration:
				return -n, nil
			}
		}
	}
	return nil, errorf(x.Pos(), "not a literal inside dynamic()")
}

// dynamicOf converts a scalar value to its dynamic form: int widens to long,
// as dynamic numbers are long or real here.
func dynamicOf(v any) any {
	if i, ok := v.(int32); ok {
		return int64(i)
	}
	return v
}

// ---------------------------------------------------------------------------
// member and index access

// member compiles X.name on a dynamic value.
func (c *compiler) member(x *kql.MemberExpr) (*expr, error) {
	if id, ok := x.X.(*kql.Ident); ok && strings.HasPrefix(id.Name, "$") {
		return nil, errorf(x.Pos(), "%s.%s is only allowed in a join condition", id.Name, x.Sel.Name)
	}
	base, err := c.expr(x.X)
	if err != nil {
		return nil, err
	}
	if base.t != TypeDynamic {
		return nil, errorf(x.Dot, "member access .%s needs a dynamic value, not %s", x.Sel.Name, base.t)
	}
	key := x.Sel.Name
	out, err := c.derive(x.Pos(), TypeDynamic, func(r []any) any { return dynMember(base.eval(r), key) }, base)
	if err != nil {
		return nil, err
	}
	out.name = joinName(base.name, key)
	return out, nil
}

// index compiles X[i] (array element, negative from the end) and X["k"].
func (c *compiler) index(x *kql.IndexExpr) (*expr, error) {
	base, err := c.expr(x.X)
	if err != nil {
		return nil, err
	}
	if base.t != TypeDynamic {
		return nil, errorf(x.Lbrack, "indexing needs a dynamic value, not %s", base.t)
	}
	idx, err := c.expr(x.Index)
	if err != nil {
		return nil, err
	}
	var eval func(r []any) any
	switch idx.t {
	case TypeString:
		eval = func(r []any) any { return dynMember(base.eval(r), idx.eval(r).(string)) }
	case TypeInt, TypeLong:
		eval = func(r []any) any {
			i, ok := asInt64(idx.eval(r))
			if !ok {
				return nil
			}
			return dynIndex(base.eval(r), i)
		}
	case TypeDynamic:
		eval = func(r []any) any {
			switch k := idx.eval(r).(type) {
			case string:
				return dynMember(base.eval(r), k)
			case int64:
				return dynIndex(base.eval(r), k)
			}
			return nil
		}
	default:
		return nil, errorf(x.Index.Pos(), "an index must be a string or an integer, not %s", idx.t)
	}
	out, err := c.derive(x.Pos(), TypeDynamic, eval, base, idx)
	if err != nil {
		return nil, err
	}
	// Kusto.Language names d["a"] d_a, d[0] d_0, and d[-1] or d[i] d_.
	out.name = joinName(base.name, "")
	if idx.konst {
		switch k := idx.val.(type) {
		case string:
			out.name = joinName(base.name, k)
		case int64:
			if k >= 0 {
				out.name = joinName(base.name, itoa(int(k)))
			}
		}
	}
	return out, nil
}

// joinName derives the column name of a member access: x.a.b is x_a_b.
func joinName(base, sel string) string {
	if base == "" {
		return ""
	}
	return base + "_" + sel
}

// ---------------------------------------------------------------------------
// unary

func (c *compiler) unary(x *kql.UnaryExpr) (*expr, error) {
	a, err := c.expr(x.X)
	if err != nil {
		return nil, err
	}
	if x.Op == "+" {
		if !a.t.numeric() && a.t != TypeTimespan {
			return nil, errorf(x.OpPos, "unary + needs a number or timespan, not %s", a.t)
		}
		return a, nil
	}
	if x.Op != "-" {
		return nil, unsupportedf(x.OpPos, "unary operator %s", x.Op)
	}
	var eval func(r []any) any
	switch a.t {
	case TypeInt:
		eval = func(r []any) any {
			if v, ok := a.eval(r).(int32); ok {
				return -v
			}
			return nil
		}
	case TypeLong:
		eval = func(r []any) any {
			if v, ok := a.eval(r).(int64); ok {
				return -v
			}
			return nil
		}
	case TypeReal:
		eval = func(r []any) any {
			if v, ok := a.eval(r).(float64); ok {
				return -v
			}
			return nil
		}
	case TypeTimespan:
		eval = func(r []any) any {
			if v, ok := a.eval(r).(time.Duration); ok {
				return -v
			}
			return nil
		}
	default:
		return nil, errorf(x.OpPos, "unary - needs a number or timespan, not %s", a.t)
	}
	return c.derive(x.Pos(), a.t, eval, a)
}
