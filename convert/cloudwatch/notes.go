package cloudwatch

import (
	"fmt"
	"sort"
	"strings"

	"github.com/ruleport/ruleport/convert"
	"github.com/ruleport/ruleport/convert/kql"
	"github.com/ruleport/ruleport/convert/rule"
)

// Note is one place where the emitted query is the closest Logs Insights
// can say but not exactly the KQL: the construct, and the inputs on which
// the two can give different alerts. `ruleport convert` prints notes as
// warnings at the construct's place in the rule file; `ruleport check`
// lists them; a fixture case whose Logs Insights alerts differ from the
// expected ones must name the note that explains it in its gaps.json.
type Note struct {
	// ID names the kind of divergence ("toint-floor"); it is stable, so
	// gaps files can cite it.
	ID string
	// Construct is the KQL construct as the query writes it.
	Construct string
	// Pos is the construct's byte offset in the query text.
	Pos kql.Pos
	// Inputs says on which inputs the results can differ.
	Inputs string
}

// String prints the note as one line: "cloudwatch: <construct>: <inputs>
// [<id>]".
func (n Note) String() string {
	return fmt.Sprintf("cloudwatch: %s: %s [%s]", n.Construct, n.Inputs, n.ID)
}

// The note IDs. Each note's Inputs text is in noteInputs.
const (
	// NoteDeliveryTime: the time range selects on @timestamp.
	NoteDeliveryTime = "delivery-time"
	// NoteEventTimeText: TimeGenerated computed from the eventTime text.
	NoteEventTimeText = "event-time-text"
	// NoteEmptyAsMissing: results do not tell "" from a missing field.
	NoteEmptyAsMissing = "empty-as-missing"
	// NoteToIntFloor: toint(x) emitted as floor(x).
	NoteToIntFloor = "toint-floor"
	// NoteDoubleArith: integer arithmetic on doubles.
	NoteDoubleArith = "double-arith"
	// NoteDynamicScalar: a JSON scalar keeps its JSON type.
	NoteDynamicScalar = "dynamic-scalar"
	// NoteNestedJSONText: a nested object read as text is rewritten.
	NoteNestedJSONText = "nested-json-text"
	// NoteParseJSONScalar: jsonParse reads only objects and arrays.
	NoteParseJSONScalar = "parse-json-scalar"
	// NoteBoolOutput: booleans come out as 1 and 0.
	NoteBoolOutput = "bool-output"
	// NoteBoolColumn: a bool column also reads the numbers 1 and 0.
	NoteBoolColumn = "bool-column"
	// NoteCountDistinct: count_distinct is approximate.
	NoteCountDistinct = "count-distinct"
	// NoteSummarizeEmpty: stats without by over no events gives no row.
	NoteSummarizeEmpty = "summarize-empty"
	// NoteSortNulls: an explicit nulls first/last the default does not give.
	NoteSortNulls = "sort-nulls"
	// NoteNowSeconds: now() has whole seconds.
	NoteNowSeconds = "now-seconds"
	// NoteRowLimit: a query returns at most 10,000 rows.
	NoteRowLimit = "row-limit"
	// NoteCaseFold: tolower may fold letters beyond A-Z.
	NoteCaseFold = "case-fold"
	// NoteFieldType: a string field holding another JSON type keeps it.
	NoteFieldType = "field-type"
	// NoteHasTerm: has bounds terms by ASCII letters and digits.
	NoteHasTerm = "has-term"
)

