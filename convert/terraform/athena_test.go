package terraform

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/ruleport/ruleport/convert/athena"
	"github.com/ruleport/ruleport/convert/kql"
	"github.com/ruleport/ruleport/convert/plan"
	"github.com/ruleport/ruleport/convert/rule"
	"github.com/ruleport/ruleport/convert/schema"
	"github.com/ruleport/ruleport/internal/golden"
)

// athenaSQL is the rule's `--target athena` SQL (deployed: current_timestamp).
func athenaSQL(t *testing.T, r *rule.Rule) string {
	t.Helper()
	q, errs := kql.Parse(r.Query)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	p, errs := plan.Lower(q, r.Query, schema.Lookup)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	sql, err := athena.Emit(p, athena.Options{Period: r.QueryPeriod})
	if err != nil {
		t.Fatal(err)
	}
	return sql
}

// TestAthenaSeed checks the seed's module against values worked out from
// the seed YAML (queryFrequency 1d is rate(1 day)), TARGETS.md §2 (the
// table's SerDe, formats, projection properties and location template)
// and the Athena API (StartQueryExecution's request fields).
func TestAthenaSeed(t *testing.T) {
	r := seed(t)
	sql := athenaSQL(t, r)
	// The schedule's input reads the named query's text: what Terraform
	// gives aws_athena_named_query.<name>.query is the SQL.
	file := evalFile(t, athenaFile(t, r, sql), map[string]string{"aws_athena_named_query.query": sql})
	const q = "resource.aws_athena_named_query.suspicious_aws_ec2_compute_resource_deployments"
	const s = "resource.aws_scheduler_schedule.suspicious_aws_ec2_compute_resource_deployments"
	const tbl = "resource.aws_glue_catalog_table.cloudtrail_logs"

	if got := lookup(t, file, q, "query"); got != sql {
		t.Errorf("the named query is not the --target athena SQL byte for byte:\n%s", cmp.Diff(sql, got))
	}
	checks := []struct {
		path []string
		want string
	}{
		{[]string{q, "name"}, "Suspicious AWS EC2 Compute Resource Deployments"},
		{[]string{q, "database"}, "var.database"},
		{[]string{q, "workgroup"}, "var.workgroup"},
		{[]string{s, "schedule_expression"}, "rate(1 day)"},
		{[]string{s, "name"}, "ruleport-suspicious-aws-ec2-compute-resource-deployments"},
		{[]string{s, "flexible_time_window", "mode"}, "OFF"},
		{[]string{s, "target", "arn"}, "arn:aws:scheduler:::aws-sdk:athena:startQueryExecution"},
		{[]string{s, "target", "role_arn"}, "var.scheduler_role_arn"},
		{[]string{tbl, "name"}, "cloudtrail_logs"},
		{[]string{tbl, "table_type"}, "EXTERNAL_TABLE"},
		{[]string{tbl, "storage_descriptor", "location"}, "s3://var.bucket/AWSLogs/var.account/CloudTrail/var.region"},
		{[]string{tbl, "storage_descriptor", "input_format"}, "com.amazon.emr.cloudtrail.CloudTrailInputFormat"},
		{[]string{tbl, "storage_descriptor", "output_format"}, "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat"},
		{[]string{tbl, "storage_descriptor", "ser_de_info", "serialization_library"}, "org.apache.hive.hcatalog.data.JsonSerDe"},
		{[]string{tbl, "partition_keys", "name"}, "timestamp"},
	}
	for _, c := range checks {
		if got := lookup(t, file, c.path...); got != c.want {
			t.Errorf("%s = %q, want %q", strings.Join(c.path, "."), got, c.want)
		}
	}

	var input map[string]any
	if err := json.Unmarshal([]byte(lookup(t, file, s, "target", "input").(string)), &input); err != nil {
		t.Fatal(err)
	}
	wantInput := map[string]any{
		"QueryString":           sql,
		"QueryExecutionContext": map[string]any{"Database": "var.database"},
		"WorkGroup":             "var.workgroup",
		"ResultConfiguration":   map[string]any{"OutputLocation": "var.results_location"},
	}
	if d := cmp.Diff(wantInput, input); d != "" {
		t.Errorf("schedule input (-want +got):\n%s", d)
	}

	wantParams := map[string]any{
		"EXTERNAL":                           "TRUE",
		"projection.enabled":                 "true",
		"projection.timestamp.format":        "yyyy/MM/dd",
		"projection.timestamp.interval":      "1",
		"projection.timestamp.interval.unit": "DAYS",
		"projection.timestamp.range":         "2020/01/01,NOW",
		"projection.timestamp.type":          "date",
		// ${timestamp} is Athena's placeholder: written $${timestamp} in
		// HCL, it must evaluate to the literal text.
		"storage.location.template": "s3://var.bucket/AWSLogs/var.account/CloudTrail/var.region/${timestamp}",
	}
	if d := cmp.Diff(wantParams, lookup(t, file, tbl, "parameters")); d != "" {
		t.Errorf("table parameters (-want +got):\n%s", d)
	}
	if !strings.Contains(athenaFile(t, r, sql), "/$${timestamp}") {
		t.Errorf("the location template is not escaped as $${timestamp} in the file")
	}

	// The table's columns are the DDL's, in order.
	var cols []string
	for _, c := range lookup(t, file, tbl, "storage_descriptor", "columns").([]any) {
		cols = append(cols, c.(map[string]any)["name"].(string)+" "+c.(map[string]any)["type"].(string))
	}
	if len(cols) != 23 || cols[0] != "eventversion string" || cols[16] != "resources array<struct<arn:string,accountid:string,type:string>>" {
		t.Errorf("table columns: %d, want the DDL's 23 (eventversion first, resources 17th): %v", len(cols), cols)
	}
}

