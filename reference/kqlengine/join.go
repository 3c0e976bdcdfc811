package kqlengine

import (
	"errors"
	"strings"

	"github.com/ruleport/ruleport/convert/kql"
)

// This file holds join (https://learn.microsoft.com/kusto/query/join-operator)
// and union (https://learn.microsoft.com/kusto/query/union-operator).

// joinKind describes a join flavor: which rows it returns and whose
// columns.
type joinKind struct {
	unique     bool // innerunique: the left side deduplicated on the key
	leftAll    bool // unmatched left rows too (leftouter, fullouter)
	rightAll   bool // unmatched right rows too (rightouter, fullouter)
	semi, anti bool // one side's rows only, by match or by no match
	right      bool // semi/anti: the right side's rows
}

var joinKinds = map[string]joinKind{
	"innerunique":   {unique: true},
	"inner":         {},
	"leftouter":     {leftAll: true},
	"rightouter":    {rightAll: true},
	"fullouter":     {leftAll: true, rightAll: true},
	"leftsemi":      {semi: true},
	"leftanti":      {anti: true},
	"anti":          {anti: true},
	"leftantisemi":  {anti: true},
	"rightsemi":     {semi: true, right: true},
	"rightanti":     {anti: true, right: true},
	"rightantisemi": {anti: true, right: true},
}

// joinPlan is a compiled join: key column pairs and the output layout.
type joinPlan struct {
	kind        joinKind
	lkeys, rkey []int
}

func (e *engine) join(left *relation, op *kql.JoinOp, sc *scope) (*relation, error) {
	kindName := "innerunique" // the default flavor
	for _, p := range op.Params {
		name := strings.ToLower(p.Name.Name)
		switch {
		case name == "kind":
			id, ok := p.Value.(*kql.Ident)
			if !ok {
				return nil, errorf(p.Value.Pos(), "join kind must be a name")
			}
			kindName = strings.ToLower(id.Name)
		case strings.HasPrefix(name, "hint."):
			// Hints change the execution plan, "don't change the semantic
			// of join" (join operator page).
		default:
			return nil, unsupportedf(p.Pos(), "join parameter %s", p.Name.Name)
		}
	}
	kind, ok := joinKinds[kindName]
	if !ok {
		return nil, errorf(op.Pos(), "unknown join kind %s", kindName)
	}
	right, err := e.tabular(op.Right, sc)
	if err != nil {
		return nil, err
	}
	plan := &joinPlan{kind: kind}
	for _, cond := range op.Conds {
		if err := plan.addCond(cond, left.cols, right.cols); err != nil {
			return nil, err
		}
	}
	if len(plan.lkeys) == 0 {
		return nil, errorf(op.Pos(), "join needs an on clause")
	}
	cols := plan.columns(left.cols, right.cols)
	var it rowIter
	return &relation{cols: cols, next: func() ([]any, error) {
		if it == nil {
			rows, err := plan.run(left, right)
			if err != nil {
				return nil, err
			}
			it = sliceIter(rows)
		}
		return it()
	}}, nil
}

