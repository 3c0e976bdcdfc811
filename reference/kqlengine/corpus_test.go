package kqlengine

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/ruleport/ruleport/convert/kql"
	"github.com/ruleport/ruleport/reference/logs"
)

// The corpus test is the count: how many of the corpus's rules
// over AWSCloudTrail the engine evaluates, on a small record set, without
// an unsupported error. The corpus lives in ../shared/corpus beside the
// repository (as for convert/kql's corpus tests); a missing corpus fails
// the test rather than pass without checking.

// corpusQuery is one corpus rule over AWSCloudTrail.
type corpusQuery struct {
	file, query string
}

// corpusRoot is ../shared/corpus beside the repository.
func corpusRoot(t testing.TB) string {
	t.Helper()
	dir, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "go.mod")); err != nil {
		t.Fatalf("no go.mod two folders up: %v", err)
	}
	return filepath.Join(dir, "..", "shared", "corpus")
}

// loadAWSQueries reads the YAML rules of the corpus whose query reads
// AWSCloudTrail. unloadable lists files whose YAML does not load.
func loadAWSQueries(t testing.TB) (qs []corpusQuery, unloadable []string) {
	t.Helper()
	root := corpusRoot(t)
	err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || filepath.Ext(path) != ".yaml" {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		var y struct {
			Query string `yaml:"query"`
		}
		if err := yaml.Unmarshal(data, &y); err != nil {
			if strings.Contains(string(data), "AWSCloudTrail") {
				unloadable = append(unloadable, filepath.ToSlash(rel))
			}
			return nil
		}
		if strings.Contains(y.Query, "AWSCloudTrail") {
			qs = append(qs, corpusQuery{filepath.ToSlash(rel), y.Query})
		}
		return nil
	})
	if err != nil {
		t.Fatalf("reading the corpus: %v", err)
	}
	sort.Slice(qs, func(i, j int) bool { return qs[i].file < qs[j].file })
	return qs, unloadable
}

// fixtureTable reads every log of the built-in fixture cases into one
// AWSCloudTrail table: RunInstances launches of every shape, and the
// public records of the AWS docs and Panther's tests.
func fixtureTable(t testing.TB) *Table {
	t.Helper()
	dirs, err := filepath.Glob(filepath.Join(fixturesDir, "seed", "*", "logs"))
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no fixture logs: %v", err)
	}
	src, err := logs.Open(dirs...)
	if err != nil {
		t.Fatal(err)
	}
	cols, err := AWSCloudTrailColumns()
	if err != nil {
		t.Fatal(err)
	}
	tab := &Table{Columns: cols}
	for {
		rec, err := src.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		raw, err := logs.ToAWSCloudTrail(rec.Raw)
		if err != nil {
			t.Fatal(err)
		}
		row, err := cloudTrailRow(cols, raw)
		if err != nil {
			t.Fatal(err)
		}
		tab.Rows = append(tab.Rows, row)
	}
	return tab
}

// TestCorpus runs every corpus query over AWSCloudTrail on the fixture
// records. A query evaluates, or fails with an unsupported construct, or
// names a table ruleport does not have; any other error would be the
// engine rejecting a query Sentinel runs, and fails the test.
func TestCorpus(t *testing.T) {
	qs, unloadable := loadAWSQueries(t)
	tables := map[string]*Table{AWSCloudTrail: fixtureTable(t)}
	// now after every fixture record, so that ago() windows reach them.
	opt := Options{Now: time.Date(2026, 3, 4, 0, 0, 0, 0, time.UTC)}
	var ok int
	missing := map[string][]string{}
	for _, c := range qs {
		q, errs := kql.Parse(c.query)
		if len(errs) > 0 {
			t.Errorf("%s: does not parse: %v", c.file, errs)
			continue
		}
		_, err := RunTables(q, tables, opt)
		switch {
		case err == nil:
			ok++
		case IsUnsupported(err):
			missing[construct(err)] = append(missing[construct(err)], c.file)
		case strings.Contains(err.Error(), "unknown table "):
			missing["other table: "+strings.SplitN(err.Error(), "unknown table ", 2)[1]] =
				append(missing["other table: "+strings.SplitN(err.Error(), "unknown table ", 2)[1]], c.file)
		default:
			t.Errorf("%s: %v", c.file, err)
		}
	}
	t.Logf("corpus: %d of %d AWSCloudTrail rules evaluate (%d more do not load as YAML: %v)", ok, len(qs), len(unloadable), unloadable)
	keys := make([]string, 0, len(missing))
	for k := range missing {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if len(missing[keys[i]]) != len(missing[keys[j]]) {
			return len(missing[keys[i]]) > len(missing[keys[j]])
		}
		return keys[i] < keys[j]
	})
	for _, k := range keys {
		t.Logf("  %2d  %s  (%s)", len(missing[k]), k, strings.Join(missing[k], ", "))
	}
	// The count measured when this test was written; a regression fails.
	if ok < corpusFloor {
		t.Errorf("only %d rules evaluate, fewer than the %d measured before", ok, corpusFloor)
	}
}

// corpusFloor is the number of corpus rules the engine evaluated when the
// corpus test was last updated.
const corpusFloor = 61

// construct names what an unsupported error refuses, without its offset.
func construct(err error) string {
	var qe *Error
	if errors.As(err, &qe) {
		return qe.Msg
	}
	return err.Error()
}
