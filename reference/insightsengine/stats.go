package insightsengine

import "strings"

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
// by values and the items computed from the aggregate results. Guess: a
// stats over no rows at all emits no row, even without by.
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
