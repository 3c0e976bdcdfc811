package terraform

import (
	"fmt"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"
	"github.com/zclconf/go-cty/cty"
)

// validNRT is an azurerm_sentinel_alert_rule_nrt resource the cases edit;
// it has every required argument and block (event_grouping is required
// for NRT in azurerm 4.x).
const validNRT = `variable "ws" {
  type = string
}

resource "azurerm_sentinel_alert_rule_nrt" "r" {
  name                       = "9e457dc4-81f0-4d25-bc37-a5fa4a17946a"
  log_analytics_workspace_id = var.ws
  display_name               = "x"
  severity                   = "High"
  query                      = "T"
  tactics                    = ["Impact"]
%s
  event_grouping {
    aggregation_method = "SingleAlert"
  }
}
`

func TestCheckSchema(t *testing.T) {
	cases := []struct{ name, extra, want string }{
		{"valid", "", ""},
		{"unknown argument", `  query_frequency = "PT1H"`,
			`t.tf:12,3-18: azurerm_sentinel_alert_rule_nrt.r: query_frequency: unknown argument "query_frequency"`},
		{"wrong type", `  enabled = "yes"`,
			`t.tf:12,13-18: azurerm_sentinel_alert_rule_nrt.r: enabled: wrong type: want bool, found string`},
		{"enum in a set", `  techniques = ["T1"]` + "\n" + `  custom_details = { a = "b" }` + "\n" + `  alert_rule_template_guid = "x"`, ""},
		{"block as argument", `  incident = {}`,
			`t.tf:12,3-11: azurerm_sentinel_alert_rule_nrt.r: incident: incident is a block, not an argument: write incident { ... }`},
		{"unknown block", "  bogus {\n  }",
			`t.tf:12,3-8: azurerm_sentinel_alert_rule_nrt.r: bogus[0]: unknown block type "bogus"`},
		{"too many field mappings", "  entity_mapping {\n    entity_type = \"IP\"\n" + fieldMappings(4) + "  }",
			// The body of entity_mapping: its "{" at 12:18 to its "}" on line 30.
			`t.tf:12,18-30,4: azurerm_sentinel_alert_rule_nrt.r: entity_mapping[0].field_mapping: 4 field_mapping blocks; at most 3 allowed`},
		{"no field mapping", "  entity_mapping {\n    entity_type = \"IP\"\n  }",
			`t.tf:12,18-14,4: azurerm_sentinel_alert_rule_nrt.r: entity_mapping[0].field_mapping: 0 field_mapping blocks; at least 1 required`},
		{"bad enum value", "  entity_mapping {\n    entity_type = \"Ip\"\n" + fieldMappings(1) + "  }",
			`t.tf:13,19-23: azurerm_sentinel_alert_rule_nrt.r: entity_mapping[0].entity_type: value "Ip" is not one of Account, AzureResource, CloudApplication, DNS, File, FileHash, Host, IP, Mailbox, MailCluster, MailMessage, Malware, Process, RegistryKey, RegistryValue, SecurityGroup, SubmissionMail, URL`},
		{"missing nested required", "  incident {\n    create_incident_enabled = true\n  }",
			`t.tf:12,12-14,4: azurerm_sentinel_alert_rule_nrt.r: incident[0].grouping: 0 grouping blocks; at least 1 required`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			src := fmt.Sprintf(validNRT, c.extra)
			findings, err := CheckSchema("t.tf", []byte(src))
			if err != nil {
				t.Fatal(err)
			}
			got := ""
			for _, f := range findings {
				got += f.String()
			}
			if diff := cmp.Diff(c.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s\n%s", diff, src)
			}
		})
	}
}

func fieldMappings(n int) string {
	s := ""
	for i := 0; i < n; i++ {
		s += "    field_mapping {\n      identifier  = \"Address\"\n      column_name = \"c\"\n    }\n"
	}
	return s
}

