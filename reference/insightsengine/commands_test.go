package insightsengine

import (
	"fmt"
	"math/rand"
	"sort"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// minute returns a record at 2026-03-02T00:MM:00Z with the given members.
func minute(m int, members string) string {
	if members != "" {
		members = "," + members
	}
	return fmt.Sprintf(`{"eventTime":"2026-03-02T00:%02d:00Z"%s}`, m, members)
}

func at(m int) any { return ts(fmt.Sprintf("2026-03-02T00:%02d:00Z", m)) }

// TestFieldsCommand quotes docFields and docSyntax.
func TestFieldsCommand(t *testing.T) {
	var recs []string
	var want [][]any
	for m := 0; m < 25; m++ {
		recs = append(recs, minute(m, ""))
		if m >= 5 { // the 20 most recent are minutes 5..24
			want = append(want, []any{at(m), minute(m, "")})
		}
	}
	runCases(t, []queryCase{{
		name:    docFields + " fields @timestamp, @message | sort @timestamp desc | limit 20",
		query:   "fields @timestamp, @message | sort @timestamp desc | limit 20",
		records: recs,
		want:    table(cols("@timestamp", "@message"), want...),
	}, {
		name:    docSyntax + " fields `foo-bar`, action, abs(f3-f4): backticks for a name with a hyphen",
		query:   "fields `foo-bar`, action, abs(f3-f4)",
		records: []string{`{"foo-bar":"fb","action":"Put","f3":2,"f4":7.5}`},
		want:    table(cols("foo-bar", "action", "abs(f3-f4)"), []any{"fb", "Put", 5.5}),
	}, {
		name:    docSyntax + " fields concat(Operation, '-', StatusCode) as opStatus",
		query:   "fields concat(Operation, '-', StatusCode) as opStatus",
		records: []string{`{"Operation":"GetItem","StatusCode":"200"}`},
		want:    table(cols("opStatus"), []any{"GetItem-200"}),
	}, {
		name:    docSyntax + " fields abs(myField) as AbsoluteValuemyField, myField2",
		query:   "fields abs(myField) as AbsoluteValuemyField, myField2",
		records: []string{`{"myField":-3,"myField2":"x"}`},
		want:    table(cols("AbsoluteValuemyField", "myField2"), []any{3.0, "x"}),
	}, {
		name:    docFields + " several fields commands without display show all their fields",
		query:   "fields a | filter b = 1 | fields c",
		records: []string{`{"a":"A","b":1,"c":"C"}`, `{"a":"A2","b":2,"c":"C2"}`},
		want:    table(cols("a", "c"), []any{"A", "C"}),
	}, {
		name:    "guess: items of one fields command read its input, so p.userId is not yet there",
		query:   "fields jsonParse(@message) as p, p.userId as same | fields p.userId as next",
		records: []string{`{"userId":"u1"}`},
		want:    table(cols("p", "same", "next"), []any{`{"userId":"u1"}`, nil, "u1"}),
	}, {
		name:    "guess: a field the query assigned wins over a discovered field of a longer name",
		query:   "fields jsonParse(@message) as m | fields m.eventName as assigned, `m.eventName` as discovered",
		records: []string{`{"m":{"eventName":"inner"},"eventName":"outer"}`},
		want:    table(cols("m", "assigned", "discovered"), []any{`{"m":{"eventName":"inner"},"eventName":"outer"}`, "outer", "inner"}),
	}, {
		name:    docSyntax + " lines starting with # are ignored",
		query:   "fields @timestamp, @message\n    # | filter @message like /delay/\n    | limit 20",
		records: []string{minute(1, `"m":"no delay"`)},
		want:    table(cols("@timestamp", "@message"), []any{at(1), minute(1, `"m":"no delay"`)}),
	}, {
		name:    docSyntax + " a query without fields shows @timestamp and @message",
		query:   "filter (duration>2000)",
		records: []string{minute(1, `"duration":2500`), minute(2, `"duration":10`)},
		want:    table(cols("@timestamp", "@message"), []any{at(1), minute(1, `"duration":2500`)}),
	}})
}

// TestFilterCommand quotes docFilter and the regex section of the older
// single-page syntax guide (awsdocs/amazon-cloudwatch-logs-user-guide,
// doc_source/CWL_QuerySyntax.md).
func TestFilterCommand(t *testing.T) {
	words := []string{
		`{"f1":"Exception"}`, `{"f1":"an Exception here"}`, `{"f1":"exception"}`,
		`{"f1":"EXCEPTION!"}`, `{"f1":"none"}`, `{}`,
	}
	f1 := func(vals ...string) [][]any {
		rows := make([][]any, len(vals))
		for i, v := range vals {
			rows[i] = []any{v}
		}
		return rows
	}
	cases := []queryCase{{
		name:    docFilter + " filter (range>3000)",
		query:   "fields @timestamp, range | filter (range>3000) | sort @timestamp desc | limit 20",
		records: []string{minute(1, `"range":3500`), minute(2, `"range":3000`), minute(3, `"range":"4000"`)},
		want:    table(cols("@timestamp", "range"), []any{at(1), 3500.0}, []any{at(3), "4000"}),
	}, {
		name:  docFilter + " filter (range>3000 and accountId=123456789012): the number matches CloudTrail's text account id",
		query: "fields range | filter (range>3000 and accountId=123456789012)",
		records: []string{`{"range":3500,"accountId":"123456789012"}`, `{"range":3500,"accountId":"111122223333"}`,
			`{"range":10,"accountId":"123456789012"}`},
		want: table(cols("range"), []any{3500.0}),
	}}
	for _, c := range []struct {
		doc, cond string
		want      [][]any
	}{
		{"like with a string matches a substring, case-sensitive", `f1 like "Exception"`, f1("Exception", "an Exception here")},
		{"like with a regular expression", `f1 like /Exception/`, f1("Exception", "an Exception here")},
		{"=~ is a regular-expression match", `f1 =~ /Exception/`, f1("Exception", "an Exception here")},
		{"(?i) makes it case-insensitive", `f1 like /(?i)Exception/`, f1("Exception", "an Exception here", "exception", "EXCEPTION!")},
		{"=~ /^(?i)Exception$/: exactly the word, any case", `f1 =~ /^(?i)Exception$/`, f1("Exception", "exception")},
		{"not like; guess: a missing field matches neither", `f1 not like "Exception"`, f1("exception", "EXCEPTION!", "none")},
		{"where is an alias of filter (CWL_QuerySyntax-Where.html)", `f1 = "none"`, f1("none")},
	} {
		q := "fields f1 | filter " + c.cond
		if c.cond == `f1 = "none"` {
			q = "fields f1 | where " + c.cond
		}
		cases = append(cases, queryCase{docFilter + " " + c.doc, q, words, table(cols("f1"), c.want...)})
	}
	codes := []string{`{"statusCode":"200"}`, `{"statusCode":"299"}`, `{"statusCode":"300"}`, `{"statusCode":"404"}`, `{"statusCode":500}`}
	cases = append(cases, []queryCase{{
		name:    docFilter + ` statusCode like /2\d\d/: "a value between 200 and 299"`,
		query:   `fields statusCode | filter statusCode like /2\d\d/`,
		records: codes,
		want:    table(cols("statusCode"), []any{"200"}, []any{"299"}),
	}, {
		name:    docFilter + ` statusCode not like /2\d\d/`,
		query:   `fields statusCode | filter statusCode not like /2\d\d/`,
		records: codes,
		want:    table(cols("statusCode"), []any{"300"}, []any{"404"}, []any{500.0}),
	}, {
		name:    docFilter + ` statusCode in [300,400,500]: "a statusCode of "300", "400", or "500""`,
		query:   `fields statusCode | filter statusCode in [300,400,500]`,
		records: codes,
		want:    table(cols("statusCode"), []any{"300"}, []any{500.0}),
	}, {
		name:    docFilter + ` Type not in ["foo","bar",1]`,
		query:   `fields Type | filter Type not in ["foo","bar",1]`,
		records: []string{`{"Type":"foo"}`, `{"Type":"1"}`, `{"Type":"baz"}`, `{"Type":2}`},
		want:    table(cols("Type"), []any{"baz"}, []any{2.0}),
	}, {
		name:    docFilter + ` logGroup in ["example_group"]: "The fields must be complete strings"`,
		query:   `fields logGroup | filter logGroup in ["example_group"]`,
		records: []string{`{"logGroup":"example_group"}`, `{"logGroup":"example_group_2"}`},
		want:    table(cols("logGroup"), []any{"example_group"}),
	}}...)
	runCases(t, cases)
}

// TestMissingFieldSemantics pins the guesses about missing fields in
// filters (value.go compare, eval.go unary).
func TestMissingFieldSemantics(t *testing.T) {
	recs := []string{`{"id":"has5","x":5}`, `{"id":"has7","x":7}`, `{"id":"none"}`, `{"id":"text","x":"abc"}`}
	ids := func(vals ...string) [][]any {
		var rows [][]any
		for _, v := range vals {
			rows = append(rows, []any{v})
		}
		return rows
	}
	cases := []struct {
		cond string
		want [][]any
	}{
		{"x > 5", ids("has7")},
		{"x != 5", ids("has7", "text")},
		{"not (x = 5)", ids("has7", "none", "text")},
		{"not ispresent(x)", ids("none")},
		{"!ispresent(x)", ids("none")},
		{"x < 6", ids("has5")},
		{`x > "abc"`, nil},
		{"isempty(x)", ids("none")},
		{"x in [5, 7]", ids("has5", "has7")},
		{"x not in [5]", ids("has7", "text")},
	}
	var qc []queryCase
	for _, c := range cases {
		qc = append(qc, queryCase{"guess: filter " + c.cond, "fields id | filter " + c.cond, recs, table(cols("id"), c.want...)})
	}
	runCases(t, qc)
}

// TestCompare pins the comparison rules of value.go's compare, worked by
// hand from the rules written there.
func TestCompare(t *testing.T) {
	t1, t2 := ts("2026-03-02T00:00:00Z"), ts("2026-03-02T01:00:00Z")
	m, _ := decodeJSON(`{"a":1}`)
	tests := []struct {
		op   string
		a, b any
		want bool
	}{
		{"=", 4.0, "4", true},      // number against numeric text: numerically
		{"=", 4.0, "4.0", true},    //
		{"<", "9", 10.0, true},     //
		{"<", "9", "10", false},    // two strings: as text
		{"=", "abc", "abc", true},  //
		{"=", "Abc", "abc", false}, // case-sensitive
		{"!=", 5.0, "abc", true},   // unordered: only != holds
		{">", 5.0, "abc", false},   //
		{"<", 5.0, "abc", false},   //
		{"=", nil, nil, false},     // missing: every comparison false
		{"!=", nil, 5.0, false},    //
		{"<", t1, t2, true},        // timestamps in time
		{"=", t1, "2026-03-02T00:00:00Z", false},
		{"!=", t1, "2026-03-02T00:00:00Z", true},
		{"=", m, m, false},      // maps compare false, even to themselves
		{"!=", m, "x", false},   //
		{"=", true, 1.0, true},  // a boolean is 1 or 0
		{"=", false, "0", true}, //
	}
	for _, tc := range tests {
		if got := compare(tc.op, tc.a, tc.b); got != tc.want {
			t.Errorf("compare(%q, %#v, %#v) = %v, want %v", tc.op, tc.a, tc.b, got, tc.want)
		}
	}
}

// TestNaturalSort is the worked example on docSort: "the following is the
// result of a sort in ascending order", listed there top to bottom.
func TestNaturalSort(t *testing.T) {
	want := []any{
		"!:", "#", "*%04", "0#", "5A", "111A", "2345_", "@", "@_", "A", "A9876fghj", "a12345hfh",
		"0", "01", "1", "2", "3",
	}
	got := append([]any(nil), want...)
	rand.New(rand.NewSource(1)).Shuffle(len(got), func(i, j int) { got[i], got[j] = got[j], got[i] })
	sort.SliceStable(got, func(i, j int) bool { return naturalCompare(got[i], got[j]) < 0 })
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ascending natural sort (-want +got):\n%s", diff)
	}
	// Guesses: missing first, numbers from JSON among number values, a
	// decimal number is a number value.
	want = []any{nil, "a", 1.0, "1.5", 2.0, "10"}
	got = []any{"10", 2.0, "a", nil, "1.5", 1.0}
	sort.SliceStable(got, func(i, j int) bool { return naturalCompare(got[i], got[j]) < 0 })
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("guessed natural sort (-want +got):\n%s", diff)
	}
}
