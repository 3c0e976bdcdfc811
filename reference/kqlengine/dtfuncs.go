package kqlengine

import (
	"math"
	"strings"
	"time"

	"github.com/ruleport/ruleport/convert/kql"
)

// This file holds the datetime functions and bin().

var datetimeFuncs = map[string]fnSpec{
	"now":           {0, 1, buildNow},
	"ago":           {1, 1, buildAgo},
	"datetime_diff": {3, 3, buildDatetimeDiff},
	"datetime_add":  {3, 3, buildDatetimeAdd},
	"bin":           {2, 2, buildBin},
	"floor":         {2, 2, buildBin},
	"startofday":    {1, 2, buildPeriodEdge("day", false)},
	"startofweek":   {1, 2, buildPeriodEdge("week", false)},
	"startofmonth":  {1, 2, buildPeriodEdge("month", false)},
	"startofyear":   {1, 2, buildPeriodEdge("year", false)},
	"endofday":      {1, 2, buildPeriodEdge("day", true)},
	"dayofweek":     {1, 1, buildDayOfWeek},
	"abs":           {1, 1, buildAbs},
}

// epochTicks is 1970-01-01 in ticks (100 ns) since 0001-01-01, Kusto's
// datetime origin (https://learn.microsoft.com/kusto/query/scalar-data-types/datetime).
const epochTicks = 621355968000000000

// tickOf returns t as ticks since 0001-01-01, which is never negative for
// the datetimes Kusto holds (years 1 to 9999).
func tickOf(t time.Time) int64 {
	return (t.Unix()*1e7 + epochTicks) + int64(t.Nanosecond()/100)
}

// timeOfTick is the inverse of tickOf.
func timeOfTick(n int64) time.Time {
	n -= epochTicks
	sec, rem := n/1e7, n%1e7
	if rem < 0 {
		sec, rem = sec-1, rem+1e7
	}
	return time.Unix(sec, rem*100).UTC()
}

// buildNow is now([offset]): the run's evaluation time, one value for the
// whole query (https://learn.microsoft.com/kusto/query/now-function).
func buildNow(c *compiler, x *kql.CallExpr, args []*expr) (*expr, error) {
	now := c.e.now
	if len(args) == 0 {
		return constant(TypeDatetime, now), nil
	}
	if err := checkTypes(x, args, anySpan); err != nil {
		return nil, err
	}
	return c.unaryFn(x, TypeDatetime, args[0], func(v any) any {
		d, ok := v.(time.Duration)
		if !ok {
			return nil
		}
		return now.Add(d)
	})
}

// buildAgo is ago(span): the evaluation time minus span
// (https://learn.microsoft.com/kusto/query/ago-function).
func buildAgo(c *compiler, x *kql.CallExpr, args []*expr) (*expr, error) {
	if err := checkTypes(x, args, anySpan); err != nil {
		return nil, err
	}
	now := c.e.now
	return c.unaryFn(x, TypeDatetime, args[0], func(v any) any {
		d, ok := v.(time.Duration)
		if !ok {
			return nil
		}
		return now.Add(-d)
	})
}

// diffUnits are the fixed-length periods of datetime_diff, in ticks.
var diffUnits = map[string]int64{
	"day": 864000000000, "hour": 36000000000, "minute": 600000000, "second": 10000000,
	"millisecond": 10000, "microsecond": 10, "nanosecond": 1,
}

// buildDatetimeDiff is datetime_diff(period, a, b): the number of period
// boundaries crossed from b to a, not elapsed periods. The doc's examples
// (https://learn.microsoft.com/kusto/query/datetime-diff-function) pin it:
// hour from 2017-10-30 23:59 to 2017-10-31 01:00 is 2, week from
// 2017-09-30 23:59 to 2017-10-29 00:00 is 5 (weeks start on Sunday), and
// nanosecond counts 100 ns ticks times 100 (-700 for 0.0000007 s). So every
// period is floor(a / period) - floor(b / period) on ticks since
// 0001-01-01, or the difference of calendar fields (ARCHITECTURE.md
// Decisions, "datetime_diff").
func buildDatetimeDiff(c *compiler, x *kql.CallExpr, args []*expr) (*expr, error) {
	if err := checkTypes(x, args, []Type{TypeString}, anyTime, anyTime); err != nil {
		return nil, err
	}
	if !args[0].konst {
		return nil, unsupportedf(x.Args[0].Pos(), "datetime_diff() with a period that is not a constant")
	}
	period := strings.ToLower(args[0].val.(string))
	diff := periodDiff(period)
	if diff == nil {
		return nil, errorf(x.Args[0].Pos(), "datetime_diff(): unknown period %q", args[0].val)
	}
	a, b := args[1], args[2]
	eval := func(r []any) any {
		t1, ok1 := a.eval(r).(time.Time)
		t2, ok2 := b.eval(r).(time.Time)
		if !ok1 || !ok2 {
			return nil
		}
		return diff(t1, t2)
	}
	return c.derive(x.Pos(), TypeLong, eval, args...)
}

