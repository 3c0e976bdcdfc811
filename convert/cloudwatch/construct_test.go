package cloudwatch_test

import (
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/ruleport/ruleport/convert/cloudwatch"
	"github.com/ruleport/ruleport/convert/kql"
	"github.com/ruleport/ruleport/convert/plan"
	"github.com/ruleport/ruleport/convert/schema"
	"github.com/ruleport/ruleport/reference/alerts"
	"github.com/ruleport/ruleport/reference/insightsengine"
	"github.com/ruleport/ruleport/reference/kqlengine"
	"github.com/ruleport/ruleport/reference/logs"
)

// constructCase is one KQL construct run both ways over a few records.
// want holds the rows worked out by hand from KQL's documented semantics
// (the reason says how); the Logs Insights engine must give them from
// the emitted query, and so must the KQL engine from the rule's own
// text, a second witness. Where the emitted query cannot be exact,
// gap holds the rows Logs Insights gives instead and note the fidelity
// note that explains them, which the emitter must have given: a gap is
// pinned, never ignored.
type constructCase struct {
	name    string
	query   string
	records []string
	end     time.Time // the time range's end (now()); zero: no range
	want    string    // JSON array of rows
	gap     string    // the Logs Insights rows where they differ, else ""
	note    string    // the note explaining gap
	notes   []string  // note IDs the emitter must give (besides delivery-time)
}

// rec builds a CloudTrail record at 2026-03-02T<hhmm>: with extra JSON
// members, and eventName E unless extra names one.
func rec(hhmm, extra string) string {
	r := `{"eventTime":"2026-03-02T` + hhmm[:2] + `:` + hhmm[2:] + `:00Z"`
	if !strings.Contains(extra, `"eventName"`) {
		r += `,"eventName":"E"`
	}
	if extra != "" {
		r += "," + extra
	}
	return r + "}"
}

