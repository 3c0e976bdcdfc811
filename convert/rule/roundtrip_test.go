package rule

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"gopkg.in/yaml.v3"
)

// ruleCmp compares rules by what they say: not where they were read
// from, and YAML subtrees (tags, metadata) by their YAML text.
var ruleCmp = cmp.Options{
	cmpopts.IgnoreUnexported(Rule{}),
	cmpopts.EquateEmpty(), // an empty list reads back as no list
	cmpopts.IgnoreFields(Rule{}, "File", "Format"),
	cmp.Transformer("yamlText", func(n *yaml.Node) string {
		if n == nil {
			return ""
		}
		out, err := yaml.Marshal(n)
		if err != nil {
			return "unencodable: " + err.Error()
		}
		return string(out)
	}),
}

// cmpIgnoreURI ignores OriginalUri, which the YAML form has no field for.
var cmpIgnoreURI = cmpopts.IgnoreFields(Rule{}, "OriginalURI")

// yamlOnly blanks the fields ARM alertRules properties cannot carry
// (TARGETS.md §1: requiredDataConnectors, metadata, tags, status), and
// OriginalUri, which the YAML form has no field for.
// The ARM states the defaults a YAML rule leaves out (enabled,
// suppression off for an hour), so those compare by effect. ARM keeps
// techniques as parents plus sub-techniques, so a parent listed beside
// its own sub-technique (T1110 with T1110.003, in one corpus rule) comes
// back as the sub-technique alone.
func yamlOnly(r Rule) Rule {
	r.Status, r.RequiredDataConnectors, r.Tags, r.Metadata = "", nil, nil, nil
	r.OriginalURI = ""
	r.Techniques = mergeTechniques(r.ParentTechniques(), r.SubTechniques())
	enabled, suppressed := r.IsEnabled(), r.IsSuppressionEnabled()
	r.Enabled, r.SuppressionEnabled, r.SuppressionDuration = &enabled, &suppressed, r.Suppression()
	return r
}

func load1(t *testing.T, name string, data []byte) *Rule {
	t.Helper()
	rules, diags := Load(name, data)
	if diags.HasErrors() || len(rules) != 1 {
		t.Fatalf("reloading %s: %d rules, %v\n%s", name, len(rules), diags, data)
	}
	return rules[0]
}

// TestRoundTripCorpus runs every corpus rule that loads through
// YAML -> ARM -> YAML -> ARM: the second ARM and YAML equal the first byte
// for byte, WriteYAML keeps every field, and the ARM keeps every field
// ARM can carry.
func TestRoundTripCorpus(t *testing.T) {
	n := 0
	for _, f := range corpusFiles(t) {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		rules, diags := Load(filepath.Base(f), data)
		if diags.HasErrors() {
			continue // TestCorpus pins these files' errors
		}
		for _, r1 := range rules {
			n++
			t.Run(filepath.Base(f), func(t *testing.T) { roundTrip(t, r1) })
		}
	}
	t.Logf("%d corpus rules round-tripped", n)
}

func roundTrip(t *testing.T, r1 *Rule) {
	y1, err := WriteYAML(r1)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(*r1, *load1(t, "y1.yaml", y1), ruleCmp, cmpIgnoreURI); diff != "" {
		t.Errorf("WriteYAML lost something (-rule +reloaded):\n%s", diff)
	}

	a1, err := WriteARM([]*Rule{r1}, ARMOptions{})
	if err != nil {
		t.Fatal(err)
	}
	r2 := load1(t, "a1.json", a1)
	if diff := cmp.Diff(yamlOnly(*r1), yamlOnly(*r2), ruleCmp); diff != "" {
		t.Errorf("the ARM lost something it can carry (-rule +from ARM):\n%s", diff)
	}
	y2, err := WriteYAML(r2)
	if err != nil {
		t.Fatal(err)
	}
	a2, err := WriteARM([]*Rule{load1(t, "y2.yaml", y2)}, ARMOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a1, a2) {
		t.Errorf("ARM -> YAML -> ARM changed the ARM:\n%s", cmp.Diff(string(a1), string(a2)))
	}
	y3, err := WriteYAML(load1(t, "a2.json", a2))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(y2, y3) {
		t.Errorf("YAML -> ARM -> YAML changed the YAML:\n%s", cmp.Diff(string(y2), string(y3)))
	}
}

// TestRoundTripEveryField: a rule using every field, ARM-only ones
// included, survives YAML -> ARM -> YAML -> ARM.
func TestRoundTripEveryField(t *testing.T) {
	r1 := load1(t, "every.yaml", []byte(everyFieldYAML))
	if diff := cmp.Diff(everyFieldPaths, r1.Paths()); diff != "" {
		t.Errorf("fields read (-want +got):\n%s", diff)
	}
	roundTrip(t, r1)
}

// everyFieldYAML sets every field of the model, with values that differ
// from every default, so a field the writers drop shows up.
const everyFieldYAML = `id: 9e457dc4-81f0-4d25-bc37-a5fa4a17946a
name: Every field
description: |
  Two lines
  of description.
severity: High
status: Available
requiredDataConnectors:
  - connectorId: AWS
    dataTypes:
      - AWSCloudTrail
queryFrequency: 1h
queryPeriod: 2h
triggerOperator: ne
triggerThreshold: 3
tactics:
  - Impact
relevantTechniques:
  - T1078.004
  - T1496
tags:
  - Schema: X
    SchemaVersion: 0.1.1
query: |
  AWSCloudTrail
  | extend Sev = "High", Tac = "Impact", Link = "x", A = 1
entityMappings:
  - entityType: IP
    fieldMappings:
      - identifier: Address
        columnName: A
sentinelEntitiesMappings:
  - columnName: A
customDetails:
  Zed: A
  Alpha: A
alertDetailsOverride:
  alertDisplayNameFormat: "{{A}} happened"
  alertDescriptionFormat: "See {{Link}}"
  alertTacticsColumnName: Tac
  alertSeverityColumnName: Sev
  alertDynamicProperties:
    - alertProperty: AlertLink
      value: Link
eventGroupingSettings:
  aggregationKind: AlertPerResult
incidentConfiguration:
  createIncident: true
  groupingConfiguration:
    enabled: true
    reopenClosedIncident: true
    lookbackDuration: PT6H
    matchingMethod: Selected
    groupByEntities:
      - IP
    groupByAlertDetails:
      - DisplayName
    groupByCustomDetails:
      - Zed
enabled: false
suppressionEnabled: true
suppressionDuration: 5h
metadata:
  source:
    kind: Community
version: 1.2.3
kind: Scheduled
`

