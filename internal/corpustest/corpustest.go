// Package corpustest is test support shared by the emitters' tests
// (convert/athena, convert/cloudwatch) and the conformance tests: it walks
// the shared rule corpus (../shared/corpus beside the repository), tallies
// what a target refuses, and opens the seed fixture cases and their logs.
//
// It is test support: only _test.go files import it.
package corpustest

import (
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ruleport/ruleport/convert"
	"github.com/ruleport/ruleport/convert/kql"
	"github.com/ruleport/ruleport/convert/rule"
	"github.com/ruleport/ruleport/convert/schema"
	"github.com/ruleport/ruleport/fixtures"
	"github.com/ruleport/ruleport/reference/logs"
)

// CorpusRoot is the shared corpus as a package two folders below the
// repository's root (convert/athena, reference/conformance) sees it.
const CorpusRoot = "../../../shared/corpus"

// FixtureRoot is the repository's fixtures folder seen from the same
// depth: engines read logs by path, so tests load the cases from the files
// the embedded copy is made of.
const FixtureRoot = "../../fixtures"

// File is one rule file of the corpus whose text mentions AWSCloudTrail:
// its path relative to the corpus root, and its rules, or the errors that
// kept it from loading.
type File struct {
	Path  string
	Rules []*rule.Rule
	Diags convert.Diagnostics
}

// Files reads every .yaml and .json file under root whose text mentions
// AWSCloudTrail, in path order. The test is skipped when root does not
// exist.
func Files(t testing.TB, root string) []File {
	t.Helper()
	var paths []string
	err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if ext := filepath.Ext(p); !d.IsDir() && (ext == ".yaml" || ext == ".json") {
			paths = append(paths, p)
		}
		return nil
	})
	if errors.Is(err, os.ErrNotExist) {
		t.Skipf("no corpus at %s", root)
	}
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(paths)
	var out []File
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(data), "AWSCloudTrail") {
			continue
		}
		rel, _ := filepath.Rel(root, p)
		rules, diags := rule.Load(rel, data)
		f := File{Path: rel}
		if diags.HasErrors() {
			f.Diags = diags.Errors()
		} else {
			f.Rules = rules
		}
		out = append(out, f)
	}
	return out
}

// Rule is one AWSCloudTrail rule of the corpus and what a target made of
// it: Rule is nil for a file that did not load (Diags its errors).
type Rule struct {
	File  string
	Rule  *rule.Rule
	Diags convert.Diagnostics
}

// Rules returns one Rule per rule of root whose query reads AWSCloudTrail,
// and one per file that does not load.
func Rules(t testing.TB, root string) []*Rule {
	t.Helper()
	var out []*Rule
	for _, f := range Files(t, root) {
		if f.Diags != nil {
			out = append(out, &Rule{File: f.Path, Diags: f.Diags})
			continue
		}
		for _, r := range f.Rules {
			if strings.Contains(r.Query, "AWSCloudTrail") {
				out = append(out, &Rule{File: f.Path, Rule: r})
			}
		}
	}
	return out
}

// Construct names what a diagnostic found unsupported ("operator
// mv-expand", "column TenantId"), without the target's prefix ("cloudwatch:
// ") or the explanation after " (" or ":"; a diagnostic that does not wrap
// convert.ErrUnsupported is "not unsupported: " and its message.
func Construct(d *convert.Diagnostic, prefix string) string {
	msg := strings.TrimPrefix(d.Msg, prefix)
	if !errors.Is(d, convert.ErrUnsupported) {
		return "not unsupported: " + msg
	}
	msg = strings.TrimPrefix(msg, "unsupported ")
	if i := strings.Index(msg, " ("); i > 0 {
		msg = msg[:i]
	}
	if i := strings.Index(msg, ":"); i > 0 {
		msg = msg[:i]
	}
	return msg
}