// TestCheckSchemaMissing: required arguments and blocks, reported in name
// order so the output is the same on every run.
func TestCheckSchemaMissing(t *testing.T) {
	src := `resource "azurerm_sentinel_alert_rule_nrt" "r" {
  name = "x"
}
resource "azurerm_other" "o" {
}
`
	got := findingLines(t, src)
	want := []string{
		`azurerm_sentinel_alert_rule_nrt.r: display_name: missing required argument "display_name"`,
		`azurerm_sentinel_alert_rule_nrt.r: log_analytics_workspace_id: missing required argument "log_analytics_workspace_id"`,
		`azurerm_sentinel_alert_rule_nrt.r: query: missing required argument "query"`,
		`azurerm_sentinel_alert_rule_nrt.r: severity: missing required argument "severity"`,
		`azurerm_sentinel_alert_rule_nrt.r: event_grouping: 0 event_grouping blocks; at least 1 required`,
		`azurerm_other.o: : no schema for resource type azurerm_other`,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// TestVerifyFindsDifferences: Verify reports a file that does not hold
// the blocks it should, naming the place.
func TestVerifyFindsDifferences(t *testing.T) {
	want := &Block{Type: "resource", Labels: []string{"a", "b"}}
	want.Add("query", cty.StringVal("T\n| take 10\n"), "")
	want.Nest("inner", "").Add("n", cty.NumberIntVal(1), "")
	cases := []struct{ name, src, err string }{
		{"equal", "resource \"a\" \"b\" {\n  query = <<Q\nT\n| take 10\nQ\n  inner {\n    n = 1\n  }\n}\n", ""},
		{"string differs", "resource \"a\" \"b\" {\n  query = <<Q\nT\n| take 1\nQ\n  inner {\n    n = 1\n  }\n}\n",
			// "T\n| take 1" is 10 bytes; byte 10 is where "0" is missing.
			`t.tf: resource.a.b.query: string differs at byte 10: got "\n", want "0\n"`},
		{"number differs", "resource \"a\" \"b\" {\n  query = \"T\\n| take 10\\n\"\n  inner {\n    n = 2\n  }\n}\n",
			`t.tf: resource.a.b.inner[0].n: evaluates to cty.NumberIntVal(2), want cty.NumberIntVal(1)`},
		{"missing block", "resource \"a\" \"c\" {\n}\n", `t.tf: block resource.a.b is missing`},
		{"extra attribute", "resource \"a\" \"b\" {\n  query = \"T\\n| take 10\\n\"\n  x = 1\n  inner {\n    n = 1\n  }\n}\n",
			`t.tf: resource.a.b: 2 attributes, want 1`},
		{"syntax error", "resource \"a\" \"b\" {\n", `generated file does not parse: t.tf:1,18-19: Unclosed configuration block; There is no closing brace for this block before the end of the file. This may be caused by incorrect brace nesting elsewhere in this file.`},
	}
	for _, c := range cases {
		got := errString(Verify("t.tf", []byte(c.src), []*Block{want}))
		if diff := cmp.Diff(c.err, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", c.name, diff)
		}
	}
}

// TestLoadSchemasRefusesTwoDefinitions: a resource type defined in two
// schema files is an error naming both, not a silent replacement.
func TestLoadSchemasRefusesTwoDefinitions(t *testing.T) {
	const x = `{"resource_schemas": {"x": {"block": {"attributes": {"a": {"type": "string", "optional": true}}}}}}`
	const y = `{"resource_schemas": {"y": {"block": {}}}}`
	tests := []struct {
		name  string
		files fstest.MapFS
		want  string // the error; "" for none
	}{
		{"apart", fstest.MapFS{"schemas/a.json": {Data: []byte(x)}, "schemas/b.json": {Data: []byte(y)}}, ""},
		// fs.ReadDir lists a.json before b.json, so b.json is the second.
		{"twice", fstest.MapFS{"schemas/a.json": {Data: []byte(x)}, "schemas/b.json": {Data: []byte(x)}},
			"schemas/b.json: resource type x is already defined in schemas/a.json"},
		{"bad type", fstest.MapFS{"schemas/a.json": {Data: []byte(strings.Replace(x, `"string"`, `"text"`, 1))}},
			`schemas/a.json: x: a: invalid primitive type name "text"`},
	}
	for _, tt := range tests {
		_, err := loadSchemas(tt.files)
		got := errString(err)
		if d := cmp.Diff(tt.want, got); d != "" {
			t.Errorf("%s (-want +got):\n%s", tt.name, d)
		}
	}
}

// TestEmbeddedSchemas: the embedded files load, each resource type from
// the one file of its provider, and every type a target emits has a
// schema (the resources of sentinel.go, athena.go and cloudwatch.go).
func TestEmbeddedSchemas(t *testing.T) {
	got, err := loadSchemas(schemaFiles)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"aws_athena_named_query", "aws_athena_workgroup", "aws_cloudwatch_query_definition",
		"aws_glue_catalog_table", "aws_scheduler_schedule", "awscc_logs_scheduled_query",
		"azurerm_sentinel_alert_rule_nrt", "azurerm_sentinel_alert_rule_scheduled",
	}
	if d := cmp.Diff(want, sortedKeys(got)); d != "" {
		t.Errorf("resource types (-want +got):\n%s", d)
	}
}
