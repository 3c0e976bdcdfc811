package plan

import (
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/rogpeppe/go-internal/txtar"
)

// golden reads testdata/name, a txtar archive whose files come in pairs
// "case.kql" and "case.<suffix>", runs f on each query and compares with
// the expected file. With UPDATE_GOLDEN=1 it rewrites the expected files
// from f's output instead: read the diff before committing.
func golden(t *testing.T, name, suffix string, f func(t *testing.T, in string) string) {
	t.Helper()
	path := "testdata/" + name
	ar, err := txtar.ParseFile(path)
	if err != nil {
		t.Fatal(err)
	}
	update := os.Getenv("UPDATE_GOLDEN") == "1"
	var out []txtar.File
	cases := 0
	for i := 0; i < len(ar.Files); i++ {
		file := ar.Files[i]
		base, ok := strings.CutSuffix(file.Name, ".kql")
		if !ok {
			t.Fatalf("%s: %s: expected a .kql file, then its .%s", path, file.Name, suffix)
		}
		want := ""
		if i+1 < len(ar.Files) && ar.Files[i+1].Name == base+"."+suffix {
			want = string(ar.Files[i+1].Data)
			i++
		}
		in := strings.TrimSuffix(string(file.Data), "\n")
		var got string
		t.Run(base, func(t *testing.T) {
			got = f(t, in)
			if !update {
				if d := cmp.Diff(want, got); d != "" {
					t.Errorf("%s (-want +got):\n%s", base, d)
				}
			}
		})
		cases++
		out = append(out, file, txtar.File{Name: base + "." + suffix, Data: []byte(got)})
	}
	if cases == 0 {
		t.Fatalf("%s holds no cases", path)
	}
	if update {
		ar.Files = out
		if err := os.WriteFile(path, txtar.Format(ar), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
