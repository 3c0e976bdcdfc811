package kql

import (
	"strconv"
	"strings"
)

// This file types scalar expressions and names the columns they make.

// Aggregate contexts of env.agg.
const (
	aggNone    = iota // extend, where, project, summarize keys: no aggregates
	aggOutside        // a summarize aggregate, outside any aggregate call
	aggInside         // inside an aggregate call's arguments
)

// env is where a scalar expression is bound: the let scope, the row whose
// columns are in scope (nil outside operators) and the aggregate context.
type env struct {
	sc  *scope
	row *relation
	agg int
}

func (e *env) with(agg int) *env {
	c := *e
	c.agg = agg
	return &c
}

// scalar types x and reports unknown names and misuse.
func (b *binder) scalar(x Expr, e *env) string {
	switch x := x.(type) {
	case *Ident:
		return b.name(x, e)
	case *BasicLit:
		return litType(x.Kind)
	case *TypedLit:
		if t, ok := CanonicalType(x.Type); ok {
			return t
		}
		return TypeUnknown
	case *DynamicLit:
		return "dynamic"
	case *ParenExpr:
		if b.isTabular(x.X, e.sc) {
			return b.tableAsScalar(x.X, e)
		}
		return b.scalar(x.X, e)
	case *UnaryExpr:
		t := b.scalar(x.X, e)
		if t == "dynamic" || t == TypeUnknown {
			return t
		}
		return promote(t)
	case *BinaryExpr:
		return b.binary(x, e)
	case *InExpr:
		return b.in(x, e)
	case *BetweenExpr:
		b.scalar(x.X, e)
		b.scalar(x.Lo, e)
		b.scalar(x.Hi, e)
		return "bool"
	case *CallExpr:
		return b.call(x, e)
	case *MemberExpr:
		return b.member(x, e)
	case *IndexExpr:
		return b.index(x, e)
	case *NamedExpr:
		return b.scalar(x.X, e)
	case *StarExpr:
		b.errorf(x.Pos(), ErrSemantic, "* is allowed only in arg_max, arg_min, distinct and project-away")
		return TypeUnknown
	case *BadExpr:
		return TypeUnknown
	case *PipeExpr, *UnionExpr, *DataTableExpr, *ExternalDataExpr:
		return b.tableAsScalar(x, e)
	}
	b.errorf(x.Pos(), ErrSemantic, "unexpected %s in an expression", typeName(x))
	return TypeUnknown
}

// tableAsScalar binds a table expression found where a scalar should be
// and reports it.
func (b *binder) tableAsScalar(x Expr, e *env) string {
	b.tabular(x, e.sc)
	b.errorf(x.Pos(), ErrSemantic, "a table stands where a scalar should (toscalar() makes one)")
	return TypeUnknown
}

// in binds X in (list): the list may hold tables (a subquery, a let-bound
// table) whose first column is the set.
func (b *binder) in(x *InExpr, e *env) string {
	b.scalar(x.X, e)
	for _, el := range x.List {
		if b.isTabular(el, e.sc) {
			b.tabular(el, e.sc)
		} else {
			b.scalar(el, e)
		}
	}
	return "bool"
}

// index types X[i], which needs a dynamic array or bag (KS147 otherwise).
func (b *binder) index(x *IndexExpr, e *env) string {
	t := b.scalar(x.X, e)
	b.scalar(x.Index, e)
	if t != "dynamic" && t != TypeUnknown {
		b.errorf(x.Lbrack, ErrSemantic, "cannot index a %s value: [] needs a dynamic array or bag", t)
		return TypeUnknown
	}
	return t
}

// name resolves a name in an expression: a column of the row first (Kusto
// lets columns shadow let names: "let a = 1; T | extend x = a" reads T's
// a), then a let-bound scalar; in a row of unknown columns any other name
// is taken for a column.
func (b *binder) name(id *Ident, e *env) string {
	if e.row != nil {
		if i := e.row.index(id.Name); i >= 0 {
			if e.agg == aggOutside {
				b.errorf(id.Pos(), ErrSemantic, "column %q is used outside an aggregate function", id.Name)
			}
			return e.row.cols[i].Type
		}
	}
	if bd := e.sc.lookup(id.Name); bd != nil {
		switch {
		case bd.rel != nil:
			b.errorf(id.Pos(), ErrSemantic, "let name %q is a table, used here as a scalar", id.Name)
			return TypeUnknown
		case bd.fn != nil:
			b.errorf(id.Pos(), ErrSemantic, "let name %q is a function: call it with ()", id.Name)
			return TypeUnknown
		}
		return bd.typ
	}
	if e.row != nil && e.row.open {
		return TypeUnknown
	}
	if e.row == nil {
		b.errorf(id.Pos(), ErrUnknownName, "unknown name %q", id.Name)
	} else {
		b.errorf(id.Pos(), ErrUnknownName, "unknown column %q", id.Name)
	}
	return TypeUnknown
}

