// Package cloudwatch turns a plan into a CloudWatch Logs Insights query
// over CloudTrail events delivered to a CloudWatch Logs log group, as close
// to the KQL as the language allows, and says where it is not exact:
// every such place is a Note naming the KQL construct and the inputs on
// which the results can differ (shared/SEMANTICS.md §2, the Logs Insights
// column).
//
// The query reads like the rule. A "#" comment quotes each KQL operator
// before the commands that implement it, and the commands follow the plan
// step by step:
//
//   - The scan: fields jsonParse(@message) as m, then one fields command
//     that gives every source column the query needs its KQL name and
//     value, read as m.<CloudTrail path> (member access on the parsed
//     record: discovered fields stop after 200 per event, and a
//     RunInstances record has about 140 before its instance list). KQL
//     strings are never null, so string columns are coalesce(..., "");
//     TimeGenerated is computed from the eventTime text (parse and
//     arithmetic), since @timestamp is the delivery time (see below). A
//     nested object (requestParameters, responseElements, resources...)
//     that the query reads with parse_json(...).path is kept as the parsed
//     value, coalesce(jsonParse(m.x), m.x), so that both an object and
//     JSON text held as a string read their members; read as text, it is
//     jsonStringify'd.
//   - where: filter with the predicate. Predicates are written in two
//     polarities (pred.go), so that KQL's three-valued logic survives
//     Logs Insights' two-valued comparisons: "not" of a comparison is the
//     opposite comparison, never "not" of it.
//   - extend, project: one fields command, whose items all read the
//     command's input row: the parallel extend of KQL (A = f(A), B = g(A)
//     reads the old A). Values a parse must produce first (split pieces,
//     indexof prefixes) come from parse commands before it, into fields of
//     their own.
//   - summarize: stats ... by; where after it: filter on its outputs. At
//     most two stats per query, as Logs Insights allows.
//   - The output: display with the KQL output columns, in order.
//
// Conditionals are if(c, a, b) and case(c1, v1, ..., else), the general
// functions of CWL_QuerySyntax-operations-functions.html ("General
// functions"), with the condition in its "true" polarity: a KQL condition
// that is null is not true, as in iff and case. (SEMANTICS.md predates
// them and suggests parse + coalesce, which can only test whether one
// field's text matches a pattern.) split(s, d)[i] is a parse with a regular
// expression that captures the i-th piece (null when there is none), as
// KQL's index out of range is.
//
// Time. The query text holds no time window: Logs Insights takes the time
// range from the caller (the scheduled query's start_time_offset) and
// selects on @timestamp. CloudWatch Logs stamps a CloudTrail event with
// its delivery time, minutes after eventTime; ruleport's engine and
// loader set @timestamp = eventTime (reference/logs.ToLogEvent), so tests
// see the event-time window. Filtering on eventTime inside the query
// would not help: an event delivered after the run would then be counted
// by no run at all, where the time range counts it in the next one. The
// note NoteDeliveryTime says so. TimeGenerated's values (min, max,
// datetime_diff) are read from eventTime, not @timestamp, unless
// Options.TimestampIsEventTime.
package cloudwatch

import (
	"fmt"
	"strings"

	"github.com/ruleport/ruleport/convert"
	"github.com/ruleport/ruleport/convert/kql"
	"github.com/ruleport/ruleport/convert/plan"
	"github.com/ruleport/ruleport/convert/rule"
	"github.com/ruleport/ruleport/convert/schema"
)

// Options control the emitted query.
type Options struct {
	// TimestampIsEventTime reads TimeGenerated from @timestamp instead of
	// computing it from the eventTime text: right for log groups whose
	// events were written with @timestamp = eventTime (an import with
	// PutLogEvents, ruleport's own engine), and a shorter query. CloudTrail's
	// own delivery to CloudWatch Logs stamps the delivery time.
	TimestampIsEventTime bool
}

// maxStats is Logs Insights' limit of stats commands in one query
// (CWL_QuerySyntax-Stats.html).
const maxStats = 2

