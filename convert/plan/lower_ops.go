package plan

import (
	"path"
	"strconv"

	"github.com/ruleport/ruleport/convert/kql"
)

// scope is the row an operator reads: its columns in order, and what is
// known of the rows.
type scope struct {
	cols []Column
	// unique, when not nil, names columns no two rows agree on all of
	// (the keys of a summarize or the columns of a distinct): join's
	// innerunique deduplicates nothing on a left side unique on its keys.
	// An empty, non-nil unique means at most one row.
	unique []string
	// copied names the operator (mv-expand, join) that made several rows
	// from one, in an order SQL does not keep: take and top after it would
	// keep other rows than KQL. A summarize, distinct or count clears it.
	copied string
}

// with returns a scope of cols that keeps what sc knows of the rows; a
// unique column not among cols (by name and unchanged) is forgotten.
func (sc *scope) with(cols []Column) *scope {
	out := &scope{cols: cols, copied: sc.copied}
	if sc.unique == nil {
		return out
	}
	for _, u := range sc.unique {
		if (&scope{cols: cols}).index(u) < 0 {
			return out
		}
	}
	out.unique = sc.unique
	return out
}

func (s *scope) index(name string) int {
	for i, c := range s.cols {
		if c.Name == name {
			return i
		}
	}
	return -1
}

// operator lowers one tabular operator reading sc and returns the scope of
// its output, or nil after reporting an error.
func (l *lowerer) operator(op kql.Operator, sc *scope) *scope {
	switch op := op.(type) {
	case *kql.WhereOp:
		return l.where(op, sc)
	case *kql.ExtendOp:
		return l.extend(op, sc)
	case *kql.ProjectOp:
		return l.project(op, sc)
	case *kql.SummarizeOp:
		return l.summarize(op, sc)
	case *kql.CountOp:
		return l.count(op, sc)
	case *kql.DistinctOp:
		return l.distinct(op, sc)
	case *kql.SortOp:
		return l.sort(op, sc)
	case *kql.TopOp:
		return l.top(op, sc)
	case *kql.TakeOp:
		return l.take(op, sc)
	case *kql.MvExpandOp:
		return l.mvExpand(op, sc)
	case *kql.JoinOp:
		return l.join(op, sc)
	case *kql.BadOp:
		l.errorf(op.Pos(), kql.ErrSyntax, "operator could not be parsed")
	default:
		if !l.unsupportedOp(op) {
			l.errorf(op.Pos(), kql.ErrSemantic, "unknown operator")
		}
	}
	return nil
}

// unsupportedOp reports op when the plan has no step for its kind. After
// an operator failed, the rest of the pipeline is only checked this way:
// without the failed operator's output columns, any other check would
// report names that are not really unknown.
func (l *lowerer) unsupportedOp(op kql.Operator) bool {
	switch op := op.(type) {
	case *kql.UnionOp:
		l.unsupported(op.Pos(), "operator union")
	case *kql.MvApplyOp:
		l.unsupported(op.Pos(), "operator mv-apply")
	case *kql.LookupOp:
		l.unsupported(op.Pos(), "operator lookup")
	case *kql.MakeSeriesOp:
		l.unsupported(op.Pos(), "operator make-series")
	case *kql.ParseOp:
		l.unsupported(op.Pos(), "operator parse")
	case *kql.EvaluateOp:
		l.unsupported(op.Pos(), "operator evaluate")
	default:
		return false
	}
	return true
}

func (l *lowerer) where(op *kql.WhereOp, sc *scope) *scope {
	pred := l.boolExpr(op.Pred, sc)
	if pred == nil {
		return sc // the row is unchanged: later operators can still be checked
	}
	l.steps = append(l.steps, &Filter{StepInfo: l.infoCols(op, op.Name, sc.cols), Pred: pred})
	return sc
}

// infoCols is info with the output columns set.
func (l *lowerer) infoCols(op kql.Operator, name string, cols []Column) StepInfo {
	si := l.info(op, name)
	si.Columns = append([]Column(nil), cols...)
	return si
}

