package plan

import (
	"github.com/ruleport/ruleport/convert/kql"
)

// expr lowers a scalar expression read against the row sc. It returns nil
// after reporting an error.
func (l *lowerer) expr(x kql.Expr, sc *scope) Expr {
	switch x := x.(type) {
	case *kql.BasicLit:
		return l.basicLit(x)
	case *kql.TypedLit:
		return l.typedLit(x)
	case *kql.Ident:
		return l.ident(x, sc)
	case *kql.ParenExpr:
		if l.isTabular(x.X) {
			l.unsupported(x.Pos(), "subquery")
			return nil
		}
		return l.expr(x.X, sc)
	case *kql.UnaryExpr:
		return l.unary(x, sc)
	case *kql.BinaryExpr:
		return l.binary(x, sc)
	case *kql.InExpr:
		return l.in(x, sc)
	case *kql.BetweenExpr:
		return l.between(x, sc)
	case *kql.CallExpr:
		return l.call(x, sc)
	case *kql.MemberExpr:
		return l.access(x, sc)
	case *kql.IndexExpr:
		return l.access(x, sc)
	case *kql.BadExpr:
		l.errorf(x.Pos(), kql.ErrSyntax, "expression could not be parsed")
		return nil
	case *kql.PipeExpr:
		l.unsupported(x.Pos(), "subquery")
		return nil
	}
	l.unsupported(x.Pos(), "expression %s", describe(x))
	return nil
}

// ident resolves a name: a column of the row, else a scalar let.
func (l *lowerer) ident(id *kql.Ident, sc *scope) Expr {
	if i := sc.index(id.Name); i >= 0 {
		c := sc.cols[i]
		if c.Origin != nil && c.Origin.Pos == kql.NoPos {
			c.Origin.Pos = id.Pos()
		}
		return &ColRef{at: at{id.Pos()}, Name: c.Name, T: c.Type, Origin: c.Origin}
	}
	if b, ok := l.lets[id.Name]; ok {
		switch {
		case b.scalar != nil:
			return b.scalar
		case b.failed:
		case b.isFunc:
			l.unsupported(id.Pos(), "user-defined function %s", id.Name)
		default:
			l.errorf(id.Pos(), kql.ErrSemantic, "%s is a table, not a scalar value", id.Name)
		}
		return nil
	}
	l.errorf(id.Pos(), kql.ErrUnknownName, "unknown column or variable %q", id.Name)
	return nil
}

func (l *lowerer) unary(x *kql.UnaryExpr, sc *scope) Expr {
	e := l.expr(x.X, sc)
	if e == nil {
		return nil
	}
	if !e.Type().IsNumeric() && e.Type() != Timespan {
		l.errorf(x.Pos(), kql.ErrSemantic, "unary %s needs a number, found %s", x.Op, e.Type())
		return nil
	}
	if x.Op == "+" {
		return e
	}
	if c, ok := e.(*Const); ok {
		return negConst(c, x.Pos())
	}
	return &Neg{at: at{x.Pos()}, X: e}
}

// boolExpr lowers a predicate: a bool, or a dynamic value read as a bool.
func (l *lowerer) boolExpr(x kql.Expr, sc *scope) Expr {
	e := l.expr(x, sc)
	if e == nil {
		return nil
	}
	switch e.Type() {
	case Bool:
		return e
	case Dynamic:
		return &FromDynamic{at: at{e.Pos()}, X: e, To: Bool}
	}
	l.errorf(x.Pos(), kql.ErrSemantic, "expected a bool, found %s", e.Type())
	return nil
}

// stringExpr lowers an operand of a string operator or function. A dynamic
// value is read as its scalar text (KQL converts it to a string).
func (l *lowerer) stringExpr(x kql.Expr, sc *scope) Expr {
	e := l.expr(x, sc)
	if e == nil {
		return nil
	}
	return l.asString(e, x.Pos())
}

func (l *lowerer) asString(e Expr, pos kql.Pos) Expr {
	switch e.Type() {
	case String:
		return e
	case Dynamic:
		return &ToString{at: at{e.Pos()}, X: e}
	case Int, Long, Bool:
		return &ToString{at: at{e.Pos()}, X: e}
	}
	l.unsupported(pos, "%s value used as a string", e.Type())
	return nil
}

var cmpOps = map[string]CmpOp{"==": Eq, "!=": Ne, "<>": Ne, "<": Lt, "<=": Le, ">": Gt, ">=": Ge}

// matchOps maps the string operators (without "!" and "_cs") to MatchOp.
var matchOps = map[string]MatchOp{"contains": Contains, "startswith": StartsWith, "endswith": EndsWith, "has": Has}

