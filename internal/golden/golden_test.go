package golden

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/rogpeppe/go-internal/txtar"
)

func TestSplit(t *testing.T) {
	in := func(name, data string) txtar.File { return txtar.File{Name: name, Data: []byte(data)} }
	tests := []struct {
		name    string
		files   []txtar.File
		want    []pair
		wantErr string
	}{
		{"pairs", []txtar.File{in("a.in", "x\n"), in("a.out", "X\n"), in("b.in", "y\n"), in("b.out", "Y\n")},
			[]pair{{"a", in("a.in", "x\n"), "X\n"}, {"b", in("b.in", "y\n"), "Y\n"}}, ""},
		// b has no expected file yet: it expects "".
		{"missing expected", []txtar.File{in("a.in", "x\n"), in("b.in", "y\n"), in("b.out", "Y\n")},
			[]pair{{"a", in("a.in", "x\n"), ""}, {"b", in("b.in", "y\n"), "Y\n"}}, ""},
		{"expected of another case", []txtar.File{in("a.in", "x\n"), in("b.out", "Y\n")},
			nil, "b.out: expected a .in file, then its .out"},
		{"no cases", nil, nil, "no cases"},
	}
	for _, tt := range tests {
		got, err := split(&txtar.Archive{Files: tt.files}, "in", "out")
		gotErr := ""
		if err != nil {
			gotErr = err.Error()
		}
		if d := cmp.Diff(tt.wantErr, gotErr); d != "" {
			t.Errorf("%s: error (-want +got):\n%s", tt.name, d)
		}
		if d := cmp.Diff(tt.want, got); d != "" {
			t.Errorf("%s (-want +got):\n%s", tt.name, d)
		}
	}
}

// upper is the function under "test" in the Pairs cases.
func upper(t *testing.T, f txtar.File) string { return strings.ToUpper(string(f.Data)) }

// TestPairsUpdate: under UPDATE_GOLDEN=1 the archive is written again
// with each input followed by f's result (a stale one replaced, a missing
// one added), keeping the comment and the cases' order.
func TestPairsUpdate(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.txtar")
	writeFile(t, path, "note\n-- b.in --\nb\n-- b.out --\nstale\n-- a.in --\na\n")
	t.Setenv("UPDATE_GOLDEN", "1")
	Pairs(t, path, "in", "out", upper)
	want := "note\n-- b.in --\nb\n-- b.out --\nB\n-- a.in --\na\n-- a.out --\nA\n"
	if d := cmp.Diff(want, readFile(t, path)); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
}

// TestPairsCompare: without UPDATE_GOLDEN the archive is only read, f runs
// once per case, each in a subtest named after it.
func TestPairsCompare(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.txtar")
	const archive = "-- a.in --\na\n-- a.out --\nA\n-- b.in --\nb\n-- b.out --\nB\n"
	writeFile(t, path, archive)
	t.Setenv("UPDATE_GOLDEN", "")
	var ran []string
	Pairs(t, path, "in", "out", func(t *testing.T, f txtar.File) string {
		ran = append(ran, t.Name())
		return upper(t, f)
	})
	if d := cmp.Diff([]string{"TestPairsCompare/a", "TestPairsCompare/b"}, ran); d != "" {
		t.Errorf("subtests (-want +got):\n%s", d)
	}
	if got := readFile(t, path); got != archive {
		t.Errorf("the archive changed without UPDATE_GOLDEN:\n%s", got)
	}
}

// TestFile: under UPDATE_GOLDEN=1, File writes the comment and the one
// file; then, without it, the same text compares equal.
func TestFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.txtar")
	t.Setenv("UPDATE_GOLDEN", "1")
	File(t, path, "what this is\n", "seed/main.tf", []byte("a = 1\n"))
	want := "what this is\n-- seed/main.tf --\na = 1\n"
	if d := cmp.Diff(want, readFile(t, path)); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
	t.Setenv("UPDATE_GOLDEN", "")
	File(t, path, "ignored when comparing\n", "seed/main.tf", []byte("a = 1\n"))
}

func writeFile(t *testing.T, path, data string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}
