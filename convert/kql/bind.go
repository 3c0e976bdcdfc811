package kql

import (
	"fmt"
	"strconv"

	"github.com/ruleport/ruleport/convert/schema"
)

// Result is what the binder learnt about a query's output.
type Result struct {
	// Columns are the output columns in order with their KQL types
	// (TypeUnknown where the binder cannot know). A column that passes
	// through from a table, under its name or another, keeps the schema's
	// Source and Note.
	Columns []schema.Column
	// Complete is false when the output may hold columns that Columns does
	// not list: the query reads a table without a schema, runs an evaluate
	// plugin, or calls table() with a name known only at run time.
	Complete bool
	// Why says what made the output incomplete, and WhyPos where.
	Why    string
	WhyPos Pos
}

// TableFunc returns the schema of the table called name, if known.
type TableFunc func(name string) (*schema.Table, bool)

// ResultColumns returns the output columns of q: names and KQL types, in
// order, with every binding error at its offset (unknown columns and
// tables like Kusto's KS142 and KS204, duplicate columns, aggregates
// outside summarize). When the output may hold columns the binder cannot
// know, the list ends with an ErrUnknowable error saying why, unless an
// error already explains it. table is usually schema.Lookup.
func ResultColumns(q *Query, table func(name string) (*schema.Table, bool)) ([]schema.Column, ErrorList) {
	r, errs := Bind(q, table)
	if !r.Complete && len(errs) == 0 {
		errs = append(errs, &Error{Pos: r.WhyPos, Kind: ErrUnknowable, Msg: "cannot know the output columns: " + r.Why})
	}
	return r.Columns, errs
}

// Bind resolves the names of q against the tables table knows and infers
// the output columns. It follows Kusto.Language's binder where the KQL
// reference is silent (names of computed columns, suffixes of duplicate
// join columns); kusto_test.go measures the agreement on the rule corpus.
// The errors are sorted by offset.
func Bind(q *Query, table func(name string) (*schema.Table, bool)) (*Result, ErrorList) {
	b := &binder{table: table}
	if b.table == nil {
		b.table = func(string) (*schema.Table, bool) { return nil, false }
	}
	rel := b.bindStmts(q.Stmts, &scope{names: map[string]*binding{}}, q.EOF)
	r := &Result{Columns: rel.cols, Complete: !rel.open, Why: rel.why, WhyPos: rel.whyPos}
	b.errs.Sort()
	return r, b.errs
}

// relation is a table-valued intermediate result: its columns, and
// whether it may hold more that the binder cannot know.
type relation struct {
	cols   []schema.Column
	open   bool
	why    string
	whyPos Pos
}

func (r *relation) clone() *relation {
	c := *r
	c.cols = append([]schema.Column(nil), r.cols...)
	return &c
}

func (r *relation) index(name string) int {
	for i, c := range r.cols {
		if c.Name == name {
			return i
		}
	}
	return -1
}

func (r *relation) has(name string) bool { return r.index(name) >= 0 }

// set replaces the column called c.Name in place, or appends c.
func (r *relation) set(c schema.Column) {
	if i := r.index(c.Name); i >= 0 {
		r.cols[i] = c
		return
	}
	r.cols = append(r.cols, c)
}

// markOpen records that r may hold unknown columns, keeping the first
// reason.
func (r *relation) markOpen(pos Pos, why string) {
	if !r.open {
		r.open, r.why, r.whyPos = true, why, pos
	}
}

// inherit makes r open when src is.
func (r *relation) inherit(src *relation) {
	if src.open {
		r.markOpen(src.whyPos, src.why)
	}
}

func openRelation(pos Pos, why string) *relation {
	return &relation{open: true, why: why, whyPos: pos}
}

// binding is what a let name stands for: a scalar of type typ, a table,
// or a function. konst holds the value of a string parameter bound at a
// call site, so that table(name) inside the function can be resolved.
type binding struct {
	typ       string
	rel       *relation
	fn        *FuncLit
	fnScope   *scope
	fnTabular bool // the function returns a table
	konst     *string
}

type scope struct {
	parent *scope
	names  map[string]*binding
}

func (s *scope) lookup(name string) *binding {
	for ; s != nil; s = s.parent {
		if b, ok := s.names[name]; ok {
			return b
		}
	}
	return nil
}

func (s *scope) child() *scope { return &scope{parent: s, names: map[string]*binding{}} }

type binder struct {
	table      TableFunc
	errs       ErrorList
	quiet      int // > 0 while re-binding a function body at a call site
	fuzzy      int // > 0 while binding the operands of union isfuzzy=true
	calls      int // depth of function calls being expanded
	expansions int // function bodies bound so far
}

func (b *binder) errorf(pos Pos, kind ErrorKind, format string, args ...any) {
	if b.quiet > 0 {
		return
	}
	b.errs = append(b.errs, &Error{Pos: pos, Kind: kind, Msg: fmt.Sprintf(format, args...)})
}

// bindStmts binds lets into sc and returns the relation of the last
// tabular statement. end is where a missing result is reported.
func (b *binder) bindStmts(stmts []Stmt, sc *scope, end Pos) *relation {
	var result *relation
	results := 0
	for _, s := range stmts {
		switch s := s.(type) {
		case *LetStmt:
			sc.names[s.Name.Name] = b.bindLet(s, sc)
		case *ExprStmt:
			results++
			if results == 2 {
				b.errorf(s.Pos(), ErrUnsupported, "unsupported syntax: a second result statement")
			}
			result = b.tabular(s.X, sc)
		}
	}
	if result == nil {
		b.errorf(end, ErrSemantic, "the query has no tabular result: its last statement is a let")
		return openRelation(end, "the query has no result statement")
	}
	return result
}