func (l *lowerer) binary(x *kql.BinaryExpr, sc *scope) Expr {
	pos := at{x.OpPos}
	switch op := x.Op; {
	case op == "and" || op == "or":
		a, b := l.boolExpr(x.X, sc), l.boolExpr(x.Y, sc)
		if a == nil || b == nil {
			return nil
		}
		lop := And
		if op == "or" {
			lop = Or
		}
		return &Logic{at: pos, Op: lop, X: a, Y: b}
	case cmpOps[op] != 0 || op == "==":
		return l.compare(x, cmpOps[op], sc)
	case op == "=~" || op == "!~":
		a, b := l.stringExpr(x.X, sc), l.stringExpr(x.Y, sc)
		if a == nil || b == nil {
			return nil
		}
		return &EqualsFold{at: pos, X: a, Y: b, Negate: op == "!~"}
	case op == "+" || op == "-" || op == "*" || op == "/" || op == "%":
		return l.arith(x, sc)
	}
	return l.stringMatch(x, sc)
}

// stringMatch lowers contains, startswith, endswith, has and their
// negated and case-sensitive forms.
func (l *lowerer) stringMatch(x *kql.BinaryExpr, sc *scope) Expr {
	op := x.Op
	neg := op[0] == '!'
	if neg {
		op = op[1:]
	}
	cs := len(op) > 3 && op[len(op)-3:] == "_cs"
	if cs {
		op = op[:len(op)-3]
	}
	m, ok := matchOps[op]
	if !ok {
		l.unsupported(x.OpPos, "operator %s", x.Op)
		return nil
	}
	a, b := l.stringExpr(x.X, sc), l.stringExpr(x.Y, sc)
	if a == nil || b == nil {
		return nil
	}
	return &StringMatch{at: at{x.OpPos}, Op: m, CaseSensitive: cs, Negate: neg, X: a, Pattern: b}
}

// compare lowers ==, !=, <, <=, >, >= with KQL's implicit conversions: a
// dynamic operand is read as the other operand's type.
func (l *lowerer) compare(x *kql.BinaryExpr, op CmpOp, sc *scope) Expr {
	a, b := l.expr(x.X, sc), l.expr(x.Y, sc)
	if a == nil || b == nil {
		return nil
	}
	ta, tb := a.Type(), b.Type()
	switch {
	case ta == Dynamic && tb == Dynamic:
		l.unsupported(x.OpPos, "comparison of two dynamic values")
		return nil
	case ta == Dynamic:
		a = &FromDynamic{at: at{a.Pos()}, X: a, To: tb}
	case tb == Dynamic:
		b = &FromDynamic{at: at{b.Pos()}, X: b, To: ta}
	case !comparable(ta, tb):
		l.errorf(x.OpPos, kql.ErrSemantic, "cannot compare %s with %s", ta, tb)
		return nil
	}
	if (op != Eq && op != Ne) && (a.Type() == Bool || a.Type() == Dynamic) {
		l.errorf(x.OpPos, kql.ErrSemantic, "%s cannot order %s values", op, a.Type())
		return nil
	}
	return &Compare{at: at{x.OpPos}, Op: op, X: a, Y: b}
}

func comparable(a, b Type) bool {
	return a == b || a.IsNumeric() && b.IsNumeric()
}

// arith lowers + - * / % with KQL's result types.
func (l *lowerer) arith(x *kql.BinaryExpr, sc *scope) Expr {
	a, b := l.expr(x.X, sc), l.expr(x.Y, sc)
	if a == nil || b == nil {
		return nil
	}
	op := map[string]ArithOp{"+": Add, "-": Sub, "*": Mul, "/": Div, "%": Mod}[x.Op]
	t := arithType(op, a.Type(), b.Type())
	if t == Unknown {
		l.errorf(x.OpPos, kql.ErrSemantic, "cannot apply %s to %s and %s", x.Op, a.Type(), b.Type())
		return nil
	}
	return &Arith{at: at{x.OpPos}, Op: op, X: a, Y: b, T: t}
}

// arithType is the result type of a op b, Unknown when KQL rejects it.
// Integers of any width give a long (SEMANTICS.md §2: "a * b on ints: long
// result").
func arithType(op ArithOp, a, b Type) Type {
	switch {
	case a.IsNumeric() && b.IsNumeric():
		if a == Real || b == Real {
			return Real
		}
		return Long
	case a == Datetime && b == Datetime && op == Sub:
		return Timespan
	case a == Datetime && b == Timespan && (op == Add || op == Sub):
		return Datetime
	case a == Timespan && b == Datetime && op == Add:
		return Datetime
	case a == Timespan && b == Timespan && (op == Add || op == Sub):
		return Timespan
	}
	return Unknown
}

