// Package golden compares what a test produces with expected text kept in
// txtar archives (testdata/*.txtar), the way every ruleport package keeps
// its goldens. With UPDATE_GOLDEN=1 in the environment it writes the
// archive again from what the test produced instead of comparing; a person
// then reads the diff before committing (DESIGN.md, "Habits").
//
// It is test support: only _test.go files import it.
package golden

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/rogpeppe/go-internal/txtar"
)

// Update reports whether this run rewrites goldens instead of comparing
// with them: UPDATE_GOLDEN=1.
func Update() bool {
	return os.Getenv("UPDATE_GOLDEN") == "1"
}

// pair is one input of a Pairs archive and the text expected from it.
type pair struct {
	Name  string     // the input's name without its suffix: the subtest's name
	Input txtar.File // the input file, as the archive holds it
	Want  string     // the expected file's text; "" when the archive has none yet
}

// split reads an archive of pairs: each input file "<case>.<in>" is
// followed by its expected file "<case>.<out>", or by nothing when none
// was written yet. Any other file is an error, and so is an archive
// without cases: a golden that compares nothing would pass forever.
func split(ar *txtar.Archive, in, out string) ([]pair, error) {
	var cases []pair
	for i := 0; i < len(ar.Files); i++ {
		f := ar.Files[i]
		base, ok := strings.CutSuffix(f.Name, "."+in)
		if !ok {
			return nil, fmt.Errorf("%s: expected a .%s file, then its .%s", f.Name, in, out)
		}
		c := pair{Name: base, Input: f}
		if i+1 < len(ar.Files) && ar.Files[i+1].Name == base+"."+out {
			c.Want = string(ar.Files[i+1].Data)
			i++
		}
		cases = append(cases, c)
	}
	if len(cases) == 0 {
		return nil, fmt.Errorf("no cases")
	}
	return cases, nil
}

// join is the archive of cases with got as their expected files, in the
// cases' order, keeping ar's comment: what Pairs writes under Update.
func join(ar *txtar.Archive, cases []pair, got []string, out string) *txtar.Archive {
	files := make([]txtar.File, 0, 2*len(cases))
	for i, c := range cases {
		files = append(files, c.Input, txtar.File{Name: c.Name + "." + out, Data: []byte(got[i])})
	}
	return &txtar.Archive{Comment: ar.Comment, Files: files}
}

// Pairs runs f on every input of the archive at path (see split), each in
// a subtest named after its case, and compares f's result with the
// expected file, printing (-want +got). Under Update it writes the archive
// again with f's results as the expected files instead.
func Pairs(t *testing.T, path, in, out string, f func(t *testing.T, input txtar.File) string) {
	t.Helper()
	ar, err := txtar.ParseFile(path)
	if err != nil {
		t.Fatal(err)
	}
	cases, err := split(ar, in, out)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	got := make([]string, len(cases))
	for i, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			got[i] = f(t, c.Input)
			if !Update() {
				if d := cmp.Diff(c.Want, got[i]); d != "" {
					t.Errorf("%s (-want +got):\n%s", c.Name, d)
				}
			}
		})
	}
	if Update() {
		write(t, path, join(ar, cases, got, out))
	}
}

// File compares got with the file called name in the archive at path.
// Under Update it writes the archive as comment and that one file instead.
func File(t *testing.T, path, comment, name string, got []byte) {
	t.Helper()
	if Update() {
		write(t, path, &txtar.Archive{Comment: []byte(comment), Files: []txtar.File{{Name: name, Data: got}}})
		return
	}
	ar, err := txtar.ParseFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range ar.Files {
		if f.Name == name {
			if d := cmp.Diff(string(f.Data), string(got)); d != "" {
				t.Errorf("%s: %s (-want +got):\n%s", path, name, d)
			}
			return
		}
	}
	t.Fatalf("%s holds no file %s; run with UPDATE_GOLDEN=1 to write it", path, name)
}

func write(t *testing.T, path string, ar *txtar.Archive) {
	t.Helper()
	if err := os.WriteFile(path, txtar.Format(ar), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("rewrote %s", path)
}
