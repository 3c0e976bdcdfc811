package cloudwatch

import (
	"strings"

	"github.com/ruleport/ruleport/convert/plan"
)

// nestedSources are the CloudTrail fields that hold objects or arrays
// (CloudTrail record contents: requestParameters, responseElements,
// additionalEventData, resources, serviceEventDetails; networkDetails is
// the IpProtocol column's source). The AWSCloudTrail table holds them as
// JSON text (SEMANTICS.md §1): parse_json reads their members, and a log
// that already holds one as a JSON string holds that text.
var nestedSources = map[string]bool{
	"requestParameters": true, "responseElements": true, "additionalEventData": true,
	"resources": true, "serviceEventDetails": true, "networkDetails": true,
}

// findDocs marks the nested source columns that parse_json reads while
// they still hold their source field: those are held parsed, so that
// parse_json(ResponseElements).a reads member a of the record's object
// (or of the object its JSON text holds) without a round trip through
// text.
func (e *emitter) findDocs() {
	for _, st := range e.p.Steps[1:] {
		for _, x := range plan.StepExprs(st) {
			plan.Inspect(x, func(x plan.Expr) bool {
				var src plan.Expr
				switch x := x.(type) {
				case *plan.JSONPath:
					src = x.Src
				case *plan.ParseJSON:
					src = x.X
				}
				if c, ok := src.(*plan.ColRef); ok && c.Origin != nil && nestedSources[c.Origin.Source] {
					e.doc[c.Origin] = true
				}
				return true
			})
		}
	}
}

// isDoc reports whether a column reference reads a field that holds a
// parsed nested object (or JSON text that did not parse, or nothing).
func (e *emitter) isDoc(c *plan.ColRef) bool {
	return c.Origin != nil && e.doc[c.Origin]
}

// scan writes the first commands: the parsed record, then every source
// column under its KQL name.
func (e *emitter) scan(s *plan.Scan) {
	e.write("fields jsonParse(@message) as " + e.holder)
	e.noteAt(NoteDeliveryTime, s.Info().Pos)
	var items []string
	for _, c := range s.Sources {
		if strings.Contains(c.Name, "`") {
			e.unsupported(c.Pos, "column name %q (Logs Insights field names cannot hold a backtick)", c.Name)
			continue
		}
		e.hint = c.Name
		items = append(items, e.source(c)+" as "+ident(c.Name))
	}
	if len(items) > 0 {
		e.command(list("fields", items))
	}
}

// source is the value of one AWSCloudTrail column read from the record
// (SEMANTICS.md §1 and docs/ARCHITECTURE.md, "AWSCloudTrail projection").
func (e *emitter) source(c *plan.ScanColumn) string {
	if c.Source == "" {
		if c.Const != "" || c.Type == plan.String {
			return strLit(c.Const)
		}
		e.unsupported(c.Pos, "column %s, which CloudTrail does not fill", c.Name)
		return `""`
	}
	field := e.path(c.Source)
	switch c.Type {
	case plan.String:
		switch {
		case e.doc[c]:
			// jsonParse reads JSON text held as a string; an object is
			// not a string, and jsonParse of it is empty, so coalesce
			// falls back to the object itself.
			return "coalesce(jsonParse(" + field + "), " + field + ")"
		case nestedSources[c.Source]:
			e.noteColumn(NoteNestedJSONText, c)
			return "coalesce(jsonStringify(" + field + "), " + field + `, "")`
		}
		e.noteAt(NoteFieldType, e.p.Steps[0].Info().Pos)
		return "coalesce(" + field + `, "")`
	case plan.Datetime:
		if c.Source == "eventTime" && e.opt.TimestampIsEventTime {
			return "@timestamp"
		}
		return e.datetime(c, field)
	case plan.Bool:
		e.noteColumn(NoteBoolColumn, c)
		return "case(" + field + " = true or tolower(" + field + `) = "true", true, ` +
			field + " = false or tolower(" + field + `) = "false", false)`
	case plan.Int, plan.Long, plan.Real:
		return field
	}
	e.unsupported(c.Pos, "column %s of type %s", c.Name, c.Type)
	return `""`
}

