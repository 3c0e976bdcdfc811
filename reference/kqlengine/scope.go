package kqlengine

import (
	"errors"
	"strings"

	"github.com/ruleport/ruleport/convert/kql"
)

// This file binds let statements and evaluates tabular expressions: table
// names, tabular lets, materialize(), unions and pipelines.

// scope is a chain of let bindings; later lets see earlier ones
// (https://learn.microsoft.com/kusto/query/let-statement).
type scope struct {
	parent *scope
	name   string
	b      *binding
}

// binding is what a let name stands for: a scalar constant, or a tabular
// expression evaluated in the scope of its let each time it is used.
type binding struct {
	scalar   *expr
	tab      kql.Expr
	tabScope *scope
}

func (s *scope) lookup(name string) *binding {
	for ; s != nil; s = s.parent {
		if s.name == name {
			return s.b
		}
	}
	return nil
}

// bindLet evaluates one let statement.
func (e *engine) bindLet(sc *scope, s *kql.LetStmt) (*scope, error) {
	b := &binding{}
	switch v := s.Value.(type) {
	case *kql.FuncLit:
		return nil, unsupportedf(v.Pos(), "user-defined function %s", s.Name.Name)
	default:
		if e.isTabular(v, sc) {
			b.tab, b.tabScope = v, sc
			break
		}
		c := e.compiler(sc, nil)
		x, err := c.expr(v)
		if err != nil {
			return nil, err
		}
		if !x.konst {
			return nil, errorf(v.Pos(), "let %s: the value must be a constant", s.Name.Name)
		}
		b.scalar = x
	}
	return &scope{parent: sc, name: s.Name.Name, b: b}, nil
}

// errUnknownTable marks the error for a table the run does not have, which
// union isfuzzy=true skips.
var errUnknownTable = errors.New("unknown table")

// tabularFuncs are the functions whose result is a table.
var tabularFuncs = map[string]bool{"materialize": true, "table": true, "externaldata": true, "view": true, "datatable": true, "range": false}

// isTabular tells a tabular expression from a scalar one without
// evaluating it.
func (e *engine) isTabular(x kql.Expr, sc *scope) bool {
	switch x := x.(type) {
	case *kql.PipeExpr, *kql.UnionExpr, *kql.DataTableExpr, *kql.ExternalDataExpr:
		return true
	case *kql.ParenExpr:
		return e.isTabular(x.X, sc)
	case *kql.Ident:
		if b := sc.lookup(x.Name); b != nil {
			return b.tab != nil
		}
		_, ok := e.tables[x.Name]
		return ok
	case *kql.CallExpr:
		return tabularFuncs[strings.ToLower(x.Fun.Name)]
	}
	return false
}

// tabular evaluates a tabular expression into a relation (rows are pulled
// later).
func (e *engine) tabular(x kql.Expr, sc *scope) (*relation, error) {
	switch x := x.(type) {
	case *kql.Ident:
		if b := sc.lookup(x.Name); b != nil {
			if b.tab == nil {
				return nil, errorf(x.Pos(), "%s is a scalar, not a table", x.Name)
			}
			return e.tabular(b.tab, b.tabScope)
		}
		if t, ok := e.tables[x.Name]; ok {
			return t.open(x.Pos())
		}
		return nil, &Error{Pos: x.Pos(), Msg: "unknown table " + x.Name, Err: errUnknownTable}
	case *kql.ParenExpr:
		return e.tabular(x.X, sc)
	case *kql.PipeExpr:
		src, err := e.tabular(x.Source, sc)
		if err != nil {
			return nil, err
		}
		return e.apply(src, x.Op, sc)
	case *kql.CallExpr:
		return e.tabularCall(x, sc)
	case *kql.UnionExpr:
		return e.union(nil, x.Params, x.Tables, x.Pos(), sc)
	case *kql.DataTableExpr:
		return e.datatable(x, sc)
	case *kql.BasicLit, *kql.TypedLit, *kql.DynamicLit, *kql.UnaryExpr, *kql.BinaryExpr,
		*kql.InExpr, *kql.BetweenExpr, *kql.MemberExpr, *kql.IndexExpr, *kql.NamedExpr, *kql.StarExpr:
		return nil, errorf(x.Pos(), "expected a tabular expression")
	}
	name := strings.TrimSuffix(strings.TrimPrefix(typeName(x), "*kql."), "Expr")
	return nil, unsupportedf(x.Pos(), "tabular expression %s", strings.ToLower(name))
}

