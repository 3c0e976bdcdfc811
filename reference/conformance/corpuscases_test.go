package conformance

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/rogpeppe/go-internal/txtar"

	"github.com/ruleport/ruleport/convert"
	"github.com/ruleport/ruleport/convert/rule"
	"github.com/ruleport/ruleport/fixtures"
	"github.com/ruleport/ruleport/reference/alerts"
	"github.com/ruleport/ruleport/reference/logs"
)

// TestCorpusCases runs the hand-worked cases of testdata/corpus_cases.txtar
// (fixture cases for corpus rules, see the archive's comment) on every
// engine that takes their rule: each must give exactly the alerts
// want.json lists and none of its near misses. Athena is compared through
// its documented differences (corpustolerate_test.go: a dynamic column is
// text); the Logs Insights target must refuse the rule, naming mv-expand or
// join, as it cannot express them.
func TestCorpusCases(t *testing.T) {
	fsys := caseFS(t)
	dirs, err := fixtures.Cases(fsys, "cases")
	if err != nil {
		t.Fatal(err)
	}
	if len(dirs) != 2 {
		t.Fatalf("%d cases, want 2", len(dirs))
	}
	for _, dir := range dirs {
		c, err := fixtures.LoadCase(fsys, dir)
		if err != nil {
			t.Fatal(err)
		}
		r := caseRule(t, fsys, c)
		recs := caseRecords(t, fsys, c)
		for _, e := range []string{KQL, Athena, CloudWatch} {
			t.Run(path.Base(dir)+"/"+e, func(t *testing.T) {
				job, err := Prepare(e, r, c.Now)
				if e == CloudWatch {
					if err == nil || !errors.Is(err, convert.ErrUnsupported) ||
						!strings.Contains(err.Error(), "cloudwatch: unsupported operator mvexpand") {
						t.Fatalf("the Logs Insights target gives %v, want it to refuse mvexpand", err)
					}
					return
				}
				if err != nil {
					t.Fatal(err)
				}
				checkCase(t, job, c, recs)
			})
		}
	}
}

// checkCase runs job over recs and compares with the case's want.json.
func checkCase(t *testing.T, job *Job, c *fixtures.Case, recs [][]byte) {
	t.Helper()
	got, err := job.Run(context.Background(), &logs.SliceSource{Records: recs, Name: "records.jsonl"})
	if err != nil {
		t.Fatal(err)
	}
	want, err := c.WantTable(got.Columns)
	if err != nil {
		t.Fatal(err)
	}
	if job.Engine == Athena {
		want, got = tolerate(job, want), tolerate(job, got)
	}
	if d := alerts.Compare(want, got, alerts.Options{}); !d.Empty() {
		t.Errorf("alerts differ from want.json (-want +got):\n%s\n%s", d, job.Text)
	}
	for _, nm := range c.NearMisses {
		if i := nm.Hit(got, alerts.Options{}); i >= 0 {
			t.Errorf("near miss %v appears (%s): row %v", nm.Where, nm.Reason, got.Rows[i])
		}
	}
}

// caseFS is the archive's files beside the shared corpus (under corpus/),
// which the cases' want.json name their rules in.
func caseFS(t *testing.T) fstest.MapFS {
	t.Helper()
	ar, err := txtar.ParseFile(filepath.Join("testdata", "corpus_cases.txtar"))
	if err != nil {
		t.Fatal(err)
	}
	fsys := fstest.MapFS{}
	for _, f := range ar.Files {
		fsys[f.Name] = &fstest.MapFile{Data: f.Data}
	}
	root := filepath.Join(sharedRoot, "corpus")
	err = fs.WalkDir(os.DirFS(root), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(p)))
		fsys[path.Join("corpus", p)] = &fstest.MapFile{Data: data}
		return err
	})
	if errors.Is(err, fs.ErrNotExist) {
		t.Skipf("no corpus at %s", root)
	}
	if err != nil {
		t.Fatal(err)
	}
	return fsys
}

// caseRule loads the case's one rule.
func caseRule(t *testing.T, fsys fs.FS, c *fixtures.Case) *rule.Rule {
	t.Helper()
	data, err := fs.ReadFile(fsys, c.Rule)
	if err != nil {
		t.Fatal(err)
	}
	rules, diags := rule.Load(c.Rule, data)
	if diags.HasErrors() || len(rules) != 1 {
		t.Fatalf("%s: %d rules, %v", c.Rule, len(rules), diags)
	}
	return rules[0]
}

// caseRecords reads the case's logs: one record per line.
func caseRecords(t *testing.T, fsys fs.FS, c *fixtures.Case) [][]byte {
	t.Helper()
	var out [][]byte
	for _, l := range c.Logs {
		data, err := fs.ReadFile(fsys, l)
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range bytes.Split(data, []byte("\n")) {
			if len(bytes.TrimSpace(line)) > 0 {
				out = append(out, line)
			}
		}
	}
	return out
}
