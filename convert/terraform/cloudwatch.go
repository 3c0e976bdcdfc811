package terraform

import (
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/zclconf/go-cty/cty"

	"github.com/ruleport/ruleport/convert"
	"github.com/ruleport/ruleport/convert/rule"
)

// The cloudwatch-tf target: a root module that deploys one rule as a
// CloudWatch Logs Insights query (shared/TARGETS.md §2).
//
//   - aws_cloudwatch_query_definition: the `--target cloudwatch` query,
//     byte for byte, as a heredoc, saved under ruleport/ in the console's
//     query list, over var.log_group_names.
//   - awscc_logs_scheduled_query (AWS::Logs::ScheduledQuery): the same
//     query (its query_string is the definition's), run by CloudWatch Logs
//     at the rule's queryFrequency over the last queryPeriod
//     (start_time_offset), as the rule's execution role, results
//     optionally delivered to S3.
//
// Like the other targets' files it is verified before it is returned: it
// parses with hclsyntax, every attribute evaluates back to exactly its
// value (the query to the emitted text byte for byte), and the resources
// pass the embedded schemas of schemas/cloudwatch.json.

// CloudWatchFile is the name of the file CloudWatch returns, relative to
// the rule's output folder.
const CloudWatchFile = "cloudwatch/main.tf"

// Provider versions. aws_cloudwatch_query_definition came in hashicorp/aws
// 3.35.0 (the note of a public pull request that upgraded for it,
// spacetelescope/calcloud#122; its arguments are those of the provider's
// website/docs/r/cloudwatch_query_definition.html.markdown). For
// awscc_logs_scheduled_query the earliest version on record is 1.69.0,
// the provider version its documented example was validated with
// (hashicorp/terraform-provider-awscc#3012).
const (
	cloudWatchAWSVersion   = ">= 3.35.0"
	cloudWatchAWSCCVersion = ">= 1.69.0"
)

// MaxLogsInsightsQuery is the longest query_string a scheduled query
// accepts (AWS::Logs::ScheduledQuery QueryString maxLength 10000, in the
// awscc resource schema).
const MaxLogsInsightsQuery = 10000

// cloudWatchVariables are the module's inputs: the log groups CloudTrail
// delivers to and the role the scheduled query runs as, required; the S3
// destination of results, optional.
var cloudWatchVariables = []Variable{
	{"log_group_names", "CloudWatch Logs log groups the trail delivers CloudTrail events to (1 to 50).", "list(string)", ""},
	{"execution_role_arn", "IAM role CloudWatch Logs assumes to run the scheduled query (trusted by logs.amazonaws.com; logs:StartQuery, logs:StopQuery, logs:GetQueryResults, logs:DescribeLogGroups).", "string", ""},
	{"results_s3_uri", "s3://bucket/prefix where the scheduled query delivers its results; null delivers none.", "string", "null"},
	{"results_role_arn", "IAM role CloudWatch Logs assumes to write results to results_s3_uri.", "string", "null"},
}

// CloudWatch returns the cloudwatch-tf Terraform for r, whose `--target
// cloudwatch` query is query. A rule without a frequency (NRT), whose
// frequency no cron expression repeats exactly, or whose query is longer
// than a scheduled query takes, is reported as unsupported at the rule
// field responsible (the rule's start when the field is absent).
func CloudWatch(r *rule.Rule, query string) ([]convert.File, convert.Diagnostics) {
	const target = "cloudwatch-tf"
	if r.QueryFrequency == 0 {
		return nil, unsupported(r, target, "queryFrequency", "the rule has no queryFrequency (a near-real-time rule): a scheduled query needs a schedule and a period")
	}
	cron, err := CronExpression(r.QueryFrequency)
	if err != nil {
		return nil, unsupported(r, target, "queryFrequency", "%v", err)
	}
	if r.QueryPeriod < time.Second || r.QueryPeriod%time.Second != 0 {
		return nil, unsupported(r, target, "queryPeriod", "queryPeriod %v is not a whole number of seconds, which start_time_offset counts", r.QueryPeriod)
	}
	if n := utf8.RuneCountInString(query); n > MaxLogsInsightsQuery {
		return nil, unsupported(r, target, "query", "the Logs Insights query is %d characters; a scheduled query takes at most %d", n, MaxLogsInsightsQuery)
	}
	return cloudWatchModule(r, query, cron).emit(r)
}

// cloudWatchModule is the module of CloudWatch: hashicorp/aws and
// hashicorp/awscc, the variables, the two resources.
func cloudWatchModule(r *rule.Rule, query, cron string) module {
	return module{
		target: "cloudwatch-tf",
		file:   CloudWatchFile,
		scaffold: Scaffold{
			Providers: []Provider{
				{Name: "aws", Source: "hashicorp/aws", Version: cloudWatchAWSVersion},
				{Name: "awscc", Source: "hashicorp/awscc", Version: cloudWatchAWSCCVersion},
			},
			Variables: cloudWatchVariables,
		},
		blocks: cloudWatchBlocks(r, query, cron),
	}
}

