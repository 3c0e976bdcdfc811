package rule

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/ruleport/ruleport/convert"
)

// diagStrings formats diagnostics the way the CLI prints them.
func diagStrings(diags convert.Diagnostics) []string {
	var out []string
	for _, d := range diags {
		out = append(out, d.Error())
	}
	return out
}

// aliasBomb returns a "billion laughs" document: each of levels keys
// refers nine times to the previous one, so expanding it would make
// 9^levels strings from a few hundred bytes.
func aliasBomb(levels int) string {
	var b strings.Builder
	b.WriteString(`a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]` + "\n")
	prev := "a"
	for i := 1; i < levels; i++ {
		name := fmt.Sprintf("k%d", i)
		fmt.Fprintf(&b, "%s: &%s [%s]\n", name, name, strings.TrimSuffix(strings.Repeat("*"+prev+",", 9), ","))
		prev = name
	}
	return b.String()
}

const minimalARM = `{"resources": [{
 "type": "Microsoft.OperationalInsights/workspaces/providers/alertRules",
 "kind": "Scheduled",
 "name": "[concat(parameters('workspace'),'/Microsoft.SecurityInsights/9e457dc4-81f0-4d25-bc37-a5fa4a17946a')]",
 "properties": {%s}
}]}`

// TestLoadBadInput: each bad input gives one clear message and no panic.
// Positions are worked out by hand from the inputs (line:column in bytes).
func TestLoadBadInput(t *testing.T) {
	cases := []struct {
		name, file, in string
		want           []string
	}{
		{"empty", "r.yaml", "", []string{"r.yaml: empty file: no rule to read"}},
		{"blank", "r.yaml", "  \n\n\t\n", []string{"r.yaml: empty file: no rule to read"}},
		{"comments only", "r.yaml", "# nothing here\n", []string{"r.yaml: no rule in file: only comments or blank lines"}},
		{"binary", "r.yaml", "id: x\n\x00\x01\x02", []string{"r.yaml:2:1: binary file (NUL byte): not a rule"}},
		{"not UTF-8", "r.yaml", "id: \xff\n", []string{"r.yaml:1:5: invalid UTF-8 (byte 0xff): rule files must be UTF-8 text"}},
		{"UTF-16", "r.yaml", "\xff\xfei\x00d\x00", []string{"r.yaml: file is UTF-16 text; rule files must be UTF-8"}},
		{"too big", "r.yaml", strings.Repeat("#", MaxFileSize+1), []string{"r.yaml: file is 4194305 bytes, more than the 4194304-byte limit for a rule file (ARM refuses templates over 4 MB)"}},
		// The shape of AWS_ChangeToVPC.yaml: a list item's key indented
		// deeper than its sibling. libyaml marks the colon, column 14.
		{"invalid YAML", "r.yaml", "requiredDataConnectors:\n - connectorId: AWS\n   dataTypes:\n    - AWSCloudTrail\n - connectorId: AWSS3\n    dataTypes:\n", []string{"r.yaml:6:14: invalid YAML: mapping values are not allowed in this context"}},
		// The bomb's first alias: "k1: &k1 [" is 9 bytes, *a starts at 10.
		{"alias bomb", "r.yaml", aliasBomb(9), []string{"r.yaml:2:10: YAML aliases (*a) are not allowed in rule files: rules never need them, and expanding them can make a small file huge"}},
		// The second document starts at its "---" marker.
		{"two documents", "r.yaml", "id: a\n---\nid: b\n", []string{"r.yaml:2:1: a second YAML document: a rule file holds one rule"}},
		{"list at top", "r.yaml", "- a\n- b\n", []string{"r.yaml:1:1: a rule file must hold a mapping of fields, not a list"}},
		{"wrong type", "r.yaml", "name: x\nseverity: 5\n", []string{"r.yaml:2:11: severity must be a string, not an integer (5)"}},
		{"bool as yes", "r.yaml", "enabled: yes\n", []string{`r.yaml:1:10: enabled must be true or false, not a string ("yes")`}},
		{"float threshold", "r.yaml", "triggerThreshold: 1.5\n", []string{"r.yaml:1:19: triggerThreshold must be a whole number, not a number (1.5)"}},
		{"string for list", "r.yaml", "tactics: Impact\n", []string{`r.yaml:1:10: tactics must be a list, not a string ("Impact")`}},
		{"bad duration", "r.yaml", "queryFrequency: 1w\n", []string{`r.yaml:1:17: queryFrequency: invalid duration "1w": want <number><m|h|d> such as 5m, 1h, 1d, or ISO-8601 such as PT1H`}},
		{"unknown key", "r.yaml", "name: x\nqueryFrequncy: 1d\n", []string{`r.yaml:2:1: unknown key "queryFrequncy" in the rule; did you mean "queryFrequency"?`}},
		{"ARM key in YAML", "r.yaml", "displayName: x\n", []string{`r.yaml:1:1: unknown key "displayName" in the rule: the YAML form calls it "name"`}},
		{"duplicate key", "r.yaml", "severity: Low\nseverity: High\n", []string{`r.yaml:2:1: duplicate key "severity" in the rule (first at 1:1)`}},
		{"duplicate custom detail", "r.yaml", "customDetails:\n  A: x\n  A: y\n", []string{`r.yaml:3:3: duplicate key "A" in customDetails (first at 2:3)`}},
		{"missing nested key", "r.yaml", "entityMappings:\n  - entityType: IP\n", []string{`r.yaml:2:5: entityMappings[0]: missing "fieldMappings"`}},
		{"JSON but not ARM", "r.json", `{"id": "x"}`, []string{`r.json:1:1: JSON file is not an ARM template: it has no "resources" (a YAML rule must be written as YAML)`}},
		{"invalid JSON", "r.json", `{"resources": [}`, []string{`r.json:1:16: invalid JSON: invalid character '}' looking for beginning of value`}},
		{"truncated JSON", "r.json", `{"resources": [`, []string{`r.json:1:16: invalid JSON: unexpected end of file`}},
		{"no alert rule", "r.json", `{"resources": [{"type": "Microsoft.Web/sites"}]}`, []string{`r.json:1:1: ARM template has no alertRules resource (type ending in /alertRules)`}},
		{"ARM string for bool", "r.json", fmt.Sprintf(minimalARM, `"enabled": "true"`), []string{`r.json:5:28: enabled must be true or false, not a string ("true")`}},
		{"ARM YAML-only key", "r.json", fmt.Sprintf(minimalARM, `"status": "Available"`), []string{`r.json:5:17: unknown key "status" in alert rule properties: status exists only in the YAML form; ARM alertRules properties have no status`}},
		{"ARM short duration", "r.json", fmt.Sprintf(minimalARM, `"queryFrequency": "1d"`), []string{`r.json:5:35: queryFrequency must be an ISO-8601 duration such as PT1H or P1D in ARM, not "1d"`}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, diags := Load(c.file, []byte(c.in))
			if diff := cmp.Diff(c.want, diagStrings(diags)); diff != "" {
				t.Errorf("Load diagnostics (-want +got):\n%s", diff)
			}
		})
	}
}