var constructCases = []constructCase{
	{
		name:  "=~ is equality ignoring case, not Logs Insights' regex =~",
		query: `AWSCloudTrail | where EventName =~ "Run.Instances" | project UserAgent`,
		records: []string{
			rec("0100", `"eventName":"RUN.INSTANCES","userAgent":"dot"`),
			rec("0100", `"eventName":"RunXInstances","userAgent":"regex"`),
		},
		// Only the name equal to Run.Instances in another case matches;
		// "." would match X as a regular expression.
		want: `[{"UserAgent":"dot"}]`,
	},
	{
		name: "contains, startswith, endswith and has fold A-Z only",
		query: `AWSCloudTrail | where EventName contains "INST" or EventName startswith "k"
			or EventName endswith "ES" or EventName contains "ärger" or EventName has "tasks" | project UserAgent`,
		records: []string{
			rec("0100", `"eventName":"RunInstances","userAgent":"ascii"`),
			rec("0100", `"eventName":"RunInſtances","userAgent":"long-s"`),
			rec("0100", `"eventName":"Key","userAgent":"key"`),
			rec("0100", `"eventName":"Key","userAgent":"kelvin"`),
			rec("0100", `"eventName":"x ÄRGER y","userAgent":"umlaut-upper"`),
			rec("0100", `"eventName":"x ärger y","userAgent":"umlaut-lower"`),
			rec("0100", `"eventName":"run TASKS now","userAgent":"term"`),
			rec("0100", `"eventName":"run TASKS now","userAgent":"term-kelvin"`),
		},
		// KQL folds ASCII letters only (equals-operator page: "supported
		// only for ASCII-text"): ſ (U+017F) is not s, the Kelvin sign is
		// not k, and Ä is not ä, although RE2's (?i) folds all three.
		// RunInstances contains "inst"; RunInſtances does not, but both
		// end with "es"; Key starts with k; "x ärger y" contains "ärger";
		// "run TASKS now" has the term tasks.
		want: `[{"UserAgent":"ascii"},{"UserAgent":"key"},{"UserAgent":"long-s"},{"UserAgent":"term"},{"UserAgent":"umlaut-lower"}]`,
	},
	{
		name:  "=~ of a value beyond ASCII: tolower's letters are a noted gap",
		query: `AWSCloudTrail | where EventName =~ "RunInstances" | project UserAgent`,
		records: []string{
			rec("0100", `"eventName":"RUNINSTANCES","userAgent":"ascii"`),
			rec("0100", `"eventName":"RUNİNSTANCES","userAgent":"dotted-capital-i"`),
		},
		// KQL: İ (U+0130) is compared as written, so only the ASCII name
		// matches; Unicode's lower-case of İ is i, which tolower gives.
		want:  `[{"UserAgent":"ascii"}]`,
		gap:   `[{"UserAgent":"ascii"},{"UserAgent":"dotted-capital-i"}]`,
		note:  cloudwatch.NoteCaseFold,
		notes: []string{cloudwatch.NoteCaseFold},
	},
	{
		name:  "a string field holding another JSON type: a noted gap",
		query: `AWSCloudTrail | where isempty(ErrorMessage) | project UserAgent, RecipientAccountId`,
		records: []string{
			rec("0100", `"userAgent":"list","errorMessage":[]`),
			rec("0100", `"userAgent":"num","recipientAccountId":111122223333`),
		},
		// KQL's string columns hold the JSON text (Decisions): ErrorMessage
		// "[]" is not empty, RecipientAccountId is the text 111122223333.
		// Logs Insights keeps the list (isempty of it is true) and the
		// number.
		want:  `[{"UserAgent":"num","RecipientAccountId":"111122223333"}]`,
		gap:   `[{"UserAgent":"list","RecipientAccountId":""},{"UserAgent":"num","RecipientAccountId":111122223333}]`,
		note:  cloudwatch.NoteFieldType,
		notes: []string{cloudwatch.NoteFieldType},
	},
	{
		name: "not of a comparison with a null operand keeps no row",
		query: `AWSCloudTrail | extend n = toint(parse_json(RequestParameters).n)
			| where not(n > 5) | project UserAgent`,
		records: []string{
			rec("0100", `"userAgent":"three","requestParameters":{"n":3}`),
			rec("0100", `"userAgent":"seven","requestParameters":{"n":7}`),
			rec("0100", `"userAgent":"none","requestParameters":{}`),
		},
		// n > 5 is false for 3 (kept), true for 7, null for the missing n:
		// not(null) is null and where drops it.
		want:  `[{"UserAgent":"three"}]`,
		notes: []string{cloudwatch.NoteToIntFloor},
	},
	{
		name: "!in holds for a null value, in does not",
		query: `AWSCloudTrail | extend n = toint(parse_json(RequestParameters).n)
			| where n !in (1, 2) | project UserAgent`,
		records: []string{
			rec("0100", `"userAgent":"one","requestParameters":{"n":1}`),
			rec("0100", `"userAgent":"three","requestParameters":{"n":3}`),
			rec("0100", `"userAgent":"none"`),
		},
		// KQL's in is never null: a null n is not in (1, 2).
		want:  `[{"UserAgent":"none"},{"UserAgent":"three"}]`,
		notes: []string{cloudwatch.NoteToIntFloor},
	},
	{
		name: "split pieces from the start and the end, missing pieces, empty pieces",
		query: `AWSCloudTrail | extend a = tostring(split(UserAgent, "/")[1]), b = tostring(split(UserAgent, "/")[-2]),
			c = tostring(split(UserAgent, "::")[1]), d = iff(isnull(split(UserAgent, "/")[2]), "null", "set")
			| project UserAgent, a, b, c, d`,
		records: []string{
			rec("0100", `"userAgent":"x/y/z"`),
			rec("0100", `"userAgent":"x//z"`),
			rec("0100", `"userAgent":"nodelim"`),
			rec("0100", `"userAgent":"a::b::c"`),
			rec("0100", ``),
		},
		// x/y/z: [x, y, z]; x//z: [x, "", z]; nodelim: [nodelim]; a::b::c
		// on "/" is one piece, on "::" [a, b, c]; an absent userAgent is ""
		// and split("", "/") is [""]. A piece that does not exist is null
		// and tostring(null) is "".
		want: `[
			{"UserAgent":"","a":"","b":"","c":"","d":"null"},
			{"UserAgent":"a::b::c","a":"","b":"","c":"b","d":"null"},
			{"UserAgent":"nodelim","a":"","b":"","c":"","d":"null"},
			{"UserAgent":"x//z","a":"","b":"","c":"","d":"set"},
			{"UserAgent":"x/y/z","a":"y","b":"y","c":"","d":"set"}]`,
	},
	{
		name:  "extend evaluates every expression on its input row",
		query: `AWSCloudTrail | extend EventName = "new", Old = strcat(EventName, "!") | project EventName, Old`,
		records: []string{
			rec("0100", `"eventName":"RunInstances"`),
		},
		// Old reads the EventName the extend received.
		want: `[{"EventName":"new","Old":"RunInstances!"}]`,
	},
	{
		name: "case takes the first true condition; a null condition is not true",
		query: `AWSCloudTrail | extend n = toint(parse_json(RequestParameters).n)
			| extend c = case(n > 5, "big", n <= 5, "small", "none") | project UserAgent, c`,
		records: []string{
			rec("0100", `"userAgent":"seven","requestParameters":{"n":7}`),
			rec("0100", `"userAgent":"two","requestParameters":{"n":2}`),
			rec("0100", `"userAgent":"missing"`),
		},
		want:  `[{"UserAgent":"missing","c":"none"},{"UserAgent":"seven","c":"big"},{"UserAgent":"two","c":"small"}]`,
		notes: []string{cloudwatch.NoteToIntFloor},
	},
	{
		name: "contains, has, startswith and endswith ignore case; _cs and ! forms",
		query: `AWSCloudTrail | extend c = UserAgent contains "CLI", h = UserAgent has "cli",
			s = UserAgent startswith "AWS-", e = UserAgent endswith "/2", cs = UserAgent contains_cs "CLI",
			n = UserAgent !has "cli"
			| project UserAgent, r = strcat(iff(c, "c", ""), iff(h, "h", ""), iff(s, "s", ""), iff(e, "e", ""), iff(cs, "C", ""), iff(n, "n", ""))`,
		records: []string{
			rec("0100", `"userAgent":"aws-cli/2"`),
			rec("0100", `"userAgent":"awscli"`),
			rec("0100", `"userAgent":"AWS-CLI/1"`),
		},
		// aws-cli/2: "cli" is a term (between - and /), starts with aws-,
		// ends with /2. awscli: contains cli, but not as a term. AWS-CLI/1:
		// contains CLI in that case too.
		want: `[{"UserAgent":"AWS-CLI/1","r":"chsC"},{"UserAgent":"aws-cli/2","r":"chse"},{"UserAgent":"awscli","r":"cn"}]`,
	},
	{
		name: "datetime_diff counts boundaries; bin and startofday round down",
		query: `AWSCloudTrail | summarize Start = min(TimeGenerated), End = max(TimeGenerated) by EventName
			| extend h = datetime_diff('hour', End, Start), m = datetime_diff('minute', End, Start),
			d = datetime_diff('day', End, Start), b = bin(Start, 1h), s = startofday(End)
			| project h, m, d, b, s`,
		records: []string{
			`{"eventTime":"2026-03-01T23:59:30Z","eventName":"E"}`,
			`{"eventTime":"2026-03-02T01:00:10Z","eventName":"E"}`,
		},
		// 23:59:30 -> 01:00:10 the next day: hours 23 -> 25 (2 boundaries),
		// minutes 1439 -> 1500 (61), days 1; bin(23:59:30, 1h) is 23:00.
		want:  `[{"h":2,"m":61,"d":1,"b":"2026-03-01T23:00:00Z","s":"2026-03-02T00:00:00Z"}]`,
		notes: []string{cloudwatch.NoteEventTimeText},
	},
	{
		name: "count, countif and dcount",
		query: `AWSCloudTrail | summarize n = count(), c = countif(UserAgent == "a"), d = dcount(UserAgent) by RecipientAccountId
			| project RecipientAccountId, n, c, d`,
		records: []string{
			rec("0100", `"userAgent":"a","recipientAccountId":"1"`),
			rec("0100", `"userAgent":"a","recipientAccountId":"1"`),
			rec("0100", `"userAgent":"b","recipientAccountId":"1"`),
			rec("0100", `"recipientAccountId":"2"`),
		},
		// Account 1: 3 events, 2 with agent a, agents {a, b}. Account 2: one
		// event whose agent is "", which dcount counts as a value.
		want:  `[{"RecipientAccountId":"1","n":3,"c":2,"d":2},{"RecipientAccountId":"2","n":1,"c":0,"d":1}]`,
		notes: []string{cloudwatch.NoteCountDistinct, cloudwatch.NoteEmptyAsMissing},
	},
	{
		name:  "a nested object read as text, and JSON text held as a string",
		query: `AWSCloudTrail | project RequestParameters`,
		records: []string{
			rec("0100", `"requestParameters":{"b":1,"a":[true,null]}`),
			rec("0200", `"requestParameters":"{\"k\":\"v\"}"`),
			rec("0300", `"requestParameters":{"n":4.0}`),
		},
		// The table holds objects as compact JSON text as written and a
		// JSON string as its content (docs/ARCHITECTURE.md, AWSCloudTrail
		// projection).
		want: `[{"RequestParameters":"{\"b\":1,\"a\":[true,null]}"},{"RequestParameters":"{\"k\":\"v\"}"},{"RequestParameters":"{\"n\":4.0}"}]`,
		// jsonStringify writes 4.0 as 4.
		gap:  `[{"RequestParameters":"{\"b\":1,\"a\":[true,null]}"},{"RequestParameters":"{\"k\":\"v\"}"},{"RequestParameters":"{\"n\":4}"}]`,
		note: cloudwatch.NoteNestedJSONText,
	},
	{
		name:  "toint truncates toward zero; floor rounds a negative fraction down",
		query: `AWSCloudTrail | project UserAgent, n = toint(parse_json(RequestParameters).n)`,
		records: []string{
			rec("0100", `"userAgent":"real","requestParameters":{"n":4.7}`),
			rec("0100", `"userAgent":"text","requestParameters":{"n":"4.5"}`),
			rec("0100", `"userAgent":"negative","requestParameters":{"n":-4.7}`),
		},
		// docs/ARCHITECTURE.md, toint: 4.7 -> 4, "4.5" -> 4, -4.7 -> -4.
		want: `[{"UserAgent":"negative","n":-4},{"UserAgent":"real","n":4},{"UserAgent":"text","n":4}]`,
		gap:  `[{"UserAgent":"negative","n":-5},{"UserAgent":"real","n":4},{"UserAgent":"text","n":4}]`,
		note: cloudwatch.NoteToIntFloor,
	},
	{
		name:  "tostring of a JSON boolean",
		query: `AWSCloudTrail | project UserAgent, s = tostring(parse_json(RequestParameters).enable)`,
		records: []string{
			rec("0100", `"userAgent":"bool","requestParameters":{"enable":false}`),
			rec("0100", `"userAgent":"num","requestParameters":{"enable":12}`),
			rec("0100", `"userAgent":"text","requestParameters":{"enable":"no"}`),
		},
		// KQL's tostring: a boolean is false, a number its digits, text itself.
		want: `[{"UserAgent":"bool","s":"false"},{"UserAgent":"num","s":"12"},{"UserAgent":"text","s":"no"}]`,
		// A JSON boolean is 0 in Logs Insights.
		gap:  `[{"UserAgent":"bool","s":"0"},{"UserAgent":"num","s":"12"},{"UserAgent":"text","s":"no"}]`,
		note: cloudwatch.NoteDynamicScalar,
	},
	{
		name:  "indexof",
		query: `AWSCloudTrail | project UserAgent, i = indexof(UserAgent, ":")`,
		records: []string{
			rec("0100", `"userAgent":"ab:cd:e"`),
			rec("0100", `"userAgent":"abcd"`),
			rec("0100", `"userAgent":":x"`),
		},
		// 0-based index of the first ":", -1 when there is none.
		want: `[{"UserAgent":":x","i":0},{"UserAgent":"ab:cd:e","i":2},{"UserAgent":"abcd","i":-1}]`,
	},
	{
		name: "top keeps the first rows of the order; distinct one row per tuple",
		query: `AWSCloudTrail | distinct UserAgent, RecipientAccountId
			| top 2 by UserAgent desc | project UserAgent`,
		records: []string{
			rec("0100", `"userAgent":"a","recipientAccountId":"1"`),
			rec("0200", `"userAgent":"c","recipientAccountId":"1"`),
			rec("0300", `"userAgent":"c","recipientAccountId":"1"`),
			rec("0400", `"userAgent":"b","recipientAccountId":"1"`),
		},
		// Distinct tuples (a,1), (c,1), (b,1); the top two by agent
		// descending are c and b.
		want:  `[{"UserAgent":"b"},{"UserAgent":"c"}]`,
		notes: []string{cloudwatch.NoteEmptyAsMissing},
	},
	{
		name:  "ago counts back from now, the end of the time range",
		query: `AWSCloudTrail | where TimeGenerated > ago(1h) | project UserAgent`,
		end:   time.Date(2026, 3, 2, 3, 0, 0, 0, time.UTC),
		records: []string{
			rec("0130", `"userAgent":"early"`),
			rec("0230", `"userAgent":"late"`),
		},
		// now() is 03:00, ago(1h) 02:00: only the 02:30 event is later.
		want:  `[{"UserAgent":"late"}]`,
		notes: []string{cloudwatch.NoteNowSeconds, cloudwatch.NoteEventTimeText},
	},
	{
		name: "a nested object copied by extend and by project is still parsed by parse_json",
		query: `AWSCloudTrail | extend X = ResponseElements | project-rename Y = X
			| project UserAgent, a = tostring(parse_json(Y).a), t = Y`,
		records: []string{
			rec("0100", `"userAgent":"object","responseElements":{"a":"v"}`),
			rec("0100", `"userAgent":"text","responseElements":"{\"a\":\"w\"}"`),
		},
		// The copies hold the column's text; parse_json reads member a of it.
		want:  `[{"UserAgent":"object","a":"v","t":"{\"a\":\"v\"}"},{"UserAgent":"text","a":"w","t":"{\"a\":\"w\"}"}]`,
		notes: []string{cloudwatch.NoteDynamicScalar},
	},
	{
		name:  "project-rename and project-away keep values as held",
		query: `AWSCloudTrail | project-rename Agent = UserAgent | project-away EventName | project Agent`,
		records: []string{
			rec("0100", `"userAgent":"a"`),
		},
		want: `[{"Agent":"a"}]`,
	},
}

