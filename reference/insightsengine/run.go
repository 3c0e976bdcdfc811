package insightsengine

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/ruleport/ruleport/reference/alerts"
	"github.com/ruleport/ruleport/reference/logs"
)

// Options are the settings of one run.
type Options struct {
	// Start and End are the query's time range: events with
	// Start <= @timestamp < End take part. A zero Start or End leaves that
	// side open; an event without @timestamp takes part only when both are
	// zero. End is also what now() returns.
	Start, End time.Time
}

// Run parses query and runs it over the records of src, each projected
// with logs.ToLogEvent. The result has the query's output columns and its
// rows in alerts' canonical order.
func Run(query string, src logs.Source, opt Options) (alerts.Table, error) {
	q, err := Parse(query)
	if err != nil {
		return alerts.Table{}, err
	}
	return q.Run(src, opt)
}

// Run runs the query over the records of src.
//
// Values come back as nil, string, float64 or time.Time: Logs Insights
// numbers are doubles (alerts' canonical form prints an integral double as
// an integer), booleans appear as 1 or 0, maps and lists from jsonParse as
// their JSON text.
func (q *Query) Run(src logs.Source, opt Options) (alerts.Table, error) {
	if q.nowAt != nil && opt.End.IsZero() {
		return alerts.Table{}, &Error{Pos: position(q.text, q.nowAt.off), Msg: "now() needs the end of the query's time range (Options.End)"}
	}
	ctx := &evalCtx{opt: opt}
	sink := &sinkStage{q: q, ctx: ctx}
	head := q.pipeline(ctx, sink)
	for {
		rec, err := src.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return alerts.Table{}, fmt.Errorf("insightsengine: reading records: %w", err)
		}
		ev, err := logs.ToLogEvent(rec)
		if err != nil {
			return alerts.Table{}, fmt.Errorf("insightsengine: %w", err)
		}
		if !inRange(ev.Timestamp, opt) {
			continue
		}
		if err := head.push(&row{ev: &ev}); err != nil {
			return alerts.Table{}, err
		}
	}
	if err := head.flush(); err != nil {
		return alerts.Table{}, err
	}
	return sink.table(), nil
}

func inRange(t time.Time, opt Options) bool {
	if opt.Start.IsZero() && opt.End.IsZero() {
		return true
	}
	if t.IsZero() {
		return false
	}
	return (opt.Start.IsZero() || !t.Before(opt.Start)) && (opt.End.IsZero() || t.Before(opt.End))
}

// stage is one step of the pipeline. Streaming stages pass rows on as they
// come; barrier stages (stats, sort) hold rows until flush.
type stage interface {
	push(r *row) error
	flush() error
}

// pipeline links the commands into stages, last first. ordered tracks
// whether rows reach a stage in a defined order: events arrive unordered,
// sort orders them, and stats emits its groups in order of first
// appearance. dedup and limit on unordered events first order them by
// @timestamp descending, the default the dedup page states ("the default
// descending sort order using @timestamp is used").
// Guess: limit behaves the same way, returning the most recent events, as
// the limit page's examples (sort @timestamp desc | limit 25) suggest.
func (q *Query) pipeline(ctx *evalCtx, sink stage) stage {
	ordered := make([]bool, len(q.cmds)+1)
	for i, cmd := range q.cmds {
		switch cmd.(type) {
		case *sortCmd, *statsCmd, *dedupCmd, *limitCmd:
			ordered[i+1] = true
		default:
			ordered[i+1] = ordered[i]
		}
	}
	sink.(*sinkStage).ordered = ordered[len(q.cmds)]
	next := sink
	for i := len(q.cmds) - 1; i >= 0; i-- {
		next = q.stage(q.cmds[i], ctx, next, ordered[i])
	}
	return next
}

func (q *Query) stage(cmd command, ctx *evalCtx, next stage, ordered bool) stage {
	switch cmd := cmd.(type) {
	case *fieldsCmd:
		if cmd.display {
			return next // the sink projects the last display
		}
		return &fieldsStage{cmd, ctx, next}
	case *filterCmd:
		return &filterStage{cmd, ctx, next}
	case *parseCmd:
		return &parseStage{cmd, ctx, next}
	case *statsCmd:
		return newStatsStage(cmd, ctx, next)
	case *sortCmd:
		return &sortStage{keys: cmd.keys, ctx: ctx, next: next}
	case *limitCmd:
		return unorderedFirst(&limitStage{n: cmd.n, next: next}, ctx, ordered)
	case *dedupCmd:
		return unorderedFirst(&dedupStage{cmd: cmd, ctx: ctx, seen: map[string]bool{}, next: next}, ctx, ordered)
	}
	panic("insightsengine: unknown command")
}

var byTimeDesc = []sortKey{{x: &fieldRef{segs: []string{"@timestamp"}}, desc: true}}

func unorderedFirst(s stage, ctx *evalCtx, ordered bool) stage {
	if ordered {
		return s
	}
	return &sortStage{keys: byTimeDesc, ctx: ctx, next: s}
}

type fieldsStage struct {
	cmd  *fieldsCmd
	ctx  *evalCtx
	next stage
}

// push computes every item from the row as it came in, then stores them.
// Guess: one fields command's items all read the command's input, as
// published guides observe for jsonParse: fields jsonParse(@message) as p,
// p.userId reads no p.userId; it needs a second fields command.
func (s *fieldsStage) push(r *row) error {
	vals := make([]any, len(s.cmd.items))
	for i, it := range s.cmd.items {
		vals[i] = s.ctx.eval(it.x, r)
	}
	for i, it := range s.cmd.items {
		r.set(it.name, vals[i])
	}
	return s.next.push(r)
}

