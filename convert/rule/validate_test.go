package rule

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// validBase is a minimal valid rule; the cases below edit it, and their
// positions count lines and byte columns in the edited text.
const validBase = `id: 9e457dc4-81f0-4d25-bc37-a5fa4a17946a
name: Base rule
description: A rule.
severity: Medium
queryFrequency: 1h
queryPeriod: 1h
triggerOperator: gt
triggerThreshold: 0
tactics:
  - Impact
relevantTechniques:
  - T1496
query: |
  AWSCloudTrail
entityMappings:
  - entityType: IP
    fieldMappings:
      - identifier: Address
        columnName: SourceIpAddress
customDetails:
  UserAgent: UserAgent
version: 1.0.0
kind: Scheduled
`

// edit replaces each old text (which must occur exactly once) with new.
func edit(t *testing.T, base string, pairs ...string) string {
	t.Helper()
	for i := 0; i+1 < len(pairs); i += 2 {
		if n := strings.Count(base, pairs[i]); n != 1 {
			t.Fatalf("%q occurs %d times in the base rule", pairs[i], n)
		}
		base = strings.Replace(base, pairs[i], pairs[i+1], 1)
	}
	return base
}

const ipMapping = "  - entityType: IP\n    fieldMappings:\n      - identifier: Address\n        columnName: SourceIpAddress\n"

