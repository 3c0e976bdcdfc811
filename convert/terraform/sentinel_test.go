package terraform

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestSentinelSeed: the seed's resource, every value worked out from the
// seed YAML and TARGETS.md §1 (1d is "P1D", gt is "GreaterThan", the
// suppression defaults of the seed ARM), and the query byte for byte.
func TestSentinelSeed(t *testing.T) {
	r := seed(t)
	got := evalFile(t, sentinelFile(t, r), nil)
	fm := func(id, col string) any { return map[string]any{"identifier": id, "column_name": col} }
	want := map[string]any{
		"terraform": map[string]any{"required_providers": []any{map[string]any{
			"azurerm": map[string]any{"source": "hashicorp/azurerm", "version": ">= 3.109"},
		}}},
		"variable.log_analytics_workspace_id": map[string]any{
			"description": "Resource id of the Log Analytics workspace Microsoft Sentinel is enabled on.",
			"type":        "(string)",
		},
		"resource.azurerm_sentinel_alert_rule_scheduled.suspicious_aws_ec2_compute_resource_deployments": map[string]any{
			"name":                        "9e457dc4-81f0-4d25-bc37-a5fa4a17946a",
			"log_analytics_workspace_id":  "var.log_analytics_workspace_id",
			"display_name":                "Suspicious AWS EC2 Compute Resource Deployments",
			"description":                 r.Description, // checked against the file's text below
			"severity":                    "Medium",
			"enabled":                     true,
			"query":                       r.Query,
			"query_frequency":             "P1D",
			"query_period":                "P1D",
			"trigger_operator":            "GreaterThan",
			"trigger_threshold":           int64(0),
			"suppression_enabled":         false,
			"suppression_duration":        "PT1H",
			"tactics":                     []any{"Impact"},
			"techniques":                  []any{"T1496"},
			"alert_rule_template_guid":    "9e457dc4-81f0-4d25-bc37-a5fa4a17946a",
			"alert_rule_template_version": "1.0.1",
			"custom_details":              map[string]any{"UserAgent": "UserAgent", "AWSUser": "UserIdentityArn", "SourceIpAddress": "SourceIpAddress"},
			"entity_mapping": []any{
				map[string]any{"entity_type": "Account", "field_mapping": []any{
					fm("Name", "AccountName"), fm("UPNSuffix", "AccountUPNSuffix"), fm("CloudAppAccountId", "RecipientAccountId")}},
				map[string]any{"entity_type": "IP", "field_mapping": []any{fm("Address", "SourceIpAddress")}},
			},
		},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	// The seed's text itself, so a reading error cannot hide in r.Query
	// or r.Description.
	if !strings.HasPrefix(r.Description, "'This detection focused on Suspicious deployment") ||
		!strings.HasSuffix(r.Description, "cryptocurrency mining activities.\n") {
		t.Errorf("the seed description read from the file is not what the file holds: %q", r.Description)
	}
	if !strings.HasPrefix(r.Query, "// Retrieve AWS CloudTrail events generated within the last day\nAWSCloudTrail\n") ||
		!strings.HasSuffix(r.Query, "| where datetime_diff('hour', end, Start) < 8\n") {
		t.Errorf("the seed query read from the file is not what the file holds: %q...", r.Query[:80])
	}
}

const nrtRule = `id: 5db427b2-f406-4274-b413-e9fcb29412f8
name: NRT rule
description: x
severity: High
tactics:
  - Persistence
relevantTechniques:
  - T1078.004
  - T1078.001
  - T1496
query: |
  AuditLogs
  | where x == "${y}" and z == "%{w}"
kind: NRT
incidentConfiguration:
  createIncident: false
version: 1.0.0
`

// TestSentinelNRT: the NRT resource has no schedule arguments, gets the
// service's SingleAlert event grouping that azurerm 4.x requires,
// techniques lose their sub-technique suffix (T1078.004, T1078.001 ->
// T1078), and incident without groupingConfiguration says grouping off.
func TestSentinelNRT(t *testing.T) {
	r := loadRule(t, "nrt.yaml", []byte(nrtRule))
	src := sentinelFile(t, r)
	got := evalFile(t, src, nil)["resource.azurerm_sentinel_alert_rule_nrt.nrt_rule"]
	want := map[string]any{
		"name":                        "5db427b2-f406-4274-b413-e9fcb29412f8",
		"log_analytics_workspace_id":  "var.log_analytics_workspace_id",
		"display_name":                "NRT rule",
		"description":                 "x",
		"severity":                    "High",
		"enabled":                     true,
		"query":                       "AuditLogs\n| where x == \"${y}\" and z == \"%{w}\"\n",
		"suppression_enabled":         false,
		"suppression_duration":        "PT1H",
		"tactics":                     []any{"Persistence"},
		"techniques":                  []any{"T1078", "T1496"},
		"alert_rule_template_guid":    "5db427b2-f406-4274-b413-e9fcb29412f8",
		"alert_rule_template_version": "1.0.0",
		"event_grouping":              []any{map[string]any{"aggregation_method": "SingleAlert"}},
		"incident": []any{map[string]any{
			"create_incident_enabled": false,
			"grouping":                []any{map[string]any{"enabled": false}},
		}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if !strings.Contains(src, `| where x == "$${y}" and z == "%%{w}"`) {
		t.Errorf("template sequences in the query are not escaped in the heredoc:\n%s", src)
	}
}

// TestSentinelManyMappings: more than 5 entity mappings need azurerm 4.19.
func TestSentinelManyMappings(t *testing.T) {
	r := seed(t)
	for len(r.EntityMappings) < 6 {
		r.EntityMappings = append(r.EntityMappings, r.EntityMappings[1])
	}
	got := evalFile(t, sentinelFile(t, r), nil)["terraform"]
	want := map[string]any{"required_providers": []any{map[string]any{
		"azurerm": map[string]any{"source": "hashicorp/azurerm", "version": ">= 4.19"},
	}}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// TestSentinelIncidentAndOverride covers the incident grouping and the
// alert details override blocks, from the ARM names to azurerm's.
func TestSentinelIncidentAndOverride(t *testing.T) {
	src := strings.Replace(nrtRule, "incidentConfiguration:\n  createIncident: false\n", `customDetails:
  Acct: A
alertDetailsOverride:
  alertDisplayNameFormat: "{{A}} x"
  alertSeverityColumnName: S
  alertDynamicProperties:
    - alertProperty: ProductName
      value: P
eventGroupingSettings:
  aggregationKind: AlertPerResult
incidentConfiguration:
  createIncident: true
  groupingConfiguration:
    enabled: true
    reopenClosedIncident: true
    lookbackDuration: PT6H
    matchingMethod: Selected
    groupByEntities: [IP]
    groupByAlertDetails: [Severity]
    groupByCustomDetails: [Acct]
`, 1)
	r := loadRule(t, "r.yaml", []byte(src))
	got := evalFile(t, sentinelFile(t, r), nil)["resource.azurerm_sentinel_alert_rule_nrt.nrt_rule"].(map[string]any)
	want := map[string]any{
		"custom_details": map[string]any{"Acct": "A"},
		"alert_details_override": []any{map[string]any{
			"display_name_format":  "{{A}} x",
			"severity_column_name": "S",
			"dynamic_property":     []any{map[string]any{"name": "ProductName", "value": "P"}},
		}},
		"event_grouping": []any{map[string]any{"aggregation_method": "AlertPerResult"}},
		"incident": []any{map[string]any{
			"create_incident_enabled": true,
			"grouping": []any{map[string]any{
				"enabled": true, "reopen_closed_incidents": true, "lookback_duration": "PT6H",
				"entity_matching_method": "Selected", "by_entities": []any{"IP"},
				"by_alert_details": []any{"Severity"}, "by_custom_details": []any{"Acct"},
			}},
		}},
	}
	for k, w := range want {
		if diff := cmp.Diff(w, got[k]); diff != "" {
			t.Errorf("%s (-want +got):\n%s", k, diff)
		}
	}
}

// TestSentinelSchemaFindingPosition: SubTechniques is an alert property
// of the API that azurerm's dynamic_property does not accept; the schema
// finding points at the rule's alertProperty: line 17 of the edited rule,
// after "    - alertProperty: " (21 bytes).
func TestSentinelSchemaFindingPosition(t *testing.T) {
	src := strings.Replace(nrtRule, "kind: NRT\n", `kind: NRT
alertDetailsOverride:
  alertDynamicProperties:
    - alertProperty: SubTechniques
      value: P
`, 1)
	r := loadRule(t, "r.yaml", []byte(src))
	files, diags := Sentinel(r)
	want := []string{`r.yaml:17:22: sentinel-tf: azurerm_sentinel_alert_rule_nrt alert_details_override[0].dynamic_property[0].name: value "SubTechniques" is not one of AlertLink, ConfidenceLevel, ConfidenceScore, ExtendedLinks, ProductComponentName, ProductName, ProviderName, RemediationSteps, Techniques`}
	var got []string
	for _, d := range diags {
		got = append(got, d.Error())
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if files != nil {
		t.Errorf("Sentinel returned files despite a schema error")
	}
}

// TestSentinelQueryWithoutFinalNewline: an ARM query need not end in a
// newline; the heredoc goes through chomp() and evaluates exactly.
func TestSentinelQueryWithoutFinalNewline(t *testing.T) {
	arm := `{"resources": [{"type": "Microsoft.SecurityInsights/alertRules", "kind": "NRT",
 "name": "9e457dc4-81f0-4d25-bc37-a5fa4a17946a",
 "properties": {"displayName": "d", "severity": "Low", "enabled": true, "suppressionEnabled": false,
   "suppressionDuration": "PT1H", "query": "T\n| take 1"}}]}`
	r := loadRule(t, "r.json", []byte(arm))
	got := evalFile(t, sentinelFile(t, r), nil)["resource.azurerm_sentinel_alert_rule_nrt.d"].(map[string]any)["query"]
	if got != "T\n| take 1" {
		t.Errorf("query = %q, want %q", got, "T\n| take 1")
	}
}

// TestSentinelCorpus: every valid corpus rule gives Terraform that
// evaluates back to the rule's query byte for byte and passes
// terraform fmt -check.
func TestSentinelCorpus(t *testing.T) {
	srcs := map[string]string{}
	for _, c := range corpusRules(t) {
		src := sentinelFile(t, c.r)
		for key, res := range evalFile(t, src, nil) {
			if strings.HasPrefix(key, "resource.") && res.(map[string]any)["query"] != c.r.Query {
				t.Errorf("%s: the query does not evaluate back to the rule's", c.name)
			}
		}
		srcs[c.name] = src
	}
	t.Logf("%d corpus rules generated", len(srcs))
	terraformFmtCheck(t, srcs)
}

func TestLocalName(t *testing.T) {
	cases := []struct{ in, want string }{
		{"Suspicious AWS EC2 Compute Resource Deployments", "suspicious_aws_ec2_compute_resource_deployments"},
		{"NRT Login to AWS Management Console without MFA", "nrt_login_to_aws_management_console_without_mfa"},
		{"  (Preview) 100% sure!  ", "preview_100_sure"},
		{"2FA disabled", "rule_2fa_disabled"},
		{"日本", "rule"},
		{"", "rule"},
	}
	for _, c := range cases {
		if got := LocalName(c.in); got != c.want {
			t.Errorf("LocalName(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
