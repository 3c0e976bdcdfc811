package kql

import (
	"github.com/ruleport/ruleport/convert/schema"
)

// This file binds tabular expressions: table names, let-bound tables,
// pipelines, union, materialize, table(), datatable and externaldata.

// tabular returns the relation x stands for. Errors are reported, and a
// relation whose source is unknown comes back open so that the rest of
// the query binds without a cascade of unknown-column errors, as
// Kusto.Language does after a KS204.
func (b *binder) tabular(x Expr, sc *scope) *relation {
	switch x := x.(type) {
	case *Ident:
		return b.tableRef(x, sc)
	case *ParenExpr:
		return b.tabular(x.X, sc)
	case *PipeExpr:
		in := b.tabular(x.Source, sc)
		return b.applyOp(x.Op, in, sc)
	case *UnionExpr:
		return b.union(x.Params, x.Tables, nil, sc)
	case *CallExpr:
		return b.tabularCall(x, sc)
	case *DataTableExpr:
		return &relation{cols: declColumns(x.Columns)}
	case *ExternalDataExpr:
		// externaldata declares its schema in the query, so its columns
		// are known even though its rows are not.
		return &relation{cols: declColumns(x.Columns)}
	case *BadExpr:
		return openRelation(x.Pos(), "the query does not parse here")
	}
	b.errorf(x.Pos(), ErrSemantic, "expected a table, found a scalar expression")
	b.scalar(x, &env{sc: sc})
	return openRelation(x.Pos(), "a scalar expression stands where a table should")
}

func declColumns(decls []*ColumnDecl) []schema.Column {
	cols := make([]schema.Column, 0, len(decls))
	for _, d := range decls {
		t, ok := CanonicalType(d.Type)
		if !ok {
			t = TypeUnknown
		}
		cols = append(cols, schema.Column{Name: d.Name.Name, Type: t})
	}
	return cols
}

// tableRef resolves a name in table position: a let-bound table, then a
// table of the schema.
func (b *binder) tableRef(id *Ident, sc *scope) *relation {
	if rel, ok := b.lookupTable(id.Name, id.Pos(), sc); ok {
		return rel
	}
	if b.fuzzy > 0 {
		return openRelation(id.Pos(), "fuzzy union over table "+id.Name+", which has no schema")
	}
	b.errorf(id.Pos(), ErrUnknownName, "unknown table %q", id.Name)
	return openRelation(id.Pos(), "table "+id.Name+" has no schema")
}

// lookupTable finds a let-bound table, a parameterless tabular function or
// a schema table called name.
func (b *binder) lookupTable(name string, pos Pos, sc *scope) (*relation, bool) {
	if bd := sc.lookup(name); bd != nil {
		switch {
		case bd.rel != nil:
			return bd.rel.clone(), true
		case bd.fn != nil && bd.fnTabular && len(bd.fn.Params) == 0:
			b.quiet++
			v := b.callBody(bd.fn, bd.fnScope, nil, pos)
			b.quiet--
			return v.rel, v.rel != nil
		}
		return nil, false
	}
	if t, ok := b.table(name); ok {
		return &relation{cols: append([]schema.Column(nil), t.Columns...)}, true
	}
	return nil, false
}

// tabularCall binds materialize(T), table(name), toscalar's relatives and
// calls of let-bound tabular functions.
func (b *binder) tabularCall(c *CallExpr, sc *scope) *relation {
	switch c.Fun.Name {
	case "materialize":
		if len(c.Args) != 1 {
			b.errorf(c.Fun.Pos(), ErrSemantic, "materialize takes 1 argument, found %d", len(c.Args))
		}
		if len(c.Args) == 0 {
			return openRelation(c.Pos(), "materialize() without an argument")
		}
		return b.tabular(c.Args[0], sc)
	case "table":
		return b.tableCall(c, sc)
	}
	if bd := sc.lookup(c.Fun.Name); bd != nil && bd.fn != nil {
		v := b.callUser(c, bd, &env{sc: sc})
		if v.rel == nil {
			b.errorf(c.Fun.Pos(), ErrSemantic, "function %s returns a scalar, not a table", c.Fun.Name)
			return openRelation(c.Pos(), "a scalar function stands where a table should")
		}
		return v.rel
	}
	for _, a := range c.Args {
		b.scalar(a, &env{sc: sc})
	}
	if _, ok := kqlFunctions[c.Fun.Name]; ok {
		b.errorf(c.Fun.Pos(), ErrSemantic, "function %s returns a scalar, not a table", c.Fun.Name)
		return openRelation(c.Pos(), "a scalar function stands where a table should")
	}
	b.errorf(c.Fun.Pos(), ErrUnknownName, "unknown function %q", c.Fun.Name)
	return openRelation(c.Pos(), "function "+c.Fun.Name+" is unknown")
}

