package kqlengine

import (
	"math"
	"time"

	"github.com/ruleport/ruleport/convert/kql"
)

// This file holds the aggregation functions of summarize
// (https://learn.microsoft.com/kusto/query/aggregation-functions). Null
// values are ignored by every aggregate but count() ("When applying these
// aggregates to entities that include null values, the null values are
// ignored", summarize operator page).

// aggregator accumulates one aggregate over the rows of one group.
type aggregator interface {
	add(row []any)
	result() any
}

// aggDef is a compiled aggregate call: its type, its value for a
// summarize without keys over no rows (the "default values of
// aggregations" of the summarize page) and a factory of accumulators.
type aggDef struct {
	t     Type
	empty any
	make  func() aggregator
}

// aggSpec describes one aggregation function.
type aggSpec struct {
	min, max int
	prefix   string // the default column name is prefix_argname
	build    func(c *compiler, x *kql.CallExpr, args []*expr) (*aggDef, error)
}

var aggFuncs map[string]aggSpec

func init() {
	aggFuncs = map[string]aggSpec{
		"count":          {0, 1, "count", buildCount},
		"countif":        {1, 1, "countif", buildCountif},
		"dcount":         {1, 2, "dcount", buildDcount(false)},
		"count_distinct": {1, 1, "count_distinct", buildDcount(false)},
		"dcountif":       {2, 3, "dcountif", buildDcount(true)},
		"sum":            {1, 1, "sum", buildSum(false)},
		"sumif":          {2, 2, "sumif", buildSum(true)},
		"avg":            {1, 1, "avg", buildAvg(false)},
		"avgif":          {2, 2, "avgif", buildAvg(true)},
		"min":            {1, 1, "min", buildMinMax(-1, false)},
		"max":            {1, 1, "max", buildMinMax(1, false)},
		"minif":          {2, 2, "minif", buildMinMax(-1, true)},
		"maxif":          {2, 2, "maxif", buildMinMax(1, true)},
		"make_set":       {1, 2, "set", buildMake(true, false, 1048576)},
		"makeset":        {1, 2, "set", buildMake(true, false, 128)},
		"make_set_if":    {2, 3, "set", buildMake(true, true, 1048576)},
		"make_list":      {1, 2, "list", buildMake(false, false, 1048576)},
		"makelist":       {1, 2, "list", buildMake(false, false, 128)},
		"make_list_if":   {2, 3, "list", buildMake(false, true, 1048576)},
		"take_any":       {1, 1, "any", buildTakeAny},
		"any":            {1, 1, "any", buildTakeAny},
		"arg_max":        {2, -1, "max", nil}, // multi-column: summarize.go
		"arg_min":        {2, -1, "min", nil},
		"argmax":         {2, -1, "max", nil},
		"argmin":         {2, -1, "min", nil},
	}
}

// funcAgg adapts closures to aggregator.
type funcAgg struct {
	addFn    func(row []any)
	resultFn func() any
}

func (f *funcAgg) add(row []any) { f.addFn(row) }
func (f *funcAgg) result() any   { return f.resultFn() }

// predicate returns a closure telling whether a bool argument is true.
func predicate(x *kql.CallExpr, i int, p *expr) (func([]any) bool, error) {
	if p.t != TypeBool {
		return nil, errorf(x.Args[i].Pos(), "%s(): the predicate must be bool, not %s", x.Fun.Name, p.t)
	}
	return func(r []any) bool { return p.eval(r) == true }, nil
}

// buildCount is count() and count(x): the number of rows. The summarize
// page's example counts a null too ("The standard count function includes
// null values in its count": count(y) over 1 null and 1 value is 2).
func buildCount(c *compiler, x *kql.CallExpr, args []*expr) (*aggDef, error) {
	return &aggDef{t: TypeLong, empty: int64(0), make: func() aggregator {
		var n int64
		return &funcAgg{func([]any) { n++ }, func() any { return n }}
	}}, nil
}

// buildCountif is countif(p): the rows where p is true.
func buildCountif(c *compiler, x *kql.CallExpr, args []*expr) (*aggDef, error) {
	p, err := predicate(x, 0, args[0])
	if err != nil {
		return nil, err
	}
	return &aggDef{t: TypeLong, empty: int64(0), make: func() aggregator {
		var n int64
		return &funcAgg{func(r []any) {
			if p(r) {
				n++
			}
		}, func() any { return n }}
	}}, nil
}