// CronExpression is the scheduled query's cron(minute hour day-of-month
// month day-of-week year) for a rule that runs every `every`, in UTC
// (CloudWatch Logs user guide, "Schedule expression reference":
// cron(*/15 * * * ? *) every 15 minutes, cron(0 */6 * * ? *) every 6
// hours, cron(0 9 * * ? *) daily). A cron expression repeats exactly only
// for periods that divide an hour or a day: whole minutes dividing 60,
// whole hours dividing 24, or one day. Any other frequency (7 minutes, 5
// hours, 2 days) would drift at each hour, day or month boundary, so it is
// an error.
func CronExpression(every time.Duration) (string, error) {
	switch {
	case every == 24*time.Hour:
		return "cron(0 0 * * ? *)", nil
	case every >= time.Hour && every%time.Hour == 0 && 24%int(every/time.Hour) == 0:
		if every == time.Hour {
			return "cron(0 * * * ? *)", nil
		}
		return fmt.Sprintf("cron(0 */%d * * ? *)", every/time.Hour), nil
	case every >= time.Minute && every < time.Hour && every%time.Minute == 0 && 60%int(every/time.Minute) == 0:
		if every == time.Minute {
			return "cron(* * * * ? *)", nil
		}
		return fmt.Sprintf("cron(*/%d * * * ? *)", every/time.Minute), nil
	}
	return "", fmt.Errorf("queryFrequency %v is not a period a cron expression repeats exactly "+
		"(whole minutes dividing an hour, whole hours dividing a day, or one day)", every)
}

// QueryDefinitionName is the saved query's name: "ruleport/" and the rule's
// name, in the console's ruleport folder ("/" makes folders). The name
// takes 1 to 255 characters without ":" or "*" (TARGETS.md §2); a "/" in
// the rule's name would make folders of its own, so ":", "*" and "/" turn
// into "-", and control characters into spaces.
func QueryDefinitionName(r *rule.Rule) string {
	name := strings.TrimSpace(r.Name)
	if name == "" {
		name = r.ID
	}
	name = strings.Map(func(c rune) rune {
		switch {
		case c == ':' || c == '*' || c == '/':
			return '-'
		case unicode.IsControl(c):
			return ' '
		}
		return c
	}, name)
	return clipRunes("ruleport/"+strings.Join(strings.Fields(name), " "), 255)
}

// ScheduledQueryName is the scheduled query's name: ^[a-zA-Z0-9_\-/.#]+$,
// 1 to 255 characters (the AWS::Logs::ScheduledQuery Name property in the
// awscc resource schema), from the rule's name as LocalName writes it.
func ScheduledQueryName(r *rule.Rule) string {
	return "ruleport/" + LocalName(r.Name)
}

// cloudWatchBlocks builds the two resources.
func cloudWatchBlocks(r *rule.Rule, query, cron string) []*Block {
	local := LocalName(r.Name)
	about := fmt.Sprintf("ruleport: Microsoft Sentinel rule %q (%s) as a CloudWatch Logs Insights query", r.Name, r.ID)

	def := &Block{Type: "resource", Labels: []string{"aws_cloudwatch_query_definition", local}}
	def.str("name", QueryDefinitionName(r))
	def.str("query_string", query)
	def.AddVar("log_group_names", "log_group_names")

	sq := &Block{Type: "resource", Labels: []string{"awscc_logs_scheduled_query", local}}
	sq.str("name", ScheduledQueryName(r))
	sq.str("description", clipText(about, 1024))
	sq.str("query_language", "CWLI")
	sq.AddExpr("query_string", "aws_cloudwatch_query_definition."+local+".query_string", cty.StringVal(query))
	sq.AddVar("log_group_identifiers", "log_group_names")
	sq.str("schedule_expression", cron)
	// The time range of each run: from queryPeriod before the run to the
	// run (ScheduleConfiguration StartTimeOffset: "the offset, in seconds,
	// before the scheduled execution time at which the query time range
	// begins"; the end offset defaults to 0).
	sq.Add("start_time_offset", cty.NumberIntVal(int64(r.QueryPeriod/time.Second)), "")
	state := "DISABLED"
	if r.IsEnabled() {
		state = "ENABLED"
	}
	sq.str("state", state)
	sq.AddVar("execution_role_arn", "execution_role_arn")
	sq.AddExpr("destination_configuration", destinationExpr, destinationValue())
	return []*Block{def, sq}
}

// destinationExpr delivers results to S3 when var.results_s3_uri is set
// (DestinationConfiguration.S3Configuration: DestinationIdentifier, an
// s3:// URI, and RoleArn, both required).
const destinationExpr = `var.results_s3_uri == null ? null : {
  s3_configuration = {
    destination_identifier = var.results_s3_uri
    role_arn               = var.results_role_arn
  }
}`

// destinationValue is what destinationExpr evaluates to where every
// variable is the text of its reference (EvalContext).
func destinationValue() cty.Value {
	return cty.ObjectVal(map[string]cty.Value{
		"s3_configuration": cty.ObjectVal(map[string]cty.Value{
			"destination_identifier": cty.StringVal("var.results_s3_uri"),
			"role_arn":               cty.StringVal("var.results_role_arn"),
		}),
	})
}
