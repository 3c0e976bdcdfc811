package kql

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/ruleport/ruleport/convert"
	"github.com/ruleport/ruleport/convert/schema"
)

func bindQuery(t *testing.T, query string, table func(string) (*schema.Table, bool)) *Result {
	t.Helper()
	q, errs := Parse(query)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	r, _ := Bind(q, table)
	return r
}

func diagStrings(ds convert.Diagnostics) []string {
	var out []string
	for _, d := range ds {
		out = append(out, d.Error())
	}
	return out
}

func TestCheckMappedColumns(t *testing.T) {
	r := bindQuery(t, "T | summarize n = count() by a, b", testTable)
	refs := []ColumnRef{
		{Name: "a", Field: "entityMappings[0].fieldMappings[0].columnName", Pos: convert.Pos{Line: 40, Col: 21}},
		{Name: "N", Field: "customDetails.Count", Pos: convert.Pos{Line: 44, Col: 12}},
		{Name: "c", Field: "alertDetailsOverride.alertSeverityColumnName", Pos: convert.Pos{Line: 47, Col: 29}},
		{Name: "n", Field: "customDetails.Total", Pos: convert.Pos{Line: 45, Col: 12}},
	}
	got := diagStrings(CheckMappedColumns("r.yaml", r, refs))
	want := []string{
		`r.yaml:44:12: customDetails.Count: column "N" is not an output column of the query (did you mean "n"?)`,
		`r.yaml:47:29: alertDetailsOverride.alertSeverityColumnName: column "c" is not an output column of the query`,
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("diagnostics (-want +got):\n%s", d)
	}
}

func TestCheckMappedColumnsIncomplete(t *testing.T) {
	// With an evaluate plugin the binder cannot prove a column absent:
	// a missing one is a warning that says why.
	r := bindQuery(t, "T | evaluate bag_unpack(e)", testTable)
	refs := []ColumnRef{
		{Name: "a", Field: "customDetails.A", Pos: convert.Pos{Line: 3, Col: 6}},
		{Name: "zz", Field: "customDetails.Z", Pos: convert.Pos{Line: 4, Col: 6}},
	}
	ds := CheckMappedColumns("r.yaml", r, refs)
	want := []string{`r.yaml:4:6: warning: customDetails.Z: column "zz" is not an output column of the query, as far as ruleport can tell: evaluate bag_unpack: a plugin's output columns depend on the data`}
	if d := cmp.Diff(want, diagStrings(ds)); d != "" {
		t.Errorf("diagnostics (-want +got):\n%s", d)
	}
	if ds.HasErrors() {
		t.Errorf("an unprovable absence must not be an error")
	}
}

func TestCheckSeedRuleColumns(t *testing.T) {
	// The seed rule maps AccountName, AccountUPNSuffix, RecipientAccountId
	// and SourceIpAddress to entities and UserAgent, UserIdentityArn and
	// SourceIpAddress to custom details: all are summarize keys, so the
	// check passes; a misspelt one fails (ARCHITECTURE.md lists the seed's
	// output columns).
	q, errs := Parse(seedQuery(t))
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	r, berrs := Bind(q, schema.Lookup)
	if len(berrs) > 0 {
		t.Fatal(berrs)
	}
	var refs []ColumnRef
	for _, name := range []string{"AccountName", "AccountUPNSuffix", "RecipientAccountId", "SourceIpAddress", "UserAgent", "UserIdentityArn"} {
		refs = append(refs, ColumnRef{Name: name, Field: "x", Pos: convert.Pos{Line: 1, Col: 1}})
	}
	if ds := CheckMappedColumns("seed.yaml", r, refs); len(ds) > 0 {
		t.Errorf("seed columns reported missing: %v", ds)
	}
	refs = append(refs, ColumnRef{Name: "UserName", Field: "customDetails.User", Pos: convert.Pos{Line: 60, Col: 11}})
	want := []string{`seed.yaml:60:11: customDetails.User: column "UserName" is not an output column of the query`}
	if d := cmp.Diff(want, diagStrings(CheckMappedColumns("seed.yaml", r, refs))); d != "" {
		t.Errorf("UserName is extended but not kept by summarize (-want +got):\n%s", d)
	}
}

func TestFormatColumns(t *testing.T) {
	cases := []struct {
		format string
		want   []Placeholder
	}{
		{"Suspicious deployment by {{AccountName}} from {{ SourceIpAddress }}",
			// "Suspicious deployment by " is 25 bytes, then "{{": the name starts at 27;
			// "AccountName}} from {{ " is 22 more: 49.
			[]Placeholder{{Name: "AccountName", Offset: 27}, {Name: "SourceIpAddress", Offset: 49}}},
		{"no placeholders", nil},
		{"unclosed {{x", nil},
		{"{{}} empty, then {{y}}", []Placeholder{{Name: "y", Offset: 19}}},
	}
	for _, c := range cases {
		if d := cmp.Diff(c.want, FormatColumns(c.format)); d != "" {
			t.Errorf("FormatColumns(%q) (-want +got):\n%s", c.format, d)
		}
	}
}