// TestAliasBombIsQuick measures what a billion-laughs input costs: yaml.v3
// builds the node tree without expanding aliases, and Load stops at the
// first alias, so the cost is that of parsing the text itself.
func TestAliasBombIsQuick(t *testing.T) {
	in := []byte(aliasBomb(40)) // expanded, 9^40 strings
	start := time.Now()
	_, diags := Load("bomb.yaml", in)
	elapsed := time.Since(start)
	t.Logf("alias bomb of %d bytes rejected in %v", len(in), elapsed)
	if !diags.HasErrors() {
		t.Fatal("alias bomb was not rejected")
	}
	if elapsed > 2*time.Second {
		t.Errorf("rejecting an alias bomb took %v; it should take milliseconds", elapsed)
	}
}

// TestLoadKeepsGoing: one file with several problems reports each of them.
func TestLoadKeepsGoing(t *testing.T) {
	in := "id: 9e457dc4-81f0-4d25-bc37-a5fa4a17946a\nseverity: 5\nbogus: 1\ntactics: [1]\n"
	_, diags := Load("r.yaml", []byte(in))
	want := []string{
		"r.yaml:2:11: severity must be a string, not an integer (5)",
		`r.yaml:3:1: unknown key "bogus" in the rule (known: alertDetailsOverride, customDetails, description, enabled, entityMappings, eventGroupingSettings, id, incidentConfiguration, kind, metadata, name, query, queryFrequency, queryPeriod, relevantTechniques, requiredDataConnectors, sentinelEntitiesMappings, severity, status, suppressionDuration, suppressionEnabled, tactics, tags, triggerOperator, triggerThreshold, version)`,
		"r.yaml:4:11: tactics[0] must be a string, not an integer (1)",
	}
	if diff := cmp.Diff(want, diagStrings(diags)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// TestLoadBOM: a UTF-8 byte-order mark is allowed and does not shift
// columns of the first line, which count bytes after it.
func TestLoadBOM(t *testing.T) {
	in := append([]byte("\xef\xbb\xbf"), "severity: 5\n"...)
	_, diags := Load("r.yaml", in)
	want := []string{"r.yaml:1:14: severity must be a string, not an integer (5)"}
	if diff := cmp.Diff(want, diagStrings(diags)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestValueColon(t *testing.T) {
	cases := []struct {
		line string
		want int
	}{
		{"    dataTypes:", 14},
		{`  a: "x: y"`, 4},
		{`  "a: b": c`, 9},
		{"  url: http://x", 6},
		{"  # a: b", 0},
	}
	for _, c := range cases {
		if got := valueColon([]byte(c.line)); got != c.want {
			t.Errorf("valueColon(%q) = %d, want %d", c.line, got, c.want)
		}
	}
}

// TestTooManyErrors: a file of nothing but wrong keys reports the first
// 100 and says it stopped, rather than a report as long as the file.
func TestTooManyErrors(t *testing.T) {
	var b strings.Builder
	for i := 0; i < 300; i++ {
		fmt.Fprintf(&b, "k%d: 1\n", i)
	}
	_, diags := Load("r.yaml", []byte(b.String()))
	if len(diags) != 101 {
		t.Fatalf("%d diagnostics, want 100 and the note", len(diags))
	}
	// k100 is on line 101: the 101st error, where reporting stops.
	if got := diags[100].Error(); got != "r.yaml:101:1: too many errors; stopping here" {
		t.Errorf("last diagnostic = %q", got)
	}
	r := &Rule{File: "v.yaml", Kind: KindScheduled}
	for i := 0; i < 300; i++ {
		r.Tactics = append(r.Tactics, "Mining")
	}
	if n := len(Validate(r).Errors()); n != 101 {
		t.Errorf("Validate reported %d errors, want 100 and the note", n)
	}
}