// buildDcount is dcount(x) and dcountif(x, p): the number of distinct
// non-null values. Kusto estimates it (HyperLogLog); ruleport counts
// exactly, which the estimate equals on small groups.
func buildDcount(conditional bool) func(*compiler, *kql.CallExpr, []*expr) (*aggDef, error) {
	return func(c *compiler, x *kql.CallExpr, args []*expr) (*aggDef, error) {
		v := args[0]
		p := func([]any) bool { return true }
		if conditional {
			var err error
			if p, err = predicate(x, 1, args[1]); err != nil {
				return nil, err
			}
		}
		dyn := v.t == TypeDynamic
		return &aggDef{t: TypeLong, empty: int64(0), make: func() aggregator {
			seen := map[string]bool{}
			var buf []byte
			return &funcAgg{func(r []any) {
				if !p(r) {
					return
				}
				a := v.eval(r)
				if a == nil {
					return
				}
				if dyn {
					buf = appendDynamicKey(buf[:0], a)
				} else {
					buf = appendKey(buf[:0], a)
				}
				seen[string(buf)] = true
			}, func() any { return int64(len(seen)) }}
		}}, nil
	}
}

// buildSum is sum(x) and sumif(x, p): nulls are ignored; a group with no
// value to add is null (ARCHITECTURE.md Decisions, "sum"); an input
// without rows and without by keys gives 0 (summarize page, default
// values). Integers sum to long, reals to real, timespans to timespan.
func buildSum(conditional bool) func(*compiler, *kql.CallExpr, []*expr) (*aggDef, error) {
	return func(c *compiler, x *kql.CallExpr, args []*expr) (*aggDef, error) {
		v := args[0]
		p := func([]any) bool { return true }
		if conditional {
			var err error
			if p, err = predicate(x, 1, args[1]); err != nil {
				return nil, err
			}
		}
		switch {
		case v.t.integer():
			return &aggDef{t: TypeLong, empty: int64(0), make: func() aggregator {
				var sum int64
				got := false
				return &funcAgg{func(r []any) {
					if n, ok := asInt64(v.eval(r)); ok && p(r) {
						sum += n
						got = true
					}
				}, func() any { return optional(sum, got) }}
			}}, nil
		case v.t == TypeReal:
			return &aggDef{t: TypeReal, empty: float64(0), make: func() aggregator {
				var sum float64
				got := false
				return &funcAgg{func(r []any) {
					if f, ok := v.eval(r).(float64); ok && p(r) {
						sum += f
						got = true
					}
				}, func() any { return optional(sum, got) }}
			}}, nil
		case v.t == TypeTimespan:
			return &aggDef{t: TypeTimespan, empty: time.Duration(0), make: func() aggregator {
				var sum time.Duration
				got := false
				return &funcAgg{func(r []any) {
					if d, ok := v.eval(r).(time.Duration); ok && p(r) {
						sum += d
						got = true
					}
				}, func() any { return optional(sum, got) }}
			}}, nil
		}
		if v.t == TypeDatetime {
			return nil, unsupportedf(x.Pos(), "%s() of datetimes", x.Fun.Name)
		}
		return nil, errorf(x.Pos(), "%s() of a %s value", x.Fun.Name, v.t)
	}
}

// buildAvg is avg(x) and avgif(x, p): the mean of the non-null values, a
// real. With no value the mean is 0/0, NaN, as the summarize page shows
// for an empty input ("The result of avg_x(x) is NaN due to dividing by 0").
func buildAvg(conditional bool) func(*compiler, *kql.CallExpr, []*expr) (*aggDef, error) {
	return func(c *compiler, x *kql.CallExpr, args []*expr) (*aggDef, error) {
		v := args[0]
		if v.t == TypeDatetime || v.t == TypeTimespan {
			return nil, unsupportedf(x.Pos(), "%s() of a %s value", x.Fun.Name, v.t)
		}
		if !v.t.numeric() {
			return nil, errorf(x.Pos(), "%s() of a %s value", x.Fun.Name, v.t)
		}
		p := func([]any) bool { return true }
		if conditional {
			var err error
			if p, err = predicate(x, 1, args[1]); err != nil {
				return nil, err
			}
		}
		return &aggDef{t: TypeReal, empty: math.NaN(), make: func() aggregator {
			var sum float64
			var n int64
			return &funcAgg{func(r []any) {
				if a := v.eval(r); a != nil && p(r) {
					sum += asFloat(a)
					n++
				}
			}, func() any { return sum / float64(n) }}
		}}, nil
	}
}