// extend lowers every expression against the input row (parallel
// semantics), then replaces existing columns in place and appends new
// ones.
func (l *lowerer) extend(op *kql.ExtendOp, sc *scope) *scope {
	var assigns []Assign
	seen := map[string]bool{}
	for _, x := range op.Exprs {
		name, val, pos := l.named(x, "extend")
		if val == nil {
			continue
		}
		if seen[name] {
			l.errorf(pos, kql.ErrSemantic, "column %s is assigned twice in one extend", name)
			continue
		}
		seen[name] = true
		if e := l.expr(val, sc); e != nil {
			assigns = append(assigns, Assign{Name: name, X: e})
		}
	}
	if len(assigns) != len(op.Exprs) {
		return nil
	}
	out := sc.with(append([]Column(nil), sc.cols...))
	for _, a := range assigns {
		if contains(out.unique, a.Name) {
			out.unique = nil // the key column now holds another value
		}
		col := Column{Name: a.Name, Type: a.X.Type(), Origin: originOf(a.X)}
		if i := out.index(a.Name); i >= 0 {
			out.cols[i] = col
		} else {
			out.cols = append(out.cols, col)
		}
	}
	l.steps = append(l.steps, &Compute{StepInfo: l.infoCols(op, "extend", out.cols), Assigns: assigns})
	return out
}

// originOf is the scan column a value still holds unchanged: only a bare
// column reference keeps its origin.
func originOf(e Expr) *ScanColumn {
	if c, ok := e.(*ColRef); ok {
		return c.Origin
	}
	return nil
}

// derivedName is the column name Kusto gives an unnamed expression where
// it derives one (Kusto.Language's binder, which the KQL interpreter
// follows, tools/node/kusto-check.js): a column is named after itself; a
// conversion, bin, floor, startofday, split or abs after its first
// argument (mv-expand todynamic(Resources) expands into Resources;
// summarize ... by bin(startofday(TimeGenerated), 1d) makes
// TimeGenerated); strlen(x) is strlen_x; d.a and d["a"] are d_a, d[0]
// d_0. Anything else is "": Kusto would call it Column1.
func derivedName(x kql.Expr) string {
	switch x := x.(type) {
	case *kql.Ident:
		return x.Name
	case *kql.ParenExpr:
		return derivedName(x.X)
	case *kql.CallExpr:
		if len(x.Args) == 0 {
			return ""
		}
		arg := derivedName(x.Args[0])
		switch {
		case firstArgNamed[x.Fun.Name]:
			return arg
		case x.Fun.Name == "strlen" && arg != "":
			return "strlen_" + arg
		}
	case *kql.MemberExpr:
		if base := derivedName(x.X); base != "" {
			return base + "_" + x.Sel.Name
		}
	case *kql.IndexExpr:
		base := derivedName(x.X)
		lit, ok := x.Index.(*kql.BasicLit)
		switch {
		case base == "":
		case ok && lit.Kind == kql.LitString:
			return base + "_" + lit.Value
		case ok && lit.Kind == kql.LitInt:
			return base + "_" + lit.Raw
		default:
			return base + "_"
		}
	}
	return ""
}

// firstArgNamed are the functions an unnamed call of which Kusto names
// after its first argument (derivedName).
var firstArgNamed = map[string]bool{
	"tostring": true, "toint": true, "tolong": true, "toreal": true, "todouble": true,
	"tobool": true, "toboolean": true, "todatetime": true, "totimespan": true, "toguid": true,
	"parse_json": true, "parsejson": true, "todynamic": true, "toobject": true,
	"split": true, "bin": true, "floor": true, "startofday": true, "abs": true,
}

// named splits "Name = X" into its parts. A bare column reference names
// itself; any other unnamed expression would get a generated name
// (Column1...), which the plan does not produce.
func (l *lowerer) named(x kql.Expr, opName string) (string, kql.Expr, kql.Pos) {
	switch n := x.(type) {
	case *kql.NamedExpr:
		if len(n.Names) != 1 {
			l.unsupported(n.Pos(), "tuple assignment in %s", opName)
			return "", nil, n.Pos()
		}
		return n.Names[0].Name, n.X, n.Pos()
	case *kql.Ident:
		return n.Name, n, n.Pos()
	}
	l.unsupported(x.Pos(), "unnamed expression in %s (KQL would name it Column1)", opName)
	return "", nil, x.Pos()
}

func (l *lowerer) project(op *kql.ProjectOp, sc *scope) *scope {
	var items []Assign
	switch op.Kind {
	case "project":
		items = l.projectItems(op, sc)
	case "project-away", "project-keep", "project-reorder":
		items = l.projectPatterns(op, sc)
	case "project-rename":
		items = l.projectRename(op, sc)
	default:
		l.unsupported(op.Pos(), "operator %s", op.Kind)
	}
	if items == nil {
		return nil
	}
	var cols []Column
	for _, it := range items {
		cols = append(cols, Column{Name: it.Name, Type: it.X.Type(), Origin: originOf(it.X)})
	}
	out := &scope{cols: cols, copied: sc.copied, unique: projectUnique(sc.unique, items)}
	l.steps = append(l.steps, &Project{StepInfo: l.infoCols(op, op.Kind, out.cols), Items: items})
	return out
}

