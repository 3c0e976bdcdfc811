package kqlengine

import (
	"math"
	"time"

	"github.com/ruleport/ruleport/convert/kql"
)

// This file compiles binary operators: logic, comparison and arithmetic.
// String operators are in strops.go.

func (c *compiler) binary(x *kql.BinaryExpr) (*expr, error) {
	l, err := c.expr(x.X)
	if err != nil {
		return nil, err
	}
	r, err := c.expr(x.Y)
	if err != nil {
		return nil, err
	}
	switch x.Op {
	case "and", "or":
		return c.logic(x, l, r)
	case "==", "!=", "<>":
		return c.equality(x, l, r)
	case "<", "<=", ">", ">=":
		return c.ordering(x, l, r)
	case "+", "-", "*", "/", "%":
		return c.arith(x, l, r)
	}
	if op, ok := stringOps[x.Op]; ok {
		return c.stringOp(x, op, l, r)
	}
	return nil, unsupportedf(x.OpPos, "operator %s", x.Op)
}

// logic compiles and/or with three-valued logic and short-circuiting.
func (c *compiler) logic(x *kql.BinaryExpr, l, r *expr) (*expr, error) {
	for _, a := range []*expr{l, r} {
		if a.t != TypeBool {
			return nil, errorf(x.OpPos, "%s needs bool operands, not %s", x.Op, a.t)
		}
	}
	var eval func(row []any) any
	if x.Op == "and" {
		eval = func(row []any) any {
			a := l.eval(row)
			if a == false {
				return false
			}
			return and3(a, r.eval(row))
		}
	} else {
		eval = func(row []any) any {
			a := l.eval(row)
			if a == true {
				return true
			}
			return or3(a, r.eval(row))
		}
	}
	return c.derive(x.Pos(), TypeBool, eval, l, r)
}

// comparable reports whether == and < may relate values of types a and b:
// numbers with numbers, dynamic with anything, and otherwise equal types.
func comparableTypes(a, b Type) bool {
	switch {
	case a.numeric() && b.numeric():
		return true
	case a == TypeDynamic || b == TypeDynamic:
		return true
	}
	return a == b
}

// kindsMatch reports whether two non-null operands may be compared. Their
// static types already agree unless one side is dynamic; then the dynamic
// value must hold the same kind of value as the other side: a dynamic
// string against a string, a dynamic number against a number (the common
// parse_json(x).a == "text" and parse_json(x).n > 5). A dynamic value met
// by a string is first read as text (dynamicAsText), so it always matches
// there. Kusto documents no rule for the other pairs (a dynamic string
// against a number or a datetime), so those stop the query with an
// unsupported error rather than a guess.
func kindsMatch(a, b any) bool { return kindOf(a) == kindOf(b) }

// dynamicAsText is docs/ARCHITECTURE.md's decision for == and != (and in,
// their disjunction) between a dynamic value and a string: the dynamic
// value is read as tostring() reads it (a string's content, a number's or
// bool's text, an array's or property bag's compact JSON text), null
// staying null, and the two texts are compared. Kusto.Language binds ==
// between any scalar types (its Equal operator takes NotBool, Scalar) and
// types the result bool; Kusto's engine refuses only dynamic against
// dynamic ("Cannot compare dynamic values without explicit cast",
// MicrosoftDocs/dataexplorer-docs#43); Microsoft's own rule
// AWS_SSMPubliclyExposed compares todynamic(...) with '["all"]'. When
// one operand's static type is dynamic and the other's string, the
// dynamic one is wrapped; otherwise the operands are returned as they are.
func dynamicAsText(l, r *expr) (*expr, *expr) {
	wrap := func(d *expr) *expr {
		eval := d.eval
		text := func(row []any) any {
			v := eval(row)
			if v == nil {
				return nil
			}
			return toStringValue(v)
		}
		// Still typed dynamic: the value may be null, which a string
		// never is.
		if d.konst {
			return constant(TypeDynamic, text(nil))
		}
		return &expr{t: TypeDynamic, eval: text, name: d.name}
	}
	switch {
	case l.t == TypeDynamic && r.t == TypeString:
		return wrap(l), r
	case l.t == TypeString && r.t == TypeDynamic:
		return l, wrap(r)
	}
	return l, r
}

// mismatch is the runtime error for operands kindsMatch refuses.
func mismatch(pos kql.Pos, op string, a, b any) *Error {
	return unsupportedf(pos, "%s between a %s and a %s value (one of them dynamic): Kusto documents no rule for it",
		op, kindOf(a), kindOf(b))
}

// kindOf groups values into the kinds that compare with each other.
func kindOf(v any) string {
	switch v.(type) {
	case int32, int64, float64:
		return "number"
	case string:
		return "string"
	case bool:
		return "bool"
	case time.Time:
		return "datetime"
	case time.Duration:
		return "timespan"
	}
	return "dynamic"
}

