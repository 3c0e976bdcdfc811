package kql

import (
	"github.com/ruleport/ruleport/convert/schema"
)

// This file binds the operators that combine or reshape rows: join,
// lookup, mv-expand, mv-apply, make-series and parse.

// joinKinds maps each join flavour to the sides whose columns it outputs,
// from https://learn.microsoft.com/azure/kusto/query/join-operator
// ("Returns" of each flavour).
var joinKinds = map[string]string{
	"innerunique": "both", "inner": "both", "leftouter": "both", "rightouter": "both",
	"fullouter": "both", "leftsemi": "left", "leftanti": "left", "anti": "left",
	"leftantisemi": "left", "rightsemi": "right", "rightanti": "right", "rightantisemi": "right",
}

// join binds join and lookup. The output holds the left columns, then the
// right ones; a right column whose name the left side has gets the first
// number that makes it unique among every name of both sides (T join U
// on a, where U has a and a1: U's a becomes a2). lookup leaves out the
// right side's key columns
// (https://learn.microsoft.com/azure/kusto/query/lookup-operator).
func (b *binder) join(params []*Param, right Expr, conds []Expr, left *relation, sc *scope, lookup bool) *relation {
	kind, kindPos := "innerunique", NoPos
	if lookup {
		kind = "leftouter"
	}
	for _, p := range params {
		if p.Name.Name == "kind" {
			kind, kindPos = paramText(p), p.Value.Pos()
		}
	}
	sides, ok := joinKinds[kind]
	if !ok || lookup && kind != "leftouter" && kind != "inner" {
		b.errorf(kindPos, ErrSemantic, "unknown join kind %q", kind)
		sides = "both"
	}
	r := b.tabular(right, sc)
	rightKeys := b.joinConds(conds, left, r)
	switch sides {
	case "left":
		return left
	case "right":
		return r
	}
	out := left.clone()
	out.inherit(r)
	taken := map[string]bool{}
	for _, c := range left.cols {
		taken[c.Name] = true
	}
	for _, c := range r.cols {
		taken[c.Name] = true
	}
	for _, c := range r.cols {
		if lookup && rightKeys[c.Name] {
			continue
		}
		if left.has(c.Name) {
			c.Name = uniqueName(c.Name, func(s string) bool { return taken[s] })
			taken[c.Name] = true
		}
		out.cols = append(out.cols, c)
	}
	return out
}

// joinConds checks the conditions of join and lookup and returns the
// right side's key column names. A condition is a name both sides have,
// or $left.a == $right.b in that order (KS183 otherwise).
func (b *binder) joinConds(conds []Expr, left, right *relation) map[string]bool {
	keys := map[string]bool{}
	for _, c := range conds {
		switch c := c.(type) {
		case *Ident:
			if !left.has(c.Name) && !left.open || !right.has(c.Name) && !right.open {
				b.errorf(c.Pos(), ErrUnknownName, "unknown column %q: a join column must be on both sides", c.Name)
			}
			keys[c.Name] = true
		case *BinaryExpr:
			if c.Op != "==" {
				b.errorf(c.OpPos, ErrSemantic, "a join condition compares with ==, found %s", c.Op)
				continue
			}
			b.sideColumn(c.X, "$left", left)
			if name := b.sideColumn(c.Y, "$right", right); name != "" {
				keys[name] = true
			}
		case *BadExpr:
		default:
			b.errorf(c.Pos(), ErrSemantic, "a join condition is a column name or $left.column == $right.column")
		}
	}
	return keys
}

// sideColumn checks that x is side.column and that the column exists.
func (b *binder) sideColumn(x Expr, side string, rel *relation) string {
	m, ok := x.(*MemberExpr)
	var id *Ident
	if ok {
		id, _ = m.X.(*Ident)
	}
	if id == nil || id.Name != side {
		b.errorf(x.Pos(), ErrSemantic, "the join condition operand must be %s.<column>", side)
		return ""
	}
	if !rel.has(m.Sel.Name) && !rel.open {
		b.errorf(m.Sel.Pos(), ErrUnknownName, "unknown column %q on the %s side", m.Sel.Name, side[1:])
	}
	return m.Sel.Name
}

