package cli

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ruleport/ruleport/convert"
	"github.com/ruleport/ruleport/convert/cloudwatch"
	"github.com/ruleport/ruleport/convert/terraform"
)

// TestCloudWatchTargets: the seed converts to one query file, with the
// fidelity notes as warnings at their KQL constructs, and one Terraform
// file that carries the same query.
func TestCloudWatchTargets(t *testing.T) {
	r := seedRule(t)
	files, diags := cloudwatchTarget(r)
	if diags.HasErrors() || len(files) != 1 || files[0].Name != CloudWatchQueryFile {
		t.Fatalf("cloudwatch: files %v, diagnostics %v", files, diags)
	}
	query := string(files[0].Data)
	if !strings.HasPrefix(query, "# AWSCloudTrail\nfields jsonParse(@message) as m\n") {
		t.Errorf("the query does not start with the scan:\n%s", query)
	}
	// Where the seed's notes fall, worked out from the seed YAML: the table
	// name at 20:3; EventName of the =~ at 22:11 (line 22 is
	// "  | where EventName =~ ..."); toint( of core at 31:162 and of corThread at 31:253
	// (line 31 is the long extend); "*" of core * corThread at 35:36;
	// tostring( at 36:60; summarize at 42:5; the first TimeGenerated
	// (min(TimeGenerated)) at 42:26.
	var got []string
	for _, d := range diags {
		if d.Severity != convert.SevWarning || !strings.Contains(d.Msg, "cloudwatch: ") {
			t.Errorf("not a cloudwatch warning: %v", d)
		}
		at, _, _ := strings.Cut(d.Error(), " cloudwatch: ")
		id := d.Msg[strings.LastIndex(d.Msg, "[")+1 : len(d.Msg)-1]
		got = append(got, at+" "+id)
	}
	want := []string{
		"seed.yaml:20:3: warning: delivery-time",
		"seed.yaml:20:3: warning: field-type",
		"seed.yaml:20:3: warning: row-limit",
		"seed.yaml:22:11: warning: case-fold",
		"seed.yaml:31:162: warning: toint-floor",
		"seed.yaml:31:253: warning: toint-floor",
		"seed.yaml:35:36: warning: double-arith",
		"seed.yaml:36:60: warning: dynamic-scalar",
		"seed.yaml:42:5: warning: empty-as-missing",
		"seed.yaml:42:26: warning: event-time-text",
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("warnings (-want +got):\n%s", d)
	}
	tf, diags := cloudwatchTFTarget(r)
	if len(diags) > 0 || len(tf) != 1 || tf[0].Name != terraform.CloudWatchFile {
		t.Fatalf("cloudwatch-tf: files %v, diagnostics %v", tf, diags)
	}
	// The query has no "${" or "%{" to escape: the heredoc holds it as is.
	if !strings.Contains(string(tf[0].Data), "query_string    = <<QUERY_STRING\n"+query+"QUERY_STRING\n") {
		t.Errorf("cloudwatch-tf does not carry the cloudwatch target's query as a heredoc:\n%s", tf[0].Data)
	}
	if q, _, _ := cloudwatch.EmitRule(r, cloudwatch.Options{}); q != query {
		t.Errorf("the target's query is not the emitter's")
	}
}

// TestCloudWatchTargetUnsupported: what neither the plan nor the emitter
// can express is reported at its place in the rule file, named once by
// the target, wrapping convert.ErrUnsupported.
func TestCloudWatchTargetUnsupported(t *testing.T) {
	mv := hourlyRule(t, "mv.yaml", "unsupported rule", "mv-expand x = parse_json(RequestParameters).items")
	set := hourlyRule(t, "set.yaml", "make_set rule", "summarize s = make_set(EventName) by UserAgent")
	checkRefusals(t, []refusal{
		// The plan's error: mv-expand at 5:5 (see hourlyRule).
		{"cloudwatch", cloudwatchTarget, mv, "mv.yaml:5:5: cloudwatch: unsupported operator mv-expand"},
		{"cloudwatch-tf", cloudwatchTFTarget, mv, "mv.yaml:5:5: cloudwatch-tf: unsupported operator mv-expand"},
		// The emitter's error: make_set at column 19 of line 5 (two
		// spaces, "| summarize s = " takes 16 more).
		{"cloudwatch", cloudwatchTarget, set, "set.yaml:5:19: cloudwatch: unsupported aggregate make_set (Logs Insights has no aggregate that collects values)"},
	})
}
