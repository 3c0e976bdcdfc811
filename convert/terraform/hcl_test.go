package terraform

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/zclconf/go-cty/cty"
)

// stringCases are texts a heredoc or quoted string must carry exactly.
var stringCases = []struct{ name, in string }{
	{"plain lines", "AWSCloudTrail\n| take 1\n"},
	{"template sequences", "x = \"${a}\" and %{ if b }\n"},
	{"already doubled", "$${x} %%{y}\n"},
	{"lone dollar and percent", "cost $5 is 10%\n{braces}\n"},
	{"backslashes stay", "split(s, \"\\\\\")\n\\n is not a newline\n"},
	{"line equal to the marker", "a\nQUERY\n  QUERY  \nQUERY_1\n"},
	{"no final newline", "first\nsecond"},
	{"indented lines", "  two spaces\n\ttab\n"},
	{"blank lines", "a\n\n\nb\n"},
	{"CRLF", "a\r\nb\r\n"},
	{"unicode", "é ✓ 😀\n"},
	{"single line", "no newline at all"},
	{"empty", ""},
}

// TestStringTokensEvaluate writes each text as an attribute, formats the
// file, parses it with hclsyntax and evaluates the attribute: it must be
// the text byte for byte.
func TestStringTokensEvaluate(t *testing.T) {
	for _, c := range stringCases {
		t.Run(c.name, func(t *testing.T) {
			b := &Block{Type: "locals"}
			b.Add("query", cty.StringVal(c.in), "")
			src, err := Render(Scaffold{}, []*Block{b})
			if err != nil {
				t.Fatal(err)
			}
			if err := Verify("t.tf", src, []*Block{b}); err != nil {
				t.Errorf("%v\n%s", err, src)
			}
		})
	}
}

// TestStringTokensText pins the written form: heredoc bodies escape only
// "${" and "%{", text without a final newline goes through chomp(), text
// with a CR is quoted, and the marker avoids lines equal to it.
func TestStringTokensText(t *testing.T) {
	cases := []struct{ in, want string }{
		{"T\n| where x == \"${a}\"\n", "<<QUERY\nT\n| where x == \"$${a}\"\nQUERY"},
		{"a\nQUERY\n", "<<QUERY_1\na\nQUERY\nQUERY_1"},
		{"a\nb", "chomp(<<QUERY\na\nb\nQUERY\n)"},
		{"a\r\nb", `"a\r\nb"`},
		{"one line", `"one line"`},
	}
	for _, c := range cases {
		got := string(StringTokens("query", c.in).Bytes())
		if diff := cmp.Diff(c.want, got); diff != "" {
			t.Errorf("StringTokens(%q) (-want +got):\n%s", c.in, diff)
		}
	}
}

// TestTerraformFmt: files written by Render pass `terraform fmt -check`,
// so generated Terraform needs no reformatting in users' repositories.
func TestTerraformFmt(t *testing.T) {
	srcs := map[string]string{}
	for i, c := range stringCases {
		b := &Block{Type: "resource", Labels: []string{"x", "y"}}
		b.Add("query", cty.StringVal(c.in), "")
		b.Add("n", cty.NumberIntVal(int64(i)), "")
		b.Nest("inner", "").Add("list", cty.ListVal([]cty.Value{cty.StringVal("a")}), "")
		src, err := Render(Scaffold{Providers: []Provider{{"azurerm", "hashicorp/azurerm", ">= 3.109"}}}, []*Block{b})
		if err != nil {
			t.Fatal(err)
		}
		srcs[strings.ReplaceAll(c.name, " ", "_")] = string(src)
	}
	terraformFmtCheck(t, srcs)
}

func TestHeredocMarker(t *testing.T) {
	cases := []struct{ hint, body, want string }{
		{"query", "x\n", "QUERY"},
		{"query", "QUERY\n", "QUERY_1"},
		{"query", "QUERY\nQUERY_1\n", "QUERY_2"},
		{"description_format", "x", "DESCRIPTION_FORMAT"},
		{"1st", "x", "EOT1ST"},
	}
	for _, c := range cases {
		if got := heredocMarker(c.hint, c.body); got != c.want {
			t.Errorf("heredocMarker(%q, %q) = %q, want %q", c.hint, c.body, got, c.want)
		}
	}
}

// TestVerifyMetaAndReferences: a meta-argument is compared by its text,
// and a reference to another resource's attribute evaluates to the value
// that attribute must have (resource a.x's q is "T", its r is "R").
func TestVerifyMetaAndReferences(t *testing.T) {
	a := &Block{Type: "resource", Labels: []string{"a", "x"}}
	a.str("q", "T")
	a.str("r", "R")
	b := &Block{Type: "resource", Labels: []string{"b", "y"}}
	b.AddMeta("count", "var.on ? 1 : 0")
	b.AddExpr("copy", "a.x.q", cty.StringVal("T"))
	const file = "variable \"on\" {\n  type = bool\n}\n\nresource \"a\" \"x\" {\n  q = \"T\"\n  r = \"R\"\n}\n\nresource \"b\" \"y\" {\n  count = %s\n  copy  = %s\n}\n"
	cases := []struct{ name, count, copy, err string }{
		{"equal", "var.on ? 1 : 0", "a.x.q", ""},
		{"meta differs", "var.on ? 2 : 0", "a.x.q", `t.tf: resource.b.y.count is "var.on ? 2 : 0", want "var.on ? 1 : 0"`},
		{"another attribute", "var.on ? 1 : 0", "a.x.r", `t.tf: resource.b.y.copy: string differs at byte 0: got "R", want "T"`},
	}
	for _, c := range cases {
		got := errString(Verify("t.tf", []byte(fmt.Sprintf(file, c.count, c.copy)), []*Block{a, b}))
		if diff := cmp.Diff(c.err, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", c.name, diff)
		}
	}
	// Render writes the same: the meta-argument and the reference as
	// their source text.
	src, err := Render(Scaffold{Variables: []Variable{{Name: "on", Type: "bool"}}}, []*Block{a, b})
	if err != nil {
		t.Fatal(err)
	}
	if err := Verify("t.tf", src, []*Block{a, b}); err != nil {
		t.Errorf("%v\n%s", err, src)
	}
}