// mvExpand expands dynamic columns: each item's column becomes dynamic, or
// the type of its "to typeof(...)"; name = expr adds (or replaces) the
// column name; with_itemindex adds a long column.
func (b *binder) mvExpand(params []*Param, items []*MvExpandItem, limit Expr, in *relation, e *env) *relation {
	out := in.clone()
	for _, it := range items {
		name, x := "", it.X
		if n, ok := it.X.(*NamedExpr); ok {
			name, x = n.Names[0].Name, n.X
		} else {
			name = exprName(x, e)
		}
		t := b.scalar(x, e)
		if t != "dynamic" && t != TypeUnknown {
			b.errorf(x.Pos(), ErrSemantic, "mv-expand needs a dynamic array or bag, found %s", t)
		}
		if name == "" {
			name = columnN(out.has)
		}
		typ := "dynamic"
		if it.ToType != "" {
			typ, _ = CanonicalType(it.ToType)
		}
		if t == TypeUnknown && it.ToType == "" {
			typ = TypeUnknown
		}
		out.set(schema.Column{Name: name, Type: typ})
	}
	for _, p := range params {
		if p.Name.Name == "with_itemindex" {
			out.set(schema.Column{Name: paramText(p), Type: "long"})
		}
	}
	if limit != nil {
		b.scalar(limit, &env{sc: e.sc})
	}
	return out
}

// mvApply runs the body on the expanded row: the output is the input's
// other columns followed by the body's (Kusto.Language: "T | mv-apply e on
// (summarize count())" keeps T's columns but e, then count_).
func (b *binder) mvApply(o *MvApplyOp, in *relation, sc *scope) *relation {
	sub := b.mvExpand(o.Params, o.Items, o.Limit, in, &env{sc: sc, row: in})
	expanded := map[string]bool{}
	for _, c := range sub.cols {
		if i := in.index(c.Name); i < 0 || in.cols[i].Type != c.Type {
			expanded[c.Name] = true
		}
	}
	for _, it := range o.Items {
		if id, ok := it.X.(*Ident); ok {
			expanded[id.Name] = true
		}
	}
	body := sub
	for _, op := range o.Body {
		body = b.applyOp(op, body, sc)
	}
	out := &relation{}
	out.inherit(body)
	for _, c := range in.cols {
		if !expanded[c.Name] && !body.has(c.Name) {
			out.cols = append(out.cols, c)
		}
	}
	out.cols = append(out.cols, body.cols...)
	return out
}

// makeSeries outputs the by columns, then one dynamic array per aggregate,
// then the axis column, also an array (Kusto.Language: "make-series n =
// count() on d step 1h by a" gives a, n, d).
func (b *binder) makeSeries(o *MakeSeriesOp, in *relation, e *env) *relation {
	out := &relation{}
	out.inherit(in)
	b.keys(o.Keys, in, e, out)
	for _, a := range o.Aggs {
		n := len(out.cols)
		b.aggregate(a.X, in, e, out, nil)
		for i := n; i < len(out.cols); i++ {
			out.cols[i].Type, out.cols[i].Source, out.cols[i].Note = "dynamic", "", ""
		}
		if a.Default != nil {
			b.scalar(a.Default, &env{sc: e.sc})
		}
	}
	b.scalar(o.Axis, e)
	for _, x := range []Expr{o.From, o.To, o.Step} {
		if x != nil {
			b.scalar(x, &env{sc: e.sc})
		}
	}
	name := exprName(o.Axis, e)
	if name == "" {
		name = columnN(out.has)
	}
	out.cols = append(out.cols, schema.Column{Name: uniqueName(name, out.has), Type: "dynamic"})
	return out
}

// parse adds the pattern's columns, string unless typed.
func (b *binder) parse(o *ParseOp, in *relation, e *env) *relation {
	b.scalar(o.X, e)
	out := in.clone()
	for _, p := range o.Parts {
		d, ok := p.(*ColumnDecl)
		if !ok {
			continue
		}
		t := "string"
		if d.Type != "" {
			t, _ = CanonicalType(d.Type)
		}
		out.set(schema.Column{Name: d.Name.Name, Type: t})
	}
	return out
}
