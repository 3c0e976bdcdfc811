package terraform

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/zclconf/go-cty/cty"

	"github.com/ruleport/ruleport/convert"
	"github.com/ruleport/ruleport/convert/athena"
	"github.com/ruleport/ruleport/convert/rule"
	"github.com/ruleport/ruleport/templates"
)

// The athena-tf target: a root module that deploys one rule as a scheduled
// Athena query (shared/TARGETS.md §2). Athena has no scheduled queries;
// EventBridge Scheduler's universal target calls the StartQueryExecution
// API every queryFrequency with the query text.
//
//   - aws_glue_catalog_table: the CloudTrail table of athena.TableDDL with
//     partition projection (count = var.create_table ? 1 : 0, so several
//     rules' modules can share one table);
//   - aws_athena_workgroup: optional (count = var.create_workgroup ? 1 : 0),
//     on Athena engine version 3, the Trino engine the SQL is written for;
//   - aws_athena_named_query: the `--target athena` SQL, byte for byte, as a
//     heredoc;
//   - aws_scheduler_schedule: rate(queryFrequency), target
//     arn:aws:scheduler:::aws-sdk:athena:startQueryExecution, input the
//     API request {QueryString, WorkGroup, QueryExecutionContext{Database},
//     ResultConfiguration{OutputLocation}} as jsonencode(...), whose
//     QueryString is the named query's own text.
//
// The file is verified before it is returned, like the Sentinel target's:
// it parses with hclsyntax, every attribute evaluates back to exactly its
// value (the query to the SQL byte for byte, the input to the request
// JSON), and the resources pass the embedded schemas of schemas/aws.json.

// AthenaFile is the name of the file Athena returns, relative to the
// rule's output folder.
const AthenaFile = "athena/main.tf"

// awsVersion is the hashicorp/aws constraint: aws_scheduler_schedule
// first appeared in 4.41.0 (provider CHANGELOG, "New Resource:
// aws_scheduler_schedule", November 25, 2022); the other resources and
// arguments used here are older.
const awsVersion = ">= 4.41.0"

// StartQueryExecutionARN is the universal target that calls Athena's
// StartQueryExecution API (EventBridge Scheduler user guide, "Using
// universal targets": arn:aws:scheduler:::aws-sdk:service:apiAction).
const StartQueryExecutionARN = "arn:aws:scheduler:::aws-sdk:athena:startQueryExecution"

// athenaVariables are the module's inputs. Every deployment names its
// trail's S3 prefix, the Glue database, where results go and the role the
// scheduler assumes; the workgroup and the two create_ switches have
// defaults.
var athenaVariables = []Variable{
	{"bucket", "S3 bucket the CloudTrail trail delivers its log files to.", "string", ""},
	{"account", "AWS account id in the trail's S3 prefix (AWSLogs/<account>/CloudTrail/<region>/).", "string", ""},
	{"region", "AWS Region in the trail's S3 prefix (AWSLogs/<account>/CloudTrail/<region>/).", "string", ""},
	{"database", "Glue database that holds (or will hold) the cloudtrail_logs table.", "string", ""},
	{"workgroup", "Athena workgroup the query runs in.", "string", `"primary"`},
	{"create_workgroup", "Create the workgroup (on Athena engine version 3, with results_location), or use an existing one.", "bool", "false"},
	{"create_table", "Create the cloudtrail_logs table; set false when another rule's module already did.", "bool", "true"},
	{"results_location", "S3 URI where Athena writes query results, such as s3://my-results/ruleport/.", "string", ""},
	{"scheduler_role_arn", "IAM role EventBridge Scheduler assumes: athena:StartQueryExecution, Glue and S3 read on the table, S3 write on results_location.", "string", ""},
}

// Athena returns the athena-tf Terraform for r, whose `--target athena`
// SQL is sql. A rule without a queryFrequency (NRT) has no schedule to
// give and is reported as unsupported.
func Athena(r *rule.Rule, sql string) ([]convert.File, convert.Diagnostics) {
	rate, err := RateExpression(r.QueryFrequency)
	if err != nil {
		return nil, unsupported(r, "athena-tf", "queryFrequency", "%v", err)
	}
	return athenaModule(r, sql, rate).emit(r)
}

// athenaModule is the module of Athena: hashicorp/aws, the variables,
// the four resources.
func athenaModule(r *rule.Rule, sql, rate string) module {
	return module{
		target: "athena-tf",
		file:   AthenaFile,
		scaffold: Scaffold{
			Providers: []Provider{{Name: "aws", Source: "hashicorp/aws", Version: awsVersion}},
			Variables: athenaVariables,
		},
		blocks: athenaBlocks(r, sql, rate),
	}
}

// RateExpression is EventBridge Scheduler's rate(value unit) for a
// frequency, in the largest whole unit (minutes, hours or days; the value
// 1 takes the singular unit, as the Scheduler user guide's "Rate-based
// schedules" writes rate(1 day)). Scheduler's smallest rate is one minute.
func RateExpression(every time.Duration) (string, error) {
	if every < time.Minute || every%time.Minute != 0 {
		return "", fmt.Errorf("queryFrequency %v is not a whole number of minutes (at least 1) that an EventBridge Scheduler rate can express", every)
	}
	units := []struct {
		d    time.Duration
		name string
	}{{24 * time.Hour, "day"}, {time.Hour, "hour"}, {time.Minute, "minute"}}
	for _, u := range units {
		if every%u.d == 0 {
			n := int64(every / u.d)
			if n == 1 {
				return "rate(1 " + u.name + ")", nil
			}
			return fmt.Sprintf("rate(%d %ss)", n, u.name), nil
		}
	}
	panic("unreachable: every is a whole number of minutes")
}

