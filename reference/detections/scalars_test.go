package detections

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/tidwall/gjson"
)

// TestToint pins toint per the Decisions of docs/ARCHITECTURE.md. Each
// value is worked out from the rule next to it.
func TestToint(t *testing.T) {
	type res struct {
		N  int64
		OK bool
	}
	null := res{}
	tests := []struct {
		json string
		want res
	}{
		{`4`, res{4, true}},
		{`4.0`, res{4, true}},   // a real, truncated
		{`4.7`, res{4, true}},   // truncated, not rounded
		{`-4.7`, res{-4, true}}, // toward zero
		{`"4"`, res{4, true}},
		{`"4.5"`, res{4, true}},
		{`"-4.5"`, res{-4, true}},
		{`"+7"`, res{7, true}},
		{`1e2`, res{100, true}}, // a JSON real written with an exponent
		{`2147483647`, res{2147483647, true}},
		{`-2147483648`, res{-2147483648, true}},
		{`2147483647.9`, res{2147483647, true}}, // truncates into range
		{`2147483648`, null},                    // 2^31: out of range
		{`-2147483649`, null},
		{`"2147483648"`, null},
		{`1e300`, null},
		{`1e400`, null}, // beyond float64: out of range
		{`99999999999999999999`, null},
		{`true`, res{1, true}},
		{`false`, res{0, true}},
		{`null`, null},
		{`""`, null},
		// Numeric text is NumberStyles.Float's shape (Decisions): white
		// space U+0009..U+000D and space around it, an exponent allowed.
		{`" 4"`, res{4, true}},
		{`"\t-4.5\n"`, res{-4, true}},
		{`"1e2"`, res{100, true}},
		{`"1E-2"`, res{0, true}},
		{`".5"`, res{0, true}},
		{`"4."`, res{4, true}},
		{`"+4"`, res{4, true}},
		{`"1e400"`, null},   // beyond float64
		{`"\u00a04"`, null}, // no-break space is not number white space
		{`"4d"`, null},      // Java's double suffix
		{`"0x10"`, null},
		{`"Infinity"`, null},
		{`"1,000"`, null},
		{`"1e"`, null},
		{`"4x"`, null},
		{`"."`, null},
		{`"4.5.6"`, null},
		{`[4]`, null},
		{`{"a":4}`, null},
	}
	for _, tt := range tests {
		n, ok := toint(gjson.Parse(tt.json))
		if diff := cmp.Diff(tt.want, res{n, ok}); diff != "" {
			t.Errorf("toint(%s) (-want +got):\n%s", tt.json, diff)
		}
	}
	if _, ok := toint(gjson.Get(`{}`, "missing")); ok {
		t.Error("toint(missing) is not null")
	}
}

// TestParseJSONColumn pins parse_json of a column filled from a field,
// read through .a: an object is itself; a string holding JSON is parsed;
// text that is not JSON, "", null and absent give null members.
func TestParseJSONColumn(t *testing.T) {
	tests := []struct {
		record string
		want   string // Raw of .a, "" for null
	}{
		{`{"f":{"a":1}}`, `1`},
		{`{"f":"{\"a\":2}"}`, `2`},
		{`{"f":"{\"a\":3,\"b\":[1,"}`, ``}, // truncated JSON text
		{`{"f":""}`, ``},
		{`{"f":" "}`, ``},
		{`{"f":null}`, ``},
		{`{}`, ``},
		{`{"f":"\"{\\\"a\\\":4}\""}`, ``},  // JSON text of a string: a dynamic string
		{`{"f":[{"a":5}]}`, ``},            // an array has no members
		{`{"f":{"a":6,"a":7}}`, `7`},       // the last key counts (Decisions), as in the projection
		{`{"f":"{\"a\":6,\"a\":8}"}`, `8`}, // also in text that parse_json reads
	}
	for _, tt := range tests {
		got := member(parseJSONColumn(gjson.Get(tt.record, "f")), "a").Raw
		if got != tt.want {
			t.Errorf("parse_json(%s).a = %q, want %q", tt.record, got, tt.want)
		}
	}
}