func (b *binder) binary(x *BinaryExpr, e *env) string {
	l := b.scalar(x.X, e)
	r := b.scalar(x.Y, e)
	switch x.Op {
	case "+", "-", "*", "/", "%":
		t := arithType(x.Op, l, r)
		if t == "" {
			b.errorf(x.OpPos, ErrSemantic, "operator %s is not defined for %s and %s", x.Op, l, r)
			return TypeUnknown
		}
		return t
	}
	return "bool"
}

// member types X.Sel: member access needs a dynamic value. Kusto reports
// a.x on a string column a as KS142 at x, so the binder does too.
func (b *binder) member(x *MemberExpr, e *env) string {
	t := b.scalar(x.X, e)
	if t != "dynamic" && t != TypeUnknown {
		b.errorf(x.Sel.Pos(), ErrUnknownName, "unknown name %q: member access needs a dynamic value, not %s", x.Sel.Name, t)
		return TypeUnknown
	}
	return t
}

// call types a function call.
func (b *binder) call(c *CallExpr, e *env) string {
	name := c.Fun.Name
	if bd := e.sc.lookup(name); bd != nil && bd.fn != nil {
		v := b.callUser(c, bd, e)
		if v.rel != nil {
			b.errorf(c.Fun.Pos(), ErrSemantic, "function %s returns a table, used here as a scalar", name)
			return TypeUnknown
		}
		return v.typ
	}
	switch name {
	case "toscalar":
		return b.toscalar(c, e)
	case "materialize", "table":
		b.tabular(c, e.sc)
		b.errorf(c.Fun.Pos(), ErrSemantic, "function %s returns a table, used here as a scalar", name)
		return TypeUnknown
	case "typeof":
		return TypeUnknown // a type literal, as in extract(re, 1, s, typeof(long))
	}
	info, ok := functions[name]
	if !ok {
		return b.untypedCall(c, e)
	}
	if n := len(c.Args); n < info.min || info.max >= 0 && n > info.max {
		b.errorf(c.Fun.Pos(), ErrSemantic, "function %s takes %s, found %d", name, argCount(info.min, info.max), n)
	}
	argEnv := e
	if info.agg {
		if e.agg == aggNone {
			b.errorf(c.Fun.Pos(), ErrSemantic, "aggregate function %s is allowed only in summarize and make-series", name)
		}
		argEnv = e.with(aggInside)
	}
	types := b.args(c, argEnv)
	switch {
	case name == "column_ifexists":
		return b.columnIfExists(c, e, types)
	case info.tuple != nil:
		return "dynamic"
	case info.result == nil: // arg_max, arg_min as a scalar: the first argument
		return argType(0)(types)
	}
	return info.result(types)
}

// untypedCall binds a call of a function the binder has no entry for:
// one KQL has is unsupported, any other name is unknown (KS211).
func (b *binder) untypedCall(c *CallExpr, e *env) string {
	name := c.Fun.Name
	kind, known := kqlFunctions[name]
	if kind == "a" && e.agg == aggNone {
		b.errorf(c.Fun.Pos(), ErrSemantic, "aggregate function %s is allowed only in summarize and make-series", name)
	}
	if kind == "a" {
		e = e.with(aggInside)
	}
	b.args(c, e)
	if known {
		b.errorf(c.Fun.Pos(), ErrUnsupported, "unsupported function %s: ruleport does not type it", name)
	} else {
		b.errorf(c.Fun.Pos(), ErrUnknownName, "unknown function %q", name)
	}
	return TypeUnknown
}

// args types the arguments of c; "*" is accepted where Kusto takes it.
func (b *binder) args(c *CallExpr, e *env) []string {
	types := make([]string, len(c.Args))
	for i, a := range c.Args {
		if _, ok := a.(*StarExpr); ok && (c.Fun.Name == "arg_max" || c.Fun.Name == "arg_min") {
			types[i] = TypeUnknown
			continue
		}
		types[i] = b.scalar(a, e)
	}
	return types
}