// maxLimit is the most rows limit keeps and a query returns
// (CWL_QuerySyntax-Limit.html).
const maxLimit = 10000

// Emit returns the Logs Insights query for p and the notes on where it can
// differ from the KQL, sorted by position. The error, when not nil, is a
// kql.ErrorList of kind kql.ErrUnsupported entries positioned in the
// plan's query text: constructs Logs Insights cannot express.
func Emit(p *plan.Plan, opt Options) (string, []Note, error) {
	e := newEmitter(p, opt)
	e.query()
	if len(e.errs) > 0 {
		e.errs.Sort()
		return "", nil, e.errs
	}
	sortNotes(e.notes)
	return e.b.String(), e.notes, nil
}

// EmitRule compiles a rule's query to Logs Insights: it parses the KQL,
// lowers it to a plan with the table schemas and emits the query. The
// diagnostics are errors positioned in the rule file (an unsupported
// construct wraps convert.ErrUnsupported); the notes are positioned in
// the query text, and Warnings places them in the rule file.
func EmitRule(r *rule.Rule, opt Options) (string, []Note, convert.Diagnostics) {
	pos := func(p kql.Pos) convert.Pos { return r.QueryPos(int(p)) }
	q, errs := kql.Parse(r.Query)
	if len(errs) > 0 {
		return "", nil, errs.Diagnostics(r.File, pos)
	}
	p, errs := plan.Lower(q, r.Query, schema.Lookup)
	if len(errs) > 0 {
		return "", nil, errs.Diagnostics(r.File, pos)
	}
	query, notes, err := Emit(p, opt)
	if err != nil {
		if el, ok := err.(kql.ErrorList); ok {
			return "", nil, el.Diagnostics(r.File, pos)
		}
		return "", nil, convert.Diagnostics{convert.Errorf(r.File, r.Start(), "cloudwatch: %v", err)}
	}
	return query, notes, nil
}

// emitter holds the state of one Emit call.
type emitter struct {
	p   *plan.Plan
	opt Options
	b   strings.Builder
	// started is set once the first command is written; later commands
	// start with "| ".
	started bool
	// pending holds commands that the step being translated needs before
	// its own command (parse commands, hoisted values).
	pending []string
	// used holds every field name the query uses, so fresh names never
	// collide with a KQL column.
	used   map[string]bool
	holder string // the field holding jsonParse(@message)
	// doc marks the nested-object scan columns held as parsed values.
	doc map[*plan.ScanColumn]bool
	// hint names the column being computed, for the names of helper fields.
	hint  string
	stats int
	// sortedAt is the first sort or limit written, which a later stats
	// would have to follow.
	sortedAt kql.Pos
	errs     kql.ErrorList
	notes    []Note
	noted    map[string]bool
}

func newEmitter(p *plan.Plan, opt Options) *emitter {
	e := &emitter{p: p, opt: opt, used: map[string]bool{}, doc: map[*plan.ScanColumn]bool{},
		noted: map[string]bool{}, sortedAt: kql.NoPos}
	for _, st := range p.Steps {
		info := st.Info()
		for _, c := range info.Columns {
			e.used[c.Name] = true
		}
		for _, n := range info.Pruned {
			e.used[n] = true
		}
	}
	for _, c := range p.Scan().Sources {
		e.used[c.Name] = true
	}
	e.holder = e.fresh("m")
	e.findDocs()
	return e
}

func (e *emitter) unsupported(pos kql.Pos, format string, args ...any) {
	e.errs = append(e.errs, &kql.Error{Pos: pos, Kind: kql.ErrUnsupported,
		Msg: "cloudwatch: unsupported " + fmt.Sprintf(format, args...)})
}

// fresh returns an unused field name built from base.
func (e *emitter) fresh(base string) string {
	var b strings.Builder
	for _, r := range base {
		if r < 128 && (isWordByte(byte(r))) {
			b.WriteRune(r)
		}
	}
	name := b.String()
	if name == "" || name[0] >= '0' && name[0] <= '9' {
		name = "f" + name
	}
	n := name
	for i := 2; e.used[n]; i++ {
		n = fmt.Sprintf("%s_%d", name, i)
	}
	e.used[n] = true
	return n
}

