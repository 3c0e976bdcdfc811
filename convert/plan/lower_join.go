package plan

import (
	"math"
	"strconv"
	"strings"

	"github.com/ruleport/ruleport/convert/kql"
)

// This file lowers the two operators that are not one row in, one row
// out: mv-expand (https://learn.microsoft.com/kusto/query/mv-expand-operator)
// and join (https://learn.microsoft.com/kusto/query/join-operator).

// legacyExpandLimit is mvexpand's default row limit: "mvexpand is a legacy
// and obsolete form of the operator mv-expand. The legacy version has a
// default row limit of 128" (mv-expand page, RowLimit).
const legacyExpandLimit = 128

// mvExpand lowers mv-expand and mvexpand. Every item reads the input row,
// as extend's expressions do; the output replaces or appends the items'
// columns, then the index column.
func (l *lowerer) mvExpand(op *kql.MvExpandOp, sc *scope) *scope {
	st := &MvExpand{Limit: math.MaxInt32}
	if op.Name == "mvexpand" {
		st.Limit = legacyExpandLimit
	}
	ok := l.expandParams(op, st)
	if op.Limit != nil {
		n, good := l.count64(op.Limit)
		ok = ok && good
		st.Limit = n
	}
	seen := map[string]bool{}
	for _, it := range op.Items {
		item, good := l.expandItem(it, sc)
		if !good {
			ok = false
			continue
		}
		if seen[item.Name] {
			l.errorf(item.Pos, kql.ErrSemantic, "column %s is expanded twice in one mv-expand", item.Name)
			ok = false
			continue
		}
		seen[item.Name] = true
		st.Items = append(st.Items, item)
	}
	if !ok {
		return nil
	}
	out := &scope{cols: append([]Column(nil), sc.cols...), copied: op.Name}
	for _, it := range st.Items {
		col := Column{Name: it.Name, Type: it.To}
		if i := out.index(it.Name); i >= 0 {
			out.cols[i] = col
		} else {
			out.cols = append(out.cols, col)
		}
	}
	if st.Index != "" {
		if out.index(st.Index) >= 0 {
			l.unsupported(op.Pos(), "with_itemindex=%s naming a column that exists", st.Index)
			return nil
		}
		out.cols = append(out.cols, Column{Name: st.Index, Type: Long})
	}
	st.StepInfo = l.infoCols(op, op.Name, out.cols)
	l.steps = append(l.steps, st)
	return out
}

// expandParams reads kind= (or bagexpansion=) bag|array and
// with_itemindex=Name.
func (l *lowerer) expandParams(op *kql.MvExpandOp, st *MvExpand) bool {
	for _, p := range op.Params {
		name := strings.ToLower(p.Name.Name)
		id, _ := p.Value.(*kql.Ident)
		switch {
		case (name == "kind" || name == "bagexpansion") && id != nil && (id.Name == "bag" || id.Name == "array"):
			st.BagAsArray = id.Name == "array"
		case name == "with_itemindex" && id != nil:
			st.Index = id.Name
		default:
			l.unsupported(p.Pos(), "%s parameter %s", op.Name, p.Name.Name)
			return false
		}
	}
	return true
}

// expandItem lowers one item: a column, or Name = expression, with an
// optional "to typeof(T)". The value must be dynamic.
func (l *lowerer) expandItem(it *kql.MvExpandItem, sc *scope) (ExpandItem, bool) {
	name, x := "", it.X
	switch n := it.X.(type) {
	case *kql.NamedExpr:
		if len(n.Names) != 1 {
			l.unsupported(n.Pos(), "tuple assignment in mv-expand")
			return ExpandItem{}, false
		}
		name, x = n.Names[0].Name, n.X
	default:
		// An unnamed expression takes the name Kusto derives for it and
		// replaces that column (mv-expand todynamic(Resources)).
		name = derivedName(x)
		if name == "" {
			l.unsupported(x.Pos(), "mv-expand of an expression Kusto names Column1 (name it: Name = ...)")
			return ExpandItem{}, false
		}
	}
	e := l.expr(x, sc)
	if e == nil {
		return ExpandItem{}, false
	}
	if e.Type() != Dynamic {
		l.errorf(x.Pos(), kql.ErrSemantic, "mv-expand needs a dynamic value, found %s", e.Type())
		return ExpandItem{}, false
	}
	item := ExpandItem{Name: name, X: e, To: Dynamic, Pos: it.X.Pos()}
	if it.ToType != "" {
		item.To = typeOf(it.ToType)
		if item.To == Unknown {
			l.unsupported(it.X.Pos(), "mv-expand to typeof(%s)", it.ToType)
			return ExpandItem{}, false
		}
	}
	return item, true
}

