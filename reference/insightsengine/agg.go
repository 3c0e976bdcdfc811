package insightsengine

import (
	"math"
	"sort"
	"strings"
	"time"
)

// Aggregate functions, from "Functions to use with stats" on
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/CWL_QuerySyntax-Stats.html.

// aggDef describes an aggregate function: its arity and a constructor for
// one group's accumulator.
type aggDef struct {
	min, max int
	new      func() accumulator
	// usesTime marks earliest and latest, which read @timestamp.
	usesTime bool
}

// accumulator folds one group's rows into one value.
type accumulator interface {
	add(r *row, args []any)
	result() any
}

var aggs = map[string]*aggDef{
	"count":          {0, 1, func() accumulator { return &countAcc{} }, false},
	"count_distinct": {1, 1, func() accumulator { return &distinctAcc{seen: map[string]bool{}} }, false},
	"sum":            {1, 1, func() accumulator { return &numAcc{kind: "sum"} }, false},
	"avg":            {1, 1, func() accumulator { return &numAcc{kind: "avg"} }, false},
	"stddev":         {1, 1, func() accumulator { return &numAcc{kind: "stddev"} }, false},
	"min":            {1, 1, func() accumulator { return &extremeAcc{sign: -1} }, false},
	"max":            {1, 1, func() accumulator { return &extremeAcc{sign: 1} }, false},
	"pct":            {2, 2, func() accumulator { return &pctAcc{} }, false},
	"earliest":       {1, 1, func() accumulator { return &timeAcc{latest: false} }, true},
	"latest":         {1, 1, func() accumulator { return &timeAcc{latest: true} }, true},
	"sortsfirst":     {1, 1, func() accumulator { return &sortsAcc{sign: -1} }, false},
	"sortslast":      {1, 1, func() accumulator { return &sortsAcc{sign: 1} }, false},
}

// countAcc: "count() (or count(*)) counts all events returned by the
// query, while count(fieldName) counts all records that include the
// specified field name".
type countAcc struct{ n float64 }

func (a *countAcc) add(_ *row, args []any) {
	if len(args) == 0 || args[0] != nil {
		a.n++
	}
}

func (a *countAcc) result() any { return a.n }

// distinctAcc counts distinct present values.
// Guess: exactly. The documents warn the real count "is just an
// approximation" at very high cardinality; the fixtures stay far below
// that.
type distinctAcc struct{ seen map[string]bool }

func (a *distinctAcc) add(_ *row, args []any) {
	if args[0] != nil {
		a.seen[groupKey(args[0])] = true
	}
}

func (a *distinctAcc) result() any { return float64(len(a.seen)) }

// numAcc is sum, avg and stddev over the values that are numbers (text
// holding a number counts, as in arithmetic).
// Guess: with no such value the result is null: nothing is left to add,
// and docs/ARCHITECTURE.md decides the same for KQL's sum.
// Guess: stddev is the sample standard deviation (n - 1), 0 for a single
// value; the page says only "standard deviation".
type numAcc struct {
	kind     string
	n, sum   float64
	mean, m2 float64 // Welford's running moments, for stddev
}

func (a *numAcc) add(_ *row, args []any) {
	x, ok := toNumber(args[0])
	if !ok {
		return
	}
	a.n++
	a.sum += x
	d := x - a.mean
	a.mean += d / a.n
	a.m2 += d * (x - a.mean)
}

func (a *numAcc) result() any {
	if a.n == 0 {
		return nil
	}
	switch a.kind {
	case "avg":
		return a.sum / a.n
	case "stddev":
		if a.n < 2 {
			return 0.0
		}
		return math.Sqrt(a.m2 / (a.n - 1))
	}
	return a.sum
}

// extremeAcc is min and max, which return "LogFieldValue": the value
// itself, ordered as comparisons order (timestamps by time, numbers
// numerically, text as text). Values that cannot be ordered against the
// current best (a timestamp among numbers) are skipped.
type extremeAcc struct {
	sign int
	best any
}

func (a *extremeAcc) add(_ *row, args []any) {
	v := args[0]
	if v == nil || isStructure(v) {
		return
	}
	if a.best == nil {
		a.best = v
		return
	}
	if c, ok := order(v, a.best); ok && c*a.sign > 0 {
		a.best = v
	}
}

func (a *extremeAcc) result() any { return a.best }

// pctAcc: "pct(@duration, 95) returns the @duration value at which 95
// percent of the values of @duration are lower than this value".
// Guess: the nearest-rank percentile of the numeric values, which returns
// one of the values as the description does; null without any.
type pctAcc struct {
	vals []float64
	p    float64
}

