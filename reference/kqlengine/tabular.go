package kqlengine

import (
	"path"
	"sort"
	"strings"

	"github.com/ruleport/ruleport/convert/kql"
)

// This file holds the row-wise operators (where, extend, project and its
// variants, take, count) and the ordering ones (sort, top, distinct).

// where keeps the rows whose predicate is true; a null predicate drops the
// row ("The where operator ... treats null values as bool(false)",
// https://learn.microsoft.com/kusto/query/scalar-data-types/null-values).
func (e *engine) where(src *relation, op *kql.WhereOp, sc *scope) (*relation, error) {
	p, err := e.compiler(sc, src.cols).expr(op.Pred)
	if err != nil {
		return nil, err
	}
	if p.t != TypeBool {
		return nil, errorf(op.Pred.Pos(), "%s needs a bool predicate, not %s", op.Name, p.t)
	}
	return &relation{cols: src.cols, next: func() ([]any, error) {
		for {
			row, err := src.next()
			if err != nil || row == nil {
				return nil, err
			}
			keep := p.eval(row) == true
			if e.err != nil {
				return nil, e.err
			}
			if keep {
				return row, nil
			}
		}
	}}, nil
}

// assignment is one computed column of extend or project.
type assignment struct {
	name string
	pos  kql.Pos
	x    *expr
}

// assignments compiles a list of expressions, all against the same input
// columns: in one extend, every expression reads the operator's input row,
// never a column the same extend computes (SEMANTICS.md §2, "extend A =
// f(A), B = g(A)"). Unnamed expressions take the column's name when they
// refer to one, else Column1, Column2, ...
func (e *engine) assignments(c *compiler, items []kql.Expr, taken func(string) bool) ([]assignment, error) {
	var out []assignment
	gen := 0
	for _, it := range items {
		var name string
		valueX := it
		if n, ok := it.(*kql.NamedExpr); ok {
			if len(n.Names) != 1 {
				return nil, unsupportedf(n.Pos(), "tuple assignment")
			}
			name, valueX = n.Names[0].Name, n.X
		}
		x, err := c.expr(valueX)
		if err != nil {
			return nil, err
		}
		if name == "" {
			name = x.name
		}
		for name == "" {
			gen++
			if cand := "Column" + itoa(gen); !taken(cand) {
				name = cand
			}
		}
		out = append(out, assignment{name: name, pos: it.Pos(), x: x})
	}
	return out, nil
}

// extend adds or replaces columns. A replaced column keeps its position;
// new ones are appended in order.
func (e *engine) extend(src *relation, op *kql.ExtendOp, sc *scope) (*relation, error) {
	c := e.compiler(sc, src.cols)
	cols := append([]Column(nil), src.cols...)
	index := func(name string) int {
		for i, col := range cols {
			if col.Name == name {
				return i
			}
		}
		return -1
	}
	as, err := e.assignments(c, op.Exprs, func(n string) bool { return index(n) >= 0 })
	if err != nil {
		return nil, err
	}
	targets := make([]int, len(as))
	for i, a := range as {
		j := index(a.name)
		if j < 0 {
			cols = append(cols, Column{Name: a.name, Type: a.x.t})
			j = len(cols) - 1
		} else {
			cols[j].Type = a.x.t
		}
		targets[i] = j
	}
	return &relation{cols: cols, next: func() ([]any, error) {
		row, err := src.next()
		if err != nil || row == nil {
			return nil, err
		}
		out := make([]any, len(cols))
		copy(out, row)
		for i, a := range as {
			out[targets[i]] = a.x.eval(row) // the input row: parallel semantics
		}
		if e.err != nil {
			return nil, e.err
		}
		return out, nil
	}}, nil
}