// equality compiles == and != with the null rules of
// https://learn.microsoft.com/kusto/query/scalar-data-types/null-values:
// two nulls give null for both; a null and a non-null give false for ==
// and true for !=.
func (c *compiler) equality(x *kql.BinaryExpr, l, r *expr) (*expr, error) {
	if !comparableTypes(l.t, r.t) {
		// Kusto.Language accepts == between any two types (s == 1,
		// t == "2020-01-01"); what the engine then does is not documented.
		return nil, unsupportedf(x.OpPos, "%s between %s and %s", x.Op, l.t, r.t)
	}
	neg := x.Op != "==" // != and its legacy spelling <>
	l, r = dynamicAsText(l, r)
	e, pos := c.e, x.OpPos
	eval := func(row []any) any {
		a, b := l.eval(row), r.eval(row)
		if a == nil && b == nil {
			return nil
		}
		if a == nil || b == nil {
			return neg
		}
		if !kindsMatch(a, b) {
			e.fail(mismatch(pos, x.Op, a, b))
			return nil
		}
		return equalNonNull(a, b) != neg
	}
	return c.derive(x.Pos(), TypeBool, eval, l, r)
}

// orderable checks the operand types of <, <=, >, >= as Kusto.Language
// does: numbers with numbers, datetimes, timespans and booleans with their
// own type, dynamic with numbers. Strings, guids, and dynamic values
// against strings or datetimes are rejected by Kusto ("The operator '<' is
// not defined for the operand types string and string", tools/node
// kusto-check.js); other pairs with a dynamic side are not implemented.
func orderable(x *kql.BinaryExpr, a, b Type) error {
	switch {
	case a.numeric() && b.numeric(),
		a == b && (a == TypeDatetime || a == TypeTimespan || a == TypeBool),
		a == TypeDynamic && (b.numeric() || b == TypeDynamic),
		b == TypeDynamic && a.numeric():
		return nil
	case (a == TypeDynamic || b == TypeDynamic) && a != TypeString && b != TypeString && a != TypeDatetime && b != TypeDatetime:
		return unsupportedf(x.OpPos, "operator %s between %s and %s", x.Op, a, b)
	}
	return errorf(x.OpPos, "operator %s is not defined for %s and %s", x.Op, a, b)
}

// ordering compiles <, <=, >, >=: null when either side is null; strings
// compare by ordinal; a real NaN compares false, as IEEE 754 has it.
func (c *compiler) ordering(x *kql.BinaryExpr, l, r *expr) (*expr, error) {
	if err := orderable(x, l.t, r.t); err != nil {
		return nil, err
	}
	op := x.Op
	e, pos := c.e, x.OpPos
	eval := func(row []any) any {
		a, b := l.eval(row), r.eval(row)
		if a == nil || b == nil {
			return nil
		}
		if !kindsMatch(a, b) {
			e.fail(mismatch(pos, op, a, b))
			return nil
		}
		if isNaN(a) || isNaN(b) {
			return false
		}
		n := compareNonNull(a, b)
		switch op {
		case "<":
			return n < 0
		case "<=":
			return n <= 0
		case ">":
			return n > 0
		}
		return n >= 0
	}
	return c.derive(x.Pos(), TypeBool, eval, l, r)
}

func isNaN(v any) bool {
	f, ok := v.(float64)
	return ok && math.IsNaN(f)
}

// ---------------------------------------------------------------------------
// arithmetic

// arith compiles + - * / % with the type rules of
// https://learn.microsoft.com/kusto/query/numerical-operators: a real
// operand makes the result real, two integers (int or long) make a long;
// datetime and timespan arithmetic as the datetime and timespan pages
// describe. Null is sticky: any null operand gives null.
func (c *compiler) arith(x *kql.BinaryExpr, l, r *expr) (*expr, error) {
	if l.t == TypeDynamic || r.t == TypeDynamic {
		return nil, unsupportedf(x.OpPos, "arithmetic on a dynamic value (convert it with toint(), todouble() ...)")
	}
	t, f := arithRule(x.Op, l.t, r.t)
	if f == nil {
		return nil, errorf(x.OpPos, "operator %s is not defined for %s and %s", x.Op, l.t, r.t)
	}
	e := c.e
	pos := x.OpPos
	eval := func(row []any) any {
		a, b := l.eval(row), r.eval(row)
		if a == nil || b == nil {
			return nil
		}
		v, err := f(a, b)
		if err != nil {
			e.fail(errorf(pos, "%s", err.Error()))
			return nil
		}
		return v
	}
	return c.derive(x.Pos(), t, eval, l, r)
}

type arithFunc func(a, b any) (any, error)

