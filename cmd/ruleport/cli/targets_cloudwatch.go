package cli

import (
	"strings"

	"github.com/ruleport/ruleport/convert"
	"github.com/ruleport/ruleport/convert/cloudwatch"
	"github.com/ruleport/ruleport/convert/rule"
	"github.com/ruleport/ruleport/convert/terraform"
)

// The cloudwatch and cloudwatch-tf targets. The registry in targets.go is
// to list them as {"cloudwatch", cloudwatchTarget} and {"cloudwatch-tf",
// cloudwatchTFTarget}.

// CloudWatchQueryFile is the name of the cloudwatch target's file, relative
// to the rule's output folder; cloudwatch-tf writes terraform.CloudWatchFile
// beside it.
const CloudWatchQueryFile = "cloudwatch/query.insights"

// cloudwatchTarget is the rule's query in the CloudWatch Logs Insights
// query language. The time window is not in the text: a Logs Insights
// query takes its time range from the caller or the scheduled query. Where
// the query cannot be exact, the emitter's fidelity notes come back as
// warnings at the KQL construct concerned, which convert prints and check
// lists ("rules/x.yaml:31:162: warning: cloudwatch: toint(...): ...").
func cloudwatchTarget(r *rule.Rule) ([]convert.File, convert.Diagnostics) {
	query, notes, diags := cloudwatch.EmitRule(r, cloudwatch.Options{})
	if diags != nil {
		return nil, cloudwatchNamed("cloudwatch", diags)
	}
	return []convert.File{{Name: CloudWatchQueryFile, Data: []byte(query)}}, cloudwatch.Warnings(r, notes)
}

// cloudwatchTFTarget is the Terraform that saves the cloudwatch target's
// query as a query definition and runs it as a scheduled query. The
// fidelity notes are the query's: the cloudwatch target reports them, and
// this one does not repeat them.
func cloudwatchTFTarget(r *rule.Rule) ([]convert.File, convert.Diagnostics) {
	query, _, diags := cloudwatch.EmitRule(r, cloudwatch.Options{})
	if diags != nil {
		return nil, cloudwatchNamed("cloudwatch-tf", diags)
	}
	return terraform.CloudWatch(r, query)
}

// cloudwatchNamed prefixes each message with the target, as the CLI reports
// diagnostics per target; a message that already names it keeps its name
// once.
func cloudwatchNamed(target string, diags convert.Diagnostics) convert.Diagnostics {
	for _, d := range diags {
		msg := strings.TrimPrefix(d.Msg, "cloudwatch: ")
		d.Msg = target + ": " + msg
	}
	return diags
}