// project dispatches on the project variant.
func (e *engine) project(src *relation, op *kql.ProjectOp, sc *scope) (*relation, error) {
	switch op.Kind {
	case "project":
		return e.projectExprs(src, op, sc)
	case "project-away", "project-keep", "project-reorder":
		return e.projectSelect(src, op)
	case "project-rename":
		return e.projectRename(src, op)
	}
	return nil, unsupportedf(op.Pos(), "operator %s", op.Kind)
}

// projectExprs is project: exactly the listed columns, in order
// (https://learn.microsoft.com/kusto/query/project-operator).
func (e *engine) projectExprs(src *relation, op *kql.ProjectOp, sc *scope) (*relation, error) {
	c := e.compiler(sc, src.cols)
	as, err := e.assignments(c, op.Exprs, func(n string) bool { _, ok := c.idx[n]; return ok })
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	cols := make([]Column, len(as))
	for i, a := range as {
		if seen[a.name] {
			return nil, errorf(a.pos, "project: column %s appears twice", a.name)
		}
		seen[a.name] = true
		cols[i] = Column{Name: a.name, Type: a.x.t}
	}
	return &relation{cols: cols, next: func() ([]any, error) {
		row, err := src.next()
		if err != nil || row == nil {
			return nil, err
		}
		out := make([]any, len(as))
		for i, a := range as {
			out[i] = a.x.eval(row)
		}
		if e.err != nil {
			return nil, e.err
		}
		return out, nil
	}}, nil
}

// columnPatterns reads the names and wildcard patterns of project-away,
// project-keep and project-reorder, returning for each the input columns
// it matches, in input order. A plain name that matches nothing is an
// error, as in Kusto.
func columnPatterns(cols []Column, items []kql.Expr, kind string) ([][]int, error) {
	var out [][]int
	for _, it := range items {
		id, ok := it.(*kql.Ident)
		if !ok {
			return nil, unsupportedf(it.Pos(), "%s of an expression", kind)
		}
		var m []int
		for i, c := range cols {
			if ok, _ := path.Match(globEscape(id.Name), c.Name); ok {
				m = append(m, i)
			}
		}
		if len(m) == 0 && !strings.Contains(id.Name, "*") {
			return nil, errorf(id.Pos(), "%s: unknown column %s", kind, id.Name)
		}
		out = append(out, m)
	}
	return out, nil
}