// periodDiff returns the boundary-counting difference for one period.
func periodDiff(period string) func(a, b time.Time) int64 {
	switch period {
	case "year":
		return func(a, b time.Time) int64 { return int64(a.Year() - b.Year()) }
	case "quarter":
		return func(a, b time.Time) int64 {
			return int64(a.Year()*4+(int(a.Month())-1)/3) - int64(b.Year()*4+(int(b.Month())-1)/3)
		}
	case "month":
		return func(a, b time.Time) int64 {
			return int64(a.Year()*12+int(a.Month())) - int64(b.Year()*12+int(b.Month()))
		}
	case "week":
		// 0001-01-01 is a Monday; shifting by one day puts week starts on
		// Sundays, as the doc's week example needs.
		week := 7 * diffUnits["day"]
		return func(a, b time.Time) int64 {
			return (tickOf(a)+diffUnits["day"])/week - (tickOf(b)+diffUnits["day"])/week
		}
	case "nanosecond":
		return func(a, b time.Time) int64 { return (tickOf(a) - tickOf(b)) * 100 }
	}
	unit, ok := diffUnits[period]
	if !ok {
		return nil
	}
	return func(a, b time.Time) int64 { return tickOf(a)/unit - tickOf(b)/unit }
}

// buildDatetimeAdd is datetime_add(period, amount, dt)
// (https://learn.microsoft.com/kusto/query/datetime-add-function): calendar
// periods add calendar months, the rest fixed lengths.
func buildDatetimeAdd(c *compiler, x *kql.CallExpr, args []*expr) (*expr, error) {
	if err := checkTypes(x, args, []Type{TypeString}, anyInt, anyTime); err != nil {
		return nil, err
	}
	if !args[0].konst {
		return nil, unsupportedf(x.Args[0].Pos(), "datetime_add() with a period that is not a constant")
	}
	period := strings.ToLower(args[0].val.(string))
	months := map[string]int{"year": 12, "quarter": 3, "month": 1}[period]
	unit, fixed := diffUnits[period]
	if period == "week" {
		unit, fixed = 7*diffUnits["day"], true
	}
	if months == 0 && !fixed {
		return nil, errorf(x.Args[0].Pos(), "datetime_add(): unknown period %q", args[0].val)
	}
	n, dt := args[1], args[2]
	eval := func(r []any) any {
		k, ok1 := asInt64(n.eval(r))
		t, ok2 := dt.eval(r).(time.Time)
		if !ok1 || !ok2 {
			return nil
		}
		if months > 0 {
			return t.AddDate(0, int(k)*months, 0)
		}
		return timeOfTick(tickOf(t) + k*unit)
	}
	return c.derive(x.Pos(), TypeDatetime, eval, args...)
}