// projectUnique follows unique columns through a project: each must be
// passed on unchanged (possibly renamed), else uniqueness is not known.
func projectUnique(unique []string, items []Assign) []string {
	if unique == nil {
		return nil
	}
	out := []string{}
	for _, u := range unique {
		found := false
		for _, it := range items {
			if c, ok := it.X.(*ColRef); ok && c.Name == u {
				out = append(out, it.Name)
				found = true
				break
			}
		}
		if !found {
			return nil
		}
	}
	return out
}

func contains(names []string, name string) bool {
	for _, n := range names {
		if n == name {
			return true
		}
	}
	return false
}

func (l *lowerer) projectItems(op *kql.ProjectOp, sc *scope) []Assign {
	var items []Assign
	seen := map[string]bool{}
	ok := true
	for _, x := range op.Exprs {
		name, val, pos := l.named(x, "project")
		if val == nil {
			ok = false
			continue
		}
		if seen[name] {
			l.errorf(pos, kql.ErrSemantic, "column %s appears twice in project", name)
			ok = false
			continue
		}
		seen[name] = true
		e := l.expr(val, sc)
		if e == nil {
			ok = false
			continue
		}
		items = append(items, Assign{Name: name, X: e})
	}
	if !ok || len(items) == 0 {
		return nil
	}
	return items
}

// projectPatterns handles project-away, project-keep and project-reorder,
// whose arguments are column names or wildcard patterns.
func (l *lowerer) projectPatterns(op *kql.ProjectOp, sc *scope) []Assign {
	matched := make([]bool, len(sc.cols))
	var order []int // project-reorder: the named columns, in the order named
	for _, x := range op.Exprs {
		id, ok := x.(*kql.Ident)
		if !ok {
			l.unsupported(x.Pos(), "%s argument %s", op.Kind, describe(x))
			return nil
		}
		hit := false
		for i, c := range sc.cols {
			if m, _ := path.Match(id.Name, c.Name); m || c.Name == id.Name {
				if !matched[i] {
					order = append(order, i)
				}
				matched[i], hit = true, true
			}
		}
		if !hit && !containsWildcard(id.Name) {
			l.errorf(id.Pos(), kql.ErrUnknownName, "unknown column %q", id.Name)
			return nil
		}
	}
	var idx []int
	switch op.Kind {
	case "project-away":
		for i := range sc.cols {
			if !matched[i] {
				idx = append(idx, i)
			}
		}
	case "project-keep":
		for i := range sc.cols {
			if matched[i] {
				idx = append(idx, i)
			}
		}
	case "project-reorder":
		idx = order
		for i := range sc.cols {
			if !matched[i] {
				idx = append(idx, i)
			}
		}
	}
	items := []Assign{}
	for _, i := range idx {
		c := sc.cols[i]
		items = append(items, Assign{Name: c.Name, X: &ColRef{at: at{op.Pos()}, Name: c.Name, T: c.Type, Origin: c.Origin}})
	}
	return items
}

func containsWildcard(s string) bool {
	for _, r := range s {
		if r == '*' || r == '?' || r == '[' {
			return true
		}
	}
	return false
}

func (l *lowerer) projectRename(op *kql.ProjectOp, sc *scope) []Assign {
	items := make([]Assign, len(sc.cols))
	for i, c := range sc.cols {
		items[i] = Assign{Name: c.Name, X: &ColRef{at: at{op.Pos()}, Name: c.Name, T: c.Type, Origin: c.Origin}}
	}
	for _, x := range op.Exprs {
		n, ok := x.(*kql.NamedExpr)
		if !ok || len(n.Names) != 1 {
			l.errorf(x.Pos(), kql.ErrSemantic, "project-rename expects new = old")
			return nil
		}
		old, ok := n.X.(*kql.Ident)
		if !ok {
			l.errorf(n.X.Pos(), kql.ErrSemantic, "project-rename expects a column name after =")
			return nil
		}
		i := sc.index(old.Name)
		if i < 0 {
			l.errorf(old.Pos(), kql.ErrUnknownName, "unknown column %q", old.Name)
			return nil
		}
		items[i].Name = n.Names[0].Name
	}
	seen := map[string]bool{}
	for _, it := range items {
		if seen[it.Name] {
			l.errorf(op.Pos(), kql.ErrSemantic, "project-rename makes two columns named %s", it.Name)
			return nil
		}
		seen[it.Name] = true
	}
	return items
}