func TestValidate(t *testing.T) {
	tactics := strings.Join(Tactics, ", ")
	cases := []struct {
		name  string
		edits []string // old, new pairs
		want  []string
	}{
		{"valid", nil, nil},
		{"full operator name", []string{"triggerOperator: gt", "triggerOperator: GreaterThan"}, nil},
		{"severity", []string{"severity: Medium", "severity: Critical"},
			[]string{`r.yaml:4:11: severity "Critical" is not one of High, Medium, Low, Informational`}},
		{"severity case", []string{"severity: Medium", "severity: medium"},
			[]string{`r.yaml:4:11: severity "medium" is not valid; did you mean "Medium"? (values are case-sensitive)`}},
		{"frequency over period", []string{"queryFrequency: 1h", "queryFrequency: 2h"},
			[]string{`r.yaml:5:17: queryFrequency 2h is longer than queryPeriod 1h, which leaves gaps no run looks at`}},
		{"long period, short frequency", []string{"queryFrequency: 1h", "queryFrequency: 30m", "queryPeriod: 1h", "queryPeriod: 3d"},
			[]string{`r.yaml:5:17: queryFrequency 30m is under an hour while queryPeriod 3d is 2 days or more; Sentinel requires a frequency of at least 1h then`}},
		{"period too long", []string{"queryPeriod: 1h", "queryPeriod: 15d"},
			[]string{`r.yaml:6:14: queryPeriod 15d is outside [5m, 14d]`}},
		{"frequency too short", []string{"queryFrequency: 1h", "queryFrequency: 1m"},
			[]string{`r.yaml:5:17: queryFrequency 1m is outside [5m, 14d]`}},
		{"missing frequency", []string{"queryFrequency: 1h\n", ""},
			[]string{`r.yaml:1:1: missing queryFrequency: a Scheduled rule needs one`}},
		{"operator ge", []string{"triggerOperator: gt", "triggerOperator: ge"},
			[]string{`r.yaml:7:18: triggerOperator "ge" is not an API value (a known converter bug writes it): there is no greater-or-equal operator; use gt with a threshold one lower`}},
		{"operator Equals", []string{"triggerOperator: gt", "triggerOperator: Equals"},
			[]string{`r.yaml:7:18: triggerOperator "Equals" is not an API value (a known converter bug writes it): the API value is "Equal"`}},
		{"negative threshold", []string{"triggerThreshold: 0", "triggerThreshold: -1"},
			[]string{`r.yaml:8:19: triggerThreshold -1 is negative`}},
		{"big threshold", []string{"triggerThreshold: 0", "triggerThreshold: 10001"},
			[]string{`r.yaml:8:19: warning: triggerThreshold 10001 is over 10000, the Azure-Sentinel template CI limit`}},
		{"missing threshold", []string{"triggerThreshold: 0\n", ""},
			[]string{`r.yaml:1:1: warning: missing triggerThreshold; 0 is assumed`}},
		{"tactic", []string{"  - Impact", "  - Mining"},
			[]string{fmt.Sprintf(`r.yaml:10:5: tactic "Mining" is not one of %s`, tactics)}},
		{"technique", []string{"  - T1496", "  - TA0006"},
			[]string{`r.yaml:12:5: technique "TA0006" is not a MITRE ATT&CK id such as T1078 or T1078.004`}},
		{"entity type case", []string{"entityType: IP", "entityType: ip"},
			[]string{`r.yaml:16:17: entity type "ip" is not valid; did you mean "IP"? (values are case-sensitive)`}},
		{"identifier", []string{"identifier: Address", "identifier: Email"},
			[]string{
				`r.yaml:16:5: IP entity maps none of the identifiers that identify it; map one of: Address`,
				`r.yaml:18:21: "Email" is not an identifier of the IP entity (Address)`,
			}},
		{"identifier twice", []string{"        columnName: SourceIpAddress\n", "        columnName: SourceIpAddress\n      - identifier: Address\n        columnName: DestIp\n"},
			[]string{`r.yaml:20:21: identifier "Address" is mapped twice in one entity`}},
		{"column name", []string{"columnName: SourceIpAddress", "columnName: Source Ip"},
			[]string{`r.yaml:19:21: column name "Source Ip" must start with a letter or underscore and hold only letters, digits and underscores`}},
		{"four field mappings", []string{ipMapping, "  - entityType: Account\n    fieldMappings:\n      - identifier: Name\n        columnName: A\n      - identifier: FullName\n        columnName: B\n      - identifier: Sid\n        columnName: C\n      - identifier: UPNSuffix\n        columnName: D\n"},
			[]string{`r.yaml:18:7: Account entity has 4 field mappings; it needs 1 to 3`}},
		{"eleven mappings", []string{ipMapping, strings.Repeat(ipMapping, 11)},
			[]string{`r.yaml:16:3: 11 entity mappings (entityMappings and sentinelEntitiesMappings together); a Scheduled rule may have at most 10`}},
		{"ten mappings", []string{ipMapping, strings.Repeat(ipMapping, 10)}, nil},
		{"detail name", []string{"  UserAgent: UserAgent", "  User-Agent: UserAgent"},
			[]string{`r.yaml:21:3: custom detail name "User-Agent" must start with a letter, hold only letters, digits and underscores, and be at most 20 characters`}},
		{"detail name too long", []string{"  UserAgent: UserAgent", "  AVeryLongCustomDetailName: UserAgent"},
			[]string{`r.yaml:21:3: custom detail name "AVeryLongCustomDetailName" must start with a letter, hold only letters, digits and underscores, and be at most 20 characters`}},
		{"detail column", []string{"  UserAgent: UserAgent", "  UserAgent: 1col"},
			[]string{`r.yaml:21:14: column name "1col" must start with a letter or underscore and hold only letters, digits and underscores`}},
		{"21 details", []string{"  UserAgent: UserAgent\n", "  UserAgent: UserAgent\n" + details(20)},
			[]string{`r.yaml:21:3: 21 custom details; the limit is 20`}},
		{"version", []string{"version: 1.0.0", `version: "1.0"`},
			[]string{`r.yaml:22:10: version "1.0" is not of the form X.Y.Z (all numbers), as templateVersion must be`}},
		{"id", []string{"id: 9e457dc4-81f0-4d25-bc37-a5fa4a17946a", "id: abc"},
			[]string{`r.yaml:1:5: id "abc" is not a GUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)`}},
		{"missing query", []string{"query: |\n  AWSCloudTrail\n", ""},
			[]string{`r.yaml:1:1: missing query`}},
		// 10,000 x and the block's final newline: 10,001 characters.
		{"long query", []string{"  AWSCloudTrail", "  " + strings.Repeat("x", 10000)},
			[]string{`r.yaml:13:8: query is 10001 characters long; the limit is 10000`}},
		{"empty description", []string{"description: A rule.", `description: ""`},
			[]string{`r.yaml:3:14: description is empty; azurerm refuses an empty description, so leave it out or write one`}},
		{"missing description", []string{"description: A rule.\n", ""},
			[]string{`r.yaml:1:1: warning: missing description; the Azure-Sentinel template CI requires one`}},
		{"kind case", []string{"kind: Scheduled", "kind: scheduled"},
			[]string{`r.yaml:23:7: kind "scheduled" is not valid; did you mean "Scheduled"? (values are case-sensitive)`}},
		{"override", []string{"kind: Scheduled\n", "kind: Scheduled\nalertDetailsOverride:\n  alertDisplayNameFormat: '{{a}}{{b}}{{c}}{{d}}'\n  alertDynamicProperties:\n    - alertProperty: Severity\n      value: x\n"},
			[]string{
				`r.yaml:25:27: format has 4 {{column}} placeholders; the limit is 3`,
				fmt.Sprintf(`r.yaml:27:22: alert property "Severity" is not one of %s`, strings.Join(AlertProperties, ", ")),
			}},
		{"event grouping", []string{"kind: Scheduled\n", "kind: Scheduled\neventGroupingSettings:\n  aggregationKind: Single\n"},
			[]string{`r.yaml:25:20: aggregationKind "Single" is not one of SingleAlert, AlertPerResult`}},
		{"selected without lists", []string{"kind: Scheduled\n", "kind: Scheduled\n" + grouping("Selected")},
			[]string{`r.yaml:30:21: matchingMethod Selected needs at least one of groupByEntities, groupByAlertDetails, groupByCustomDetails`}},
		{"group by unknown detail", []string{"kind: Scheduled\n", "kind: Scheduled\n" + grouping("Selected") + "    groupByCustomDetails:\n      - Nope\n"},
			[]string{`r.yaml:32:9: groupByCustomDetails names "Nope", which is not a custom detail of this rule`}},
		{"group by ignored", []string{"kind: Scheduled\n", "kind: Scheduled\n" + grouping("AnyAlert") + "    groupByEntities:\n      - IP\n"},
			[]string{`r.yaml:30:21: warning: groupBy lists are used only when matchingMethod is Selected; with AnyAlert they are ignored`}},
		{"suppression too short", []string{"kind: Scheduled\n", "kind: Scheduled\nsuppressionEnabled: true\nsuppressionDuration: 30m\n"},
			[]string{`r.yaml:25:22: suppression of 30m is shorter than queryFrequency 1h, so it never suppresses anything`}},
		{"suppression too long", []string{"kind: Scheduled\n", "kind: Scheduled\nsuppressionDuration: 2d\n"},
			[]string{`r.yaml:24:22: suppressionDuration 2d is outside [5m, 24h]`}},
		{"NRT with schedule", []string{"kind: Scheduled", "kind: NRT"},
			[]string{
				`r.yaml:5:17: warning: NRT rules have no queryFrequency; it is ignored`,
				`r.yaml:6:14: warning: NRT rules have no queryPeriod; it is ignored`,
				`r.yaml:7:18: warning: NRT rules have no triggerOperator; it is ignored`,
				`r.yaml:8:19: warning: NRT rules have no triggerThreshold; it is ignored`,
			}},
		{"NRT six mappings", []string{"queryFrequency: 1h\nqueryPeriod: 1h\ntriggerOperator: gt\ntriggerThreshold: 0\n", "", ipMapping, strings.Repeat(ipMapping, 6), "kind: Scheduled", "kind: NRT"},
			[]string{`r.yaml:12:3: 6 entity mappings (entityMappings and sentinelEntitiesMappings together); a NRT rule may have at most 5`}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			src := edit(t, validBase, c.edits...)
			rules, diags := Load("r.yaml", []byte(src))
			if len(diags) > 0 {
				t.Fatalf("the edited rule does not load: %v\n%s", diags, src)
			}
			got := Validate(rules[0])
			got.Sort()
			if diff := cmp.Diff(c.want, diagStrings(got)); diff != "" {
				t.Errorf("Validate (-want +got):\n%s", diff)
			}
		})
	}
}

