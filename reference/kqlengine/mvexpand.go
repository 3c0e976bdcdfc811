package kqlengine

import (
	"math"
	"strings"
	"time"

	"github.com/ruleport/ruleport/convert/kql"
)

// This file holds mv-expand and its legacy spelling mvexpand
// (https://learn.microsoft.com/kusto/query/mv-expand-operator).

// expansion is one expanded column.
type expansion struct {
	x      *expr
	target int  // output column index
	to     Type // "to typeof(T)", or TypeDynamic
}

// mvExpand turns each element of a dynamic array (or property bag) into a
// row. Several columns expand in parallel, the shorter ones padded with
// null; a null value gives one row with null; an empty array or bag gives
// no row; bags expand into single-entry bags (kind=bag, the default) or
// [key, value] arrays (kind=array). mvexpand, the legacy form, stops at
// 128 rows per input row, mv-expand at 2147483647.
func (e *engine) mvExpand(src *relation, op *kql.MvExpandOp, sc *scope) (*relation, error) {
	bagAsArray, indexCol, err := mvExpandParams(op.Params)
	if err != nil {
		return nil, err
	}
	limitN := int64(math.MaxInt32)
	if op.Name == "mvexpand" {
		limitN = 128
	}
	if op.Limit != nil {
		n, err := e.constCount(op.Limit, src.cols, sc, "mv-expand limit")
		if err != nil {
			return nil, err
		}
		limitN = n
	}
	c := e.compiler(sc, src.cols)
	cols := append([]Column(nil), src.cols...)
	var exps []expansion
	for _, it := range op.Items {
		ex, name, err := e.expansionOf(c, it)
		if err != nil {
			return nil, err
		}
		ex.target = colIndex(cols, name)
		if ex.target < 0 {
			cols = append(cols, Column{Name: name, Type: ex.to})
			ex.target = len(cols) - 1
		} else {
			cols[ex.target].Type = ex.to
		}
		exps = append(exps, ex)
	}
	if indexCol != "" {
		cols = append(cols, Column{Name: indexCol, Type: TypeLong})
	}
	var pending [][]any
	return &relation{cols: cols, next: func() ([]any, error) {
		for len(pending) == 0 {
			row, err := src.next()
			if err != nil || row == nil {
				return nil, err
			}
			pending = expandRow(row, cols, exps, bagAsArray, limitN, indexCol != "")
			if e.err != nil {
				return nil, e.err
			}
		}
		row := pending[0]
		pending = pending[1:]
		return row, nil
	}}, nil
}

// mvExpandParams reads kind= (or bagexpansion=) bag|array and
// with_itemindex=Name.
func mvExpandParams(params []*kql.Param) (bagAsArray bool, indexCol string, err error) {
	for _, p := range params {
		name := strings.ToLower(p.Name.Name)
		id, _ := p.Value.(*kql.Ident)
		switch {
		case (name == "kind" || name == "bagexpansion") && id != nil && (id.Name == "bag" || id.Name == "array"):
			bagAsArray = id.Name == "array"
		case name == "with_itemindex" && id != nil:
			indexCol = id.Name
		default:
			return false, "", unsupportedf(p.Pos(), "mv-expand parameter %s", p.Name.Name)
		}
	}
	return bagAsArray, indexCol, nil
}

// expansionOf compiles one item: a column, Name = expression, with an
// optional "to typeof(T)".
func (e *engine) expansionOf(c *compiler, it *kql.MvExpandItem) (expansion, string, error) {
	name, valueX := "", it.X
	if n, ok := it.X.(*kql.NamedExpr); ok {
		if len(n.Names) != 1 {
			return expansion{}, "", unsupportedf(n.Pos(), "tuple assignment")
		}
		name, valueX = n.Names[0].Name, n.X
	}
	x, err := c.expr(valueX)
	if err != nil {
		return expansion{}, "", err
	}
	if x.t != TypeDynamic {
		return expansion{}, "", errorf(valueX.Pos(), "mv-expand needs a dynamic value, not %s", x.t)
	}
	if name == "" {
		name = x.name
	}
	if name == "" {
		return expansion{}, "", unsupportedf(valueX.Pos(), "mv-expand of an unnamed expression (name it: Name = ...)")
	}
	to := TypeDynamic
	if it.ToType != "" {
		t, ok := ParseType(it.ToType)
		if !ok {
			return expansion{}, "", unsupportedf(it.Pos(), "mv-expand to typeof(%s)", it.ToType)
		}
		to = t
	}
	return expansion{x: x, to: to}, name, nil
}

// elements lists what one dynamic value expands into.
func elements(v any, bagAsArray bool) []any {
	switch x := v.(type) {
	case nil:
		return []any{nil}
	case []any:
		return x
	case *Bag:
		out := make([]any, 0, x.Len())
		for _, k := range x.Keys() {
			val, _ := x.Get(k)
			if bagAsArray {
				out = append(out, []any{k, val})
			} else {
				b := newBag(1)
				b.Set(k, val)
				out = append(out, b)
			}
		}
		return out
	}
	return []any{v} // a scalar expands to itself
}

func expandRow(row []any, cols []Column, exps []expansion, bagAsArray bool, limitN int64, withIndex bool) [][]any {
	lists := make([][]any, len(exps))
	n := 0
	for i, ex := range exps {
		lists[i] = elements(ex.x.eval(row), bagAsArray)
		n = max(n, len(lists[i]))
	}
	if int64(n) > limitN {
		n = int(limitN)
	}
	out := make([][]any, n)
	for k := 0; k < n; k++ {
		r := make([]any, len(cols))
		copy(r, row)
		for i, ex := range exps {
			var v any
			if k < len(lists[i]) {
				v = lists[i][k]
			}
			r[ex.target] = castTo(v, ex.to)
		}
		if withIndex {
			r[len(cols)-1] = int64(k)
		}
		out[k] = r
	}
	return out
}

// castTo applies "to typeof(T)": cast only, no parsing; an element of
// another type becomes null ("Array elements that don't conform with the
// declared type become null values").
func castTo(v any, t Type) any {
	switch t {
	case TypeDynamic:
		return v
	case TypeString:
		s, _ := v.(string)
		return s
	case TypeLong:
		if n, ok := v.(int64); ok {
			return n
		}
	case TypeInt:
		if n, ok := v.(int64); ok && n >= math.MinInt32 && n <= math.MaxInt32 {
			return int32(n)
		}
	case TypeReal:
		switch n := v.(type) {
		case float64:
			return n
		case int64:
			return float64(n)
		}
	case TypeBool:
		if b, ok := v.(bool); ok {
			return b
		}
	case TypeDatetime:
		if tm, ok := v.(time.Time); ok {
			return tm
		}
	case TypeTimespan:
		if d, ok := v.(time.Duration); ok {
			return d
		}
	}
	return zeroOf(t)
}