// scheduleName is a Scheduler schedule name: 1 to 64 of [0-9a-zA-Z-_.]
// (CreateSchedule API reference).
func scheduleName(r *rule.Rule) string {
	n := "ruleport-" + strings.ReplaceAll(LocalName(r.Name), "_", "-")
	if len(n) > 64 {
		n = strings.TrimRight(n[:64], "-")
	}
	return n
}

// athenaBlocks builds the four resources.
func athenaBlocks(r *rule.Rule, sql, rate string) []*Block {
	local := LocalName(r.Name)
	about := fmt.Sprintf("ruleport: Microsoft Sentinel rule %q (%s) as Athena SQL", r.Name, r.ID)

	table := &Block{Type: "resource", Labels: []string{"aws_glue_catalog_table", athena.DefaultTable}}
	table.AddMeta("count", "var.create_table ? 1 : 0")
	table.str("name", athena.DefaultTable)
	table.AddVar("database_name", "database")
	table.str("table_type", "EXTERNAL_TABLE")
	params, paramsVal := tableParameters()
	table.AddExpr("parameters", params, paramsVal)
	pk := table.Nest("partition_keys", "")
	pk.str("name", athena.PartitionColumn)
	pk.str("type", "string")
	sd := table.Nest("storage_descriptor", "")
	sd.AddExpr("location", `"s3://${var.bucket}/AWSLogs/${var.account}/CloudTrail/${var.region}"`,
		cty.StringVal(athena.Location("var.bucket", "var.account", "var.region")))
	sd.str("input_format", athena.InputFormat)
	sd.str("output_format", athena.OutputFormat)
	sd.Nest("ser_de_info", "").str("serialization_library", athena.SerDe)
	for _, c := range athena.Columns {
		col := sd.Nest("columns", "")
		col.str("name", c.Name)
		col.str("type", c.Type)
	}

	wg := &Block{Type: "resource", Labels: []string{"aws_athena_workgroup", "ruleport"}}
	wg.AddMeta("count", "var.create_workgroup ? 1 : 0")
	wg.AddVar("name", "workgroup")
	conf := wg.Nest("configuration", "")
	conf.Nest("engine_version", "").str("selected_engine_version", "Athena engine version 3")
	conf.Nest("result_configuration", "").AddVar("output_location", "results_location")

	q := &Block{Type: "resource", Labels: []string{"aws_athena_named_query", local}}
	q.str("name", clipText(r.Name, 128))
	q.str("description", clipText(about, 1024))
	q.AddVar("database", "database")
	q.AddVar("workgroup", "workgroup")
	q.str("query", sql)
	q.AddMeta("depends_on", "[aws_athena_workgroup.ruleport]")

	s := &Block{Type: "resource", Labels: []string{"aws_scheduler_schedule", local}}
	s.str("name", scheduleName(r))
	s.str("description", clipText(about, 512))
	s.str("schedule_expression", rate)
	s.Nest("flexible_time_window", "").str("mode", "OFF")
	t := s.Nest("target", "")
	t.str("arn", StartQueryExecutionARN)
	t.AddVar("role_arn", "scheduler_role_arn")
	t.AddExpr("input", inputExpr(local), cty.StringVal(inputJSON(sql)))
	s.AddMeta("depends_on", "[aws_athena_workgroup.ruleport]")
	return []*Block{table, wg, q, s}
}

// tableParameters is the table's parameters map as HCL source and as the
// value it evaluates to: EXTERNAL and the partition projection properties
// of athena.TableDDL. The storage location template's ${timestamp} is
// Athena's, not Terraform's, so the source escapes it as $${timestamp}.
func tableParameters() (string, cty.Value) {
	var b strings.Builder
	vals := map[string]cty.Value{}
	b.WriteString("{\n")
	add := func(k, src string, v string) {
		fmt.Fprintf(&b, "%s = %s\n", templates.HCLString(k), src)
		vals[k] = cty.StringVal(v)
	}
	add("EXTERNAL", templates.HCLString("TRUE"), "TRUE")
	for _, p := range athena.Projection {
		add(p[0], templates.HCLString(p[1]), p[1])
	}
	add("storage.location.template",
		`"s3://${var.bucket}/AWSLogs/${var.account}/CloudTrail/${var.region}/$${`+athena.PartitionColumn+`}"`,
		athena.Location("var.bucket", "var.account", "var.region")+"/${"+athena.PartitionColumn+"}")
	b.WriteString("}")
	return b.String(), cty.MapVal(vals)
}

// inputExpr is the schedule's input: StartQueryExecution's request
// (Athena API reference: QueryString, QueryExecutionContext.Database,
// WorkGroup, ResultConfiguration.OutputLocation). The query text is the
// named query's, so the two cannot drift apart.
func inputExpr(query string) string {
	return `jsonencode({
  QueryString           = aws_athena_named_query.` + query + `.query
  QueryExecutionContext = { Database = var.database }
  WorkGroup             = var.workgroup
  ResultConfiguration   = { OutputLocation = var.results_location }
})`
}

// inputJSON is what inputExpr evaluates to in EvalContext: jsonencode
// writes object keys sorted and escapes <, > and & as \u003c and so on,
// as Go's encoding/json does.
func inputJSON(sql string) string {
	data, err := json.Marshal(map[string]any{
		"QueryString":           sql,
		"QueryExecutionContext": map[string]string{"Database": "var.database"},
		"WorkGroup":             "var.workgroup",
		"ResultConfiguration":   map[string]string{"OutputLocation": "var.results_location"},
	})
	if err != nil {
		panic(err) // strings and maps of strings always marshal
	}
	return string(data)
}