// TestConstructs runs each construct case through the emitted query on the
// Logs Insights engine and through the KQL engine.
func TestConstructs(t *testing.T) {
	for _, tc := range constructCases {
		t.Run(tc.name, func(t *testing.T) { runConstruct(t, tc) })
	}
}

// runConstruct runs one construct case (see constructCase).
func runConstruct(t *testing.T, tc constructCase) {
	t.Helper()
	q, errs := kql.Parse(tc.query)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	p, errs := plan.Lower(q, tc.query, schema.Lookup)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	text, notes, err := cloudwatch.Emit(p, cloudwatch.Options{})
	if err != nil {
		t.Fatal(err)
	}
	src := func() logs.Source {
		var recs [][]byte
		for _, r := range tc.records {
			recs = append(recs, []byte(r))
		}
		return &logs.SliceSource{Records: recs, Name: "records"}
	}
	got, err := insightsengine.Run(text, src(), insightsengine.Options{End: tc.end})
	if err != nil {
		t.Fatalf("%v\n%s", err, text)
	}
	kqlGot, err := kqlengine.Run(q, src(), kqlengine.Options{Now: tc.end})
	if err != nil {
		t.Fatal(err)
	}
	want := table(t, tc.want, got.Columns)
	if d := alerts.Compare(want, kqlGot, compareOpt); !d.Empty() {
		t.Errorf("the KQL engine disagrees with the hand-worked rows (-want +got):\n%s", d)
	}
	ids := noteIDs(notes)
	liWant := want
	if tc.gap != "" {
		liWant = table(t, tc.gap, got.Columns)
		if !ids[tc.note] {
			t.Errorf("the gap's note %s was not given; notes: %v", tc.note, keys(ids))
		}
		if alerts.Compare(want, liWant, compareOpt).Empty() {
			t.Errorf("the gap rows equal the KQL rows: no gap to pin")
		}
	}
	if d := alerts.Compare(liWant, got, compareOpt); !d.Empty() {
		t.Errorf("Logs Insights rows (-want +got):\n%s\nquery:\n%s", d, text)
	}
	for _, id := range append(tc.notes, cloudwatch.NoteDeliveryTime) {
		if !ids[id] {
			t.Errorf("note %s not given; notes: %v", id, keys(ids))
		}
	}
}

// table reads a JSON array of rows; an empty array takes cols.
func table(t *testing.T, js string, cols []string) alerts.Table {
	t.Helper()
	if strings.TrimSpace(js) == "[]" {
		return alerts.Table{Columns: cols}
	}
	tab, err := alerts.FromJSON([]byte(js))
	if err != nil {
		t.Fatalf("%v: %s", err, js)
	}
	return tab
}

func keys(m map[string]bool) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
