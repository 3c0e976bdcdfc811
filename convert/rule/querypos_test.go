package rule

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/ruleport/ruleport/convert"
)

// TestQueryPosSeed maps offsets of the seed query (a literal block scalar
// indented by two spaces, whose first line is line 19 of the file) to the
// file: line = 19 + the query line, column = 3 + the byte in that line.
func TestQueryPosSeed(t *testing.T) {
	r := seedRule(t)
	cases := []struct {
		find string // the offset is where this text first starts in the query
		want convert.Pos
	}{
		{"// Retrieve", convert.Pos{Line: 19, Col: 3}},
		{"AWSCloudTrail\n// Filter", convert.Pos{Line: 20, Col: 3}},
		{`=~ "RunInstances"`, convert.Pos{Line: 22, Col: 21}},          // "| where EventName " is 18 bytes
		{"AccountUPNSuffix = iif", convert.Pos{Line: 40, Col: 5}},      // a continuation line, 2 more spaces
		{"< 8", convert.Pos{Line: 48, Col: 45}},                        // "| where datetime_diff('hour', end, Start) " is 42 bytes
		{"\n// Filter events related", convert.Pos{Line: 20, Col: 16}}, // the newline after "AWSCloudTrail"
	}
	for _, c := range cases {
		off := strings.Index(r.Query, c.find)
		if off < 0 {
			t.Fatalf("%q not in the seed query", c.find)
		}
		if diff := cmp.Diff(c.want, r.QueryPos(off)); diff != "" {
			t.Errorf("QueryPos(%d) at %q (-want +got):\n%s", off, c.find, diff)
		}
	}
}

// TestQueryPosARM maps offsets through a JSON string: line 24 of
// corpus/aws/NRT_AWS_ConsoleLogonWithoutMFA.json is
//
//	"query": "AWSCloudTrail\n| where EventName =~ \"ConsoleLogin\"\n...
//
// 8 spaces, `"query": ` (9 bytes), the quote at column 18, so the query's
// first byte is at column 19. An escape such as \n or \" maps to its
// backslash; the byte after it is two columns further.
func TestQueryPosARM(t *testing.T) {
	data := readShared(t, "corpus/aws/NRT_AWS_ConsoleLogonWithoutMFA.json")
	rules, _ := Load("NRT_AWS_ConsoleLogonWithoutMFA.json", data) // the file has errors; the rule still loads
	if len(rules) != 1 {
		t.Fatalf("got %d rules, want 1", len(rules))
	}
	r := rules[0]
	cases := []struct {
		off  int
		want convert.Pos
	}{
		{0, convert.Pos{Line: 24, Col: 19}},  // A of AWSCloudTrail
		{12, convert.Pos{Line: 24, Col: 31}}, // l, its last letter
		{13, convert.Pos{Line: 24, Col: 32}}, // the \n escape
		{14, convert.Pos{Line: 24, Col: 34}}, // | after it
		{35, convert.Pos{Line: 24, Col: 55}}, // \" before ConsoleLogin: "| where EventName =~ " is 21 bytes
		{36, convert.Pos{Line: 24, Col: 57}}, // C
	}
	for _, c := range cases {
		if diff := cmp.Diff(c.want, r.QueryPos(c.off)); diff != "" {
			t.Errorf("QueryPos(%d) (-want +got):\n%s", c.off, diff)
		}
	}
	if got := r.Query[13:15]; got != "\n|" {
		t.Errorf("query[13:15] = %q, want %q: the offsets above assume it", got, "\n|")
	}
}

// TestQueryPosEscapesAndBytes: columns count bytes, so a two-byte ü before
// the query and é in it shift them; \u00e9 decodes to two bytes that both
// map to its backslash. Line 5 below: the query's opening quote is at
// byte column 47 (yaml.v3 reports character column 46), é at 48-49, the
// escape at 50-55, x at 56.
func TestQueryPosEscapesAndBytes(t *testing.T) {
	src := `{"resources": [{
 "type": "Microsoft.SecurityInsights/alertRules",
 "kind": "NRT",
 "name": "r-9e457dc4-81f0-4d25-bc37-a5fa4a17946a",
 "properties": {"displayName": "ü", "query": "é\u00e9x"}}]}`
	rules, diags := Load("r.json", []byte(src))
	if len(diags) > 0 {
		t.Fatal(diags)
	}
	r := rules[0]
	if r.Query != "ééx" {
		t.Fatalf("query = %q", r.Query)
	}
	want := []convert.Pos{{Line: 5, Col: 48}, {Line: 5, Col: 49}, {Line: 5, Col: 50}, {Line: 5, Col: 50}, {Line: 5, Col: 56}}
	var got []convert.Pos
	for off := 0; off < len(r.Query); off++ {
		got = append(got, r.QueryPos(off))
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// TestQueryPosStyles covers the YAML styles a query can be written in.
func TestQueryPosStyles(t *testing.T) {
	cases := []struct {
		name, src, find string
		want            convert.Pos
	}{
		// CRLF line breaks: YAML reads them as \n; positions are the same.
		{"literal CRLF", "query: |\r\n  a\r\n  bc\r\n", "c", convert.Pos{Line: 3, Col: 4}},
		{"literal with blank line", "query: |\n  a\n\n  b\n", "b", convert.Pos{Line: 4, Col: 3}},
		{"literal indented 4", "query: |\n    T\n    | take 1\n", "take", convert.Pos{Line: 3, Col: 7}},
		{"folded", "query: >\n  T\n  | take 1\n", "take", convert.Pos{Line: 3, Col: 5}},
		// A plain scalar folded over lines: line 2 continues after a space.
		{"plain", "query:\n  T\n  | take 1\n", "take", convert.Pos{Line: 3, Col: 5}},
		{"plain one line", "query: T | take 1\n", "take", convert.Pos{Line: 1, Col: 12}},
		// The quote is at 8, T at 9, the \t escape at 10-11, | at 12.
		{"double quoted", `query: "T\t| take 1"` + "\n", "take", convert.Pos{Line: 1, Col: 14}},
		{"single quoted", "query: 'it''s | take 1'\n", "take", convert.Pos{Line: 1, Col: 17}},
		// A quoted scalar over two lines is not followed: its start.
		{"double quoted two lines", "query: \"T\n  | take 1\"\n", "take", convert.Pos{Line: 1, Col: 8}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rules, _ := Load("r.yaml", []byte(c.src))
			r := rules[0]
			off := strings.Index(r.Query, c.find)
			if off < 0 {
				t.Fatalf("%q not in query %q", c.find, r.Query)
			}
			if diff := cmp.Diff(c.want, r.QueryPos(off)); diff != "" {
				t.Errorf("QueryPos(%d) in %q (-want +got):\n%s", off, r.Query, diff)
			}
		})
	}
}

// TestFoldedQueryWarning: AWS_GuardDuty_template.yaml writes its query as
// a plain multi-line scalar; line 31 holds the first // comment, which
// after folding comments out the rest (corpus/README.md).
func TestFoldedQueryWarning(t *testing.T) {
	data := readShared(t, "corpus/aws/AWS_GuardDuty_template.yaml")
	_, diags := Load("AWS_GuardDuty_template.yaml", data)
	want := []string{`AWS_GuardDuty_template.yaml:17:3: warning: query is a plain multi-line scalar, so YAML joins its lines with spaces and the // comment at 31:3 comments out the rest of the query; write "query: |" to keep its lines`}
	if diff := cmp.Diff(want, diagStrings(diags)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}