func (l *lowerer) distinct(op *kql.DistinctOp, sc *scope) *scope {
	out := &scope{}
	for _, x := range op.Exprs {
		if _, star := x.(*kql.StarExpr); star {
			out.cols = append(out.cols, sc.cols...)
			continue
		}
		id, ok := x.(*kql.Ident)
		if !ok {
			l.unsupported(x.Pos(), "distinct on an expression")
			return nil
		}
		i := sc.index(id.Name)
		if i < 0 {
			l.errorf(id.Pos(), kql.ErrUnknownName, "unknown column %q", id.Name)
			return nil
		}
		out.cols = append(out.cols, sc.cols[i])
	}
	for i := range out.cols {
		out.cols[i].Origin = nil
		out.unique = append(out.unique, out.cols[i].Name)
	}
	if out.unique == nil {
		out.unique = []string{}
	}
	l.steps = append(l.steps, &Distinct{StepInfo: l.infoCols(op, "distinct", out.cols)})
	return out
}

func (l *lowerer) sortKeys(keys []*kql.SortKey, sc *scope) []SortKey {
	var out []SortKey
	for _, k := range keys {
		e := l.expr(k.X, sc)
		if e == nil {
			return nil
		}
		c, ok := e.(*ColRef)
		if !ok {
			l.unsupported(k.Pos(), "sort by an expression")
			return nil
		}
		sk := SortKey{Col: c, Desc: k.Dir != "asc"}
		sk.NullsFirst = !sk.Desc
		switch k.Nulls {
		case "first":
			sk.NullsFirst = true
		case "last":
			sk.NullsFirst = false
		}
		out = append(out, sk)
	}
	return out
}

func (l *lowerer) sort(op *kql.SortOp, sc *scope) *scope {
	keys := l.sortKeys(op.Keys, sc)
	if keys == nil {
		return nil
	}
	l.steps = append(l.steps, &Sort{StepInfo: l.infoCols(op, op.Name, sc.cols), Keys: keys})
	return sc
}

// checkCopied refuses an operator that keeps some rows by their order
// after mv-expand or join made rows whose order SQL does not keep.
func (l *lowerer) checkCopied(op kql.Operator, name string, sc *scope) bool {
	if sc.copied == "" {
		return true
	}
	l.unsupported(op.Pos(), "%s after %s (which rows it keeps depends on an order the SQL does not keep)", name, sc.copied)
	return false
}

func (l *lowerer) top(op *kql.TopOp, sc *scope) *scope {
	if !l.checkCopied(op, "top", sc) {
		return nil
	}
	n, ok := l.count64(op.N)
	keys := l.sortKeys([]*kql.SortKey{op.Key}, sc)
	if !ok || keys == nil {
		return nil
	}
	l.steps = append(l.steps, &Top{StepInfo: l.infoCols(op, "top", sc.cols), Keys: keys, N: n})
	return sc
}

func (l *lowerer) take(op *kql.TakeOp, sc *scope) *scope {
	if !l.checkCopied(op, op.Name, sc) {
		return nil
	}
	n, ok := l.count64(op.N)
	if !ok {
		return nil
	}
	l.steps = append(l.steps, &Take{StepInfo: l.infoCols(op, op.Name, sc.cols), N: n})
	return sc
}

// count64 reads the row count of take and top: a non-negative integer
// constant (a let bound to one included).
func (l *lowerer) count64(x kql.Expr) (int64, bool) {
	e := l.expr(x, &scope{})
	if e == nil {
		return 0, false
	}
	if c, ok := e.(*Const); ok {
		if n, ok := c.Value.(int64); ok && n >= 0 {
			return n, true
		}
	}
	l.errorf(x.Pos(), kql.ErrSemantic, "expected a non-negative integer constant, found %s", kql.Print(x))
	return 0, false
}

// count is the count operator: one row, one long column named Count.
func (l *lowerer) count(op *kql.CountOp, sc *scope) *scope {
	out := &scope{cols: []Column{{Name: "Count", Type: Long}}, unique: []string{}}
	agg := Agg{Name: "Count", Func: Count, Type: Long, Pos: op.Pos()}
	l.steps = append(l.steps, &Aggregate{StepInfo: l.infoCols(op, "count", out.cols), Aggs: []Agg{agg}})
	return out
}

// itoa is strconv.Itoa, named for the file's readers.
func itoa(i int) string { return strconv.Itoa(i) }