// buildMinMax is min, max, minif and maxif: the least or greatest
// non-null value, null when there is none. sign is -1 for min, 1 for max.
func buildMinMax(sign int, conditional bool) func(*compiler, *kql.CallExpr, []*expr) (*aggDef, error) {
	return func(c *compiler, x *kql.CallExpr, args []*expr) (*aggDef, error) {
		v := args[0]
		if v.t == TypeDynamic || v.t == TypeGuid {
			return nil, errorf(x.Pos(), "%s() of a %s value", x.Fun.Name, v.t)
		}
		p := func([]any) bool { return true }
		if conditional {
			var err error
			if p, err = predicate(x, 1, args[1]); err != nil {
				return nil, err
			}
		}
		return &aggDef{t: v.t, empty: zeroOf(v.t), make: func() aggregator {
			var best any
			return &funcAgg{func(r []any) {
				a := v.eval(r)
				if isNullish(a) || !p(r) {
					return
				}
				if best == nil || compareNonNull(a, best)*sign > 0 {
					best = a
				}
			}, func() any { return best }}
		}}, nil
	}
}

// buildMake is make_set, make_list and their _if forms: the non-null
// values as a dynamic array, at most maxSize of them. make_set keeps each
// distinct value once and expands arrays into their elements (the
// make_set page's "Set from array column" example); make_list keeps every
// value. Kusto leaves the order of the elements undefined; ruleport keeps
// the order in which values first appear, so results are repeatable.
func buildMake(set, conditional bool, defaultMax int64) func(*compiler, *kql.CallExpr, []*expr) (*aggDef, error) {
	return func(c *compiler, x *kql.CallExpr, args []*expr) (*aggDef, error) {
		v := args[0]
		p := func([]any) bool { return true }
		rest := args[1:]
		if conditional {
			var err error
			if p, err = predicate(x, 1, args[1]); err != nil {
				return nil, err
			}
			rest = args[2:]
		}
		maxSize := defaultMax
		if len(rest) == 1 {
			n, ok := asInt64(rest[0].val)
			if !rest[0].konst || !ok || n <= 0 {
				return nil, errorf(x.Pos(), "%s(): the maximum size must be a positive integer constant", x.Fun.Name)
			}
			maxSize = n
		}
		return &aggDef{t: TypeDynamic, empty: []any{}, make: func() aggregator {
			out := []any{}
			seen := map[string]bool{}
			var buf []byte
			push := func(a any) {
				if a == nil || int64(len(out)) >= maxSize {
					return
				}
				if set {
					buf = appendDynamicKey(buf[:0], a)
					if seen[string(buf)] {
						return
					}
					seen[string(buf)] = true
				}
				out = append(out, a)
			}
			return &funcAgg{func(r []any) {
				if !p(r) {
					return
				}
				a := dynamicOf(v.eval(r))
				if arr, ok := a.([]any); ok && set && v.t == TypeDynamic {
					for _, el := range arr {
						push(el)
					}
					return
				}
				push(a)
			}, func() any { return out }}
		}}, nil
	}
}

// buildTakeAny is take_any(x): a non-null value of the group. Kusto picks
// any; ruleport takes the first non-null one in input order.
func buildTakeAny(c *compiler, x *kql.CallExpr, args []*expr) (*aggDef, error) {
	v := args[0]
	return &aggDef{t: v.t, empty: zeroOf(v.t), make: func() aggregator {
		var got any
		return &funcAgg{func(r []any) {
			if got == nil {
				if a := v.eval(r); a != nil {
					got = a
				}
			}
		}, func() any {
			if got == nil {
				return zeroOf(v.t)
			}
			return got
		}}
	}}, nil
}