// joinKinds maps the kinds the plan lowers; the others are unsupported.
var joinKinds = map[string]JoinKind{"innerunique": Inner, "inner": Inner, "leftouter": LeftOuter}

// join lowers a join: the right side as a pipeline of its own, the on
// clause, and the output columns as Kusto names them.
func (l *lowerer) join(op *kql.JoinOp, sc *scope) *scope {
	kindName, ok := l.joinKind(op)
	right, rsc := l.subPipeline(op.Right)
	if !ok || right == nil {
		return nil
	}
	on, ok := l.joinConds(op, sc, rsc)
	if !ok {
		return nil
	}
	st := &Join{Kind: joinKinds[kindName], Right: right, On: on}
	if kindName == "innerunique" {
		if !uniqueOn(sc.unique, on) {
			l.unsupported(op.Pos(), "join kind innerunique (the default) on a left side that may hold several rows per key: "+
				"Kusto keeps an arbitrary one, SQL has no row order to pick the same (write kind=inner, or make the left side distinct on the keys)")
			return nil
		}
		st.UniqueLeft = true
	}
	// Columns pass through unchanged. leftouter pads the right side of a
	// row without a match with the empty value, which is what a scan
	// column whose field is absent holds too.
	cols := append([]Column(nil), sc.cols...)
	for _, r := range joinRenames(sc.cols, rsc.cols) {
		st.RightCols = append(st.RightCols, r)
		c := rsc.cols[rsc.index(r.From)]
		cols = append(cols, Column{Name: r.To, Type: c.Type, Origin: c.Origin})
	}
	st.StepInfo = l.infoCols(op, "join", cols)
	l.steps = append(l.steps, st)
	return &scope{cols: cols, copied: "join"}
}

// joinKind reads kind= (default innerunique) and ignores the hint.*
// parameters, which "don't change the semantic of join" (join page).
func (l *lowerer) joinKind(op *kql.JoinOp) (string, bool) {
	kind := "innerunique"
	for _, p := range op.Params {
		name := strings.ToLower(p.Name.Name)
		switch {
		case name == "kind":
			id, ok := p.Value.(*kql.Ident)
			if !ok {
				l.errorf(p.Value.Pos(), kql.ErrSemantic, "join kind must be a name")
				return "", false
			}
			kind = strings.ToLower(id.Name)
			if _, ok := joinKinds[kind]; !ok {
				l.unsupported(p.Value.Pos(), "join kind %s", id.Name)
				return "", false
			}
		case strings.HasPrefix(name, "hint."):
		default:
			l.unsupported(p.Pos(), "join parameter %s", p.Name.Name)
			return "", false
		}
	}
	return kind, true
}

// subPipeline lowers the right side of a join into steps of its own.
func (l *lowerer) subPipeline(x kql.Expr) (*Plan, *scope) {
	saved := l.steps
	l.steps = nil
	sc := l.pipeline(x)
	steps := l.steps
	l.steps = saved
	if sc == nil || len(steps) == 0 {
		return nil, nil
	}
	return &Plan{Steps: steps, Source: l.src}, sc
}

