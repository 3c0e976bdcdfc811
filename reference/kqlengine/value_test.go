package kqlengine

import (
	"math"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// TestToInt pins toint() on every input kind. Expected values: the toint
// page (toint("123") == 123, toint(2.3) == 2) and ARCHITECTURE.md
// Decisions, "toint" (truncation toward zero, numeric strings parsed then
// truncated, 32-bit range, bags and arrays null, booleans 1 and 0).
func TestToInt(t *testing.T) {
	tests := []struct {
		in   any
		want any
	}{
		{"123", int32(123)},     // toint page example
		{2.3, int32(2)},         // toint page example
		{4.7, int32(4)},         // Decisions: truncates toward zero
		{-4.7, int32(-4)},       // Decisions
		{"4", int32(4)},         // Decisions
		{"4.5", int32(4)},       // Decisions
		{"4.0", int32(4)},       // parsed as a number, then truncated
		{" 7 ", int32(7)},       // surrounding spaces, as .NET's parsers allow
		{"\t-4.5\n", int32(-4)}, // Decisions: U+0009..U+000D are white space too
		{"\u00a07", nil},        // Decisions: a no-break space is not
		{"\u20037", nil},        // nor an em space
		{"1e2", int32(100)},     // Decisions: an exponent is numeric text
		{"", nil},               // Decisions: empty string is null
		{"abc", nil},            // Decisions: non-numeric is null
		{"0x10", nil},           // not a decimal number
		{"inf", nil},            // not a decimal number
		{int64(2147483647), int32(2147483647)},
		{int64(2147483648), nil},    // Decisions: outside 32 bits is null
		{"2147483648", nil},         // the same through a string
		{float64(-2147483649), nil}, // below the range
		{true, int32(1)},            // Decisions
		{false, int32(0)},           // Decisions
		{nil, nil},                  // null stays null
		{[]any{int64(1)}, nil},      // Decisions: arrays are null
		{newBag(0), nil},            // Decisions: bags are null
		{math.NaN(), nil},           // no integer
		{int64(4), int32(4)},        // a dynamic long
	}
	for _, tt := range tests {
		got := optional(toIntValue(tt.in))
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("toint(%#v) (-want +got):\n%s", tt.in, diff)
		}
	}
}