// TestElement pins d[i]: arrays only, negative from the end.
func TestElement(t *testing.T) {
	tests := []struct {
		json string
		i    int
		want string
	}{
		{`[1,2,3]`, 0, `1`},
		{`[1,2,3]`, -1, `3`},
		{`[1,2,3]`, 3, ``},
		{`[1,2,3]`, -4, ``},
		{`[]`, 0, ``},
		{`{"0":1}`, 0, ``}, // a bag is not indexed by number
		{`"abc"`, 0, ``},
	}
	for _, tt := range tests {
		if got := element(gjson.Parse(tt.json), tt.i).Raw; got != tt.want {
			t.Errorf("%s[%d] = %q, want %q", tt.json, tt.i, got, tt.want)
		}
	}
}

// TestStrings pins =~, split(..)[-1] and split(.., i)[0] with the
// examples of SEMANTICS.md §2 and §3.
func TestStrings(t *testing.T) {
	fold := []struct {
		a, b string
		want bool
	}{
		{"runinstances", "RunInstances", true},
		{"RUNINSTANCES", "RunInstances", true},
		{"RunInstance", "RunInstances", false},
		{"RunInstances ", "RunInstances", false},
		{"RunInſtances", "RunInstances", false}, // ſ (U+017F): ASCII folding only
	}
	for _, tt := range fold {
		if got := equalsFold(tt.a, tt.b); got != tt.want {
			t.Errorf("%q =~ %q = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
	last := map[string]string{
		"arn:aws:iam::1:user/alice":                      "alice",
		"arn:aws:sts::1:assumed-role/Admin/botocore-s-1": "botocore-s-1",
		"arn:aws:iam::111122223333:root":                 "arn:aws:iam::111122223333:root",
		"":                                               "",
		"a/":                                             "",
	}
	for in, want := range last {
		if got := splitLast(in, "/"); got != want {
			t.Errorf("split(%q, '/')[-1] = %q, want %q", in, got, want)
		}
	}
	at := []struct {
		in        string
		name, upn string
	}{
		{"a@b", "a", "b"},
		{"a@b@c", "a", "b"},
		{"@x", "", "x"},
		{"x@", "x", ""},
		{"x", "x", ""}, // split("x", "@", 1) is []: [0] is null, tostring ""
	}
	for _, tt := range at {
		got := [2]string{splitAt(tt.in, "@", 0), splitAt(tt.in, "@", 1)}
		if diff := cmp.Diff([2]string{tt.name, tt.upn}, got); diff != "" {
			t.Errorf("split(%q, '@', 0|1)[0] (-want +got):\n%s", tt.in, diff)
		}
	}
}

// TestHoursDiff pins datetime_diff('hour', end, start) on the spans of
// SEMANTICS.md §3, counted by hand as hour boundaries crossed.
func TestHoursDiff(t *testing.T) {
	tests := []struct {
		start, end string
		want       int64
	}{
		{"2017-10-30T23:59:00Z", "2017-10-31T01:00:00Z", 2}, // Microsoft's example
		{"2026-03-02T00:30:00Z", "2026-03-02T08:29:00Z", 8}, // 7h59m elapsed
		{"2026-03-02T00:00:00Z", "2026-03-02T07:59:59Z", 7},
		{"2026-03-02T00:00:00Z", "2026-03-02T08:00:00Z", 8},
		{"2026-03-02T23:59:00Z", "2026-03-03T00:01:00Z", 1},
		{"2026-01-31T23:30:00Z", "2026-02-01T06:10:00Z", 7},
		{"2025-12-31T22:00:00Z", "2026-01-01T06:00:00Z", 8},
		{"2026-03-02T05:00:00Z", "2026-03-02T05:59:59.999Z", 0},
		{"1969-12-31T23:30:00Z", "1970-01-01T00:10:00Z", 1}, // floor below zero
	}
	for _, tt := range tests {
		s, _ := time.Parse(time.RFC3339Nano, tt.start)
		e, _ := time.Parse(time.RFC3339Nano, tt.end)
		if got := hoursDiff(e, s); got != tt.want {
			t.Errorf("datetime_diff('hour', %s, %s) = %d, want %d", tt.end, tt.start, got, tt.want)
		}
	}
}
