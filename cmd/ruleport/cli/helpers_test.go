package cli

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ruleport/ruleport/convert"
	"github.com/ruleport/ruleport/convert/rule"
	"github.com/ruleport/ruleport/fixtures"
)

// The scaffolding the command tests share: running a command in-process,
// the seed rule as bytes, as a file and as a loaded rule, scratch files,
// and the check that a target refuses what it cannot express.

// sharedDir is ../shared beside the repository, absolute because some
// tests change the working directory.
var sharedDir, _ = filepath.Abs(filepath.Join("..", "..", "..", "..", "shared"))

// run calls Run in-process and returns exit code, stdout and stderr.
func run(args ...string) (int, string, string) {
	var stdout, stderr bytes.Buffer
	code := Run(args, nil, &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

// seedData is the embedded seed rule's YAML.
func seedData(t *testing.T) []byte {
	t.Helper()
	data, err := fixtures.Seed.ReadFile(fixtures.SeedRulePath)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// seedFile writes the embedded seed rule into dir as seed.yaml and
// returns its path.
func seedFile(t *testing.T, dir string) string {
	t.Helper()
	return writeFile(t, dir, "seed.yaml", seedData(t))
}

// seedRule is the seed rule loaded as seed.yaml.
func seedRule(t *testing.T) *rule.Rule {
	t.Helper()
	return loadOne(t, "seed.yaml", seedData(t))
}

func writeFile(t *testing.T, dir, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func mustRead(t *testing.T, p string) []byte {
	t.Helper()
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func loadOne(t *testing.T, name string, data []byte) *rule.Rule {
	t.Helper()
	rules, diags := rule.Load(name, data)
	if diags.HasErrors() || len(rules) != 1 {
		t.Fatalf("load %s: %v", name, diags)
	}
	return rules[0]
}

// hourlyRule loads a scheduled rule (hourly, over the last hour) called
// name from file, whose query is AWSCloudTrail and then `| ` and pipe:
// that operator is on line 5 of the file, indented two spaces, so a
// diagnostic at its first character is at 5:5.
func hourlyRule(t *testing.T, file, name, pipe string) *rule.Rule {
	t.Helper()
	yaml := `id: 11111111-2222-3333-4444-555555555555
name: ` + name + `
query: |
  AWSCloudTrail
  | ` + pipe + `
queryFrequency: 1h
queryPeriod: 1h
severity: Low
triggerOperator: gt
triggerThreshold: 0
kind: Scheduled
version: 1.0.0
`
	return loadOne(t, file, []byte(yaml))
}

// refusal is what a target must answer for a rule it cannot express: no
// files and the one diagnostic want, wrapping convert.ErrUnsupported.
type refusal struct {
	target string
	gen    func(*rule.Rule) ([]convert.File, convert.Diagnostics)
	r      *rule.Rule
	want   string
}

func checkRefusals(t *testing.T, cases []refusal) {
	t.Helper()
	for _, tc := range cases {
		files, diags := tc.gen(tc.r)
		if files != nil || len(diags) != 1 {
			t.Errorf("%s: files %v, diagnostics %v; want one diagnostic", tc.target, files, diags)
			continue
		}
		if d := cmp.Diff(tc.want, diags[0].Error()); d != "" {
			t.Errorf("%s (-want +got):\n%s", tc.target, d)
		}
		if !errors.Is(diags[0], convert.ErrUnsupported) {
			t.Errorf("%s: %v does not wrap convert.ErrUnsupported", tc.target, diags[0])
		}
	}
}

// readLines splits a command's output into its lines, none for "".
func readLines(out string) []string {
	if out == "" {
		return nil
	}
	return strings.Split(strings.TrimSuffix(out, "\n"), "\n")
}
