package cloudwatch_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ruleport/ruleport/convert"
	"github.com/ruleport/ruleport/convert/cloudwatch"
	"github.com/ruleport/ruleport/convert/kql"
	"github.com/ruleport/ruleport/convert/rule"
	"github.com/ruleport/ruleport/convert/schema"
	"github.com/ruleport/ruleport/fixtures"
	"github.com/ruleport/ruleport/reference/insightsengine"
	"github.com/ruleport/ruleport/reference/logs"
)

// corpusRoot is the shared rule corpus beside the repository
// (../shared/corpus: 92 published Sentinel rules).
const corpusRoot = "../../../shared/corpus"

// corpusRule is one AWSCloudTrail rule of the corpus and what became of it.
type corpusRule struct {
	file  string
	rule  *rule.Rule
	query string
	notes []cloudwatch.Note
	diags convert.Diagnostics
}

// loadCorpus converts every rule of the corpus whose query reads
// AWSCloudTrail. A file that does not load counts as one rule that does
// not convert.
func loadCorpus(t *testing.T) []*corpusRule {
	t.Helper()
	var files []string
	err := filepath.WalkDir(corpusRoot, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if ext := filepath.Ext(p); !d.IsDir() && (ext == ".yaml" || ext == ".json") {
			files = append(files, p)
		}
		return nil
	})
	if errors.Is(err, os.ErrNotExist) {
		t.Skipf("no corpus at %s", corpusRoot)
	}
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(files)
	var out []*corpusRule
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(data), "AWSCloudTrail") {
			continue
		}
		rel, _ := filepath.Rel(corpusRoot, f)
		rules, diags := rule.Load(rel, data)
		if diags.HasErrors() {
			out = append(out, &corpusRule{file: rel, diags: diags.Errors()})
			continue
		}
		for _, r := range rules {
			if !strings.Contains(r.Query, "AWSCloudTrail") {
				continue
			}
			cr := &corpusRule{file: rel, rule: r}
			cr.query, cr.notes, cr.diags = cloudwatch.EmitRule(r, cloudwatch.Options{})
			out = append(out, cr)
		}
	}
	return out
}

// construct names what a diagnostic found unsupported, or its kind when
// the rule failed for another reason.
func construct(d *convert.Diagnostic) string {
	msg := strings.TrimPrefix(d.Msg, "cloudwatch: ")
	if !errors.Is(d, convert.ErrUnsupported) {
		return "not unsupported: " + msg
	}
	msg = strings.TrimPrefix(msg, "unsupported ")
	if i := strings.Index(msg, " ("); i > 0 {
		msg = msg[:i]
	}
	return msg
}

// TestCorpus converts every AWSCloudTrail rule of the corpus and reports
// how many convert and why the others do not. For every converted rule it
// checks what can be checked without hand-written expectations: the query
// parses in the Logs Insights engine (grammar, at most two stats, fields
// available after stats), runs over every fixture log without an error,
// and outputs exactly the columns Microsoft's binder rules say the KQL
// outputs (kql.ResultColumns). A rule that does not convert must fail
// with positioned diagnostics that wrap convert.ErrUnsupported, or
// because the rule file itself does not load.
func TestCorpus(t *testing.T) {
	rules := loadCorpus(t)
	converted := 0
	freq := map[string]int{}
	noteFreq := map[string]int{}
	for _, cr := range rules {
		if cr.query != "" {
			converted++
			seen := map[string]bool{}
			for _, n := range cr.notes {
				if !seen[n.ID] {
					seen[n.ID] = true
					noteFreq[n.ID]++
				}
			}
			continue
		}
		if len(cr.diags) == 0 {
			t.Errorf("%s: no query and no diagnostic", cr.file)
		}
		seen := map[string]bool{}
		for _, d := range cr.diags {
			if cr.rule != nil && !d.Pos.IsValid() {
				t.Errorf("%s: diagnostic without a position: %v", cr.file, d)
			}
			if cr.rule != nil && !errors.Is(d, convert.ErrUnsupported) {
				t.Errorf("%s: a rule that loads fails for a reason other than an unsupported construct: %v", cr.file, d)
			}
			c := construct(d)
			if !seen[c] {
				seen[c] = true
				freq[c]++
			}
		}
	}
	t.Logf("AWSCloudTrail rules converted to Logs Insights: %d of %d", converted, len(rules))
	logFreq(t, "not converted", freq)
	logFreq(t, "notes given", noteFreq)
	for _, cr := range rules {
		if cr.query == "" {
			t.Logf("not converted: %s: %s", cr.file, firstLine(cr.diags))
		}
	}
	if converted == 0 {
		t.Fatal("no corpus rule converted")
	}
	for _, cr := range rules {
		if cr.query != "" {
			checkConverted(t, cr)
		}
	}
}

func logFreq(t *testing.T, what string, freq map[string]int) {
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

// checkConverted runs one converted rule's query over the fixture logs
// and compares its columns with the binder's.
func checkConverted(t *testing.T, cr *corpusRule) {
	src := seedLogs(t)
	tab, err := insightsengine.Run(cr.query, src, insightsengine.Options{})
	if err != nil {
		t.Errorf("%s: the Logs Insights engine cannot run the query: %v\n%s", cr.file, err, cr.query)
		return
	}
	q, perrs := kql.Parse(cr.rule.Query)
	if len(perrs) > 0 {
		t.Errorf("%s: converted although it does not parse", cr.file)
		return
	}
	cols, berrs := kql.ResultColumns(q, schema.Lookup)
	if len(berrs) > 0 {
		t.Logf("%s: binder: %v", cr.file, berrs)
		return
	}
	var want []string
	for _, c := range cols {
		want = append(want, c.Name)
	}
	if d := cmp.Diff(want, tab.Columns); d != "" {
		t.Errorf("%s: output columns differ from the binder's (-binder +query):\n%s", cr.file, d)
	}
}

func firstLine(diags convert.Diagnostics) string {
	if len(diags) == 0 {
		return "(no diagnostic)"
	}
	s := diags[0].Error()
	if len(diags) > 1 {
		s += fmt.Sprintf(" (and %d more)", len(diags)-1)
	}
	return s
}

// seedLogs opens the logs of every seed fixture case: the case folders'
// logs/, not their want.json and gaps.json, which are not CloudTrail.
func seedLogs(t *testing.T) logs.Source {
	t.Helper()
	fsys := os.DirFS(fixtureRoot)
	dirs, err := fixtures.Cases(fsys, "seed")
	if err != nil {
		t.Fatal(err)
	}
	var paths []string
	for _, d := range dirs {
		c, err := fixtures.LoadCase(fsys, d)
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range c.Logs {
			paths = append(paths, filepath.Join(fixtureRoot, filepath.FromSlash(l)))
		}
	}
	src, err := logs.Open(paths...)
	if err != nil {
		t.Fatal(err)
	}
	return src
}