// globEscape keeps only * special in a column pattern.
func globEscape(p string) string {
	r := strings.NewReplacer(`\`, `\\`, `?`, `\?`, `[`, `\[`)
	return r.Replace(p)
}

// projectSelect is project-away (drop the matched columns), project-keep
// (keep them, in input order) and project-reorder (matched columns first,
// in the order listed, then the rest).
func (e *engine) projectSelect(src *relation, op *kql.ProjectOp) (*relation, error) {
	matches, err := columnPatterns(src.cols, op.Exprs, op.Kind)
	if err != nil {
		return nil, err
	}
	hit := make([]bool, len(src.cols))
	var order []int
	for _, m := range matches {
		for _, i := range m {
			if !hit[i] {
				hit[i] = true
				order = append(order, i)
			}
		}
	}
	var keep []int
	switch op.Kind {
	case "project-away":
		for i := range src.cols {
			if !hit[i] {
				keep = append(keep, i)
			}
		}
	case "project-keep":
		for i := range src.cols {
			if hit[i] {
				keep = append(keep, i)
			}
		}
	default: // project-reorder
		keep = order
		for i := range src.cols {
			if !hit[i] {
				keep = append(keep, i)
			}
		}
	}
	return pick(src, keep), nil
}

// pick returns the columns of src at the given indexes.
func pick(src *relation, idx []int) *relation {
	cols := make([]Column, len(idx))
	for i, j := range idx {
		cols[i] = src.cols[j]
	}
	return &relation{cols: cols, next: func() ([]any, error) {
		row, err := src.next()
		if err != nil || row == nil {
			return nil, err
		}
		out := make([]any, len(idx))
		for i, j := range idx {
			out[i] = row[j]
		}
		return out, nil
	}}
}

// projectRename renames columns in place: new = old
// (https://learn.microsoft.com/kusto/query/project-rename-operator).
func (e *engine) projectRename(src *relation, op *kql.ProjectOp) (*relation, error) {
	cols := append([]Column(nil), src.cols...)
	for _, it := range op.Exprs {
		n, ok := it.(*kql.NamedExpr)
		if !ok || len(n.Names) != 1 {
			return nil, errorf(it.Pos(), "project-rename needs new = old")
		}
		old, ok := n.X.(*kql.Ident)
		if !ok {
			return nil, errorf(n.X.Pos(), "project-rename: the old name must be a column")
		}
		j := -1
		for i, c := range src.cols {
			if c.Name == old.Name {
				j = i
			}
		}
		if j < 0 {
			return nil, errorf(old.Pos(), "project-rename: unknown column %s", old.Name)
		}
		cols[j].Name = n.Names[0].Name
	}
	seen := map[string]bool{}
	for _, c := range cols {
		if seen[c.Name] {
			return nil, errorf(op.Pos(), "project-rename: two columns named %s", c.Name)
		}
		seen[c.Name] = true
	}
	return &relation{cols: cols, next: src.next}, nil
}

// constCount reads the row count of take, top and mv-expand's limit. A
// count that reads columns (Kusto.Language accepts "take n") is not
// implemented; a constant must be a non-negative integer.
func (e *engine) constCount(n kql.Expr, cols []Column, sc *scope, what string) (int64, error) {
	x, err := e.compiler(sc, cols).expr(n)
	if err != nil {
		return 0, err
	}
	if !x.konst {
		return 0, unsupportedf(n.Pos(), "%s with a count that is not a constant", what)
	}
	v, ok := asInt64(x.val)
	if !ok || v < 0 {
		return 0, errorf(n.Pos(), "%s needs a non-negative integer count", what)
	}
	return v, nil
}

// take returns the first N rows. Kusto returns any N rows ("There is no
// guarantee which records are returned",
// https://learn.microsoft.com/kusto/query/take-operator); ruleport takes
// the first N in input order, so runs are repeatable.
func (e *engine) take(src *relation, op *kql.TakeOp, sc *scope) (*relation, error) {
	n, err := e.constCount(op.N, src.cols, sc, op.Name)
	if err != nil {
		return nil, err
	}
	return limit(src, n), nil
}

func limit(src *relation, n int64) *relation {
	var seen int64
	return &relation{cols: src.cols, next: func() ([]any, error) {
		if seen >= n {
			return nil, nil
		}
		seen++
		return src.next()
	}}
}

// count returns one row with the number of input rows, in a long column
// named Count (https://learn.microsoft.com/kusto/query/count-operator).
func (e *engine) count(src *relation) *relation {
	done := false
	return &relation{cols: []Column{{Name: "Count", Type: TypeLong}}, next: func() ([]any, error) {
		if done {
			return nil, nil
		}
		done = true
		var n int64
		for {
			row, err := src.next()
			if err != nil {
				return nil, err
			}
			if row == nil {
				return []any{n}, nil
			}
			n++
		}
	}}
}

// sortKey is a compiled key of sort or top.
type sortKey struct {
	x          *expr
	desc       bool
	nullsFirst bool
}

// sortKeys compiles sort keys. The default direction is desc; nulls come
// first for asc and last for desc, by default
// (https://learn.microsoft.com/kusto/query/sort-operator).
func (e *engine) sortKeys(src *relation, keys []*kql.SortKey, sc *scope) ([]sortKey, error) {
	c := e.compiler(sc, src.cols)
	out := make([]sortKey, len(keys))
	for i, k := range keys {
		x, err := c.expr(k.X)
		if err != nil {
			return nil, err
		}
		if x.t == TypeDynamic {
			return nil, errorf(k.Pos(), "cannot sort by a dynamic value")
		}
		desc := !strings.EqualFold(k.Dir, "asc")
		nullsFirst := !desc
		switch strings.ToLower(k.Nulls) {
		case "first":
			nullsFirst = true
		case "last":
			nullsFirst = false
		}
		out[i] = sortKey{x: x, desc: desc, nullsFirst: nullsFirst}
	}
	return out, nil
}

// sort orders all rows (stably, so equal keys keep input order) and keeps
// the first n when n >= 0.
func (e *engine) sort(src *relation, keys []*kql.SortKey, sc *scope, n int64) (*relation, error) {
	ks, err := e.sortKeys(src, keys, sc)
	if err != nil {
		return nil, err
	}
	var it rowIter
	return &relation{cols: src.cols, next: func() ([]any, error) {
		if it == nil {
			rows, err := sortRows(e, src, ks)
			if err != nil {
				return nil, err
			}
			if n >= 0 && int64(len(rows)) > n {
				rows = rows[:n]
			}
			it = sliceIter(rows)
		}
		return it()
	}}, nil
}

func sortRows(e *engine, src *relation, ks []sortKey) ([][]any, error) {
	type keyed struct {
		row  []any
		vals []any
	}
	var all []keyed
	for {
		row, err := src.next()
		if err != nil {
			return nil, err
		}
		if row == nil {
			break
		}
		vals := make([]any, len(ks))
		for i, k := range ks {
			vals[i] = k.x.eval(row)
		}
		if e.err != nil {
			return nil, e.err
		}
		all = append(all, keyed{row, vals})
	}
	sort.SliceStable(all, func(i, j int) bool {
		for k, key := range ks {
			a, b := all[i].vals[k], all[j].vals[k]
			na, nb := isNullish(a), isNullish(b)
			switch {
			case na && nb:
				continue
			case na || nb:
				return na == key.nullsFirst
			}
			c := compareNonNull(a, b)
			if c == 0 {
				continue
			}
			return (c < 0) != key.desc
		}
		return false
	})
	rows := make([][]any, len(all))
	for i, k := range all {
		rows[i] = k.row
	}
	return rows, nil
}

// top is sort by the key, then the first N rows
// (https://learn.microsoft.com/kusto/query/top-operator).
func (e *engine) top(src *relation, op *kql.TopOp, sc *scope) (*relation, error) {
	n, err := e.constCount(op.N, src.cols, sc, "top")
	if err != nil {
		return nil, err
	}
	return e.sort(src, []*kql.SortKey{op.Key}, sc, n)
}

// distinct returns the distinct combinations of the listed columns or
// expressions (or of all columns, for *), in order of first appearance
// (https://learn.microsoft.com/kusto/query/distinct-operator). Dynamic
// values cannot be compared, so they are refused, as Kusto does.
func (e *engine) distinct(src *relation, op *kql.DistinctOp, sc *scope) (*relation, error) {
	in := src
	if !(len(op.Exprs) == 1 && isStar(op.Exprs[0])) {
		rel, err := e.projectExprs(src, &kql.ProjectOp{Keyword: op.Keyword, Kind: "project", Exprs: op.Exprs}, sc)
		if err != nil {
			return nil, err
		}
		in = rel
	}
	for i, c := range in.cols {
		if c.Type == TypeDynamic {
			pos := op.Pos()
			if i < len(op.Exprs) {
				pos = op.Exprs[i].Pos()
			}
			return nil, errorf(pos, "distinct: column %s is dynamic; cast it first", c.Name)
		}
	}
	seen := map[string]bool{}
	var buf []byte
	return &relation{cols: in.cols, next: func() ([]any, error) {
		for {
			row, err := in.next()
			if err != nil || row == nil {
				return nil, err
			}
			buf = buf[:0]
			for _, v := range row {
				buf = appendKey(buf, v)
			}
			if !seen[string(buf)] {
				seen[string(buf)] = true
				return row, nil
			}
		}
	}}, nil
}

func isStar(x kql.Expr) bool {
	_, ok := x.(*kql.StarExpr)
	return ok
}