// arithRule picks the result type and implementation of op on a and b.
func arithRule(op string, a, b Type) (Type, arithFunc) {
	switch {
	case a.integer() && b.integer():
		return TypeLong, longOp(op)
	case a.numeric() && b.numeric():
		return TypeReal, realOp(op)
	case a == TypeDatetime && b == TypeDatetime && op == "-":
		return TypeTimespan, func(x, y any) (any, error) { return x.(time.Time).Sub(y.(time.Time)), nil }
	case a == TypeDatetime && b == TypeTimespan && (op == "+" || op == "-"):
		return TypeDatetime, func(x, y any) (any, error) {
			d := y.(time.Duration)
			if op == "-" {
				d = -d
			}
			return x.(time.Time).Add(d), nil
		}
	case a == TypeTimespan && b == TypeDatetime && op == "+":
		return TypeDatetime, func(x, y any) (any, error) { return y.(time.Time).Add(x.(time.Duration)), nil }
	case a == TypeTimespan && b == TypeTimespan:
		return timespanOp(op)
	case a == TypeTimespan && b.numeric() && (op == "*" || op == "/"):
		return TypeTimespan, func(x, y any) (any, error) { return scaleDuration(x.(time.Duration), asFloat(y), op == "/") }
	case a.numeric() && b == TypeTimespan && op == "*":
		return TypeTimespan, func(x, y any) (any, error) { return scaleDuration(y.(time.Duration), asFloat(x), false) }
	}
	return TypeInvalid, nil
}

// longOp is integer arithmetic on longs. Division truncates toward zero;
// modulo is never negative ("0 ≤ (N % D) < abs(D)", numerical operators
// page). Overflow wraps, as in .NET's unchecked arithmetic. Division by
// zero is an error: Kusto does not document its result.
func longOp(op string) arithFunc {
	return func(x, y any) (any, error) {
		a, _ := asInt64(x)
		b, _ := asInt64(y)
		switch op {
		case "+":
			return a + b, nil
		case "-":
			return a - b, nil
		case "*":
			return a * b, nil
		}
		if b == 0 {
			return nil, errDivZero
		}
		if op == "/" {
			if a == math.MinInt64 && b == -1 {
				return a, nil
			}
			return a / b, nil
		}
		if b == -1 {
			return int64(0), nil
		}
		m := a % b
		if m < 0 {
			if b < 0 {
				m -= b
			} else {
				m += b
			}
		}
		return m, nil
	}
}

var errDivZero = &Error{Pos: kql.NoPos, Msg: "integer division by zero"}

// realOp is IEEE 754 arithmetic on reals; modulo is made non-negative as
// for integers.
func realOp(op string) arithFunc {
	return func(x, y any) (any, error) {
		a, b := asFloat(x), asFloat(y)
		switch op {
		case "+":
			return a + b, nil
		case "-":
			return a - b, nil
		case "*":
			return a * b, nil
		case "/":
			return a / b, nil
		}
		m := math.Mod(a, b)
		if m < 0 {
			m += math.Abs(b)
		}
		return m, nil
	}
}

// timespanOp is arithmetic between two timespans: sums and differences
// are timespans, a quotient is a real (10m / 1s is 600).
func timespanOp(op string) (Type, arithFunc) {
	switch op {
	case "+":
		return TypeTimespan, func(x, y any) (any, error) { return x.(time.Duration) + y.(time.Duration), nil }
	case "-":
		return TypeTimespan, func(x, y any) (any, error) { return x.(time.Duration) - y.(time.Duration), nil }
	case "/":
		return TypeReal, func(x, y any) (any, error) {
			return float64(x.(time.Duration)) / float64(y.(time.Duration)), nil
		}
	}
	return TypeInvalid, nil
}

// scaleDuration multiplies or divides a timespan by a number, rounding to
// Kusto's 100 ns ticks.
func scaleDuration(d time.Duration, f float64, divide bool) (any, error) {
	var v float64
	if divide {
		if f == 0 {
			return nil, errDivZero
		}
		v = float64(d) / f
	} else {
		v = float64(d) * f
	}
	if math.IsNaN(v) || math.Abs(v) > math.MaxInt64 {
		return nil, nil
	}
	return time.Duration(math.Round(v/100) * 100), nil
}

// ---------------------------------------------------------------------------
// between

// between compiles X between (Lo .. Hi), inclusive at both ends; Hi may be
// a timespan added to a datetime Lo
// (https://learn.microsoft.com/kusto/query/between-operator).
func (c *compiler) between(x *kql.BetweenExpr) (*expr, error) {
	v, err := c.expr(x.X)
	if err != nil {
		return nil, err
	}
	lo, err := c.expr(x.Lo)
	if err != nil {
		return nil, err
	}
	hi, err := c.expr(x.Hi)
	if err != nil {
		return nil, err
	}
	hiIsSpan := v.t == TypeDatetime && lo.t == TypeDatetime && hi.t == TypeTimespan
	ok := (v.t.numeric() && lo.t.numeric() && hi.t.numeric()) ||
		(v.t == lo.t && (v.t == hi.t || hiIsSpan) && (v.t == TypeDatetime || v.t == TypeTimespan))
	if !ok {
		return nil, errorf(x.OpPos, "between needs numbers, datetimes or timespans, not %s, %s and %s", v.t, lo.t, hi.t)
	}
	neg := x.Op == "!between"
	eval := func(row []any) any {
		a, l, h := v.eval(row), lo.eval(row), hi.eval(row)
		if a == nil || l == nil || h == nil || isNaN(a) {
			return nil
		}
		if hiIsSpan {
			h = l.(time.Time).Add(h.(time.Duration))
		}
		in := compareNonNull(l, a) <= 0 && compareNonNull(a, h) <= 0
		return in != neg
	}
	return c.derive(x.Pos(), TypeBool, eval, v, lo, hi)
}