func (s *fieldsStage) flush() error { return s.next.flush() }

type filterStage struct {
	cmd  *filterCmd
	ctx  *evalCtx
	next stage
}

func (s *filterStage) push(r *row) error {
	if !truthy(s.ctx.eval(s.cmd.cond, r)) {
		return nil
	}
	return s.next.push(r)
}

func (s *filterStage) flush() error { return s.next.flush() }

// parseStage: "If the target field is null or missing for a log event, the
// extracted fields are null and the row passes through unmodified. If the
// target field doesn't match the pattern, the extracted fields are null"
// (CWL_QuerySyntax-Parse.html).
type parseStage struct {
	cmd  *parseCmd
	ctx  *evalCtx
	next stage
}

func (s *parseStage) push(r *row) error {
	var m []string
	if text, ok := toText(s.ctx.eval(s.cmd.src, r)); ok {
		m = s.cmd.re.FindStringSubmatch(text)
	}
	names := s.cmd.re.SubexpNames()
	if names[1] == "" { // a glob: groups are unnamed, in alias order
		for i, n := range s.cmd.names {
			r.set(n, submatch(m, i+1))
		}
	} else {
		for i, n := range names {
			if n != "" {
				r.set(n, submatch(m, i))
			}
		}
	}
	return s.next.push(r)
}

func submatch(m []string, i int) any {
	if m == nil {
		return nil
	}
	return m[i]
}

func (s *parseStage) flush() error { return s.next.flush() }

type limitStage struct {
	n, seen int
	next    stage
}

func (s *limitStage) push(r *row) error {
	if s.seen >= s.n {
		return nil
	}
	s.seen++
	return s.next.push(r)
}

func (s *limitStage) flush() error { return s.next.flush() }

// sortStage holds rows and passes them on in order when flushed. The sort
// is stable, so rows with equal keys keep their order.
type sortStage struct {
	keys []sortKey
	ctx  *evalCtx
	rows []*row
	vals [][]any
	next stage
}

func (s *sortStage) push(r *row) error {
	key := make([]any, len(s.keys))
	for i, k := range s.keys {
		key[i] = s.ctx.eval(k.x, r)
	}
	s.rows = append(s.rows, r)
	s.vals = append(s.vals, key)
	return nil
}

func (s *sortStage) flush() error {
	idx := make([]int, len(s.rows))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool {
		for k, key := range s.keys {
			c := naturalCompare(s.vals[idx[a]][k], s.vals[idx[b]][k])
			if key.desc {
				c = -c
			}
			if c != 0 {
				return c < 0
			}
		}
		return false
	})
	for _, i := range idx {
		if err := s.next.push(s.rows[i]); err != nil {
			return err
		}
	}
	s.rows, s.vals = nil, nil
	return s.next.flush()
}

// dedupStage keeps the first row of each combination of its fields' values;
// "Log events with null values for any of the specified fields are
// retained."
type dedupStage struct {
	cmd  *dedupCmd
	ctx  *evalCtx
	seen map[string]bool
	next stage
}

func (s *dedupStage) push(r *row) error {
	var key strings.Builder
	for _, k := range s.cmd.keys {
		v := s.ctx.eval(k, r)
		if v == nil {
			return s.next.push(r)
		}
		key.WriteString(groupKey(v))
		key.WriteByte(0)
	}
	if s.seen[key.String()] {
		return nil
	}
	s.seen[key.String()] = true
	return s.next.push(r)
}

func (s *dedupStage) flush() error { return s.next.flush() }

// sinkStage collects the output rows. CloudWatch returns at most 10,000.
// Guess: past maxRows rows it keeps the first maxRows in the pipeline's
// order, or the most recent ones when nothing ordered the rows, the same
// default order that dedup uses.
type sinkStage struct {
	q       *Query
	ctx     *evalCtx
	ordered bool
	rows    []*row
}

func (s *sinkStage) push(r *row) error {
	s.rows = append(s.rows, r)
	return nil
}

func (s *sinkStage) flush() error {
	if len(s.rows) > maxRows && !s.ordered {
		sorter := &sortStage{keys: byTimeDesc, ctx: s.ctx, next: &collect{}}
		for _, r := range s.rows {
			_ = sorter.push(r)
		}
		_ = sorter.flush()
		s.rows = sorter.next.(*collect).rows
	}
	if len(s.rows) > maxRows {
		s.rows = s.rows[:maxRows]
	}
	return nil
}

type collect struct{ rows []*row }

func (c *collect) push(r *row) error { c.rows = append(c.rows, r); return nil }
func (c *collect) flush() error      { return nil }

// table projects the rows onto the output columns; a display command's
// expressions are evaluated here, on the rows as they reached the end.
func (s *sinkStage) table() alerts.Table {
	t := alerts.Table{Columns: s.q.Columns()}
	display := s.q.lastDisplay()
	for _, r := range s.rows {
		out := make([]any, len(t.Columns))
		for i, col := range t.Columns {
			var v any
			if display != nil {
				v = s.ctx.eval(display.items[i].x, r)
			} else {
				v, _ = r.lookup(col)
			}
			out[i] = outputValue(v)
		}
		t.Rows = append(t.Rows, out)
	}
	t.Sort()
	return t
}

// lastDisplay is the display command that names the columns, if any: the
// last one after the last stats.
func (q *Query) lastDisplay() *fieldsCmd {
	var d *fieldsCmd
	for _, cmd := range q.cmds {
		switch cmd := cmd.(type) {
		case *fieldsCmd:
			if cmd.display {
				d = cmd
			}
		case *statsCmd:
			d = nil
		}
	}
	return d
}
