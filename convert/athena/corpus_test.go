package athena_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ruleport/ruleport/convert"
	"github.com/ruleport/ruleport/convert/athena"
	"github.com/ruleport/ruleport/convert/kql"
	"github.com/ruleport/ruleport/convert/rule"
	"github.com/ruleport/ruleport/convert/schema"
	"github.com/ruleport/ruleport/fixtures"
	"github.com/ruleport/ruleport/reference/athenaengine"
	"github.com/ruleport/ruleport/reference/athenaengine/trinogrammar"
	"github.com/ruleport/ruleport/reference/logs"
)

// corpusRoot is the shared rule corpus beside the repository
// (../shared/corpus: 92 published Sentinel rules).
const corpusRoot = "../../../shared/corpus"

// corpusRule is one AWSCloudTrail rule of the corpus and what became of it.
type corpusRule struct {
	file  string
	rule  *rule.Rule
	sql   string
	diags convert.Diagnostics
}

// loadCorpus converts every rule of the corpus whose query reads
// AWSCloudTrail (deployed form: the window ends at current_timestamp).
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
			if r.QueryPeriod == 0 {
				// As the athena target: an NRT rule has no window.
				cr.diags = convert.Diagnostics{convert.Unsupportedf(rel, r.Start(), "unsupported rule without queryPeriod (%s)", r.Kind)}
				out = append(out, cr)
				continue
			}
			cr.sql, cr.diags = compileRule(r, athena.Options{}, true)
			out = append(out, cr)
		}
	}
	return out
}

// construct names what a diagnostic found unsupported ("operator
// mv-expand"), or its kind when the rule failed for another reason.
func construct(d *convert.Diagnostic) string {
	msg := strings.TrimPrefix(d.Msg, "athena: ")
	if !errors.Is(d, convert.ErrUnsupported) {
		return "not unsupported: " + msg
	}
	msg = strings.TrimPrefix(msg, "unsupported ")
	if i := strings.Index(msg, " ("); i > 0 {
		msg = msg[:i]
	}
	if i := strings.Index(msg, ":"); i > 0 && strings.HasPrefix(msg, "column ") {
		msg = msg[:i]
	}
	return msg
}

// TestCorpus converts every AWSCloudTrail rule of the corpus and reports
// how many convert and why the others do not. For every converted rule it
// checks what can be checked without hand-written expectations: the SQL
// passes Trino's grammar, runs on the Athena engine over the fixture logs
// without an error, and outputs exactly the columns Microsoft's binder
// rules say the KQL outputs (kql.ResultColumns). A rule that does not
// convert must fail with positioned diagnostics that wrap
// convert.ErrUnsupported, or because the rule file itself is broken.
func TestCorpus(t *testing.T) {
	rules := loadCorpus(t)
	converted := 0
	freq := map[string]int{}
	var sqls []string
	var ok []*corpusRule
	for _, cr := range rules {
		if cr.sql != "" {
			converted++
			sqls = append(sqls, cr.sql)
			ok = append(ok, cr)
			continue
		}
		seen := map[string]bool{}
		for _, d := range cr.diags {
			if cr.rule != nil && !d.Pos.IsValid() {
				t.Errorf("%s: diagnostic without a position: %v", cr.file, d)
			}
			c := construct(d)
			if !seen[c] {
				seen[c] = true
				freq[c]++
			}
		}
	}
	t.Logf("AWSCloudTrail rules converted to Athena SQL: %d of %d", converted, len(rules))
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
	for _, k := range keys {
		t.Logf("  %3d rules: %s", freq[k], k)
	}
	for _, cr := range rules {
		if cr.sql == "" {
			t.Logf("not converted: %s: %s", cr.file, firstLine(cr.diags))
		} else {
			t.Logf("converted: %s", cr.file)
		}
	}
	if converted == 0 {
		t.Fatal("no corpus rule converted")
	}

	errs, err := trinogrammar.CheckAll(context.Background(), sqls)
	if err != nil {
		t.Fatalf("grammar check cannot run: %v", err)
	}
	passed := 0
	for i, e := range errs {
		if e != nil {
			t.Errorf("%s: SQL fails the Trino grammar:\n%v\n%s", ok[i].file, e, ok[i].sql)
			continue
		}
		passed++
	}
	t.Logf("Trino grammar: %d of %d converted rules pass", passed, len(sqls))

	for _, cr := range ok {
		q, perrs := kql.Parse(cr.rule.Query)
		if len(perrs) > 0 {
			t.Errorf("%s: converted although it does not parse", cr.file)
			continue
		}
		cols, berrs := kql.ResultColumns(q, schema.Lookup)
		if len(berrs) > 0 {
			t.Logf("%s: binder: %v", cr.file, berrs)
			continue
		}
		var want []string
		for _, c := range cols {
			want = append(want, c.Name)
		}
		got := outputColumns(t, cr)
		if d := cmp.Diff(want, got); d != "" {
			t.Errorf("%s: output columns differ from the binder's (-binder +sql):\n%s", cr.file, d)
		}
	}
}

// outputColumns runs the rule's SQL on the seed fixture logs and returns
// the result's column names; the run also proves the SQL executes.
func outputColumns(t *testing.T, cr *corpusRule) []string {
	t.Helper()
	src := seedLogs(t)
	tab, err := athenaengine.Run(context.Background(), cr.sql, src)
	if err != nil {
		t.Errorf("%s: the Athena engine cannot run the SQL: %v\n%s", cr.file, err, cr.sql)
		return nil
	}
	return tab.Columns
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
