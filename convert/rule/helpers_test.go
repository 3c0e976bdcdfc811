package rule

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/ruleport/ruleport/fixtures"
)

// sharedDir is ../shared beside the repository (DESIGN.md: tests may read
// it; CI has it there too).
var sharedDir = filepath.Join("..", "..", "..", "shared")

func readShared(t *testing.T, rel string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(sharedDir, rel))
	if err != nil {
		t.Fatalf("reading the shared material (../shared beside the repository): %v", err)
	}
	return data
}

// seedRule loads the seed rule embedded in package fixtures.
func seedRule(t *testing.T) *Rule {
	t.Helper()
	data, err := fixtures.Seed.ReadFile(fixtures.SeedRulePath)
	if err != nil {
		t.Fatal(err)
	}
	rules, diags := Load("seed.yaml", data)
	if len(diags) > 0 || len(rules) != 1 {
		t.Fatalf("loading the seed: %d rules, diagnostics %v", len(rules), diags)
	}
	return rules[0]
}

// corpusFiles lists every rule file of ../shared/corpus.
func corpusFiles(t *testing.T) []string { return corpusFilesF(t) }

func corpusFilesF(t testing.TB) []string {
	t.Helper()
	var files []string
	err := filepath.WalkDir(filepath.Join(sharedDir, "corpus"), func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if ext := filepath.Ext(p); !d.IsDir() && (ext == ".yaml" || ext == ".json") {
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		t.Fatalf("walking the corpus (../shared/corpus beside the repository): %v", err)
	}
	if len(files) < 90 {
		t.Fatalf("found %d corpus rule files, want the 92 of ../shared/corpus/README.md", len(files))
	}
	return files
}