// query writes the whole query.
func (e *emitter) query() {
	for i, st := range e.p.Steps {
		e.b.WriteString(plan.Quote(st, "#"))
		if i == 0 {
			e.scan(st.(*plan.Scan))
			continue
		}
		e.step(i, st)
	}
	e.output()
}

// command writes one command, after the commands pending for it.
func (e *emitter) command(text string) {
	for _, c := range e.pending {
		e.write(c)
	}
	e.pending = nil
	e.write(text)
}

func (e *emitter) write(text string) {
	if e.started {
		e.b.WriteString("| ")
	}
	e.started = true
	e.b.WriteString(text + "\n")
}

// list formats "verb item, item, ...": on one line when short, else one
// item per line aligned under the first.
func list(verb string, items []string) string {
	one := verb + " " + strings.Join(items, ", ")
	if len(one) <= 100 && !strings.Contains(one, "\n") {
		return one
	}
	indent := strings.Repeat(" ", len(verb)+3) // "| " + verb + " "
	return verb + " " + strings.Join(items, ",\n"+indent)
}

// wrapList writes lead followed by items separated by ", ", wrapped
// before 100 columns onto lines indented to column start (where lead's
// first item begins: len(lead), plus 2 when the line begins with "| ").
func wrapList(lead string, items []string, start int) string {
	indent := strings.Repeat(" ", start)
	var b strings.Builder
	b.WriteString(lead)
	line := start
	for i, it := range items {
		if i > 0 {
			if line+2+len(it) > 100 {
				b.WriteString(",\n" + indent)
				line = start
			} else {
				b.WriteString(", ")
				line += 2
			}
		}
		b.WriteString(it)
		line += len(it)
	}
	return b.String()
}

// step writes the commands of one operator after the scan.
func (e *emitter) step(i int, st plan.Step) {
	switch st := st.(type) {
	case *plan.Filter:
		e.hint = hintName(plan.Refs(st.Pred))
		pred := e.pos(st.Pred)
		e.command("filter " + pred)
	case *plan.Compute:
		e.assigns(st.Assigns)
	case *plan.Project:
		e.assigns(st.Items)
	case *plan.Aggregate:
		e.aggregate(st)
	case *plan.Distinct:
		e.distinct(st)
	case *plan.Sort:
		e.sort(i, st)
	case *plan.Top:
		e.noteSortNulls(st.Keys)
		e.sorted(st.Info().Pos)
		e.command("sort " + e.sortKeys(st.Keys))
		e.limit(st.Info().Pos, st.N)
	case *plan.Take:
		e.sorted(st.Info().Pos)
		e.limit(st.Info().Pos, st.N)
	case *plan.MvExpand:
		// Logs Insights' unnest (CWL_QuerySyntax-Unnest.html) treats a MAP
		// as "a list with one item", where KQL makes a row of each
		// property of a bag, and reference/insightsengine does not run
		// unnest, so no test here could show a translation right.
		e.unsupported(st.Info().Pos, "operator %s", st.Info().Op)
	case *plan.Join:
		// A Logs Insights query reads one stream of log events; no command
		// joins it with the rows of another query.
		e.unsupported(st.Info().Pos, "operator join")
	default:
		e.unsupported(st.Info().Pos, "operator %s", st.Info().Op)
	}
}

func hintName(refs []string) string {
	if len(refs) == 0 {
		return "v"
	}
	return refs[0]
}

// assigns writes an extend or project: one fields command whose items all
// read its input. A project item that passes a column on under its own
// name needs no item: the field is there already.
func (e *emitter) assigns(items []plan.Assign) {
	var out []string
	for _, a := range items {
		if c, ok := a.X.(*plan.ColRef); ok && c.Name == a.Name {
			continue
		}
		e.hint = a.Name
		var v string
		if c, ok := a.X.(*plan.ColRef); ok {
			// A rename or copy keeps the field as it is held: a parsed
			// nested object stays parsed, as plan.Column.Origin, which
			// follows renames and copies, says.
			v = ident(c.Name)
		} else {
			v = trimParens(e.value(a.X))
		}
		out = append(out, v+" as "+ident(a.Name))
	}
	if len(out) > 0 {
		e.command(list("fields", out))
	}
}