// addCond reads one on condition: a column name common to both sides,
// $left.a == $right.b (either order), or several joined by and.
func (p *joinPlan) addCond(cond kql.Expr, lcols, rcols []Column) error {
	switch c := cond.(type) {
	case *kql.Ident:
		return p.addPair(c.Pos(), c.Name, c.Name, lcols, rcols)
	case *kql.BinaryExpr:
		if c.Op == "and" {
			if err := p.addCond(c.X, lcols, rcols); err != nil {
				return err
			}
			return p.addCond(c.Y, lcols, rcols)
		}
		if c.Op != "==" {
			return unsupportedf(c.OpPos, "join condition with %s", c.Op)
		}
		ls, lname, ok1 := sideRef(c.X)
		rs, rname, ok2 := sideRef(c.Y)
		if !ok1 || !ok2 || ls == rs {
			return errorf(c.Pos(), "join condition must be $left.col == $right.col")
		}
		if ls == "$right" {
			lname, rname = rname, lname
		}
		return p.addPair(c.Pos(), lname, rname, lcols, rcols)
	case *kql.ParenExpr:
		return p.addCond(c.X, lcols, rcols)
	}
	return unsupportedf(cond.Pos(), "join condition")
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

func (p *joinPlan) addPair(pos kql.Pos, lname, rname string, lcols, rcols []Column) error {
	li, ri := colIndex(lcols, lname), colIndex(rcols, rname)
	if li < 0 {
		return errorf(pos, "join: the left side has no column %s", lname)
	}
	if ri < 0 {
		return errorf(pos, "join: the right side has no column %s", rname)
	}
	lt, rt := lcols[li].Type, rcols[ri].Type
	if lt != rt {
		return errorf(pos, "join: key %s is %s on the left and %s on the right", lname, lt, rt)
	}
	if lt == TypeDynamic {
		// Kusto.Language accepts a dynamic key; how the engine matches
		// dynamic values is not documented.
		return unsupportedf(pos, "join on the dynamic column %s", lname)
	}
	p.lkeys = append(p.lkeys, li)
	p.rkey = append(p.rkey, ri)
	return nil
}

func colIndex(cols []Column, name string) int {
	for i, c := range cols {
		if c.Name == name {
			return i
		}
	}
	return -1
}

// uniqueName returns name, or name1, name2, ... when name is taken: the
// join doc's examples rename the right side's Key to Key1.
func uniqueName(name string, taken map[string]bool) string {
	cand := name
	for i := 1; taken[cand]; i++ {
		cand = name + itoa(i)
	}
	return cand
}

// columns lays out the output: semi and anti joins keep one side's
// columns; the others keep the left's, then the right's. A right column
// whose name the left side has gets the first numeric suffix that is no
// column name of either side nor one given before, as Kusto.Language's
// binder names it (convert/kql bind_join.go: T join U on a, where U has a
// and a1, names U's a a2 and keeps a1).
func (p *joinPlan) columns(lcols, rcols []Column) []Column {
	switch {
	case (p.kind.semi || p.kind.anti) && p.kind.right:
		return rcols
	case p.kind.semi || p.kind.anti:
		return lcols
	}
	out := append([]Column(nil), lcols...)
	taken, inLeft := map[string]bool{}, map[string]bool{}
	for _, c := range lcols {
		taken[c.Name], inLeft[c.Name] = true, true
	}
	for _, c := range rcols {
		taken[c.Name] = true
	}
	for _, c := range rcols {
		name := c.Name
		if inLeft[name] {
			name = uniqueName(name, taken)
			taken[name] = true
		}
		out = append(out, Column{Name: name, Type: c.Type})
	}
	return out
}

// joinKey encodes the key of a row, or reports a null key part: a null
// key matches nothing (SQL's reading; Kusto's docs do not say).
func joinKey(buf []byte, row []any, idx []int) ([]byte, bool) {
	buf = buf[:0]
	for _, i := range idx {
		if row[i] == nil {
			return buf, false
		}
		buf = appendKey(buf, row[i])
	}
	return buf, true
}

// run performs the join with a hash table on the right side.
func (p *joinPlan) run(left, right *relation) ([][]any, error) {
	rrows, err := collect(right)
	if err != nil {
		return nil, err
	}
	index := map[string][]int{}
	var buf []byte
	for i, r := range rrows {
		var ok bool
		if buf, ok = joinKey(buf, r, p.rkey); ok {
			index[string(buf)] = append(index[string(buf)], i)
		}
	}
	lrows, err := collect(left)
	if err != nil {
		return nil, err
	}
	if p.kind.unique {
		lrows = p.dedupLeft(lrows)
	}
	var out [][]any
	rightHit := make([]bool, len(rrows))
	for _, l := range lrows {
		var matches []int
		if k, ok := joinKey(buf, l, p.lkeys); ok {
			buf = k
			matches = index[string(k)]
		}
		for _, m := range matches {
			rightHit[m] = true
		}
		switch {
		case p.kind.right:
			continue // rightsemi/rightanti read rightHit below
		case p.kind.semi:
			if len(matches) > 0 {
				out = append(out, l)
			}
		case p.kind.anti:
			if len(matches) == 0 {
				out = append(out, l)
			}
		default:
			for _, m := range matches {
				out = append(out, concatRows(l, rrows[m]))
			}
			if len(matches) == 0 && p.kind.leftAll {
				out = append(out, concatRows(l, zeroRow(right.cols)))
			}
		}
	}
	for i, r := range rrows {
		switch {
		case p.kind.right && p.kind.semi && rightHit[i], p.kind.right && p.kind.anti && !rightHit[i]:
			out = append(out, r)
		case p.kind.rightAll && !rightHit[i]:
			out = append(out, concatRows(zeroRow(left.cols), r))
		}
	}
	return out, nil
}

// dedupLeft keeps the first left row of each key: "The deduplication keeps
// only the first record" (https://learn.microsoft.com/kusto/query/join-innerunique;
// the page adds that Kusto may keep another one).
func (p *joinPlan) dedupLeft(rows [][]any) [][]any {
	seen := map[string]bool{}
	var out [][]any
	var buf []byte
	for _, r := range rows {
		var ok bool
		buf, ok = joinKey(buf, r, p.lkeys)
		if !ok {
			out = append(out, r) // a null key matches nothing anyway
			continue
		}
		if !seen[string(buf)] {
			seen[string(buf)] = true
			out = append(out, r)
		}
	}
	return out
}

func concatRows(a, b []any) []any {
	out := make([]any, 0, len(a)+len(b))
	return append(append(out, a...), b...)
}

// zeroRow is the row an outer join pads with: null, and "" for strings.
func zeroRow(cols []Column) []any {
	out := make([]any, len(cols))
	for i, c := range cols {
		out[i] = zeroOf(c.Type)
	}
	return out
}

// union concatenates tables (after first, when the union follows a pipe).
// kind=outer (the default) keeps every column, in order of first
// appearance, filling absent ones with nulls; kind=inner keeps the columns
// all tables share.
func (e *engine) union(first *relation, params []*kql.Param, tables []kql.Expr, pos kql.Pos, sc *scope) (*relation, error) {
	inner, fuzzy, err := unionParams(params)
	if err != nil {
		return nil, err
	}
	var rels []*relation
	if first != nil {
		rels = append(rels, first)
	}
	for _, t := range tables {
		r, err := e.tabular(t, sc)
		if fuzzy && errors.Is(err, errUnknownTable) {
			// isfuzzy=true: "The set of union sources is reduced to the set
			// of table references that exist" (union operator page).
			continue
		}
		if err != nil {
			return nil, err
		}
		rels = append(rels, r)
	}
	if len(rels) == 0 {
		return nil, errorf(pos, "union: none of the tables exists")
	}
	cols, err := unionColumns(rels, inner, pos)
	if err != nil {
		return nil, err
	}
	k := 0
	var cur rowIter
	var mapping []int
	return &relation{cols: cols, next: func() ([]any, error) {
		for k < len(rels) {
			if cur == nil {
				cur, mapping = rels[k].next, columnMapping(cols, rels[k].cols)
			}
			row, err := cur()
			if err != nil {
				return nil, err
			}
			if row != nil {
				out := make([]any, len(cols))
				for i, j := range mapping {
					if j < 0 {
						out[i] = zeroOf(cols[i].Type)
					} else {
						out[i] = row[j]
					}
				}
				return out, nil
			}
			k, cur = k+1, nil
		}
		return nil, nil
	}}, nil
}

// unionParams reads kind=inner|outer, isfuzzy=true|false and hints.
func unionParams(params []*kql.Param) (inner, fuzzy bool, err error) {
	for _, p := range params {
		v, _ := p.Value.(*kql.Ident)
		lit, _ := p.Value.(*kql.BasicLit)
		switch name := strings.ToLower(p.Name.Name); {
		case name == "kind" && v != nil && (v.Name == "inner" || v.Name == "outer"):
			inner = v.Name == "inner"
		case name == "isfuzzy" && lit != nil && lit.Kind == kql.LitBool:
			fuzzy = strings.EqualFold(lit.Raw, "true")
		case strings.HasPrefix(name, "hint."):
		default:
			return false, false, unsupportedf(p.Pos(), "union parameter %s", p.Name.Name)
		}
	}
	return inner, fuzzy, nil
}

// unionColumns merges the schemas. A column whose type differs between
// tables (Kusto then renames it per type) is not implemented.
func unionColumns(rels []*relation, inner bool, pos kql.Pos) ([]Column, error) {
	var cols []Column
	count := map[string]int{}
	for _, r := range rels {
		for _, c := range r.cols {
			j := colIndex(cols, c.Name)
			if j < 0 {
				cols = append(cols, c)
			} else if cols[j].Type != c.Type {
				return nil, unsupportedf(pos, "union of column %s with types %s and %s", c.Name, cols[j].Type, c.Type)
			}
			count[c.Name]++
		}
	}
	if !inner {
		return cols, nil
	}
	var out []Column
	for _, c := range cols {
		if count[c.Name] == len(rels) {
			out = append(out, c)
		}
	}
	return out, nil
}

// columnMapping says, for each output column, which input column fills it.
func columnMapping(out, in []Column) []int {
	m := make([]int, len(out))
	for i, c := range out {
		m[i] = colIndex(in, c.Name)
	}
	return m
}