// noteColumn notes a source column at its first use, or at the table
// when the query never names it (it reaches the output through project-away
// or the whole row).
func (e *emitter) noteColumn(id string, c *plan.ScanColumn) {
	pos := c.Pos
	if !pos.IsValid() {
		pos = e.p.Steps[0].Info().Pos
	}
	e.note(id, pos, c.Name+" (from "+c.Source+")")
}

// path is the member access that reads a CloudTrail field from the parsed
// record: m.userIdentity.principalId.
func (e *emitter) path(source string) string {
	var b strings.Builder
	b.WriteString(e.holder)
	for _, seg := range strings.Split(source, ".") {
		b.WriteString("." + member(seg))
	}
	return b.String()
}

// The datetime texts KQL reads (docs/ARCHITECTURE.md, AWSCloudTrail
// projection; reference/logs.EventTime): RFC 3339 with any fraction and a
// zone, and "2006-01-02 15:04:05" with an optional fraction and zone, read
// as UTC. dateShape accepts exactly those shapes with field ranges in
// bounds; dateParts takes the accepted text apart.
const (
	dateShape = `^(?<%s>\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])` +
		`(?:T(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d(?:\.\d+)?(?:Z|[+-](?:[01]\d|2[0-3]):[0-5]\d)` +
		`| (?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d(?:\.\d+)?(?:Z|[+-](?:[01]\d|2[0-3]):[0-5]\d)?))$`
	dateParts = `^(?<%s>\d{4})-(?<%s>\d\d)-(?<%s>\d\d).(?<%s>\d\d):(?<%s>\d\d):(?<%s>\d\d)` +
		`(?:\.(?<%s>\d{1,3})\d*)?(?:Z|(?<%s>[+-])(?<%s>\d\d):(?<%s>\d\d))?$`
)

// datetime computes a datetime column from its text: Logs Insights has no
// function that reads a date from text (parseDate is not in the language
// reference), so two parse commands take the text apart and arithmetic
// turns the parts into epoch milliseconds: days from the civil date
// (365y + y/4 - y/100 + y/400 counted from March, so the leap day ends a
// year) minus the 719469 days from 0000-03-01 to 1970-01-01 and the day's
// own one, then hours, minutes, seconds, milliseconds and the zone offset.
// A text that is not a date of the accepted shapes leaves every part
// missing, and the result is null, as KQL's.
func (e *emitter) datetime(c *plan.ScanColumn, field string) string {
	e.noteColumn(NoteEventTimeText, c)
	n := func(suffix string) string { return e.fresh(c.Name + "_" + suffix) }
	text := n("text")
	y, mo, d, h, mi, s, ms, zs, zh, zm := n("Y"), n("Mo"), n("D"), n("h"), n("mi"), n("s"), n("ms"), n("zs"), n("zh"), n("zm")
	yr, mp, msv, off := n("yr"), n("mp"), n("msv"), n("off")
	e.pending = append(e.pending,
		"parse "+field+" /"+sprintfNames(dateShape, text)+"/",
		"parse "+text+" /"+sprintfNames(dateParts, y, mo, d, h, mi, s, ms, zs, zh, zm)+"/",
		list("fields", []string{
			y + " - if(" + mo + " <= 2, 1, 0) as " + yr,
			"(" + mo + " + 9) % 12 as " + mp,
			"coalesce(substr(concat(" + ms + `, "00"), 0, 3), 0) as ` + msv,
			"coalesce(if(" + zs + ` = "-", -1, 1) * (` + zh + " * 60 + " + zm + ") * 60000, 0) as " + off,
		}))
	days := "365 * " + yr + " + floor(" + yr + " / 4) - floor(" + yr + " / 100) + floor(" + yr + " / 400)" +
		" + floor((153 * " + mp + " + 2) / 5) + " + d + " - 719469"
	return "fromMillis((" + days + ") * 86400000 + " + h + " * 3600000 + " + mi + " * 60000 + " +
		s + " * 1000 + " + msv + " - " + off + ")"
}

// sprintfNames fills the group names of a pattern.
func sprintfNames(pattern string, names ...string) string {
	out := pattern
	for _, n := range names {
		out = strings.Replace(out, "%s", n, 1)
	}
	return out
}