// buildBin is bin()/floor(): value rounded down to a multiple of size;
// null for a null value or a null, zero or negative size
// (https://learn.microsoft.com/kusto/query/bin-function). Datetimes bin on
// ticks since 0001-01-01, Kusto's origin.
func buildBin(c *compiler, x *kql.CallExpr, args []*expr) (*expr, error) {
	v, size := args[0], args[1]
	var t Type
	var f func(a, b any) any
	switch {
	case v.t == TypeDatetime && size.t == TypeTimespan:
		t, f = TypeDatetime, func(a, b any) any {
			s := int64(b.(time.Duration) / 100)
			if s <= 0 {
				return nil
			}
			return timeOfTick(tickOf(a.(time.Time)) / s * s)
		}
	case v.t == TypeTimespan && size.t == TypeTimespan:
		t, f = TypeTimespan, func(a, b any) any {
			s := b.(time.Duration)
			if s <= 0 {
				return nil
			}
			return floorDiv(int64(a.(time.Duration)), int64(s)) * s
		}
	case v.t.integer() && size.t.integer():
		t, f = TypeLong, func(a, b any) any {
			n, _ := asInt64(a)
			s, _ := asInt64(b)
			if s <= 0 {
				return nil
			}
			return floorDivInt(n, s) * s
		}
	case v.t.numeric() && size.t.numeric():
		t, f = TypeReal, func(a, b any) any {
			s := asFloat(b)
			if !(s > 0) {
				return nil
			}
			return math.Floor(asFloat(a)/s) * s
		}
	default:
		return nil, errorf(x.Pos(), "%s() of %s by %s", x.Fun.Name, v.t, size.t)
	}
	eval := func(r []any) any {
		a, b := v.eval(r), size.eval(r)
		if a == nil || b == nil {
			return nil
		}
		return f(a, b)
	}
	return c.derive(x.Pos(), t, eval, args...)
}

func floorDiv(a, b int64) time.Duration { return time.Duration(floorDivInt(a, b)) }

func floorDivInt(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

// buildPeriodEdge is startofday/week/month/year(dt [, offset]): the start
// of the period holding dt, moved by offset periods (weeks start on Sunday:
// https://learn.microsoft.com/kusto/query/startofweek-function); with end,
// endofday: the last tick (100 ns) before the next period starts.
func buildPeriodEdge(period string, end bool) func(*compiler, *kql.CallExpr, []*expr) (*expr, error) {
	return func(c *compiler, x *kql.CallExpr, args []*expr) (*expr, error) {
		if err := checkTypes(x, args, anyTime, anyInt); err != nil {
			return nil, err
		}
		eval := func(r []any) any {
			t, ok := args[0].eval(r).(time.Time)
			if !ok {
				return nil
			}
			var k int64
			if len(args) == 2 {
				if k, ok = asInt64(args[1].eval(r)); !ok {
					return nil
				}
			}
			if end {
				return startOf(period, t, int(k)+1).Add(-100)
			}
			return startOf(period, t, int(k))
		}
		return c.derive(x.Pos(), TypeDatetime, eval, args...)
	}
}

func startOf(period string, t time.Time, k int) time.Time {
	y, m, d := t.Date()
	switch period {
	case "day":
		return time.Date(y, m, d+k, 0, 0, 0, 0, time.UTC)
	case "week":
		return time.Date(y, m, d-int(t.Weekday())+7*k, 0, 0, 0, 0, time.UTC)
	case "month":
		return time.Date(y, m+time.Month(k), 1, 0, 0, 0, 0, time.UTC)
	}
	return time.Date(y+k, 1, 1, 0, 0, 0, 0, time.UTC)
}

// buildDayOfWeek is dayofweek(dt): days since the preceding Sunday, as a
// timespan (https://learn.microsoft.com/kusto/query/dayofweek-function).
func buildDayOfWeek(c *compiler, x *kql.CallExpr, args []*expr) (*expr, error) {
	if err := checkTypes(x, args, anyTime); err != nil {
		return nil, err
	}
	return c.unaryFn(x, TypeTimespan, args[0], func(v any) any {
		t, ok := v.(time.Time)
		if !ok {
			return nil
		}
		return time.Duration(t.Weekday()) * 24 * time.Hour
	})
}

func buildAbs(c *compiler, x *kql.CallExpr, args []*expr) (*expr, error) {
	a := args[0]
	if !a.t.numeric() && a.t != TypeTimespan {
		return nil, errorf(x.Pos(), "abs() of a %s value", a.t)
	}
	return c.unaryFn(x, a.t, a, func(v any) any {
		switch n := v.(type) {
		case int32:
			if n < 0 {
				return -n
			}
		case int64:
			if n < 0 {
				return -n
			}
		case float64:
			return math.Abs(n)
		case time.Duration:
			if n < 0 {
				return -n
			}
		}
		return v
	})
}