func (a *pctAcc) add(_ *row, args []any) {
	if p, ok := toNumber(args[1]); ok {
		a.p = p
	}
	if x, ok := toNumber(args[0]); ok {
		a.vals = append(a.vals, x)
	}
}

func (a *pctAcc) result() any {
	if len(a.vals) == 0 {
		return nil
	}
	sort.Float64s(a.vals)
	p := math.Max(0, math.Min(100, a.p))
	i := int(math.Ceil(p/100*float64(len(a.vals)))) - 1
	i = max(0, min(i, len(a.vals)-1))
	return a.vals[i]
}

// timeAcc is earliest and latest: "the value of fieldName from the log
// event that has the earliest [latest] timestamp".
// Guess: events where the field is missing are skipped, like the other
// aggregates skip them, and on a tie the first event read wins.
type timeAcc struct {
	latest bool
	at     time.Time
	val    any
}

func (a *timeAcc) add(r *row, args []any) {
	t, ok := r.timestamp()
	if !ok || args[0] == nil {
		return
	}
	if a.val == nil || a.latest && t.After(a.at) || !a.latest && t.Before(a.at) {
		a.at, a.val = t, args[0]
	}
}

func (a *timeAcc) result() any { return a.val }

// sortsAcc is sortsFirst and sortsLast, in the sort command's order.
type sortsAcc struct {
	sign int
	best any
}

func (a *sortsAcc) add(_ *row, args []any) {
	v := args[0]
	if v == nil {
		return
	}
	if a.best == nil || naturalCompare(v, a.best)*a.sign > 0 {
		a.best = v
	}
}

func (a *sortsAcc) result() any { return a.best }

// statsStage groups rows by the by expressions and folds each group with
// the stats command's aggregates. It keeps only the groups, never the rows:
// memory grows with the number of distinct keys, not with the input.
type statsStage struct {
	cmd    *statsCmd
	ctx    *evalCtx
	groups map[string]*group
	order  []*group
	next   stage
}

type group struct {
	keys []any
	accs []accumulator
}

func newStatsStage(cmd *statsCmd, ctx *evalCtx, next stage) *statsStage {
	return &statsStage{cmd: cmd, ctx: ctx, groups: map[string]*group{}, next: next}
}

// push adds a row to its group. A missing by value is a group of its own
// (the null group), which SEMANTICS.md §2 expects for missing userAgent.
func (s *statsStage) push(r *row) error {
	keys := make([]any, len(s.cmd.by))
	var b strings.Builder
	for i, it := range s.cmd.by {
		keys[i] = s.ctx.eval(it.x, r)
		b.WriteString(groupKey(keys[i]))
		b.WriteByte(0)
	}
	g := s.groups[b.String()]
	if g == nil {
		// Key strings may be substrings of the event's @message; copies
		// let the event go once it is aggregated.
		for i, k := range keys {
			if str, ok := k.(string); ok {
				keys[i] = strings.Clone(str)
			}
		}
		g = &group{keys: keys, accs: make([]accumulator, len(s.cmd.aggs))}
		for i, c := range s.cmd.aggs {
			g.accs[i] = c.agg.new()
		}
		s.groups[b.String()] = g
		s.order = append(s.order, g)
	}
	for i, c := range s.cmd.aggs {
		args := make([]any, len(c.args))
		for j, a := range c.args {
			args[j] = s.ctx.eval(a, r)
		}
		g.accs[i].add(r, args)
	}
	return nil
}

// flush emits one row per group, in order of first appearance, holding the
// by values and the items computed from the aggregate results.
// Guess: a stats over no rows at all emits no row, even without by: there
// is no group, and a detection over no events raises no alert.
func (s *statsStage) flush() error {
	for _, g := range s.order {
		out := &row{}
		for i, it := range s.cmd.by {
			out.set(it.name, g.keys[i])
		}
		results := make([]any, len(g.accs))
		for i, a := range g.accs {
			results[i] = a.result()
		}
		s.ctx.aggs = results
		vals := make([]any, len(s.cmd.items))
		for i, it := range s.cmd.items {
			vals[i] = s.ctx.eval(it.x, out)
		}
		s.ctx.aggs = nil
		for i, it := range s.cmd.items {
			out.set(it.name, vals[i])
		}
		if err := s.next.push(out); err != nil {
			return err
		}
	}
	s.groups, s.order = nil, nil
	return s.next.flush()
}
