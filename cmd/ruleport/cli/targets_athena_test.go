package cli

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ruleport/ruleport/convert"
	"github.com/ruleport/ruleport/convert/rule"
	"github.com/ruleport/ruleport/convert/terraform"
	"github.com/ruleport/ruleport/fixtures"
)

func loadOne(t *testing.T, name string, data []byte) *rule.Rule {
	t.Helper()
	rules, diags := rule.Load(name, data)
	if diags.HasErrors() || len(rules) != 1 {
		t.Fatalf("load %s: %v", name, diags)
	}
	return rules[0]
}

// TestAthenaTargets: the seed converts to one SQL file and one Terraform
// file whose named query holds that SQL.
func TestAthenaTargets(t *testing.T) {
	data, err := fixtures.Seed.ReadFile(fixtures.SeedRulePath)
	if err != nil {
		t.Fatal(err)
	}
	r := loadOne(t, "seed.yaml", data)
	files, diags := athenaTarget(r)
	if len(diags) > 0 || len(files) != 1 || files[0].Name != AthenaQueryFile {
		t.Fatalf("athena: files %v, diagnostics %v", files, diags)
	}
	sql := string(files[0].Data)
	if !strings.HasPrefix(sql, "WITH\n") || !strings.Contains(sql, "current_timestamp - INTERVAL '1' DAY") {
		t.Errorf("athena SQL is not the deployed query over a 1-day window:\n%s", sql)
	}
	tf, diags := athenaTFTarget(r)
	if len(diags) > 0 || len(tf) != 1 || tf[0].Name != terraform.AthenaFile {
		t.Fatalf("athena-tf: files %v, diagnostics %v", tf, diags)
	}
	// The heredoc body holds the SQL's lines as they are (the SQL has no
	// "${" or "%{" to escape).
	if !strings.Contains(string(tf[0].Data), "query       = <<QUERY\n"+sql+"QUERY\n") {
		t.Errorf("athena-tf does not carry the athena target's SQL as a heredoc")
	}
}

// TestAthenaTargetUnsupported: a construct the plan cannot express is
// reported at its place in the rule file (line 5, column 5 of the YAML:
// the query's second line is indented by two spaces, "| " takes two more)
// and wraps convert.ErrUnsupported, for both targets.
func TestAthenaTargetUnsupported(t *testing.T) {
	const yaml = `id: 11111111-2222-3333-4444-555555555555
name: mv-expand rule
query: |
  AWSCloudTrail
  | mv-expand x = parse_json(RequestParameters).items
queryFrequency: 1h
queryPeriod: 1h
severity: Low
triggerOperator: gt
triggerThreshold: 0
kind: Scheduled
version: 1.0.0
`
	r := loadOne(t, "mv.yaml", []byte(yaml))
	for _, tc := range []struct {
		target string
		gen    func(*rule.Rule) ([]convert.File, convert.Diagnostics)
	}{{"athena", athenaTarget}, {"athena-tf", athenaTFTarget}} {
		files, diags := tc.gen(r)
		if files != nil || len(diags) != 1 {
			t.Fatalf("%s: files %v, diagnostics %v", tc.target, files, diags)
		}
		want := "mv.yaml:5:5: " + tc.target + ": unsupported operator mv-expand"
		if d := cmp.Diff(want, diags[0].Error()); d != "" {
			t.Errorf("%s (-want +got):\n%s", tc.target, d)
		}
		if !errors.Is(diags[0], convert.ErrUnsupported) {
			t.Errorf("%s: the diagnostic does not wrap convert.ErrUnsupported", tc.target)
		}
	}
}
