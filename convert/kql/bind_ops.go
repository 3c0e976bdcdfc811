package kql

import (
	"github.com/ruleport/ruleport/convert/schema"
)

// This file computes what each tabular operator does to the columns of
// its input. Where the KQL reference leaves the result's shape open, the
// rule is Kusto.Language 12.4.1's, measured with tools/node and restated
// in the comment.

// applyOp returns the relation op makes from in.
func (b *binder) applyOp(op Operator, in *relation, sc *scope) *relation {
	row := &env{sc: sc, row: in}
	switch o := op.(type) {
	case *WhereOp:
		b.scalar(o.Pred, row)
		return in
	case *ExtendOp:
		return b.extend(o, in, row)
	case *ProjectOp:
		return b.project(o, in, row)
	case *SummarizeOp:
		return b.summarize(o, in, row)
	case *DistinctOp:
		return b.distinct(o, in, row)
	case *SortOp:
		for _, k := range o.Keys {
			b.scalar(k.X, row)
		}
		return in
	case *TopOp:
		b.scalar(o.N, &env{sc: sc})
		b.scalar(o.Key.X, row)
		return in
	case *TakeOp:
		b.scalar(o.N, &env{sc: sc})
		return in
	case *CountOp:
		out := &relation{cols: []schema.Column{{Name: "Count", Type: "long"}}}
		out.inherit(in)
		return out
	case *JoinOp:
		return b.join(o.Params, o.Right, o.Conds, in, sc, false)
	case *LookupOp:
		return b.join(o.Params, o.Right, o.Conds, in, sc, true)
	case *UnionOp:
		return b.union(o.Params, o.Tables, in, sc)
	case *MvExpandOp:
		return b.mvExpand(o.Params, o.Items, o.Limit, in, row)
	case *MvApplyOp:
		return b.mvApply(o, in, sc)
	case *MakeSeriesOp:
		return b.makeSeries(o, in, row)
	case *ParseOp:
		return b.parse(o, in, row)
	case *EvaluateOp:
		b.args(o.Call, row)
		out := in.clone()
		out.markOpen(o.Call.Pos(), "evaluate "+o.Call.Fun.Name+": a plugin's output columns depend on the data")
		return out
	}
	return openRelation(op.Pos(), "the query does not parse here")
}

// column makes the output column for expression x named name: a plain
// column reference keeps the input column's Source.
func column(name, typ string, x Expr, in *relation) schema.Column {
	c := schema.Column{Name: name, Type: typ}
	if id, ok := x.(*Ident); ok {
		if i := in.index(id.Name); i >= 0 {
			c.Source, c.Note = in.cols[i].Source, in.cols[i].Note
		}
	}
	return c
}

// named is one output column an expression of a list makes: its name
// ("" for ColumnN), the expression and its type.
type named struct {
	name string
	pos  Pos
	x    Expr
	typ  string
}

// bindNamed types the items of an extend, project or distinct list: name
// = x, (a, b) = f(x), or x with the name Kusto infers.
func (b *binder) bindNamed(exprs []Expr, e *env) []named {
	var out []named
	for _, x := range exprs {
		n, isNamed := x.(*NamedExpr)
		val := x
		if isNamed {
			val = n.X
		}
		if c, ok := val.(*CallExpr); ok {
			if info := functions[c.Fun.Name]; info != nil && info.tuple != nil && e.sc.lookup(c.Fun.Name) == nil {
				out = append(out, b.bindTuple(n, c, info, e)...)
				continue
			}
		}
		if isNamed && len(n.Names) > 1 {
			b.errorf(n.Pos(), ErrSemantic, "one value cannot fill %d names: only functions that return several columns take (a, b) = ...", len(n.Names))
		}
		t := b.scalar(val, e)
		if isNamed {
			out = append(out, named{name: n.Names[0].Name, pos: n.Names[0].Pos(), x: val, typ: t})
		} else {
			out = append(out, named{name: exprName(val, e), pos: x.Pos(), x: val, typ: t})
		}
	}
	return out
}