func (b *binder) toscalar(c *CallExpr, e *env) string {
	if len(c.Args) != 1 {
		b.errorf(c.Fun.Pos(), ErrSemantic, "toscalar takes 1 argument, found %d", len(c.Args))
		return TypeUnknown
	}
	if !b.isTabular(c.Args[0], e.sc) {
		return b.scalar(c.Args[0], e)
	}
	rel := b.tabular(c.Args[0], e.sc)
	if len(rel.cols) == 0 {
		return TypeUnknown
	}
	return rel.cols[0].Type
}

// columnIfExists types column_ifexists("name", default): the column's type
// when the row has it, else the default's.
func (b *binder) columnIfExists(c *CallExpr, e *env, types []string) string {
	if col := ifExistsColumn(c, e); col != "" {
		return e.row.cols[e.row.index(col)].Type
	}
	if len(types) == 2 {
		return types[1]
	}
	return TypeUnknown
}

func ifExistsColumn(c *CallExpr, e *env) string {
	if len(c.Args) == 0 || e.row == nil {
		return ""
	}
	if lit, ok := c.Args[0].(*BasicLit); ok && lit.Kind == LitString && e.row.has(lit.Value) {
		return lit.Value
	}
	return ""
}

// exprName is the name Kusto gives the column x makes when the query does
// not name it, or "" when it is ColumnN. Names follow the expression:
// a column keeps its name, a.b.c is a_b_c, e[0] is e_0 (e_ for an index
// that is not a literal), and calls follow their function's naming kind.
func exprName(x Expr, e *env) string {
	switch x := x.(type) {
	case *Ident:
		return x.Name
	case *ParenExpr:
		return exprName(x.X, e)
	case *MemberExpr:
		if id, ok := x.X.(*Ident); ok && (id.Name == "$left" || id.Name == "$right") {
			return x.Sel.Name
		}
		return exprName(x.X, e) + "_" + x.Sel.Name
	case *IndexExpr:
		return exprName(x.X, e) + "_" + indexName(x.Index)
	case *CallExpr:
		return callName(x, e)
	}
	return ""
}

func indexName(x Expr) string {
	if lit, ok := x.(*BasicLit); ok && (lit.Kind == LitInt || lit.Kind == LitString) {
		return lit.Value
	}
	return ""
}

func callName(c *CallExpr, e *env) string {
	if bd := e.sc.lookup(c.Fun.Name); bd != nil && bd.fn != nil {
		return ""
	}
	info, ok := functions[c.Fun.Name]
	if !ok {
		return ""
	}
	first := ""
	if len(c.Args) > 0 {
		first = exprName(c.Args[0], e)
	}
	switch info.naming {
	case nameFirstArg:
		return first
	case nameFuncAndArg:
		return c.Fun.Name + "_" + first
	case namePrefixArg:
		return info.prefix + "_" + first
	case nameIfColumn:
		return ifExistsColumn(c, e)
	case namePrefixOnly:
		return info.prefix
	}
	return ""
}

// tupleNames are the default names of the columns a tuple-valued call
// makes: series_decompose_anomalies(x) makes
// series_decompose_anomalies_x_ad_flag and so on.
func tupleNames(c *CallExpr, info *funcInfo, e *env) []string {
	base := c.Fun.Name + "_"
	if len(c.Args) > 0 {
		base += exprName(c.Args[0], e)
	}
	names := make([]string, len(info.tuple))
	for i, s := range info.tuple {
		names[i] = base + "_" + s
	}
	return names
}

// columnN returns the first of Column1, Column2, ... that taken rejects.
func columnN(taken func(string) bool) string {
	for n := 1; ; n++ {
		name := "Column" + strconv.Itoa(n)
		if !taken(name) {
			return name
		}
	}
}

// uniqueName returns name, or name1, name2, ... when taken: how summarize
// and join keep names apart (count_, count_1; a, a1).
func uniqueName(name string, taken func(string) bool) string {
	if !taken(name) {
		return name
	}
	for n := 1; ; n++ {
		cand := name + strconv.Itoa(n)
		if !taken(cand) {
			return cand
		}
	}
}

// matchPattern reports whether name matches a project-away style pattern,
// where * stands for any run of characters.
func matchPattern(pattern, name string) bool {
	if !strings.Contains(pattern, "*") {
		return pattern == name
	}
	parts := strings.Split(pattern, "*")
	if !strings.HasPrefix(name, parts[0]) {
		return false
	}
	rest := name[len(parts[0]):]
	for i, p := range parts[1:] {
		if i == len(parts)-2 {
			return strings.HasSuffix(rest, p) && len(rest) >= len(p)
		}
		j := strings.Index(rest, p)
		if j < 0 {
			return false
		}
		rest = rest[j+len(p):]
	}
	return true
}