func details(n int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "  K%d: UserAgent\n", i)
	}
	return b.String()
}

// grouping writes an incidentConfiguration on lines 24-30 after kind.
func grouping(method string) string {
	return "incidentConfiguration:\n  createIncident: true\n  groupingConfiguration:\n    enabled: true\n    reopenClosedIncident: false\n    lookbackDuration: PT5H\n    matchingMethod: " + method + "\n"
}

// TestValidateSeed: the seed is valid, CloudAppAccountId included.
func TestValidateSeed(t *testing.T) {
	if diags := Validate(seedRule(t)); len(diags) > 0 {
		t.Errorf("the seed rule has findings: %v", diags)
	}
}

// TestFieldPos: positions of fields, and the fallbacks for paths that
// were not written.
func TestFieldPos(t *testing.T) {
	r := seedRule(t)
	cases := []struct {
		path     string
		key      bool
		wantLine int
		wantCol  int
	}{
		{"severity", false, 5, 11},
		{"query", false, 18, 8},
		{"entityMappings[0].fieldMappings[2].identifier", false, 56, 21},
		{"customDetails.AWSUser", false, 64, 14},
		{"customDetails.AWSUser", true, 64, 5},
		{"tactics[0]", false, 15, 6},
		{"entityMappings[0].fieldMappings[7].identifier", false, 52, 7}, // falls back to fieldMappings
		{"alertDetailsOverride.alertDisplayNameFormat", false, 1, 1},    // falls back to the rule's start
	}
	for _, c := range cases {
		got := r.FieldPos(c.path)
		if c.key {
			got = r.KeyPos(c.path)
		}
		if got.Line != c.wantLine || got.Col != c.wantCol {
			t.Errorf("position of %s (key %v) = %d:%d, want %d:%d", c.path, c.key, got.Line, got.Col, c.wantLine, c.wantCol)
		}
	}
}

// TestValidateARMWords: findings about an ARM rule name its properties.
func TestValidateARMWords(t *testing.T) {
	src := `{"resources": [{"type": "Microsoft.SecurityInsights/alertRules", "kind": "NRT",
 "name": "9e457dc4-81f0-4d25-bc37-a5fa4a17946a",
 "properties": {"severity": "Low", "query": "T", "templateVersion": "1"}}]}`
	rules, diags := Load("r.json", []byte(src))
	if len(diags) > 0 {
		t.Fatal(diags)
	}
	got := Validate(rules[0])
	got.Sort()
	// No displayName: the finding goes to the resource, at 1:16.
	want := []string{
		"r.json:1:16: missing displayName",
		`r.json:3:69: templateVersion "1" is not of the form X.Y.Z (all numbers), as templateVersion must be`,
	}
	if diff := cmp.Diff(want, diagStrings(got)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}