// tabularCall evaluates materialize(T); other tabular functions are not
// implemented.
func (e *engine) tabularCall(x *kql.CallExpr, sc *scope) (*relation, error) {
	name := strings.ToLower(x.Fun.Name)
	if name != "materialize" {
		return nil, unsupportedf(x.Pos(), "tabular function %s()", x.Fun.Name)
	}
	if len(x.Args) != 1 {
		return nil, errorf(x.Pos(), "materialize() takes one tabular argument")
	}
	if m, ok := e.mats[x]; ok {
		return m.relation(), nil
	}
	inner, err := e.tabular(x.Args[0], sc)
	if err != nil {
		return nil, err
	}
	m := &matCache{cols: inner.cols, inner: inner}
	e.mats[x] = m
	return m.relation(), nil
}

// apply adds one operator to a pipeline.
func (e *engine) apply(src *relation, op kql.Operator, sc *scope) (*relation, error) {
	switch op := op.(type) {
	case *kql.WhereOp:
		return e.where(src, op, sc)
	case *kql.ExtendOp:
		return e.extend(src, op, sc)
	case *kql.ProjectOp:
		return e.project(src, op, sc)
	case *kql.SummarizeOp:
		return e.summarize(src, op, sc)
	case *kql.DistinctOp:
		return e.distinct(src, op, sc)
	case *kql.SortOp:
		return e.sort(src, op.Keys, sc, -1)
	case *kql.TopOp:
		return e.top(src, op, sc)
	case *kql.TakeOp:
		return e.take(src, op, sc)
	case *kql.CountOp:
		return e.count(src), nil
	case *kql.JoinOp:
		return e.join(src, op, sc)
	case *kql.UnionOp:
		return e.union(src, op.Params, op.Tables, op.Pos(), sc)
	case *kql.MvExpandOp:
		return e.mvExpand(src, op, sc)
	}
	return nil, unsupportedf(op.Pos(), "operator %s", operatorName(op))
}

// operatorName names an operator node for messages.
func operatorName(op kql.Operator) string {
	name := strings.TrimPrefix(strings.TrimSuffix(typeName(op), "Op"), "*kql.")
	return strings.ToLower(name)
}

// ---------------------------------------------------------------------------
// reference counting

// countTableRefs counts the identifiers in q that could name table name:
// total, and how many of those sit inside let statements.
func countTableRefs(q *kql.Query, name string) (total, inLets int) {
	for _, st := range q.Stmts {
		n := 0
		kql.Inspect(st, func(x kql.Node) bool {
			if id, ok := x.(*kql.Ident); ok && id.Name == name {
				n++
			}
			return true
		})
		total += n
		if _, ok := st.(*kql.LetStmt); ok {
			inLets += n
		}
	}
	return total, inLets
}

// datatable builds an inline table; values fill the rows left to right
// (https://learn.microsoft.com/kusto/query/datatable-operator). Each value
// must be a constant of its column's type; integers may fill int and real
// columns.
func (e *engine) datatable(x *kql.DataTableExpr, sc *scope) (*relation, error) {
	cols := make([]Column, len(x.Columns))
	for i, d := range x.Columns {
		t, ok := ParseType(d.Type)
		if !ok {
			return nil, unsupportedf(d.Pos(), "datatable column of type %s", d.Type)
		}
		cols[i] = Column{Name: d.Name.Name, Type: t}
	}
	if len(cols) == 0 || len(x.Values)%len(cols) != 0 {
		return nil, errorf(x.Pos(), "datatable: %d values do not fill rows of %d columns", len(x.Values), len(cols))
	}
	c := e.compiler(sc, nil)
	var rows [][]any
	for i := 0; i < len(x.Values); i += len(cols) {
		row := make([]any, len(cols))
		for j, col := range cols {
			v, err := c.expr(x.Values[i+j])
			if err != nil {
				return nil, err
			}
			val, ok := cellValue(v, col.Type)
			if !ok {
				return nil, errorf(x.Values[i+j].Pos(), "datatable: column %s is %s, not %s", col.Name, col.Type, v.t)
			}
			row[j] = val
		}
		rows = append(rows, row)
	}
	return &relation{cols: cols, next: sliceIter(rows)}, nil
}

// cellValue converts a constant to a datatable column's type.
func cellValue(v *expr, t Type) (any, bool) {
	if !v.konst {
		return nil, false
	}
	if v.val == nil {
		return zeroOf(t), v.t == t || v.t == TypeDynamic
	}
	switch {
	case v.t == t:
		return v.val, true
	case t == TypeInt && v.t == TypeLong:
		n := v.val.(int64)
		return int32(n), n >= -1<<31 && n < 1<<31
	case t == TypeReal && v.t.integer():
		return asFloat(v.val), true
	}
	return nil, false
}