// tableCall binds table(name). With a literal name, or a string parameter
// bound to one at the call site, it is that table; otherwise its columns
// are known only at run time.
func (b *binder) tableCall(c *CallExpr, sc *scope) *relation {
	if len(c.Args) < 1 || len(c.Args) > 2 {
		b.errorf(c.Fun.Pos(), ErrSemantic, "table takes 1 or 2 arguments, found %d", len(c.Args))
		return openRelation(c.Pos(), "a malformed table() call")
	}
	var name *string
	switch a := c.Args[0].(type) {
	case *BasicLit:
		if a.Kind == LitString {
			name = &a.Value
		}
	case *Ident:
		if bd := sc.lookup(a.Name); bd != nil {
			name = bd.konst
		}
	}
	for _, a := range c.Args {
		b.scalar(a, &env{sc: sc})
	}
	if name == nil {
		return openRelation(c.Pos(), "table() names its table at run time")
	}
	if rel, ok := b.lookupTable(*name, c.Pos(), sc); ok {
		return rel
	}
	b.errorf(c.Args[0].Pos(), ErrUnknownName, "unknown table %q", *name)
	return openRelation(c.Pos(), "table "+*name+" has no schema")
}

// union binds union's tables (first, when set, is the input of "| union")
// and merges their columns the way Kusto does for kind=outer, the
// default: columns by name in order of first appearance, and a name that
// has several types becomes one column per type, named name_type
// (Kusto.Language: "union T, U" with b:long and b:string gives b_long,
// b_string). kind=inner keeps the columns every table has
// (https://learn.microsoft.com/azure/kusto/query/union-operator).
// With isfuzzy=true a table without a schema is no error; its operand
// contributes what the query says of its columns, and the union is open.
func (b *binder) union(params []*Param, tables []Expr, first *relation, sc *scope) *relation {
	fuzzy, inner := false, false
	out := &relation{}
	var withsource string
	for _, p := range params {
		v := paramText(p)
		switch p.Name.Name {
		case "isfuzzy":
			fuzzy = v == "true" || v == "True" || v == "TRUE"
		case "kind":
			inner = v == "inner"
			if v != "inner" && v != "outer" {
				b.errorf(p.Value.Pos(), ErrSemantic, "union kind must be inner or outer, found %q", v)
			}
		case "withsource":
			withsource = v
		}
	}
	var rels []*relation
	if first != nil {
		rels = append(rels, first)
	}
	if fuzzy {
		// isfuzzy forgives a missing table anywhere in the operands, as
		// Kusto.Language does (KS205, a warning), not only a bare name.
		b.fuzzy++
		defer func() { b.fuzzy-- }()
	}
	for _, t := range tables {
		rels = append(rels, b.tabular(t, sc))
	}
	for _, r := range rels {
		out.inherit(r)
	}
	if withsource != "" {
		out.cols = append(out.cols, schema.Column{Name: withsource, Type: "string"})
	}
	out.cols = append(out.cols, mergeColumns(rels, inner)...)
	return out
}

func paramText(p *Param) string {
	switch v := p.Value.(type) {
	case *Ident:
		return v.Name
	case *BasicLit:
		return v.Value
	}
	return ""
}

func mergeColumns(rels []*relation, inner bool) []schema.Column {
	var order []string
	types := map[string][]schema.Column{}
	count := map[string]int{}
	for _, r := range rels {
		seen := map[string]bool{}
		for _, c := range r.cols {
			if _, ok := types[c.Name]; !ok {
				order = append(order, c.Name)
			}
			if !seen[c.Name] {
				seen[c.Name] = true
				count[c.Name]++
			}
			if !hasType(types[c.Name], c.Type) {
				types[c.Name] = append(types[c.Name], c)
			}
		}
	}
	var out []schema.Column
	for _, name := range order {
		if inner && count[name] < len(rels) {
			continue
		}
		cs := types[name]
		if len(cs) == 1 {
			out = append(out, cs[0])
			continue
		}
		for _, c := range cs {
			out = append(out, schema.Column{Name: name + "_" + c.Type, Type: c.Type})
		}
	}
	return out
}

func hasType(cs []schema.Column, t string) bool {
	for _, c := range cs {
		if c.Type == t {
			return true
		}
	}
	return false
}
