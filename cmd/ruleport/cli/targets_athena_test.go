package cli

import (
	"strings"
	"testing"

	"github.com/ruleport/ruleport/convert/terraform"
)

// TestAthenaTargets: the seed converts to one SQL file and one Terraform
// file whose named query holds that SQL.
func TestAthenaTargets(t *testing.T) {
	r := seedRule(t)
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
// reported at its place in the rule file (mv-apply at 5:5, see
// hourlyRule) and wraps convert.ErrUnsupported, for both targets.
func TestAthenaTargetUnsupported(t *testing.T) {
	r := hourlyRule(t, "mv.yaml", "mv-apply rule", "mv-apply x = parse_json(RequestParameters).items on (where tostring(x) == 'a')")
	checkRefusals(t, []refusal{
		{"athena", athenaTarget, r, "mv.yaml:5:5: athena: unsupported operator mv-apply"},
		{"athena-tf", athenaTFTarget, r, "mv.yaml:5:5: athena-tf: unsupported operator mv-apply"},
	})
}
