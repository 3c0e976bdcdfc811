package plan

import (
	"fmt"
	"strings"

	"github.com/ruleport/ruleport/convert/kql"
	"github.com/ruleport/ruleport/convert/schema"
)

// Lower turns a parsed query into a plan, reading the table schemas through
// tables (schema.Lookup in the program). src is the query text q was parsed
// from: steps quote it. Every problem is reported, each at its offset in
// src; an unsupported construct is an error of kind kql.ErrUnsupported
// whose message starts with "unsupported " and names the construct, so
// ErrorList.Diagnostics wraps convert.ErrUnsupported. The plan is nil when
// there is any error.
func Lower(q *kql.Query, src string, tables func(string) (*schema.Table, bool)) (*Plan, kql.ErrorList) {
	l := &lowerer{src: src, tables: tables, lets: map[string]*binding{}}
	var result kql.Expr
	for _, st := range q.Stmts {
		switch st := st.(type) {
		case *kql.LetStmt:
			l.let(st)
		case *kql.ExprStmt:
			if result != nil {
				l.errorf(st.Pos(), kql.ErrSemantic, "a query has one result: this second tabular expression is not used")
				continue
			}
			result = st.X
		}
	}
	if result == nil {
		l.errorf(q.End(), kql.ErrSemantic, "the query has no tabular expression to run")
		return nil, l.errs
	}
	l.pipeline(result)
	if len(l.errs) > 0 {
		l.errs.Sort()
		return nil, l.errs
	}
	p := &Plan{Steps: l.steps, Source: src}
	l.checkPicks(p)
	if len(l.errs) > 0 {
		return nil, l.errs
	}
	prune(p)
	l.checkSources(p)
	if len(l.errs) > 0 {
		l.errs.Sort()
		return nil, l.errs
	}
	return p, nil
}

// binding is what a let name stands for: a scalar value (lowered once), a
// tabular expression (lowered where it is used), or a function, which the
// plan does not support.
type binding struct {
	scalar  Expr
	tabular kql.Expr
	isFunc  bool
	// failed marks a scalar let whose value was reported wrong: its uses
	// are not reported again as unknown names.
	failed bool
	pos    kql.Pos
}

// lowerer holds the state of one Lower call.
type lowerer struct {
	src    string
	tables func(string) (*schema.Table, bool)
	lets   map[string]*binding
	errs   kql.ErrorList
	steps  []Step
	// ops counts the operators lowered so far: a step's Index.
	ops int
}

func (l *lowerer) errorf(pos kql.Pos, kind kql.ErrorKind, format string, args ...any) {
	l.errs = append(l.errs, &kql.Error{Pos: pos, Kind: kind, Msg: fmt.Sprintf(format, args...)})
}

// unsupported reports a construct the plan cannot express. The message
// names it: "unsupported operator mv-expand".
func (l *lowerer) unsupported(pos kql.Pos, construct string, args ...any) {
	l.errorf(pos, kql.ErrUnsupported, "unsupported "+construct, args...)
}

// let records a binding. Scalar values are lowered at once against an
// empty row (they may only use constants and earlier lets); tabular ones
// are kept as syntax and lowered where the query uses them.
func (l *lowerer) let(st *kql.LetStmt) {
	b := &binding{pos: st.Pos()}
	switch v := st.Value.(type) {
	case *kql.FuncLit:
		b.isFunc = true
	default:
		if l.isTabular(v) {
			b.tabular = v
		} else {
			b.scalar = l.expr(v, &scope{})
			b.failed = b.scalar == nil // reported
		}
	}
	l.lets[st.Name.Name] = b
}

// isTabular reports whether x denotes a table rather than a scalar.
func (l *lowerer) isTabular(x kql.Expr) bool {
	switch x := x.(type) {
	case *kql.PipeExpr, *kql.UnionExpr, *kql.DataTableExpr, *kql.ExternalDataExpr:
		return true
	case *kql.ParenExpr:
		return l.isTabular(x.X)
	case *kql.Ident:
		if b, ok := l.lets[x.Name]; ok {
			return b.tabular != nil
		}
		_, ok := l.tables(x.Name)
		return ok
	case *kql.CallExpr:
		switch x.Fun.Name {
		case "materialize", "table", "view", "toscalar":
			return x.Fun.Name != "toscalar"
		}
	}
	return false
}