// Tally logs how many of rules a target converted (converted reports it)
// and, for the others, how many rules each construct stopped, counted once
// per rule, then every rule that did not convert with its first
// diagnostic. A diagnostic without a position on a rule that loaded fails
// the test. It returns the number converted.
func Tally(t testing.TB, target, prefix string, rules []*Rule, converted func(*Rule) bool) int {
	t.Helper()
	n := 0
	freq := map[string]int{}
	for _, cr := range rules {
		if converted(cr) {
			n++
			continue
		}
		seen := map[string]bool{}
		for _, d := range cr.Diags {
			if cr.Rule != nil && !d.Pos.IsValid() {
				t.Errorf("%s: diagnostic without a position: %v", cr.File, d)
			}
			if c := Construct(d, prefix); !seen[c] {
				seen[c] = true
				freq[c]++
			}
		}
	}
	t.Logf("AWSCloudTrail rules converted to %s: %d of %d", target, n, len(rules))
	LogFreq(t, "not converted", freq)
	for _, cr := range rules {
		if !converted(cr) {
			t.Logf("not converted: %s: %s", cr.File, FirstLine(cr.Diags))
		}
	}
	return n
}

// LogFreq logs a frequency table, most frequent first, then by name.
func LogFreq(t testing.TB, what string, freq map[string]int) {
	t.Helper()
	var keys []string
	for k := range freq {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if freq[keys[i]] != freq[keys[j]] {
			return freq[keys[i]] > freq[keys[j]]
		}
		return keys[i] < keys[j]
	})
	t.Logf("%s:", what)
	for _, k := range keys {
		t.Logf("  %3d rules: %s", freq[k], k)
	}
}

// FirstLine is the first of diags, and how many more there are.
func FirstLine(diags convert.Diagnostics) string {
	if len(diags) == 0 {
		return "(no diagnostic)"
	}
	s := diags[0].Error()
	if len(diags) > 1 {
		s += fmt.Sprintf(" (and %d more)", len(diags)-1)
	}
	return s
}

// SeedCases loads every seed fixture case under root (FixtureRoot); a
// folder without cases fails the test.
func SeedCases(t testing.TB, root string) []*fixtures.Case {
	t.Helper()
	fsys := os.DirFS(root)
	dirs, err := fixtures.Cases(fsys, "seed")
	if err != nil {
		t.Fatal(err)
	}
	if len(dirs) == 0 {
		t.Fatal("no fixture cases under", root)
	}
	var out []*fixtures.Case
	for _, d := range dirs {
		c, err := fixtures.LoadCase(fsys, d)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, c)
	}
	return out
}

// CaseLogs opens the logs of the cases, whose paths are relative to root:
// the case folders' logs/, not their want.json and gaps.json, which are
// not CloudTrail.
func CaseLogs(t testing.TB, root string, cases ...*fixtures.Case) logs.Source {
	t.Helper()
	var paths []string
	for _, c := range cases {
		for _, l := range c.Logs {
			paths = append(paths, path.Join(root, l))
		}
	}
	src, err := logs.Open(paths...)
	if err != nil {
		t.Fatal(err)
	}
	return src
}

// SeedLogs opens the logs of every seed fixture case under root.
func SeedLogs(t testing.TB, root string) logs.Source {
	t.Helper()
	return CaseLogs(t, root, SeedCases(t, root)...)
}

// CheckColumns compares the output columns an engine gave a converted
// rule with those Microsoft's binder rules say its KQL outputs
// (kql.ResultColumns), printing (-binder +engine). A query the binder
// cannot type is logged and not compared.
func CheckColumns(t testing.TB, r *Rule, got []string) {
	t.Helper()
	q, perrs := kql.Parse(r.Rule.Query)
	if len(perrs) > 0 {
		t.Errorf("%s: converted although it does not parse", r.File)
		return
	}
	cols, berrs := kql.ResultColumns(q, schema.Lookup)
	if len(berrs) > 0 {
		t.Logf("%s: binder: %v", r.File, berrs)
		return
	}
	var want []string
	for _, c := range cols {
		want = append(want, c.Name)
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("%s: output columns differ from the binder's (-binder +engine):\n%s", r.File, d)
	}
}