// joinConds reads the on clause: column names both sides have, and
// $left.a == $right.b (either order), separated by commas or and.
func (l *lowerer) joinConds(op *kql.JoinOp, left, right *scope) ([]JoinKey, bool) {
	var keys []JoinKey
	var add func(x kql.Expr) bool
	add = func(x kql.Expr) bool {
		switch c := x.(type) {
		case *kql.Ident:
			return l.joinKey(c.Pos(), c.Name, c.Name, left, right, &keys)
		case *kql.ParenExpr:
			return add(c.X)
		case *kql.BinaryExpr:
			if c.Op == "and" {
				return add(c.X) && add(c.Y)
			}
			ls, lname, ok1 := sideRef(c.X)
			rs, rname, ok2 := sideRef(c.Y)
			if c.Op != "==" || !ok1 || !ok2 || ls == rs {
				l.unsupported(c.Pos(), "join condition %s (only $left.a == $right.b)", kql.Print(c))
				return false
			}
			if ls == "$right" {
				lname, rname = rname, lname
			}
			return l.joinKey(c.Pos(), lname, rname, left, right, &keys)
		}
		l.unsupported(x.Pos(), "join condition %s", kql.Print(x))
		return false
	}
	ok := true
	for _, c := range op.Conds {
		ok = add(c) && ok
	}
	if ok && len(keys) == 0 {
		l.errorf(op.Pos(), kql.ErrSemantic, "join needs an on clause")
		return nil, false
	}
	return keys, ok
}

// sideRef reads $left.col or $right.col.
func sideRef(x kql.Expr) (side, col string, ok bool) {
	m, ok := x.(*kql.MemberExpr)
	if !ok {
		return "", "", false
	}
	id, ok := m.X.(*kql.Ident)
	if !ok || (id.Name != "$left" && id.Name != "$right") {
		return "", "", false
	}
	return id.Name, m.Sel.Name, true
}

// joinKey checks one key pair: both columns exist and have one type,
// which is not dynamic (how Kusto matches dynamic values is not
// documented).
func (l *lowerer) joinKey(pos kql.Pos, lname, rname string, left, right *scope, keys *[]JoinKey) bool {
	li, ri := left.index(lname), right.index(rname)
	switch {
	case li < 0:
		l.errorf(pos, kql.ErrUnknownName, "unknown column %q on the left side of the join", lname)
	case ri < 0:
		l.errorf(pos, kql.ErrUnknownName, "unknown column %q on the right side of the join", rname)
	case left.cols[li].Type != right.cols[ri].Type:
		l.errorf(pos, kql.ErrSemantic, "join key %s is %s on the left and %s on the right", lname, left.cols[li].Type, right.cols[ri].Type)
	case left.cols[li].Type == Dynamic:
		l.unsupported(pos, "join on the dynamic column %s", lname)
	default:
		*keys = append(*keys, JoinKey{Left: lname, Right: rname})
		return true
	}
	return false
}

// uniqueOn reports whether a side unique on the columns unique (nil: not
// known) holds at most one row per value of the left keys of on: every
// unique column is a key.
func uniqueOn(unique []string, on []JoinKey) bool {
	if unique == nil {
		return false
	}
	for _, u := range unique {
		found := false
		for _, k := range on {
			found = found || k.Left == u
		}
		if !found {
			return false
		}
	}
	return true
}

// joinRenames names the right side's columns in the output as
// Kusto.Language does (convert/kql's binder): a column whose name the left
// side has gets the first numeric suffix that is no column name of either
// side nor one given before (T join U on a, where U has a and a1: U's a
// becomes a2).
func joinRenames(left, right []Column) []Rename {
	taken := map[string]bool{}
	inLeft := map[string]bool{}
	for _, c := range left {
		taken[c.Name], inLeft[c.Name] = true, true
	}
	for _, c := range right {
		taken[c.Name] = true
	}
	out := make([]Rename, len(right))
	for i, c := range right {
		to := c.Name
		if inLeft[c.Name] {
			for n := 1; taken[to]; n++ {
				to = c.Name + strconv.Itoa(n)
			}
			taken[to] = true
		}
		out[i] = Rename{From: c.Name, To: to}
	}
	return out
}