func (b *binder) bindTuple(n *NamedExpr, c *CallExpr, info *funcInfo, e *env) []named {
	b.scalar(c, e)
	names := tupleNames(c, info, e)
	if n != nil {
		if len(n.Names) != len(names) {
			b.errorf(n.Pos(), ErrSemantic, "function %s returns %d columns, %d names given", c.Fun.Name, len(names), len(n.Names))
		}
		for i := range names {
			if i < len(n.Names) {
				names[i] = n.Names[i].Name
			}
		}
	}
	out := make([]named, len(names))
	for i, name := range names {
		out[i] = named{name: name, pos: c.Pos(), x: c, typ: "dynamic"}
	}
	return out
}

// extend adds or replaces columns. Every expression reads the input row
// (SEMANTICS.md: a later expression does not see a column an earlier one
// of the same extend makes); a name the input has is replaced in place,
// and one name twice in one extend is an error (KS171).
func (b *binder) extend(o *ExtendOp, in *relation, e *env) *relation {
	out := in.clone()
	assigned := map[string]bool{}
	for _, n := range b.bindNamed(o.Exprs, e) {
		name := n.name
		if name == "" {
			name = columnN(func(s string) bool { return out.has(s) || assigned[s] })
		}
		if assigned[name] {
			b.errorf(n.pos, ErrSemantic, "column %q is already declared in this extend", name)
			continue
		}
		assigned[name] = true
		out.set(column(name, n.typ, n.x, in))
	}
	return out
}

func (b *binder) project(o *ProjectOp, in *relation, e *env) *relation {
	switch o.Kind {
	case "project":
		return b.newColumns(o.Exprs, in, e)
	case "project-rename":
		return b.projectRename(o, in)
	}
	return b.projectPatterns(o, in)
}

func (b *binder) projectRename(o *ProjectOp, in *relation) *relation {
	out := in.clone()
	for _, x := range o.Exprs {
		n, ok := x.(*NamedExpr)
		if !ok {
			continue
		}
		old, _ := n.X.(*Ident)
		if old == nil {
			continue
		}
		i := out.index(old.Name)
		if i < 0 {
			if !in.open {
				b.errorf(old.Pos(), ErrUnknownName, "unknown column %q", old.Name)
			}
			continue
		}
		out.cols[i].Name = n.Names[0].Name
	}
	return out
}

// projectPatterns does project-away, project-keep and project-reorder,
// whose items are names or wildcard patterns. A pattern that matches
// nothing is an error, as in Kusto.Language (KS142).
func (b *binder) projectPatterns(o *ProjectOp, in *relation) *relation {
	matched := make([]bool, len(in.cols))
	var order []int
	for _, x := range o.Exprs {
		id, ok := x.(*Ident)
		if !ok {
			continue
		}
		hit := false
		for i, c := range in.cols {
			if matchPattern(id.Name, c.Name) {
				hit = true
				if !matched[i] {
					order = append(order, i)
				}
				matched[i] = true
			}
		}
		if !hit && !in.open {
			b.errorf(id.Pos(), ErrUnknownName, "unknown column %q", id.Name)
		}
	}
	out := &relation{}
	out.inherit(in)
	switch o.Kind {
	case "project-away":
		for i, c := range in.cols {
			if !matched[i] {
				out.cols = append(out.cols, c)
			}
		}
	case "project-keep":
		for i, c := range in.cols {
			if matched[i] {
				out.cols = append(out.cols, c)
			}
		}
	case "project-reorder":
		for _, i := range order {
			out.cols = append(out.cols, in.cols[i])
		}
		for i, c := range in.cols {
			if !matched[i] {
				out.cols = append(out.cols, c)
			}
		}
	}
	return out
}

func (b *binder) distinct(o *DistinctOp, in *relation, e *env) *relation {
	if len(o.Exprs) == 1 {
		if _, ok := o.Exprs[0].(*StarExpr); ok {
			return in
		}
	}
	return b.newColumns(o.Exprs, in, e)
}