// TestAthenaFmtAndVariables: the module passes `terraform fmt -check` and
// declares exactly the documented variables.
func TestAthenaFmtAndVariables(t *testing.T) {
	r := seed(t)
	src := athenaFile(t, r, athenaSQL(t, r))
	terraformFmtCheck(t, map[string]string{"athena": src})

	body, err := Parse("main.tf", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	var vars []string
	for _, b := range body.Blocks {
		if b.Type == "variable" {
			def := ""
			if a := b.Body.Attributes["default"]; a != nil {
				v, _ := a.Expr.Value(nil)
				def = "=" + v.GoString()
			}
			vars = append(vars, b.Labels[0]+def)
		}
	}
	want := []string{"bucket", "account", "region", "database", `workgroup=cty.StringVal("primary")`,
		"create_workgroup=cty.False", "create_table=cty.True", "results_location", "scheduler_role_arn"}
	if d := cmp.Diff(want, vars); d != "" {
		t.Errorf("variables (-want +got):\n%s", d)
	}
}

func TestRateExpression(t *testing.T) {
	checkSchedules(t, "RateExpression", RateExpression, []scheduleCase{
		{5 * time.Minute, "rate(5 minutes)"},
		{time.Minute, "rate(1 minute)"},
		{time.Hour, "rate(1 hour)"},
		{90 * time.Minute, "rate(90 minutes)"},
		{3 * time.Hour, "rate(3 hours)"},
		{24 * time.Hour, "rate(1 day)"},
		{14 * 24 * time.Hour, "rate(14 days)"},
		{30 * time.Second, ""},
		{0, ""},
	})
}

// TestAthenaNRT: an NRT rule has no queryFrequency (0), so no schedule:
// the target reports it as unsupported, where queryFrequency would be
// (the rule's start, as the rule has none).
func TestAthenaNRT(t *testing.T) {
	r := loadRule(t, "nrt.yaml", []byte(nrtRule))
	checkRefusals(t, []refusal{{"nrt", Athena, r, "SELECT 1", "queryFrequency",
		"athena-tf: queryFrequency 0s is not a whole number of minutes (at least 1) that an EventBridge Scheduler rate can express"}})
}

// TestAthenaSchemaFindings: the embedded aws schema catches what a wrong
// module would hold. Each case edits a valid schedule.
func TestAthenaSchemaFindings(t *testing.T) {
	const valid = `variable "r" {
  type = string
}

resource "aws_scheduler_schedule" "s" {
  schedule_expression = "rate(1 day)"
%s
}
`
	const window = "  flexible_time_window {\n    mode = \"OFF\"\n  }\n"
	const target = "  target {\n    arn      = \"a\"\n    role_arn = var.r\n    input    = jsonencode({ A = aws_athena_named_query.q.query })\n  }\n"
	checkFindings(t, valid, []findingCase{
		{"valid", window + target, nil},
		{"no target", window, []string{"aws_scheduler_schedule.s: target: 0 target blocks; at least 1 required"}},
		{"two targets", window + target + target, []string{"aws_scheduler_schedule.s: target: 2 target blocks; at most 1 allowed"}},
		{"bad mode", strings.Replace(window, "OFF", "off", 1) + target,
			[]string{`aws_scheduler_schedule.s: flexible_time_window[0].mode: value "off" is not one of OFF, FLEXIBLE`}},
		{"unknown argument", window + target + "  schedule = \"x\"\n", []string{`aws_scheduler_schedule.s: schedule: unknown argument "schedule"`}},
		{"missing role", window + strings.Replace(target, "    role_arn = var.r\n", "", 1),
			[]string{`aws_scheduler_schedule.s: target[0].role_arn: missing required argument "role_arn"`}},
	})
}

// TestAthenaVerifyCatchesEscaping: Verify compares what the file
// evaluates to, so an unescaped ${ in the SQL (an HCL template sequence)
// would be caught, not deployed.
func TestAthenaVerifyCatchesEscaping(t *testing.T) {
	verifyCatchesUnescaping(t, athenaModule(seed(t), "SELECT '${x}' AS a\n", "rate(1 day)"))
}

// TestAthenaGolden keeps the seed's module in testdata/athena.txtar for
// readers (rewrite with UPDATE_GOLDEN=1 and read the diff).
func TestAthenaGolden(t *testing.T) {
	r := seed(t)
	got := athenaFile(t, r, athenaSQL(t, r))
	golden.File(t, filepath.Join("testdata", "athena.txtar"),
		"The athena-tf module of the seed rule (terraform.Athena), as a reader sees it.\nRewrite with UPDATE_GOLDEN=1 and read the diff.\n",
		"seed/"+AthenaFile, []byte(got))
}
