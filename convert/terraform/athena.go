package terraform

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/hashicorp/hcl/v2/hclwrite"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
	"github.com/zclconf/go-cty/cty/function/stdlib"

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
var athenaVariables = []awsVariable{
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

// awsVariable is one input variable; Default is HCL source, "" for none.
type awsVariable struct {
	Name, Description, Type, Default string
}

// awsAttr is one attribute of a generated block. Value is what it must
// evaluate to in the verification context (verifyContext); Expr, when set,
// is the HCL expression written instead of Value's literal (references,
// templates, jsonencode). Meta attributes (count, depends_on) are checked
// by their text only.
type awsAttr struct {
	Name  string
	Value cty.Value
	Expr  string
	Meta  bool
}

// awsBlock is one generated block.
type awsBlock struct {
	Type   string
	Labels []string
	Attrs  []awsAttr
	Blocks []*awsBlock
}

func (b *awsBlock) val(name string, v cty.Value) {
	b.Attrs = append(b.Attrs, awsAttr{Name: name, Value: v})
}
func (b *awsBlock) str(name, s string) { b.val(name, cty.StringVal(s)) }
func (b *awsBlock) expr(name, src string, v cty.Value) {
	b.Attrs = append(b.Attrs, awsAttr{Name: name, Expr: src, Value: v})
}
func (b *awsBlock) meta(name, src string) {
	b.Attrs = append(b.Attrs, awsAttr{Name: name, Expr: src, Meta: true})
}
func (b *awsBlock) ref(name, variable string) {
	b.expr(name, "var."+variable, cty.StringVal("var."+variable))
}
func (b *awsBlock) nest(typ string) *awsBlock {
	n := &awsBlock{Type: typ}
	b.Blocks = append(b.Blocks, n)
	return n
}

// Athena returns the athena-tf Terraform for r, whose `--target athena`
// SQL is sql. A rule without a queryFrequency (NRT) has no schedule to
// give and is reported as unsupported.
func Athena(r *rule.Rule, sql string) ([]convert.File, convert.Diagnostics) {
	rate, err := RateExpression(r.QueryFrequency)
	if err != nil {
		pos := r.FieldPos("queryFrequency")
		if !pos.IsValid() {
			pos = r.Start()
		}
		return nil, convert.Diagnostics{convert.Unsupportedf(r.File, pos, "athena-tf: %v", err)}
	}
	blocks := athenaBlocks(r, sql, rate)
	src, err := renderAWS(blocks)
	if err != nil {
		return nil, convert.Diagnostics{internal(r, "rendering Terraform: %v", err)}
	}
	if err := verifyAWS(AthenaFile, src, blocks, sql); err != nil {
		return nil, convert.Diagnostics{internal(r, "generated Terraform does not evaluate back to its values: %v", err)}
	}
	findings, err := checkAWSSchema(AthenaFile, src)
	if err != nil {
		return nil, convert.Diagnostics{internal(r, "generated Terraform does not parse: %v", err)}
	}
	var diags convert.Diagnostics
	for _, f := range findings {
		diags.Add(convert.Errorf(r.File, r.Start(), "athena-tf: %s %s: %s", f.Resource, f.Path, f.Msg))
	}
	if diags.HasErrors() {
		return nil, diags
	}
	return []convert.File{{Name: AthenaFile, Data: src}}, nil
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

func clipText(s string, max int) string {
	if len(s) <= max {
		return s
	}
	cut := max - 3
	for cut > 0 && s[cut]&0xc0 == 0x80 { // do not split a UTF-8 sequence
		cut--
	}
	return s[:cut] + "..."
}

// athenaBlocks builds the four resources.
func athenaBlocks(r *rule.Rule, sql, rate string) []*awsBlock {
	local := LocalName(r.Name)
	about := fmt.Sprintf("ruleport: Microsoft Sentinel rule %q (%s) as Athena SQL", r.Name, r.ID)

	table := &awsBlock{Type: "resource", Labels: []string{"aws_glue_catalog_table", athena.DefaultTable}}
	table.meta("count", "var.create_table ? 1 : 0")
	table.str("name", athena.DefaultTable)
	table.ref("database_name", "database")
	table.str("table_type", "EXTERNAL_TABLE")
	params, paramsVal := tableParameters()
	table.expr("parameters", params, paramsVal)
	pk := table.nest("partition_keys")
	pk.str("name", athena.PartitionColumn)
	pk.str("type", "string")
	sd := table.nest("storage_descriptor")
	sd.expr("location", `"s3://${var.bucket}/AWSLogs/${var.account}/CloudTrail/${var.region}"`,
		cty.StringVal(athena.Location("var.bucket", "var.account", "var.region")))
	sd.str("input_format", athena.InputFormat)
	sd.str("output_format", athena.OutputFormat)
	sd.nest("ser_de_info").str("serialization_library", athena.SerDe)
	for _, c := range athena.Columns {
		col := sd.nest("columns")
		col.str("name", c.Name)
		col.str("type", c.Type)
	}

	wg := &awsBlock{Type: "resource", Labels: []string{"aws_athena_workgroup", "ruleport"}}
	wg.meta("count", "var.create_workgroup ? 1 : 0")
	wg.ref("name", "workgroup")
	conf := wg.nest("configuration")
	conf.nest("engine_version").str("selected_engine_version", "Athena engine version 3")
	conf.nest("result_configuration").ref("output_location", "results_location")

	q := &awsBlock{Type: "resource", Labels: []string{"aws_athena_named_query", local}}
	q.str("name", clipText(r.Name, 128))
	q.str("description", clipText(about, 1024))
	q.ref("database", "database")
	q.ref("workgroup", "workgroup")
	q.str("query", sql)
	q.meta("depends_on", "[aws_athena_workgroup.ruleport]")

	s := &awsBlock{Type: "resource", Labels: []string{"aws_scheduler_schedule", local}}
	s.str("name", scheduleName(r))
	s.str("description", clipText(about, 512))
	s.str("schedule_expression", rate)
	s.nest("flexible_time_window").str("mode", "OFF")
	t := s.nest("target")
	t.str("arn", StartQueryExecutionARN)
	t.ref("role_arn", "scheduler_role_arn")
	t.expr("input", inputExpr(local), cty.StringVal(inputJSON(sql)))
	s.meta("depends_on", "[aws_athena_workgroup.ruleport]")
	return []*awsBlock{table, wg, q, s}
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

// inputJSON is what inputExpr evaluates to in verifyContext: jsonencode
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

// renderAWS writes the module: terraform block, variables (with
// defaults), then the blocks, formatted as terraform fmt would.
func renderAWS(blocks []*awsBlock) ([]byte, error) {
	f := hclwrite.NewEmptyFile()
	body := f.Body()
	tf := body.AppendNewBlock("terraform", nil).Body()
	rp := tf.AppendNewBlock("required_providers", nil).Body()
	rp.SetAttributeValue("aws", cty.ObjectVal(map[string]cty.Value{
		"source":  cty.StringVal("hashicorp/aws"),
		"version": cty.StringVal(awsVersion),
	}))
	for _, v := range athenaVariables {
		body.AppendNewline()
		vb := body.AppendNewBlock("variable", []string{v.Name}).Body()
		vb.SetAttributeValue("description", cty.StringVal(v.Description))
		vb.SetAttributeRaw("type", hclwrite.Tokens{{Type: hclsyntax.TokenIdent, Bytes: []byte(v.Type)}})
		if v.Default != "" {
			toks, err := exprTokens(v.Default)
			if err != nil {
				return nil, err
			}
			vb.SetAttributeRaw("default", toks)
		}
	}
	for _, b := range blocks {
		body.AppendNewline()
		if err := writeAWSBlock(body, b); err != nil {
			return nil, err
		}
	}
	return hclwrite.Format(f.Bytes()), nil
}

func writeAWSBlock(parent *hclwrite.Body, b *awsBlock) error {
	out := parent.AppendNewBlock(b.Type, b.Labels).Body()
	for _, a := range b.Attrs {
		switch {
		case a.Expr != "":
			toks, err := exprTokens(a.Expr)
			if err != nil {
				return fmt.Errorf("%s: %w", a.Name, err)
			}
			out.SetAttributeRaw(a.Name, toks)
		case a.Value.Type() == cty.String:
			out.SetAttributeRaw(a.Name, StringTokens(a.Name, a.Value.AsString()))
		default:
			out.SetAttributeValue(a.Name, a.Value)
		}
	}
	for _, n := range b.Blocks {
		if err := writeAWSBlock(out, n); err != nil {
			return err
		}
	}
	return nil
}

// exprTokens parses HCL expression source into tokens.
func exprTokens(src string) (hclwrite.Tokens, error) {
	f, diags := hclwrite.ParseConfig([]byte("x = "+src+"\n"), "expr.tf", hcl.InitialPos)
	if diags.HasErrors() {
		return nil, diags
	}
	return f.Body().GetAttribute("x").Expr().BuildTokens(nil), nil
}

// verifyContext evaluates the module's expressions: every var.<name> is the
// string "var.<name>" (the bool switches are true, so count evaluates),
// the named query's query attribute is the SQL, and jsonencode and chomp
// are Terraform's functions.
func verifyContext(body *hclsyntax.Body, blocks []*awsBlock, sql string) *hcl.EvalContext {
	ctx := EvalContext(body)
	vars := ctx.Variables["var"].AsValueMap()
	for _, v := range athenaVariables {
		if v.Type == "bool" {
			vars[v.Name] = cty.True
		}
	}
	ctx.Variables["var"] = cty.ObjectVal(vars)
	for _, b := range blocks {
		if b.Labels[0] == "aws_athena_named_query" {
			ctx.Variables["aws_athena_named_query"] = cty.ObjectVal(map[string]cty.Value{
				b.Labels[1]: cty.ObjectVal(map[string]cty.Value{"query": cty.StringVal(sql)}),
			})
		}
	}
	ctx.Functions = map[string]function.Function{"chomp": stdlib.ChompFunc, "jsonencode": stdlib.JSONEncodeFunc}
	return ctx
}

// verifyAWS parses src and checks that it holds exactly blocks: same
// attributes, each evaluating to its value (meta attributes: the same
// expression text), same nested blocks in order.
func verifyAWS(name string, src []byte, blocks []*awsBlock, sql string) error {
	body, err := Parse(name, src)
	if err != nil {
		return fmt.Errorf("generated file does not parse: %w", err)
	}
	ctx := verifyContext(body, blocks, sql)
	for _, want := range blocks {
		var got *hclsyntax.Block
		for _, b := range body.Blocks {
			if b.Type == want.Type && strings.Join(b.Labels, ".") == strings.Join(want.Labels, ".") {
				got = b
			}
		}
		p := strings.Join(append([]string{want.Type}, want.Labels...), ".")
		if got == nil {
			return fmt.Errorf("%s is missing", p)
		}
		if err := verifyAWSBlock(ctx, src, got, want, p); err != nil {
			return err
		}
	}
	return nil
}

func verifyAWSBlock(ctx *hcl.EvalContext, src []byte, got *hclsyntax.Block, want *awsBlock, p string) error {
	if len(got.Body.Attributes) != len(want.Attrs) {
		return fmt.Errorf("%s: %d attributes, want %d", p, len(got.Body.Attributes), len(want.Attrs))
	}
	for _, a := range want.Attrs {
		ga, ok := got.Body.Attributes[a.Name]
		if !ok {
			return fmt.Errorf("%s.%s is missing", p, a.Name)
		}
		if a.Meta {
			text := strings.TrimSpace(string(ga.Expr.Range().SliceBytes(src)))
			if text != a.Expr {
				return fmt.Errorf("%s.%s is %q, want %q", p, a.Name, text, a.Expr)
			}
			continue
		}
		v, diags := ga.Expr.Value(ctx)
		if diags.HasErrors() {
			return fmt.Errorf("%s.%s does not evaluate: %s", p, a.Name, diags.Error())
		}
		if err := sameValue(v, a.Value); err != nil {
			return fmt.Errorf("%s.%s: %w", p, a.Name, err)
		}
	}
	if len(got.Body.Blocks) != len(want.Blocks) {
		return fmt.Errorf("%s: %d nested blocks, want %d", p, len(got.Body.Blocks), len(want.Blocks))
	}
	for i, w := range want.Blocks {
		g := got.Body.Blocks[i]
		np := fmt.Sprintf("%s.%s[%d]", p, w.Type, i)
		if g.Type != w.Type {
			return fmt.Errorf("%s: found block %s", np, g.Type)
		}
		if err := verifyAWSBlock(ctx, src, g, w, np); err != nil {
			return err
		}
	}
	return nil
}

// checkAWSSchema is CheckSchema for the athena-tf module, whose
// expressions also refer to other resources (aws_athena_named_query.x.query)
// and call jsonencode: those evaluate to unknown values, which pass the
// type and enum checks as variables do.
func checkAWSSchema(name string, src []byte) ([]Finding, error) {
	body, err := Parse(name, src)
	if err != nil {
		return nil, err
	}
	ctx := EvalContext(body)
	vars := ctx.Variables["var"].AsValueMap()
	for k := range vars {
		vars[k] = cty.DynamicVal
	}
	ctx.Variables["var"] = cty.ObjectVal(vars)
	for typ := range schemas {
		ctx.Variables[typ] = cty.DynamicVal // another resource's attributes: unknown
	}
	ctx.Functions["jsonencode"] = stdlib.JSONEncodeFunc
	var out []Finding
	for _, b := range body.Blocks {
		if b.Type != "resource" || len(b.Labels) != 2 {
			continue
		}
		res := b.Labels[0] + "." + b.Labels[1]
		s, ok := schemas[b.Labels[0]]
		if !ok {
			out = append(out, Finding{res, "", b.TypeRange, fmt.Sprintf("no schema for resource type %s", b.Labels[0])})
			continue
		}
		c := &checker{ctx: ctx, res: res}
		c.body(b.Body, &s.Block, "", true)
		out = append(out, c.out...)
	}
	return out, nil
}
