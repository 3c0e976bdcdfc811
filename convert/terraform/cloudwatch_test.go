package terraform

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/ruleport/ruleport/convert"
	"github.com/ruleport/ruleport/convert/cloudwatch"
	"github.com/ruleport/ruleport/convert/rule"
	"github.com/ruleport/ruleport/internal/golden"
)

// cwQuery is the rule's `--target cloudwatch` query.
func cwQuery(t *testing.T, r *rule.Rule) string {
	t.Helper()
	q, _, diags := cloudwatch.EmitRule(r, cloudwatch.Options{})
	if len(diags) > 0 {
		t.Fatal(diags)
	}
	return q
}

// TestCloudWatchSeed checks the seed's module against values worked out by
// hand: the seed is named "Suspicious AWS EC2 Compute Resource
// Deployments", runs every 1d (cron at midnight UTC) over the last 1d
// (86400 seconds), is enabled (no enabled field: ARM's default), and the
// query is the --target cloudwatch text byte for byte, in both resources.
func TestCloudWatchSeed(t *testing.T) {
	r := seed(t)
	query := cwQuery(t, r)
	src := cwFile(t, r, query)
	if !strings.Contains(src, "type        = list(string)\n") {
		t.Errorf("log_group_names is not a list(string):\n%s", src)
	}
	got := evalFile(t, src, map[string]string{"aws_cloudwatch_query_definition.query_string": query})
	const local = "suspicious_aws_ec2_compute_resource_deployments"
	want := map[string]any{
		"terraform": map[string]any{"required_providers": []any{map[string]any{
			"aws":   map[string]any{"source": "hashicorp/aws", "version": ">= 3.35.0"},
			"awscc": map[string]any{"source": "hashicorp/awscc", "version": ">= 1.69.0"},
		}}},
		// evalBody shows a type written as a call, list(string), as "()";
		// the text is checked below.
		"variable.log_group_names": map[string]any{"type": "()",
			"description": "CloudWatch Logs log groups the trail delivers CloudTrail events to (1 to 50)."},
		"variable.execution_role_arn": map[string]any{"type": "(string)",
			"description": "IAM role CloudWatch Logs assumes to run the scheduled query (trusted by logs.amazonaws.com; logs:StartQuery, logs:StopQuery, logs:GetQueryResults, logs:DescribeLogGroups)."},
		"variable.results_s3_uri": map[string]any{"type": "(string)", "default": nil,
			"description": "s3://bucket/prefix where the scheduled query delivers its results; null delivers none."},
		"variable.results_role_arn": map[string]any{"type": "(string)", "default": nil,
			"description": "IAM role CloudWatch Logs assumes to write results to results_s3_uri."},
		"resource.aws_cloudwatch_query_definition." + local: map[string]any{
			"name":            "ruleport/Suspicious AWS EC2 Compute Resource Deployments",
			"query_string":    query,
			"log_group_names": "var.log_group_names",
		},
		"resource.awscc_logs_scheduled_query." + local: map[string]any{
			"name":                  "ruleport/" + local,
			"description":           `ruleport: Microsoft Sentinel rule "Suspicious AWS EC2 Compute Resource Deployments" (9e457dc4-81f0-4d25-bc37-a5fa4a17946a) as a CloudWatch Logs Insights query`,
			"query_language":        "CWLI",
			"query_string":          query,
			"log_group_identifiers": "var.log_group_names",
			"schedule_expression":   "cron(0 0 * * ? *)",
			"start_time_offset":     int64(86400),
			"state":                 "ENABLED",
			"execution_role_arn":    "var.execution_role_arn",
			"destination_configuration": map[string]any{"s3_configuration": map[string]any{
				"destination_identifier": "var.results_s3_uri", "role_arn": "var.results_role_arn"}},
		},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("seed cloudwatch-tf (-want +got):\n%s", d)
	}
}

// TestCronExpression: frequencies a cron expression repeats exactly, in
// the forms of the CloudWatch Logs "Schedule expression reference", and
// the ones it cannot.
func TestCronExpression(t *testing.T) {
	checkSchedules(t, "CronExpression", CronExpression, []scheduleCase{
		{time.Minute, "cron(* * * * ? *)"},
		{5 * time.Minute, "cron(*/5 * * * ? *)"},
		{15 * time.Minute, "cron(*/15 * * * ? *)"},
		{30 * time.Minute, "cron(*/30 * * * ? *)"},
		{time.Hour, "cron(0 * * * ? *)"},
		{2 * time.Hour, "cron(0 */2 * * ? *)"},
		{6 * time.Hour, "cron(0 */6 * * ? *)"},
		{12 * time.Hour, "cron(0 */12 * * ? *)"},
		{24 * time.Hour, "cron(0 0 * * ? *)"},
		{7 * time.Minute, ""},
		{90 * time.Minute, ""},
		{5 * time.Hour, ""},
		{48 * time.Hour, ""},
		{30 * time.Second, ""},
		{0, ""},
	})
}

// TestQueryDefinitionName: "ruleport/" and the rule's name, without ":" or
// "*" (not allowed) or "/" (a folder), at most 255 characters.
func TestQueryDefinitionName(t *testing.T) {
	long := strings.Repeat("é", 300)
	tests := []struct{ name, id, want string }{
		{"Suspicious AWS EC2 Compute Resource Deployments", "x", "ruleport/Suspicious AWS EC2 Compute Resource Deployments"},
		{"S3: Bucket * exposed / public", "x", "ruleport/S3- Bucket - exposed - public"},
		{"tab\there  and\nnewline", "x", "ruleport/tab here and newline"},
		{"  ", "9e457dc4", "ruleport/9e457dc4"},
		{long, "x", "ruleport/" + strings.Repeat("é", 255-len("ruleport/"))},
	}
	for _, tt := range tests {
		got := QueryDefinitionName(&rule.Rule{Name: tt.name, ID: tt.id})
		if got != tt.want {
			t.Errorf("QueryDefinitionName(%q) = %q, want %q", tt.name, got, tt.want)
		}
	}
}