// pipeline lowers a tabular expression: its source, then its operators in
// order, appending steps.
func (l *lowerer) pipeline(x kql.Expr) *scope {
	switch x := x.(type) {
	case *kql.PipeExpr:
		sc := l.pipeline(x.Source)
		if sc == nil {
			l.unsupportedOp(x.Op)
			return nil
		}
		return l.operator(x.Op, sc)
	case *kql.ParenExpr:
		return l.pipeline(x.X)
	case *kql.CallExpr:
		if x.Fun.Name == "materialize" && len(x.Args) == 1 {
			// materialize caches a result; it does not change it.
			return l.pipeline(x.Args[0])
		}
		l.unsupported(x.Pos(), "tabular function %s", x.Fun.Name)
		return nil
	case *kql.Ident:
		if b, ok := l.lets[x.Name]; ok {
			if b.tabular == nil {
				l.errorf(x.Pos(), kql.ErrSemantic, "%s is not a table", x.Name)
				return nil
			}
			return l.pipeline(b.tabular)
		}
		return l.scan(x)
	case *kql.UnionExpr:
		l.unsupported(x.Pos(), "union")
	case *kql.DataTableExpr:
		l.unsupported(x.Pos(), "datatable")
	case *kql.ExternalDataExpr:
		l.unsupported(x.Pos(), "externaldata")
	default:
		l.errorf(x.Pos(), kql.ErrSemantic, "expected a table, found %s", describe(x))
	}
	return nil
}

// scan starts the pipeline at a table: every column is in scope, each
// holding its ScanColumn; the prune pass keeps only those the query needs.
func (l *lowerer) scan(id *kql.Ident) *scope {
	if len(l.steps) > 0 {
		l.unsupported(id.Pos(), "second table reference %s (unions)", id.Name)
		return nil
	}
	t, ok := l.tables(id.Name)
	if !ok {
		// A table ruleport has no schema for (SigninLogs, SecurityAlert)
		// is outside the plan, whether or not the workspace has it.
		l.unsupported(id.Pos(), "table %s (no schema)", id.Name)
		return nil
	}
	s := &Scan{Table: t.Name}
	s.StepInfo = StepInfo{Op: t.Name, Pos: id.Pos(), End: id.End(), Text: l.src[id.Pos():id.End()]}
	sc := &scope{}
	for _, c := range t.Columns {
		sc2 := &ScanColumn{Name: c.Name, Type: typeOf(c.Type), Source: c.Source, Pos: kql.NoPos}
		if c.Source == "" && strings.HasPrefix(c.Note, "constant ") {
			sc2.Const = strings.Trim(strings.TrimPrefix(c.Note, "constant "), "'\"")
		}
		if sc2.Type == Unknown {
			sc2.Type = String
		}
		// A guid is never "": a guid column without a value is null
		// (TenantId, which no CloudTrail field fills).
		sc2.NullAsEmpty = sc2.Type == String && !strings.EqualFold(c.Type, "guid")
		s.Sources = append(s.Sources, sc2)
		sc.cols = append(sc.cols, Column{Name: c.Name, Type: sc2.Type, Origin: sc2})
	}
	s.Columns = append([]Column(nil), sc.cols...)
	l.steps = append(l.steps, s)
	return sc
}

// info fills the common fields of a step lowered from op.
func (l *lowerer) info(op kql.Operator, name string) StepInfo {
	l.ops++
	return StepInfo{Op: name, Index: l.ops, Pos: op.Pos(), End: op.End(), Text: l.src[op.Pos():op.End()]}
}

// checkSources reports table columns that an expression reads but that no
// CloudTrail field fills (Log Analytics' own columns such as TenantId):
// their KQL values have no counterpart. Columns that only pass through to
// the output are kept; emitters give them their type's empty value.
func (l *lowerer) checkSources(p *Plan) {
	for _, s := range p.Scans() {
		for _, c := range s.Sources {
			if c.Source == "" && c.Const == "" && c.Read {
				l.unsupported(c.Pos, "column %s: Log Analytics fills it, no CloudTrail field does", c.Name)
			}
		}
	}
}

// checkPicks reports a three-argument split used as a whole array rather
// than indexed by [0]: the plan has no operation for it.
func (l *lowerer) checkPicks(p *Plan) {
	p.Walk(func(st Step) {
		for _, e := range StepExprs(st) {
			Inspect(e, func(x Expr) bool {
				if sp, ok := x.(*splitPick); ok {
					l.unsupported(sp.Pos(), "split with an index, used as an array (index it with [0])")
				}
				return true
			})
		}
	})
}

func describe(x kql.Expr) string {
	return strings.TrimPrefix(fmt.Sprintf("%T", x), "*kql.")
}