func (b *binder) bindLet(s *LetStmt, sc *scope) *binding {
	if f, ok := s.Value.(*FuncLit); ok {
		// Bind the body once with the declared parameter types, to report
		// its errors where they are written and learn what it returns.
		v := b.callBody(f, sc, nil, f.Pos())
		return &binding{fn: f, fnScope: sc, fnTabular: v.rel != nil}
	}
	if b.isTabular(s.Value, sc) {
		return &binding{rel: b.tabular(s.Value, sc)}
	}
	return &binding{typ: b.scalar(s.Value, &env{sc: sc})}
}

// isTabular tells a table-valued expression from a scalar one, for let
// values and the lists of in.
func (b *binder) isTabular(x Expr, sc *scope) bool {
	switch x := x.(type) {
	case *PipeExpr, *UnionExpr, *DataTableExpr, *ExternalDataExpr:
		return true
	case *ParenExpr:
		return b.isTabular(x.X, sc)
	case *Ident:
		if bd := sc.lookup(x.Name); bd != nil {
			return bd.rel != nil
		}
		_, ok := b.table(x.Name)
		return ok
	case *CallExpr:
		switch x.Fun.Name {
		case "materialize", "table":
			return true
		}
		if bd := sc.lookup(x.Fun.Name); bd != nil && bd.fn != nil {
			return bd.fnTabular
		}
	}
	return false
}

// maxCalls bounds the nesting of user function calls, and maxExpansions
// their number: each call binds the function's body again, so a chain of
// functions that each call the next twice would otherwise take exponential
// time. Real rules stay far below both.
const (
	maxCalls      = 20
	maxExpansions = 2000
)

// callBody binds a function body with its parameters bound to args (nil at
// the declaration: declared types, tabular parameters unknown) and returns
// the body's value.
func (b *binder) callBody(f *FuncLit, sc *scope, args []value, at Pos) value {
	if b.calls >= maxCalls || b.expansions >= maxExpansions {
		b.errorf(at, ErrSemantic, "function calls nest too deeply or too often for ruleport to follow")
		return value{typ: TypeUnknown}
	}
	b.calls++
	b.expansions++
	defer func() { b.calls-- }()
	inner := sc.child()
	for i, p := range f.Params {
		bd := &binding{typ: TypeUnknown}
		if t, ok := CanonicalType(p.Type); ok {
			bd.typ = t
		}
		if p.Type != "" && p.Type[0] == '(' {
			bd = &binding{rel: openRelation(p.Pos(), "a tabular function parameter")}
		}
		if i < len(args) {
			if args[i].rel != nil {
				bd = &binding{rel: args[i].rel}
			} else if args[i].konst != nil {
				bd.konst = args[i].konst
			}
		}
		inner.names[p.Name.Name] = bd
	}
	var result value
	for _, s := range f.Body {
		switch s := s.(type) {
		case *LetStmt:
			inner.names[s.Name.Name] = b.bindLet(s, inner)
		case *ExprStmt:
			if b.isTabular(s.X, inner) {
				result = value{rel: b.tabular(s.X, inner)}
			} else {
				result = value{typ: b.scalar(s.X, &env{sc: inner})}
			}
		}
	}
	if result.rel == nil && result.typ == "" {
		b.errorf(f.Rbrace, ErrSemantic, "the function body has no result expression")
		result.typ = TypeUnknown
	}
	return result
}

// value is what an expression yields: a scalar type, or a relation. konst
// is the text of a string literal argument.
type value struct {
	typ   string
	rel   *relation
	konst *string
}

// callUser binds a call of a let-bound function: arguments, then the body
// again with them, quietly (its errors were reported at the declaration).
func (b *binder) callUser(c *CallExpr, bd *binding, e *env) value {
	f := bd.fn
	required := 0
	for _, p := range f.Params {
		if p.Default == nil {
			required++
		}
	}
	if len(c.Args) < required || len(c.Args) > len(f.Params) {
		b.errorf(c.Fun.Pos(), ErrSemantic, "function %s takes %s, found %d", c.Fun.Name, argCount(required, len(f.Params)), len(c.Args))
	}
	args := make([]value, len(c.Args))
	for i, a := range c.Args {
		if n, ok := a.(*NamedExpr); ok {
			a = n.X // named arguments: matched by position here, as the corpus writes them in order
		}
		if b.isTabular(a, e.sc) {
			args[i] = value{rel: b.tabular(a, e.sc)}
			continue
		}
		args[i] = value{typ: b.scalar(a, e)}
		if lit, ok := a.(*BasicLit); ok && lit.Kind == LitString {
			v := lit.Value
			args[i].konst = &v
		} else if id, ok := a.(*Ident); ok {
			if k := e.sc.lookup(id.Name); k != nil && k.konst != nil && (e.row == nil || !e.row.has(id.Name)) {
				args[i].konst = k.konst
			}
		}
	}
	b.quiet++
	defer func() { b.quiet-- }()
	return b.callBody(f, bd.fnScope, args, c.Pos())
}

func argCount(min, max int) string {
	switch {
	case min == max && min == 1:
		return "1 argument"
	case min == max:
		return strconv.Itoa(min) + " arguments"
	case max < 0:
		return "at least " + strconv.Itoa(min) + " arguments"
	}
	return strconv.Itoa(min) + " to " + strconv.Itoa(max) + " arguments"
}