// noteInputs is each note's description of the inputs on which Logs
// Insights and KQL can differ.
var noteInputs = map[string]string{
	NoteDeliveryTime: "CloudWatch Logs gives a CloudTrail event the @timestamp of its delivery, " +
		"minutes after its eventTime, and a query's time range (the scheduled query's start_time_offset) " +
		"selects on @timestamp: an event whose eventTime is inside the rule's window but that was delivered " +
		"after the run, or outside it but delivered inside, counts in a neighbouring run",
	NoteEventTimeText: "TimeGenerated is computed from the eventTime text to the millisecond: digits " +
		"after the milliseconds are dropped, and a text of the right shape that is not a date " +
		"(2026-02-30T00:00:00Z) gives a time where KQL has none",
	NoteEmptyAsMissing: "Logs Insights results do not tell an empty string from a missing field: " +
		"where KQL outputs \"\" (an absent userAgent, say) CloudWatch may show no value; ruleport " +
		"compares null and \"\" as equal for this engine",
	NoteToIntFloor: "emitted as floor(x), which equals toint(x) for numbers and numeric text from 0 " +
		"to 2147483647; a negative fraction rounds down (toint(-4.7) is -4, floor gives -5), a value " +
		"beyond 32 bits stays a number where KQL gives null, and text such as \"4.5\" counts as a " +
		"number only if Logs Insights reads numeric text in floor (not documented; ruleport's engine does, " +
		"but not with white space around it, which KQL allows: \" 4\")",
	NoteDoubleArith: "Logs Insights numbers are doubles: integer results beyond 2^53 lose precision " +
		"and KQL's 64-bit overflow does not happen",
	NoteDynamicScalar: "a value read from JSON keeps its JSON type in Logs Insights: a boolean is 1 or 0 " +
		"where KQL has true or false, a number prints in shortest form (4.0 as 4) and compares as a " +
		"number where KQL compares text",
	NoteNestedJSONText: "an object read as text is written again by jsonStringify (numbers in " +
		"shortest form, Logs Insights' escapes, the last of duplicate keys) where KQL keeps the " +
		"record's text as written",
	NoteParseJSONScalar: "jsonParse reads only JSON objects and arrays: for text holding a JSON scalar " +
		"(\"42\") or invalid JSON KQL's parse_json gives the scalar or the text itself, Logs Insights nothing",
	NoteBoolOutput: "Logs Insights shows booleans as 1 and 0 where KQL shows true and false",
	NoteBoolColumn: "a field holding the number 1 or 0 reads as true or false; KQL reads only JSON " +
		"booleans and the text true or false",
	NoteCountDistinct: "count_distinct is an approximation at high cardinality, and so is dcount, " +
		"by a different method",
	NoteSummarizeEmpty: "over no events KQL returns one row (count() is 0), Logs Insights returns none",
	NoteSortNulls: "Logs Insights sorts missing values first ascending and last descending; the " +
		"order asked for differs only in where rows without a value go",
	NoteNowSeconds: "now() counts whole seconds, KQL's now() has fractions",
	NoteCaseFold: "KQL's case-insensitive comparison folds the letters A-Z only; Logs Insights " +
		"does not document which letters tolower maps: with Unicode's mapping (ruleport's engine) " +
		"a value holding İ (U+0130), the Kelvin sign (U+212A) or another capital beyond ASCII " +
		"can match where KQL compares that letter as written",
	NoteFieldType: "a record field that holds a number, boolean, object or array where CloudTrail " +
		"writes a string (\"errorMessage\": [], \"recipientAccountId\": 111122223333) keeps its JSON type " +
		"in Logs Insights: a number prints in shortest form, a boolean as 1 or 0, isempty of an object or " +
		"array is true; KQL's string column holds the value's JSON text",
	NoteHasTerm: "KQL's terms are runs of letters and digits of any script; the emitted pattern ends a " +
		"term at any character but A-Z, a-z and 0-9 (Logs Insights does not document Unicode classes " +
		"in its regular expressions): next to a letter or digit beyond ASCII (\"éiam:Get\" has no term " +
		"iam:Get in KQL) Logs Insights finds a term where KQL does not",
	NoteRowLimit: "a run with more than 10,000 alert rows: Logs Insights returns the first 10,000 " +
		"(CWL_QuerySyntax-Limit.html), KQL every row",
}

// Warnings turns notes into warnings at their constructs' places in the
// rule file: "rules/x.yaml:31:17: warning: cloudwatch: toint(...): ...".
func Warnings(r *rule.Rule, notes []Note) convert.Diagnostics {
	var out convert.Diagnostics
	for _, n := range notes {
		p := r.Start()
		if n.Pos.IsValid() {
			p = r.QueryPos(int(n.Pos))
		}
		out = append(out, convert.Warningf(r.File, p, "%s", n.String()))
	}
	return out
}

// note records a note once per ID, position and construct.
func (e *emitter) note(id string, pos kql.Pos, construct string) {
	key := fmt.Sprintf("%s@%d@%s", id, pos, construct)
	if e.noted[key] {
		return
	}
	e.noted[key] = true
	inputs, ok := noteInputs[id]
	if !ok {
		panic("cloudwatch: no text for note " + id)
	}
	e.notes = append(e.notes, Note{ID: id, Construct: construct, Pos: pos, Inputs: inputs})
}

// noteAt records a note about the KQL construct that starts at pos.
func (e *emitter) noteAt(id string, pos kql.Pos) {
	e.note(id, pos, constructAt(e.p.Source, pos))
}

func sortNotes(notes []Note) {
	sort.SliceStable(notes, func(i, j int) bool {
		if notes[i].Pos != notes[j].Pos {
			return notes[i].Pos < notes[j].Pos
		}
		return notes[i].ID < notes[j].ID
	})
}

// constructAt returns the KQL construct that starts at pos: a call with
// its balanced arguments (toint(parse_json(x).a)), else the name or
// literal there, followed by a postfix chain of member and index access.
// It never reads past the end of the line unless inside parentheses.
func constructAt(src string, pos kql.Pos) string {
	if !pos.IsValid() || int(pos) >= len(src) {
		return "(query)"
	}
	s := src[pos:]
	i := 0
	for i < len(s) && isWordByte(s[i]) {
		i++
	}
	if i == 0 {
		// An operator or literal: the rest of the line, trimmed.
		line, _, _ := strings.Cut(s, "\n")
		return clip(strings.TrimSpace(line))
	}
	for i < len(s) {
		switch s[i] {
		case '(', '[':
			j := balanced(s, i)
			if j < 0 {
				return clip(s[:i])
			}
			i = j
		case '.':
			i++
			for i < len(s) && isWordByte(s[i]) {
				i++
			}
		default:
			return clip(s[:i])
		}
	}
	return clip(s[:i])
}

// balanced returns the index just past the bracket that closes s[open],
// skipping quoted strings and backslash escapes, or -1.
func balanced(s string, open int) int {
	depth := 0
	var quote byte
	for i := open; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0:
			if c == '\\' {
				i++
			} else if c == quote {
				quote = 0
			}
		case c == '\\':
			i++
		case c == '"' || c == '\'':
			quote = c
		case c == '(' || c == '[':
			depth++
		case c == ')' || c == ']':
			depth--
			if depth == 0 {
				return i + 1
			}
		}
	}
	return -1
}

func isWordByte(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// clip shortens a construct to one line of at most 120 bytes.
func clip(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 120 {
		cut := 117
		for cut > 0 && s[cut]&0xc0 == 0x80 {
			cut--
		}
		s = s[:cut] + "..."
	}
	return s
}