// newColumns is the relation of project and distinct: exactly the columns
// of exprs, in order, an unnamed one taking the next free Column1, Column2,
// ... and a name given twice an error.
func (b *binder) newColumns(exprs []Expr, in *relation, e *env) *relation {
	out := &relation{}
	out.inherit(in)
	for _, n := range b.bindNamed(exprs, e) {
		name := n.name
		if name == "" {
			name = columnN(out.has)
		}
		if out.has(name) {
			b.errorf(n.pos, ErrSemantic, "column %q is already declared", name)
			continue
		}
		out.cols = append(out.cols, column(name, n.typ, n.x, in))
	}
	return out
}

// summarize makes the by columns, then the aggregates. Default names that
// collide get a number (count_, count_1; bin(t, 1h) and bin(startofday(t),
// 1d) are t and t1); arg_max(x, *) makes x and then every other input
// column but the by columns.
func (b *binder) summarize(o *SummarizeOp, in *relation, e *env) *relation {
	out := &relation{}
	out.inherit(in)
	b.keys(o.Keys, in, e, out)
	keys := len(out.cols)
	for _, x := range o.Aggs {
		b.aggregate(x, in, e, out, out.cols[:keys])
	}
	return out
}

// keys binds the by list of summarize and make-series into out.
func (b *binder) keys(keys []Expr, in *relation, e *env, out *relation) {
	for _, n := range b.bindNamed(keys, e) {
		name := n.name
		if name == "" {
			name = columnN(out.has)
		}
		out.cols = append(out.cols, column(uniqueName(name, out.has), n.typ, n.x, in))
	}
}

func (b *binder) aggregate(x Expr, in *relation, e *env, out *relation, keys []schema.Column) {
	n, isNamed := x.(*NamedExpr)
	val := x
	if isNamed {
		val = n.X
	}
	if c, ok := val.(*CallExpr); ok && (c.Fun.Name == "arg_max" || c.Fun.Name == "arg_min") && e.sc.lookup(c.Fun.Name) == nil {
		b.argMax(n, c, in, e, out, keys)
		return
	}
	t := b.scalar(val, e.with(aggOutside))
	if isNamed {
		name := n.Names[0].Name
		if out.has(name) {
			b.errorf(n.Names[0].Pos(), ErrSemantic, "column %q is already declared", name)
			return
		}
		out.cols = append(out.cols, schema.Column{Name: name, Type: t})
		return
	}
	name := exprName(val, e)
	if name == "" {
		name = columnN(out.has)
	}
	out.cols = append(out.cols, schema.Column{Name: uniqueName(name, out.has), Type: t})
}

// argMax adds the columns of arg_max(x, c1, c2) or arg_max(x, *): x (under
// the given name, if any), then the listed columns, or every input column
// that is neither x nor a by column.
func (b *binder) argMax(n *NamedExpr, c *CallExpr, in *relation, e *env, out *relation, keys []schema.Column) {
	types := b.args(c, e.with(aggInside))
	if len(c.Args) < 2 {
		b.errorf(c.Fun.Pos(), ErrSemantic, "function %s takes at least 2 arguments, found %d", c.Fun.Name, len(c.Args))
	}
	if len(c.Args) == 0 {
		return
	}
	first := exprName(c.Args[0], e)
	name := first
	if n != nil {
		name = n.Names[0].Name
	}
	if name == "" {
		name = columnN(out.has)
	}
	out.cols = append(out.cols, column(uniqueName(name, out.has), types[0], c.Args[0], in))
	for i, a := range c.Args[1:] {
		if _, ok := a.(*StarExpr); ok {
			for _, col := range in.cols {
				if col.Name == first || hasColumn(keys, col.Name) {
					continue
				}
				col.Name = uniqueName(col.Name, out.has)
				out.cols = append(out.cols, col)
			}
			out.inherit(in)
			continue
		}
		an := exprName(a, e)
		if an == "" {
			an = columnN(out.has)
		}
		out.cols = append(out.cols, column(uniqueName(an, out.has), types[i+1], a, in))
	}
}

func hasColumn(cols []schema.Column, name string) bool {
	for _, c := range cols {
		if c.Name == name {
			return true
		}
	}
	return false
}
