package cli

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// otherTarget matches findings of targets other than the Sentinel ones.
var otherTarget = regexp.MustCompile(`: (warning: )?(athena|athena-tf|cloudwatch|cloudwatch-tf): `)

// TestCheckSeed: the seed is a valid rule; its only findings are the
// Logs Insights target's fidelity notes, one per construct that target
// cannot express exactly: the delivery-time window, the field types and the
// row limit (on the table), the case fold of EventName =~, toint twice, the long multiplication, the dynamic ARN, the
// summarize keys and TimeGenerated from eventTime.
func TestCheckSeed(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	seedFile(t, dir)
	code, stdout, stderr := run("check", "seed.yaml")
	if code != ExitOK || stderr != "ruleport check: 0 errors, 10 warnings in 1 file\n" {
		t.Errorf("exit %d, stderr %q; want 0 and 10 warnings", code, stderr)
	}
	var ids []string
	for _, l := range readLines(stdout) {
		if !strings.HasPrefix(l, "seed.yaml:") || !strings.Contains(l, ": warning: cloudwatch: ") {
			t.Errorf("finding %q is not a positioned cloudwatch warning", l)
		}
		ids = append(ids, l[strings.LastIndex(l, "[")+1:len(l)-1])
	}
	want := []string{"delivery-time", "field-type", "row-limit", "case-fold", "toint-floor", "toint-floor", "double-arith", "dynamic-scalar", "empty-as-missing", "event-time-text"}
	if diff := cmp.Diff(want, ids); diff != "" {
		t.Errorf("fidelity notes (-want +got):\n%s", diff)
	}
}

// TestCheckCorpus: every finding about the corpus, sorted by file and
// position (the same problems TestConvertCorpus pins), and exit 2
// because one file is not valid YAML.
func TestCheckCorpus(t *testing.T) {
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	t.Chdir(filepath.Join(sharedDir, "corpus"))
	var files []string
	for _, pattern := range []string{"*/*.yaml", "*/*.json", "*/*/*.yaml"} {
		m, _ := filepath.Glob(pattern)
		files = append(files, m...)
	}
	code, stdout, stderr := run(append([]string{"check"}, files...)...)
	// The findings, read and approved in testdata/check-corpus.golden:
	// the rules' own mistakes, the published rule whose custom details
	// name columns its summarize drops, and warnings where ruleport has no
	// schema for a table or function.
	golden := filepath.Join(wd, "testdata", "check-corpus.golden")
	// Findings of the rules and their Sentinel artifacts; what other
	// targets cannot express (warnings naming athena, cloudwatch) is
	// theirs to pin.
	var got []string
	for _, l := range readLines(stdout) {
		if !otherTarget.MatchString(l) {
			got = append(got, l)
		}
	}
	gotText := strings.Join(got, "\n") + "\n"
	if os.Getenv("UPDATE_GOLDEN") != "" {
		if err := os.WriteFile(golden, []byte(gotText), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(want), gotText); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
	if code != ExitBadInput || !strings.HasPrefix(stderr, "ruleport check: 8 errors, ") {
		t.Errorf("exit %d, stderr %q; want 2 and 8 errors", code, stderr)
	}
}

// TestCheckExitCodes: errors make exit 1, warnings alone do not fail,
// unreadable input is exit 2.
func TestCheckExitCodes(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	seed := string(seedData(t))
	writeFile(t, dir, "warn.yaml", []byte(strings.Replace(seed, "triggerThreshold: 0", "triggerThreshold: 20000", 1)))
	writeFile(t, dir, "err.yaml", []byte(strings.Replace(seed, "severity: Medium", "severity: Critical", 1)))
	// SubTechniques is an alert property of the API that azurerm's
	// dynamic_property refuses: only the Terraform schema check sees it.
	writeFile(t, dir, "tf.yaml", []byte(seed+"alertDetailsOverride:\n  alertDynamicProperties:\n    - alertProperty: SubTechniques\n      value: UserAgent\n"))
	cases := []struct {
		args   []string
		code   int
		stdout string
	}{
		{[]string{"check", "warn.yaml"}, ExitOK, "warn.yaml:13:19: warning: triggerThreshold 20000 is over 10000, the Azure-Sentinel template CI limit\n"},
		{[]string{"check", "err.yaml"}, ExitProblem, `err.yaml:5:11: severity "Critical" is not one of High, Medium, Low, Informational` + "\n"},
		// The seed has 67 lines; the property is on line 70, after "    - alertProperty: ".
		{[]string{"check", "tf.yaml"}, ExitProblem, `tf.yaml:70:22: sentinel-tf: azurerm_sentinel_alert_rule_scheduled alert_details_override[0].dynamic_property[0].name: value "SubTechniques" is not one of AlertLink, ConfidenceLevel, ConfidenceScore, ExtendedLinks, ProductComponentName, ProductName, ProviderName, RemediationSteps, Techniques` + "\n"},
		{[]string{"check", "warn.yaml", "missing.yaml", "err.yaml"}, ExitBadInput, "err.yaml:5:11: severity \"Critical\" is not one of High, Medium, Low, Informational\nmissing.yaml: no such file\nwarn.yaml:13:19: warning: triggerThreshold 20000 is over 10000, the Azure-Sentinel template CI limit\n"},
	}
	for _, c := range cases {
		code, stdout, _ := run(c.args...)
		if code != c.code {
			t.Errorf("%v: exit %d, want %d", c.args, code, c.code)
		}
		// The seed's fidelity notes are TestCheckSeed's to pin.
		var kept strings.Builder
		for _, l := range strings.SplitAfter(stdout, "\n") {
			if !otherTarget.MatchString(l) {
				kept.WriteString(l)
			}
		}
		if diff := cmp.Diff(c.stdout, kept.String()); diff != "" {
			t.Errorf("%v: stdout (-want +got):\n%s", c.args, diff)
		}
	}
	if code, _, stderr := run("check"); code != ExitBadInput || !strings.HasPrefix(stderr, "ruleport check: give one or more RULE files\n") {
		t.Errorf("check without files: exit %d, stderr %q", code, stderr)
	}
}