// in lowers in, !in, in~, !in~ and has_any. The list holds constants; a
// dynamic array constant (often a let) stands for its elements.
func (l *lowerer) in(x *kql.InExpr, sc *scope) Expr {
	var list []Expr
	for _, item := range x.List {
		if l.isTabular(item) {
			l.unsupported(item.Pos(), "%s with a subquery", x.Op)
			return nil
		}
		e := l.expr(item, &scope{})
		if e == nil {
			return nil
		}
		list = append(list, expandList(e)...)
	}
	for _, e := range list {
		if _, ok := e.(*Const); !ok {
			l.unsupported(x.Lparen, "%s with a list that is not constant", x.Op)
			return nil
		}
	}
	switch x.Op {
	case "has_any", "has_all":
		return l.hasAny(x, list, sc)
	case "in", "!in", "in~", "!in~":
	default:
		l.unsupported(x.OpPos, "operator %s", x.Op)
		return nil
	}
	fold := x.Op == "in~" || x.Op == "!in~"
	subject := l.expr(x.X, sc)
	if subject == nil {
		return nil
	}
	if len(list) > 0 {
		want := list[0].Type()
		if subject.Type() == Dynamic {
			subject = &FromDynamic{at: at{subject.Pos()}, X: subject, To: want}
		}
		for _, e := range list {
			if !comparable(subject.Type(), e.Type()) {
				l.errorf(e.Pos(), kql.ErrSemantic, "%s cannot hold %s values next to %s", x.Op, e.Type(), subject.Type())
				return nil
			}
		}
	}
	if fold && subject.Type() != String {
		l.errorf(x.OpPos, kql.ErrSemantic, "%s needs strings, found %s", x.Op, subject.Type())
		return nil
	}
	return &InList{at: at{x.OpPos}, X: subject, List: list, Fold: fold, Negate: x.Op[0] == '!'}
}

// expandList turns a dynamic array constant into its elements.
func expandList(e Expr) []Expr {
	c, ok := e.(*Const)
	if !ok || c.T != Dynamic {
		return []Expr{e}
	}
	arr, ok := c.Value.([]any)
	if !ok {
		return []Expr{e}
	}
	out := make([]Expr, 0, len(arr))
	for _, v := range arr {
		out = append(out, dynamicElem(v, c.At))
	}
	return out
}

// hasAny is has_any (any term matches) and has_all (every term matches).
func (l *lowerer) hasAny(x *kql.InExpr, list []Expr, sc *scope) Expr {
	subject := l.stringExpr(x.X, sc)
	if subject == nil {
		return nil
	}
	op := Or
	if x.Op == "has_all" {
		op = And
	}
	var out Expr
	for _, e := range list {
		if _, ok := e.(*Const).Value.(string); !ok {
			l.unsupported(e.Pos(), "%s with an element that is not a string", x.Op)
			return nil
		}
		m := &StringMatch{at: at{x.OpPos}, Op: Has, X: subject, Pattern: e}
		if out == nil {
			out = m
		} else {
			out = &Logic{at: at{x.OpPos}, Op: op, X: out, Y: m}
		}
	}
	if out == nil {
		return &Const{at: at{x.OpPos}, T: Bool, Value: x.Op == "has_all"}
	}
	return out
}

// between is lo <= x <= hi, !between its negation.
func (l *lowerer) between(x *kql.BetweenExpr, sc *scope) Expr {
	v, lo, hi := l.expr(x.X, sc), l.expr(x.Lo, sc), l.expr(x.Hi, sc)
	if v == nil || lo == nil || hi == nil {
		return nil
	}
	if !comparable(v.Type(), lo.Type()) || !comparable(v.Type(), hi.Type()) || v.Type() == Bool || v.Type() == Dynamic {
		l.errorf(x.OpPos, kql.ErrSemantic, "between needs ordered values of one kind, found %s, %s and %s", v.Type(), lo.Type(), hi.Type())
		return nil
	}
	pos := at{x.OpPos}
	var e Expr = &Logic{at: pos, Op: And,
		X: &Compare{at: pos, Op: Ge, X: v, Y: lo},
		Y: &Compare{at: pos, Op: Le, X: v, Y: hi}}
	if x.Op == "!between" {
		e = &Not{at: pos, X: e}
	}
	return e
}