// limit writes limit n.
func (e *emitter) limit(pos kql.Pos, n int64) {
	if n < 1 || n > maxLimit {
		e.unsupported(pos, "take or top of %d rows (Logs Insights' limit takes 1 to %d)", n, maxLimit)
		return
	}
	e.command(fmt.Sprintf("limit %d", n))
}

// sorted records the first sort or limit, which a second stats may not
// follow (CWL_QuerySyntax-Stats.html).
func (e *emitter) sorted(pos kql.Pos) {
	if !e.sortedAt.IsValid() {
		e.sortedAt = pos
	}
}

// sort writes a sort, unless a later summarize or distinct regroups the
// rows before any take or top: KQL keeps no order through those, so the
// sort changes nothing and would only count against the stats rules.
func (e *emitter) sort(i int, st *plan.Sort) {
	if regroupedLater(e.p.Steps[i+1:]) {
		e.b.WriteString("# (the summarize that follows keeps no order: no sort)\n")
		return
	}
	e.noteSortNulls(st.Keys)
	e.sorted(st.Info().Pos)
	e.command("sort " + e.sortKeys(st.Keys))
}

// regroupedLater reports whether a summarize or distinct comes among
// steps before any take or top.
func regroupedLater(steps []plan.Step) bool {
	for _, later := range steps {
		switch later.(type) {
		case *plan.Aggregate, *plan.Distinct:
			return true
		case *plan.Take, *plan.Top:
			return false
		}
	}
	return false
}

// noteSortNulls notes sort keys whose null placement Logs Insights does
// not give: it puts missing values first ascending and last descending
// (the engine's guess, CWL_QuerySyntax-Sort.html), KQL's defaults.
func (e *emitter) noteSortNulls(keys []plan.SortKey) {
	for _, k := range keys {
		if k.NullsFirst == k.Desc {
			e.noteAt(NoteSortNulls, k.Col.Pos())
		}
	}
}

// sortKeys writes sort keys; a nested object held parsed sorts by its text.
func (e *emitter) sortKeys(keys []plan.SortKey) string {
	parts := make([]string, len(keys))
	for i, k := range keys {
		dir := "asc"
		if k.Desc {
			dir = "desc"
		}
		parts[i] = trimParens(e.value(k.Col)) + " " + dir
	}
	return strings.Join(parts, ", ")
}

// output writes the last commands: nested objects still held parsed are
// turned into their text, booleans noted, and display names the KQL
// output columns in order.
func (e *emitter) output() {
	cols := e.p.Columns()
	last := e.p.Steps[len(e.p.Steps)-1].Info().Pos
	var conv, names []string
	for _, c := range cols {
		names = append(names, ident(c.Name))
		ref := &plan.ColRef{Name: c.Name, T: c.Type, Origin: c.Origin}
		if e.isDoc(ref) {
			conv = append(conv, e.value(ref)+" as "+ident(c.Name))
		}
		switch c.Type {
		case plan.Bool:
			e.note(NoteBoolOutput, last, "output column "+c.Name)
		case plan.Dynamic:
			// Logs Insights shows maps and lists as their JSON text and
			// scalars as themselves, KQL's JSON form but for the note's cases.
			e.note(NoteDynamicScalar, last, "output column "+c.Name)
		case plan.Timespan:
			e.unsupported(last, "output column %s of type timespan (Logs Insights has no timespan values)", c.Name)
		}
	}
	e.note(NoteRowLimit, e.p.Steps[0].Info().Pos, "the query's result")
	e.b.WriteString("# the output columns, in the rule's order\n")
	if len(conv) > 0 {
		e.command(list("fields", conv))
	}
	e.command(wrapList("display ", names, len("| display ")))
}
