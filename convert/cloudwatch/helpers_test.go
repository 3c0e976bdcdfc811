package cloudwatch_test

import (
	"testing"

	"github.com/ruleport/ruleport/convert"
	"github.com/ruleport/ruleport/convert/cloudwatch"
	"github.com/ruleport/ruleport/convert/rule"
)

// loadRule loads the one rule of a rule file's text.
func loadRule(t *testing.T, file string, data []byte) *rule.Rule {
	t.Helper()
	rules, diags := rule.Load(file, data)
	if diags.HasErrors() {
		t.Fatalf("%s: %v", file, diags)
	}
	if len(rules) != 1 {
		t.Fatalf("%s: %d rules, want 1", file, len(rules))
	}
	return rules[0]
}

// compile emits the query of a rule file's text, failing the test on any
// diagnostic.
func compile(t *testing.T, file string, data []byte, opt cloudwatch.Options) (string, []cloudwatch.Note, *rule.Rule) {
	t.Helper()
	r := loadRule(t, file, data)
	q, notes, diags := cloudwatch.EmitRule(r, opt)
	mustNotErr(t, file, diags)
	return q, notes, r
}

func mustNotErr(t *testing.T, what string, diags convert.Diagnostics) {
	t.Helper()
	if len(diags) > 0 {
		t.Fatalf("%s: %v", what, diags)
	}
}
