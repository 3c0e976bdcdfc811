package kqlengine

import (
	"strings"

	"github.com/ruleport/ruleport/convert/kql"
)

// This file compiles the set operators: in, !in, in~, !in~
// (https://learn.microsoft.com/kusto/query/in-cs-operator and
// https://learn.microsoft.com/kusto/query/in-operator), has_any and has_all.
// The list may mix scalars and dynamic arrays, whose elements count one by
// one, or be one tabular expression whose first column is the set.

func (c *compiler) in(x *kql.InExpr) (*expr, error) {
	v, err := c.expr(x.X)
	if err != nil {
		return nil, err
	}
	elems, err := c.inList(x)
	if err != nil {
		return nil, err
	}
	for _, el := range elems {
		if !comparableTypes(v.t, el.t) {
			// Kusto.Language accepts s in (1, 2); the engine's rule for it
			// is not documented.
			return nil, unsupportedf(x.OpPos, "%s between %s and %s", x.Op, v.t, el.t)
		}
	}
	switch x.Op {
	case "in", "!in", "in~", "!in~":
		return c.inSet(x, v, elems)
	case "has_any", "has_all":
		return c.hasAnyAll(x, v, elems)
	}
	return nil, unsupportedf(x.OpPos, "operator %s", x.Op)
}

// inList compiles the list, evaluating a tabular subquery now.
func (c *compiler) inList(x *kql.InExpr) ([]*expr, error) {
	if len(x.List) == 1 && c.e.isTabular(x.List[0], c.sc) {
		rel, err := c.e.tabular(x.List[0], c.sc)
		if err != nil {
			return nil, err
		}
		if len(rel.cols) == 0 {
			return nil, errorf(x.List[0].Pos(), "the subquery of %s has no columns", x.Op)
		}
		rows, err := collect(rel)
		if err != nil {
			return nil, err
		}
		out := make([]*expr, len(rows))
		for i, row := range rows {
			out[i] = constant(rel.cols[0].Type, row[0])
		}
		return out, nil
	}
	out := make([]*expr, 0, len(x.List))
	for _, el := range x.List {
		e, err := c.expr(el)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, nil
}

// flatten evaluates the list for one row: dynamic arrays contribute their
// elements, nulls nothing.
func flatten(elems []*expr, row []any) []any {
	var out []any
	for _, el := range elems {
		v := el.eval(row)
		if arr, ok := v.([]any); ok && el.t == TypeDynamic {
			for _, a := range arr {
				if a != nil {
					out = append(out, a)
				}
			}
			continue
		}
		if v != nil {
			out = append(out, v)
		}
	}
	return out
}

func allConstant(elems []*expr) bool {
	for _, el := range elems {
		if !el.konst {
			return false
		}
	}
	return true
}

// inSet compiles in and its relatives: X equals (==, or =~ for in~) one
// of the elements.
func (c *compiler) inSet(x *kql.InExpr, v *expr, elems []*expr) (*expr, error) {
	neg := strings.HasPrefix(x.Op, "!")
	fold := strings.HasSuffix(x.Op, "~")
	member := func(a any, set []any) bool {
		for _, w := range set {
			if fold {
				if s, ok := a.(string); ok {
					if t, ok := w.(string); ok && lower(s) == lower(t) {
						return true
					}
					continue
				}
			}
			if !kindsMatch(a, w) {
				if eq, ok := equalAsText(a, w, v.t); ok {
					if eq {
						return true
					}
					continue
				}
				c.e.fail(mismatch(x.OpPos, x.Op, a, w))
				return false
			}
			if equalNonNull(a, w) {
				return true
			}
		}
		return false
	}
	if allConstant(elems) {
		set := flatten(elems, nil)
		if v.t == TypeString && allStrings(set) {
			// The common case, a string column against string literals,
			// is a map lookup.
			keys := make(map[string]bool, len(set))
			for _, w := range set {
				s := w.(string)
				if fold {
					s = lower(s)
				}
				keys[s] = true
			}
			eval := func(row []any) any {
				s := v.eval(row).(string)
				if fold {
					s = lower(s)
				}
				return keys[s] != neg
			}
			return c.derive(x.Pos(), TypeBool, eval, v)
		}
		hasNull := anyNull(elems, nil)
		eval := func(row []any) any {
			a := v.eval(row)
			if a == nil {
				return nullIn(hasNull, neg)
			}
			return member(a, set) != neg
		}
		return c.derive(x.Pos(), TypeBool, eval, v)
	}
	eval := func(row []any) any {
		a := v.eval(row)
		if a == nil {
			return nullIn(anyNull(elems, row), neg)
		}
		return member(a, flatten(elems, row)) != neg
	}
	return c.derive(x.Pos(), TypeBool, eval, append([]*expr{v}, elems...)...)
}

// equalAsText is == between a dynamic value and a string inside in
// (dynamicAsText): a string element against a subject of static type
// dynamic, or a dynamic list element against a string subject, compares
// the other value's tostring() text. ok is false for other pairs of kinds.
func equalAsText(a, w any, subject Type) (eq, ok bool) {
	ws, wStr := w.(string)
	as, aStr := a.(string)
	switch {
	case wStr && !aStr && subject == TypeDynamic:
		return toStringValue(a) == ws, true
	case aStr && !wStr && subject == TypeString:
		// A string subject meets only string and dynamic elements
		// (comparableTypes): w is a dynamic list's element.
		return as == toStringValue(w), true
	}
	return false, false
}

// nullIn is the result for a null X. "The in operator behaves like a
// logical OR of equality comparisons" and !in "like a logical AND of
// inequality comparisons" (null values page): null == v is false and
// null != v true for a non-null v, and both are null when v is null.
func nullIn(listHasNull, neg bool) any {
	if listHasNull {
		return nil
	}
	return neg
}

// anyNull reports whether the list holds a null (a null scalar, or a null
// element of a dynamic array).
func anyNull(elems []*expr, row []any) bool {
	for _, el := range elems {
		v := el.eval(row)
		if v == nil {
			return true
		}
		if arr, ok := v.([]any); ok && el.t == TypeDynamic {
			for _, a := range arr {
				if a == nil {
					return true
				}
			}
		}
	}
	return false
}

func allStrings(vs []any) bool {
	for _, v := range vs {
		if _, ok := v.(string); !ok {
			return false
		}
	}
	return true
}

// hasAnyAll compiles has_any and has_all: X has (as a whole term, case
// ignored) any or all of the elements
// (https://learn.microsoft.com/kusto/query/has-anyoperator).
func (c *compiler) hasAnyAll(x *kql.InExpr, v *expr, elems []*expr) (*expr, error) {
	all := x.Op == "has_all"
	s := asString(v)
	eval := func(row []any) any {
		hay := lower(s(row))
		set := flatten(elems, row)
		for _, w := range set {
			found := hasTerm(hay, lower(toStringValue(w)))
			if found != all {
				return found
			}
		}
		return all
	}
	return c.derive(x.Pos(), TypeBool, eval, append([]*expr{v}, elems...)...)
}
