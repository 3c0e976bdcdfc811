package kql

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/ruleport/ruleport/convert"
	"github.com/ruleport/ruleport/convert/schema"
	"gopkg.in/yaml.v3"
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

// corpusRefs reads the columns a corpus rule's fields name, with the field
// paths convert/rule uses, in a stable order.
func corpusRefs(t *testing.T, file string) []ColumnRef {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(sharedDir(t), "corpus", file))
	if err != nil {
		t.Fatal(err)
	}
	var y struct {
		EntityMappings []struct {
			FieldMappings []struct {
				ColumnName string `yaml:"columnName"`
			} `yaml:"fieldMappings"`
		} `yaml:"entityMappings"`
		CustomDetails map[string]string `yaml:"customDetails"`
		Override      *struct {
			Name     string `yaml:"alertDisplayNameFormat"`
			Desc     string `yaml:"alertDescriptionFormat"`
			Severity string `yaml:"alertSeverityColumnName"`
			Tactics  string `yaml:"alertTacticsColumnName"`
			Dynamic  []struct {
				Value string `yaml:"value"`
			} `yaml:"alertDynamicProperties"`
		} `yaml:"alertDetailsOverride"`
	}
	if err := yaml.Unmarshal(data, &y); err != nil {
		t.Fatal(err)
	}
	var refs []ColumnRef
	add := func(name, field string) {
		if name != "" {
			refs = append(refs, ColumnRef{Name: name, Field: field})
		}
	}
	for i, em := range y.EntityMappings {
		for j, fm := range em.FieldMappings {
			add(fm.ColumnName, fmt.Sprintf("entityMappings[%d].fieldMappings[%d].columnName", i, j))
		}
	}
	var keys []string
	for k := range y.CustomDetails {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		add(y.CustomDetails[k], "customDetails."+k)
	}
	if o := y.Override; o != nil {
		for _, p := range FormatColumns(o.Name) {
			add(p.Name, "alertDetailsOverride.alertDisplayNameFormat")
		}
		for _, p := range FormatColumns(o.Desc) {
			add(p.Name, "alertDetailsOverride.alertDescriptionFormat")
		}
		add(o.Severity, "alertDetailsOverride.alertSeverityColumnName")
		add(o.Tactics, "alertDetailsOverride.alertTacticsColumnName")
		for i, d := range o.Dynamic {
			add(d.Value, fmt.Sprintf("alertDetailsOverride.alertDynamicProperties[%d].value", i))
		}
	}
	return refs
}

// TestCorpusMappedColumns runs the check on every YAML rule of the corpus.
// It finds one real mistake, read off the rule by hand:
// AWS_IngressEgressSecurityGroupChange.yaml shows UserIdentityArn and
// UserIdentityUserName as custom details, but its summarize keeps neither
// (its by list has UserIdentityType, UserIdentityAccountId and
// UserIdentityPrincipalid only). Rules over tables without a schema get
// warnings, never errors.
func TestCorpusMappedColumns(t *testing.T) {
	want := []string{
		`aws/AWS_IngressEgressSecurityGroupChange.yaml: customDetails.UserIdentityArn: column "UserIdentityArn" is not an output column of the query`,
		`aws/AWS_IngressEgressSecurityGroupChange.yaml: customDetails.UserIdentityUserName: column "UserIdentityUserName" is not an output column of the query`,
	}
	var got []string
	checked, warned, failed := 0, 0, 0
	for _, r := range loadCorpus(t) {
		if r.LoadErr != "" || filepath.Ext(r.File) != ".yaml" {
			continue
		}
		q, _ := Parse(r.Query)
		res, _ := Bind(q, schema.Lookup)
		ds := CheckMappedColumns(r.File, res, corpusRefs(t, r.File))
		got = append(got, diagStrings(ds.Errors())...)
		if ds.HasErrors() {
			failed++
		}
		if len(ds.Warnings()) > 0 {
			warned++
		}
		checked++
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("mapped-column errors (-want +got):\n%s", d)
	}
	t.Logf("mapped columns: %d YAML rules checked, %d with errors, %d with warnings (tables without a schema)", checked, failed, warned)
}

// TestGuardDutyLostColumns shows what the check makes of the folded
// GuardDuty query once AWSGuardDuty has a schema: the entity columns the
// rule maps are made after the comment that swallowed the rest of the
// query, so each is reported; Title and Description are table columns and
// pass. The stand-in schema holds the columns the visible part reads and
// the two the alert formats name, typed from the query's use of them.
func TestGuardDutyLostColumns(t *testing.T) {
	guardDuty := &schema.Table{Name: "AWSGuardDuty", Columns: []schema.Column{
		{Name: "ActivityType", Type: "string"}, {Name: "Id", Type: "string"}, {Name: "AccountId", Type: "string"},
		{Name: "Severity", Type: "real"}, {Name: "Title", Type: "string"}, {Name: "Description", Type: "string"},
	}}
	table := func(name string) (*schema.Table, bool) {
		if name == guardDuty.Name {
			return guardDuty, true
		}
		return nil, false
	}
	var query string
	for _, r := range loadCorpus(t) {
		if r.File == "aws/AWS_GuardDuty_template.yaml" {
			query = r.Query
		}
	}
	q, errs := Parse(query)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	res, berrs := Bind(q, table)
	if len(berrs) > 0 || !res.Complete {
		t.Fatalf("binding: %v, complete %v", berrs, res.Complete)
	}
	got := diagStrings(CheckMappedColumns("gd.yaml", res, corpusRefs(t, "aws/AWS_GuardDuty_template.yaml")))
	want := []string{
		`gd.yaml: entityMappings[0].fieldMappings[0].columnName: column "AccountName" is not an output column of the query`,
		`gd.yaml: entityMappings[0].fieldMappings[1].columnName: column "UPNSuffix" is not an output column of the query`,
		`gd.yaml: entityMappings[0].fieldMappings[2].columnName: column "RemoteAWSAccountId" is not an output column of the query`,
		`gd.yaml: entityMappings[1].fieldMappings[0].columnName: column "RemoteIpAddress" is not an output column of the query`,
		`gd.yaml: entityMappings[1].fieldMappings[1].columnName: column "LocalIpAddress" is not an output column of the query`,
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("diagnostics (-want +got):\n%s", d)
	}
}