// TestToString pins tostring(): null is "" (tostring page: "If value is
// null, the result is an empty string"), a dynamic string loses its
// quotes, objects are compact JSON (SEMANTICS.md §2, tostring row).
func TestToString(t *testing.T) {
	bag := newBag(2)
	bag.Set("b", int64(1))
	bag.Set("a", []any{"x", nil, true})
	tests := []struct {
		in   any
		want string
	}{
		{nil, ""},
		{"plain", "plain"},
		{int64(123), "123"}, // tostring page example: print tostring(123)
		{int32(-5), "-5"},
		{true, "true"},
		{bag, `{"b":1,"a":["x",null,true]}`}, // keys in insertion order
		{[]any{}, "[]"},
		{118.0, "118"}, // parse_json page output shows 118.0 as 118
		{0.5, "0.5"},
		{1e15, "1E+15"}, // .NET round-trip form
		{1.5e-7, "1.5E-07"},
		{123456789012345.0, "123456789012345"},
		{time.Date(2017, 10, 30, 23, 59, 0, 0, time.UTC), "2017-10-30T23:59:00.0000000Z"},
		{90 * time.Minute, "01:30:00"},
		{-(36*time.Hour + 100), "-1.12:00:00.0000001"},
		{"with \"quotes\"", "with \"quotes\""},
	}
	for _, tt := range tests {
		if got := toStringValue(tt.in); got != tt.want {
			t.Errorf("tostring(%#v) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestParseJSON pins the strictness parse_json relies on: what is not
// RFC 8259 JSON (truncated text above all) is not parsed (Decisions,
// "parse_json"), and numbers keep long and real apart.
func TestParseJSON(t *testing.T) {
	tests := []struct {
		in     string
		ok     bool
		asJSON string // compact re-encoding, when ok
	}{
		{`{"a":{"b":[{"c":4}]}}`, true, `{"a":{"b":[{"c":4}]}}`},
		{` [1, 2.5, -0, 1e2, "x", true, false, null] `, true, `[1,2.5,0,100,"x",true,false,null]`},
		{`{"k":"\u00e9\n\"q\"\ud83d\ude00"}`, true, "{\"k\":\"é\\n\\\"q\\\"😀\"}"},
		{`{"a":1,"a":2}`, true, `{"a":2}`},                                    // last value, first position
		{`{"instancesSet":{"items":[{"cpuOptions":{"coreCount":4`, false, ""}, // truncated
		{`{"a":1,}`, false, ""}, // trailing comma
		{`{'a':1}`, false, ""},  // single quotes
		{`01`, false, ""},       // leading zero
		{`1.`, false, ""},       // no fraction digits
		{`[1] x`, false, ""},    // trailing text
		{`NaN`, false, ""},      // not JSON
		{``, false, ""},         // empty
		{`"\x"`, false, ""},     // bad escape
		{"\"a\tb\"", false, ""}, // raw control character
		{`9223372036854775807`, true, `9223372036854775807`},
		{`9223372036854775808`, true, `9.223372036854776E+18`}, // too big for long: a real, printed in E form (exponent 18 >= 15)
	}
	for _, tt := range tests {
		v, ok := parseJSON(tt.in)
		if ok != tt.ok {
			t.Errorf("parseJSON(%q) ok = %v, want %v", tt.in, ok, tt.ok)
			continue
		}
		if ok {
			if got := dynamicJSON(v); got != tt.asJSON {
				t.Errorf("parseJSON(%q) = %s, want %s", tt.in, got, tt.asJSON)
			}
		}
	}
	if v, _ := parseJSON(`[1, 1.0]`); cmp.Diff([]any{int64(1), 1.0}, v) != "" {
		t.Errorf("parseJSON([1, 1.0]) = %#v, want a long and a real", v)
	}
}

// TestParseJSONDepth checks that deep nesting is refused, not a stack
// overflow.
func TestParseJSONDepth(t *testing.T) {
	deep := ""
	for i := 0; i < 5000; i++ {
		deep += "["
	}
	if _, ok := parseJSON(deep); ok {
		t.Fatal("parseJSON accepted 5000 unclosed brackets")
	}
}

// TestDatetimeDiffPeriods checks periodDiff against every example of the
// datetime_diff page (https://learn.microsoft.com/kusto/query/datetime-diff-function):
//
//	year = datetime_diff('year',datetime(2017-01-01),datetime(2000-12-31))           -> 17
//	quarter = datetime_diff('quarter',datetime(2017-07-01),datetime(2017-03-30))     -> 2
//	month = datetime_diff('month',datetime(2017-01-01),datetime(2015-12-30))         -> 13
//	week = datetime_diff('week',datetime(2017-10-29 00:00),datetime(2017-09-30 23:59)) -> 5
//	day = datetime_diff('day',datetime(2017-10-29 00:00),datetime(2017-09-30 23:59))   -> 29
//	hour = datetime_diff('hour',datetime(2017-10-31 01:00),datetime(2017-10-30 23:59)) -> 2
//	minute = datetime_diff('minute',datetime(2017-10-30 23:05:01),datetime(2017-10-30 23:00:59)) -> 5
//	second = datetime_diff('second',datetime(2017-10-30 23:00:10.100),datetime(2017-10-30 23:00:00.900)) -> 10
//	millisecond = ...(2017-10-30 23:00:00.200100, 2017-10-30 23:00:00.100900) -> 100
//	microsecond = ...(2017-10-30 23:00:00.1009001, 2017-10-30 23:00:00.1008009) -> 100
//	nanosecond = ...(2017-10-30 23:00:00.0000000, 2017-10-30 23:00:00.0000007) -> -700
func TestDatetimeDiffPeriods(t *testing.T) {
	tests := []struct {
		period string
		a, b   string
		want   int64
	}{
		{"year", "2017-01-01", "2000-12-31", 17},
		{"quarter", "2017-07-01", "2017-03-30", 2},
		{"month", "2017-01-01", "2015-12-30", 13},
		{"week", "2017-10-29 00:00", "2017-09-30 23:59", 5},
		{"day", "2017-10-29 00:00", "2017-09-30 23:59", 29},
		{"hour", "2017-10-31 01:00", "2017-10-30 23:59", 2},
		{"minute", "2017-10-30 23:05:01", "2017-10-30 23:00:59", 5},
		{"second", "2017-10-30 23:00:10.100", "2017-10-30 23:00:00.900", 10},
		{"millisecond", "2017-10-30 23:00:00.200100", "2017-10-30 23:00:00.100900", 100},
		{"microsecond", "2017-10-30 23:00:00.1009001", "2017-10-30 23:00:00.1008009", 100},
		{"nanosecond", "2017-10-30 23:00:00.0000000", "2017-10-30 23:00:00.0000007", -700},
		// SEMANTICS.md §3 spans, worked by hand: hour boundaries crossed.
		{"hour", "2026-03-02 08:29", "2026-03-02 00:30", 8},
		{"hour", "2026-03-02 07:59:59", "2026-03-02 00:00", 7},
		{"hour", "2026-03-02 08:00", "2026-03-02 00:00", 8},
		{"hour", "2026-03-03 00:01", "2026-03-02 23:59", 1},
		{"hour", "2026-01-01 00:00", "2025-12-31 23:00", 1},
		{"hour", "2026-03-02 00:00", "2026-03-02 00:00", 0},
		{"hour", "2026-03-02 00:00", "2026-03-02 01:00", -1},
	}
	for _, tt := range tests {
		a, ok1 := parseDatetime(tt.a)
		b, ok2 := parseDatetime(tt.b)
		if !ok1 || !ok2 {
			t.Fatalf("cannot parse %q or %q", tt.a, tt.b)
		}
		if got := periodDiff(tt.period)(a, b); got != tt.want {
			t.Errorf("datetime_diff(%q, %s, %s) = %d, want %d", tt.period, tt.a, tt.b, got, tt.want)
		}
	}
}

// TestTimespanLiterals pins the literal forms of the timespan page.
func TestTimespanLiterals(t *testing.T) {
	tests := []struct {
		in   string
		want time.Duration
	}{
		{"2d", 48 * time.Hour},
		{"1.5h", 90 * time.Minute},
		{"30m", 30 * time.Minute},
		{"30min", 30 * time.Minute},
		{"10s", 10 * time.Second},
		{"100ms", 100 * time.Millisecond},
		{"10microsecond", 10 * time.Microsecond},
		{"1tick", 100},
		{"0.1s", 100 * time.Millisecond},
	}
	for _, tt := range tests {
		got, ok := parseTimespanLiteral(tt.in)
		if !ok || got != tt.want {
			t.Errorf("parseTimespanLiteral(%q) = %v, %v; want %v", tt.in, got, ok, tt.want)
		}
	}
	clock := []struct {
		in   string
		want time.Duration
	}{
		{"01:30:00", 90 * time.Minute},
		{"1.02:03:04.5", 26*time.Hour + 3*time.Minute + 4*time.Second + 500*time.Millisecond},
		{"-00:00:01", -time.Second},
		{"10:20", 10*time.Hour + 20*time.Minute},
	}
	for _, tt := range clock {
		got, ok := parseTimespanClock(tt.in)
		if !ok || got != tt.want {
			t.Errorf("parseTimespanClock(%q) = %v, %v; want %v", tt.in, got, ok, tt.want)
		}
	}
	for _, bad := range []string{"", "1x", "d", "24:00", "1:2:3:4"} {
		if _, ok := parseTimespanClock(bad); ok {
			t.Errorf("parseTimespanClock(%q) accepted", bad)
		}
		if _, ok := parseTimespanLiteral(bad); ok && bad != "" {
			t.Errorf("parseTimespanLiteral(%q) accepted", bad)
		}
	}
}

// TestParseDatetime pins the ISO 8601 forms of the datetime page: each of
// its examples parses, to UTC.
func TestParseDatetime(t *testing.T) {
	tests := []struct {
		in   string
		want time.Time
	}{
		{"2014-05-25T08:20:03.123456Z", time.Date(2014, 5, 25, 8, 20, 3, 123456000, time.UTC)},
		{"2014-05-25T08:20:03.123456", time.Date(2014, 5, 25, 8, 20, 3, 123456000, time.UTC)},
		{"2014-05-25T08:20", time.Date(2014, 5, 25, 8, 20, 0, 0, time.UTC)},
		{"2014-11-08 15:55:55.123456Z", time.Date(2014, 11, 8, 15, 55, 55, 123456000, time.UTC)},
		{"2014-11-08 15:55:55", time.Date(2014, 11, 8, 15, 55, 55, 0, time.UTC)},
		{"2014-11-08 15:55", time.Date(2014, 11, 8, 15, 55, 0, 0, time.UTC)},
		{"2014-11-08", time.Date(2014, 11, 8, 0, 0, 0, 0, time.UTC)},
		{"2015-12-31 23:59:59.9", time.Date(2015, 12, 31, 23, 59, 59, 900000000, time.UTC)},
		{"2014-05-25T10:20:03+02:00", time.Date(2014, 5, 25, 8, 20, 3, 0, time.UTC)},
		{"2017-10-30 23:00:00.10090019", time.Date(2017, 10, 30, 23, 0, 0, 100900100, time.UTC)}, // ticks
	}
	for _, tt := range tests {
		got, ok := parseDatetime(tt.in)
		if !ok || !got.Equal(tt.want) {
			t.Errorf("parseDatetime(%q) = %v, %v; want %v", tt.in, got, ok, tt.want)
		}
	}
	for _, bad := range []string{"", "yesterday", "2014-13-01", "Sat, 8 Nov 14 15:05:02 GMT"} {
		if _, ok := parseDatetime(bad); ok {
			t.Errorf("parseDatetime(%q) accepted", bad)
		}
	}
}

// TestTerms pins has and its relatives on the String operators page's
// examples ("North America" has "america", !has "amer", hasprefix "ame",
// hassuffix "ica") and on phrases with punctuation (see findTerm).
func TestTerms(t *testing.T) {
	tests := []struct {
		s, needle     string
		has, pre, suf bool
	}{
		{"north america", "america", true, true, true},
		{"north america", "amer", false, true, false},
		{"north america", "ica", false, false, true},
		{"north america", "mer", false, false, false},
		{`["iam:PassRole","s3:*"]`, "iam:PassRole", true, true, true},
		{`["iam:PassRoleX"]`, "iam:PassRole", false, true, false},
		{`["xiam:*"]`, "iam:*", false, false, true},
		{`["iam:*"]`, "iam:*", true, true, true},
		{"kusto: ad67d136-c1db-4f9f", "c1db", true, true, true},
		{"arn:aws:iam::123:role/FullAccessRole", "FullAccess", false, true, false},
		{"AmazonS3FullAccess", "FullAccess", false, false, true},
		{"policy/AmazonS3-FullAccess", "FullAccess", true, true, true},
	}
	for _, tt := range tests {
		if got := hasTerm(tt.s, tt.needle); got != tt.has {
			t.Errorf("%q has_cs %q = %v, want %v", tt.s, tt.needle, got, tt.has)
		}
		if got := hasTermPrefix(tt.s, tt.needle); got != tt.pre {
			t.Errorf("%q hasprefix_cs %q = %v, want %v", tt.s, tt.needle, got, tt.pre)
		}
		if got := hasTermSuffix(tt.s, tt.needle); got != tt.suf {
			t.Errorf("%q hassuffix_cs %q = %v, want %v", tt.s, tt.needle, got, tt.suf)
		}
	}
}

// TestThreeValuedLogic pins and/or/not over null (nil) per the null values
// page: "val > 3 or isnull(val)" is true for a null val, so null or true
// is true.
func TestThreeValuedLogic(t *testing.T) {
	vals := []any{true, false, nil}
	wantAnd := [3][3]any{{true, false, nil}, {false, false, false}, {nil, false, nil}}
	wantOr := [3][3]any{{true, true, true}, {true, false, nil}, {true, nil, nil}}
	for i, a := range vals {
		for j, b := range vals {
			if got := and3(a, b); got != wantAnd[i][j] {
				t.Errorf("%v and %v = %v, want %v", a, b, got, wantAnd[i][j])
			}
			if got := or3(a, b); got != wantOr[i][j] {
				t.Errorf("%v or %v = %v, want %v", a, b, got, wantOr[i][j])
			}
		}
	}
	if not3(nil) != nil || not3(true) != false {
		t.Error("not() of null must be null, not(true) false")
	}
}
