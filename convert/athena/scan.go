package athena

import (
	"fmt"
	"strings"

	"github.com/ruleport/ruleport/convert/plan"
)

// scan writes the first CTE: the needed table columns under their KQL
// names and types, and the window.
func (e *emitter) scan(s *plan.Scan) {
	var items []string
	for _, c := range s.Sources {
		items = append(items, e.source(c)+" AS "+e.ident(c.Name))
	}
	e.selectList(items, false)
	fmt.Fprintf(&e.b, "  FROM %s\n", e.opt.Table)
	if conds := e.window(); len(conds) > 0 {
		e.b.WriteString("  WHERE " + strings.Join(conds, "\n    AND ") + "\n")
	}
}

// source is the SQL that reads one AWSCloudTrail column from the table
// (SEMANTICS.md §1): a string field COALESCE'd to ” (KQL strings are
// never null; an absent field is ""), TimeGenerated parsed from the
// eventtime text (try: a record whose eventTime does not parse has a null
// TimeGenerated, it does not fail the query), a bool from the text
// 'true'/'false' in any case.
func (e *emitter) source(c *plan.ScanColumn) string {
	if c.Source == "" {
		switch {
		case c.Const != "":
			return stringLit(c.Const)
		case c.Type == plan.String && !c.NullAsEmpty:
			// A guid (TenantId) without a value is null, not "".
			return "CAST(NULL AS varchar) /* no CloudTrail field fills it */"
		}
		return emptyValue(c.Type) + " /* no CloudTrail field fills it */"
	}
	if strings.EqualFold(c.Source, "resources") {
		return "resources" // the native shape: see expr.go
	}
	path, ok := fieldPath(c.Source)
	if !ok {
		if c.Read {
			e.unsupported(c.Pos, "column %s: its CloudTrail field %s is not a column of the Athena CloudTrail table", c.Name, c.Source)
			return "NULL"
		}
		return emptyValue(c.Type) + " /* " + c.Source + " is not in the Athena table */"
	}
	switch c.Type {
	case plan.String:
		return "COALESCE(" + path + ", '')"
	case plan.Datetime:
		return eventTimeSQL(path)
	case plan.Bool:
		return "CASE lower(" + path + ") WHEN 'true' THEN TRUE WHEN 'false' THEN FALSE END"
	case plan.Int, plan.Long:
		return "TRY_CAST(" + path + " AS " + sqlType(c.Type) + ")"
	case plan.Real:
		return "TRY_CAST(" + path + " AS double)"
	}
	e.unsupported(c.Pos, "column %s of type %s", c.Name, c.Type)
	return "NULL"
}

// eventTimeSQL reads a datetime field's text as docs/ARCHITECTURE.md
// decides for TimeGenerated: RFC 3339 (a "T", seconds, any fraction, "Z"
// or an offset hh:mm), or the same with a space for the "T" and the zone
// optional (Panther's "2024-12-16 18:41:07.000000000"), read as UTC; any
// other text is a null time. from_iso8601_timestamp alone reads Joda's
// wider ISO 8601 grammar ("2026-03-02", "2026-03-02T01", "2026-W10",
// "t" for "T", offsets without a colon) and not the space form; the
// regular expression admits exactly the decided forms, and the space
// becomes a "T", which without a zone reads in the session's zone, UTC in
// Athena. A text of the right shape that is not a date (February 30) is
// refused by Joda, under try a null, as the decision has it. Known
// difference: from_iso8601_timestamp keeps milliseconds (timestamp(3)),
// KQL's datetime 100-nanosecond ticks.
func eventTimeSQL(path string) string {
	return "CASE WHEN regexp_like(" + path + ", " + stringLit(eventTimeText) + ") THEN try(from_iso8601_timestamp(replace(" +
		path + ", ' ', 'T'))) END"
}

// eventTimeText is the shape eventTimeSQL accepts.
const eventTimeText = `^[0-9]{4}-[0-9]{2}-[0-9]{2}(T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})` +
	`| [0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})?)$`

// emptyValue is what KQL holds for a column without data: "" for a
// string, null otherwise.
func emptyValue(t plan.Type) string {
	if t == plan.String {
		return "''"
	}
	return "CAST(NULL AS " + sqlType(t) + ")"
}

// window returns the scan's window conditions (package doc): the
// partition days first, so a reader sees what Athena will scan, then the
// events' own time.
func (e *emitter) window() []string {
	if e.opt.Period <= 0 {
		return nil
	}
	end := e.windowEnd
	start := end + " - " + intervalLit(e.opt.Period)
	eventTime := eventTimeSQL("eventtime")
	return []string{
		fmt.Sprintf(`"%s" BETWEEN date_format(%s, '%%Y/%%m/%%d') AND date_format(%s + INTERVAL '1' DAY, '%%Y/%%m/%%d')`,
			PartitionColumn, start, end),
		eventTime + " >= " + start,
		eventTime + " < " + end,
	}
}