// TestCloudWatchUnsupported: a rule the scheduled query cannot carry is an
// unsupported construct at the rule field responsible.
func TestCloudWatchUnsupported(t *testing.T) {
	r := seed(t)
	query := cwQuery(t, r)
	every7 := *r
	every7.QueryFrequency = 7 * time.Minute
	long := strings.Repeat("# x\n", MaxLogsInsightsQuery/4) + "fields @message\n"
	checkRefusals(t, []refusal{
		{"frequency", CloudWatch, &every7, query, "queryFrequency", "cloudwatch-tf: queryFrequency 7m0s is not a period a cron expression repeats exactly"},
		{"query length", CloudWatch, r, long, "query", fmt.Sprintf("cloudwatch-tf: the Logs Insights query is %d characters; a scheduled query takes at most 10000", len(long))},
	})
}

// TestCloudWatchSchemaFindings: the embedded schemas catch what the
// providers would reject.
func TestCloudWatchSchemaFindings(t *testing.T) {
	const file = `variable "r" {
  type = string
}

resource "awscc_logs_scheduled_query" "q" {
  name                = "n"
  schedule_expression = "cron(0 0 * * ? *)"
%s}

resource "aws_cloudwatch_query_definition" "d" {
  name         = "n"
  query_string = "fields @message"
}
`
	const ok = "  execution_role_arn = var.r\n  query_language = \"CWLI\"\n  query_string = aws_cloudwatch_query_definition.d.query_string\n"
	checkFindings(t, file, []findingCase{
		{"valid", ok, nil},
		{"no role", strings.Replace(ok, "  execution_role_arn = var.r\n", "", 1),
			[]string{`awscc_logs_scheduled_query.q: execution_role_arn: missing required argument "execution_role_arn"`}},
		{"unknown language", strings.Replace(ok, "CWLI", "KQL", 1),
			[]string{`awscc_logs_scheduled_query.q: query_language: value "KQL" is not one of CWLI, SQL, PPL`}},
		{"bad state", ok + "  state = \"ON\"\n",
			[]string{`awscc_logs_scheduled_query.q: state: value "ON" is not one of ENABLED, DISABLED`}},
		{"offset as text", ok + "  start_time_offset = \"1d\"\n",
			[]string{`awscc_logs_scheduled_query.q: start_time_offset: wrong type: want number, found string`}},
		{"destination as a block", ok + "  destination_configuration {\n  }\n",
			[]string{`awscc_logs_scheduled_query.q: destination_configuration[0]: unknown block type "destination_configuration"`}},
	})
}

// TestCloudWatchVerifyCatchesEscaping: a query holding ${ and %{ (HCL
// template sequences) is escaped in the heredoc and evaluates back to the
// query; the same file unescaped fails verification instead of deploying
// another query.
func TestCloudWatchVerifyCatchesEscaping(t *testing.T) {
	verifyCatchesUnescaping(t, cloudWatchModule(seed(t), "fields \"${x}\" as a, \"%{y}\" as b\n| display a, b\n", "cron(0 0 * * ? *)"))
}

// TestCloudWatchCorpus: every corpus rule that converts to Logs Insights
// gives a module whose two query strings evaluate back to the query byte
// for byte and that passes terraform fmt -check.
func TestCloudWatchCorpus(t *testing.T) {
	srcs := map[string]string{}
	for _, c := range corpusRules(t) {
		query, _, diags := cloudwatch.EmitRule(c.r, cloudwatch.Options{})
		if diags.HasErrors() {
			continue // convert/cloudwatch's corpus test reports these
		}
		out, diags := CloudWatch(c.r, query)
		if c.r.QueryFrequency == 0 && errors.Is(diags.Err(), convert.ErrUnsupported) {
			t.Logf("%s: %v", c.name, diags)
			continue
		}
		if diags.HasErrors() {
			t.Errorf("%s: %v", c.name, diags)
			continue
		}
		src := string(out[0].Data)
		refs := map[string]string{"aws_cloudwatch_query_definition.query_string": query}
		for key, res := range evalFile(t, src, refs) {
			if strings.HasPrefix(key, "resource.") && res.(map[string]any)["query_string"] != query {
				t.Errorf("%s: %s's query_string does not evaluate back to the query", c.name, key)
			}
		}
		srcs[c.name] = src
	}
	t.Logf("%d corpus rules generated", len(srcs))
	terraformFmtCheck(t, srcs)
}

// TestCloudWatchGolden keeps the seed's module in testdata/cloudwatch.txtar
// for readers (rewrite with UPDATE_GOLDEN=1 and read the diff).
func TestCloudWatchGolden(t *testing.T) {
	r := seed(t)
	got := cwFile(t, r, cwQuery(t, r))
	golden.File(t, filepath.Join("testdata", "cloudwatch.txtar"),
		"The cloudwatch-tf module of the seed rule (terraform.CloudWatch), as a reader sees it.\nRewrite with UPDATE_GOLDEN=1 and read the diff.\n",
		"seed/"+CloudWatchFile, []byte(got))
}