var everyFieldPaths = []string{
	"alertDetailsOverride", "alertDetailsOverride.alertDescriptionFormat", "alertDetailsOverride.alertDisplayNameFormat",
	"alertDetailsOverride.alertDynamicProperties", "alertDetailsOverride.alertDynamicProperties[0]",
	"alertDetailsOverride.alertDynamicProperties[0].alertProperty", "alertDetailsOverride.alertDynamicProperties[0].value",
	"alertDetailsOverride.alertSeverityColumnName", "alertDetailsOverride.alertTacticsColumnName",
	"customDetails", "customDetails.Alpha", "customDetails.Zed", "description", "enabled",
	"entityMappings", "entityMappings[0]", "entityMappings[0].entityType", "entityMappings[0].fieldMappings",
	"entityMappings[0].fieldMappings[0]", "entityMappings[0].fieldMappings[0].columnName", "entityMappings[0].fieldMappings[0].identifier",
	"eventGroupingSettings", "eventGroupingSettings.aggregationKind", "id",
	"incidentConfiguration", "incidentConfiguration.createIncident", "incidentConfiguration.groupingConfiguration",
	"incidentConfiguration.groupingConfiguration.enabled", "incidentConfiguration.groupingConfiguration.groupByAlertDetails",
	"incidentConfiguration.groupingConfiguration.groupByAlertDetails[0]", "incidentConfiguration.groupingConfiguration.groupByCustomDetails",
	"incidentConfiguration.groupingConfiguration.groupByCustomDetails[0]", "incidentConfiguration.groupingConfiguration.groupByEntities",
	"incidentConfiguration.groupingConfiguration.groupByEntities[0]", "incidentConfiguration.groupingConfiguration.lookbackDuration",
	"incidentConfiguration.groupingConfiguration.matchingMethod", "incidentConfiguration.groupingConfiguration.reopenClosedIncident",
	"kind", "metadata", "name", "query", "queryFrequency", "queryPeriod", "relevantTechniques", "relevantTechniques[0]",
	"relevantTechniques[1]", "requiredDataConnectors", "requiredDataConnectors[0]", "requiredDataConnectors[0].connectorId",
	"requiredDataConnectors[0].dataTypes", "requiredDataConnectors[0].dataTypes[0]", "sentinelEntitiesMappings",
	"sentinelEntitiesMappings[0]", "sentinelEntitiesMappings[0].columnName", "severity", "status", "suppressionDuration",
	"suppressionEnabled", "tactics", "tactics[0]", "tags", "triggerOperator", "triggerThreshold", "version",
}

// TestLiteralBlock: headers follow YAML 1.2 §8.1 (chomping "-" for no
// final newline, "+" for several, an indentation indicator when the text
// starts with a space), and yaml.v3 reads every block back to the text.
func TestLiteralBlock(t *testing.T) {
	cases := []struct {
		in, want string
		ok       bool
	}{
		{"a\nb\n", "|\n  a\n  b\n", true},
		{"a\nb", "|-\n  a\n  b\n", true},
		{"a\nb\n\n", "|+\n  a\n  b\n\n", true},
		{"a \non \n", "|\n  a \n  on \n", true}, // trailing spaces, which yaml.v3 will not write as a block
		{" a\nb\n", "|2\n   a\n  b\n", true},
		{"\n\n a\n", "|2\n\n\n   a\n", true},
		{"a\n\n  b\n", "|\n  a\n\n    b\n", true},
		{"\tx\ny\n", "|2\n  \tx\n  y\n", true},
		{"one line", "", false},
		{"\n\n", "", false},
		{"bell\x07\n", "", false},
		{"cr\r\n", "", false},
	}
	for _, c := range cases {
		got, ok := literalBlock(c.in, 2)
		if got != c.want || ok != c.ok {
			t.Errorf("literalBlock(%q) = %q, %v; want %q, %v", c.in, got, ok, c.want, c.ok)
			continue
		}
		if !ok {
			continue
		}
		var back struct{ Q string }
		if err := yaml.Unmarshal([]byte("q: "+got), &back); err != nil || back.Q != c.in {
			t.Errorf("yaml.v3 reads %q back as %q (%v), want %q", got, back.Q, err, c.in)
		}
	}
}

// TestWriteYAMLQueryStaysABlock: a query with trailing spaces on a line
// (corpus/other/NRT_PIMElevationRequestRejected.yaml has "on ") is still
// written as a literal block.
func TestWriteYAMLQueryStaysABlock(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(sharedDir, "corpus/other/NRT_PIMElevationRequestRejected.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	r := load1(t, "pim.yaml", data)
	out, err := WriteYAML(r)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(out, []byte("query: |\n  AuditLogs\n  | where ActivityDisplayName =~ 'Add member to role request denied (PIM activation)'\n  | mv-apply ResourceItem = TargetResources on \n")) {
		t.Errorf("the query is not a literal block:\n%s", out)
	}
}
