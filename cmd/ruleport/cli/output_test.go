package cli

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/ruleport/ruleport/convert"
)

func files(nameData ...string) []convert.File {
	var out []convert.File
	for i := 0; i+1 < len(nameData); i += 2 {
		out = append(out, convert.File{Name: nameData[i], Data: []byte(nameData[i+1])})
	}
	return out
}

// TestWriteTreeRollsBack: when a swap fails halfway, the folders already
// swapped in are taken out, those moved aside come back, and no staging
// folder is left behind.
func TestWriteTreeRollsBack(t *testing.T) {
	out := t.TempDir()
	writeFile(t, out, "keep.txt", []byte("mine"))
	if err := os.Mkdir(filepath.Join(out, "a"), 0o755); err != nil {
		t.Fatal(err)
	}
	writeFile(t, out, "a/old.txt", []byte("old a"))
	calls := 0
	rename = func(from, to string) error {
		calls++
		if calls == 3 { // a moved aside (1), a placed (2), b placed (3)
			return fmt.Errorf("injected failure")
		}
		return os.Rename(from, to)
	}
	defer func() { rename = os.Rename }()
	err := writeTree(out, files("a/new.txt", "new a", "b/new.txt", "new b"))
	if err == nil || err.Error() != "injected failure" {
		t.Fatalf("writeTree error = %v, want the injected failure", err)
	}
	want := map[string]string{"keep.txt": "mine", "a/old.txt": "old a"}
	if diff := cmp.Diff(want, readTree(t, out)); diff != "" {
		t.Errorf("after a failed write (-want +got):\n%s", diff)
	}
	if calls != 4 { // and the undo moved a's old folder back
		t.Errorf("%d renames, want 4", calls)
	}
}

// TestWriteTreeNewFolder: a folder writeTree creates is removed again
// when the write fails.
func TestWriteTreeNewFolder(t *testing.T) {
	out := filepath.Join(t.TempDir(), "new")
	rename = func(string, string) error { return fmt.Errorf("injected failure") }
	err := writeTree(out, files("a/x", "1"))
	rename = os.Rename
	if err == nil {
		t.Fatal("writeTree succeeded with every rename failing")
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("%s is left behind: %v", out, err)
	}
	if err := writeTree(out, files("a/x", "1", "a/sub/y", "2")); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"a/x": "1", "a/sub/y": "2"}
	if diff := cmp.Diff(want, readTree(t, out)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestWriteTreeRefusesBadNames(t *testing.T) {
	out := t.TempDir()
	cases := []struct{ name, want string }{
		{"../x/y", `internal error: output file name "../x/y" is not a clean relative path inside a rule folder`},
		{"/abs/y", `internal error: output file name "/abs/y" is not a clean relative path inside a rule folder`},
		{"a/./b", `internal error: output file name "a/./b" is not a clean relative path inside a rule folder`},
		{"flat", `internal error: output file name "flat" is not a clean relative path inside a rule folder`},
	}
	for _, c := range cases {
		err := writeTree(out, files(c.name, "x"))
		if err == nil || err.Error() != c.want {
			t.Errorf("writeTree(%q) error = %v, want %q", c.name, err, c.want)
		}
	}
	if err := writeTree(out, files("a/b", "1", "a/b", "2")); err == nil || err.Error() != "internal error: two outputs named a/b" {
		t.Errorf("duplicate names: %v", err)
	}
	if got := readTree(t, out); len(got) != 0 {
		t.Errorf("refused writes left files: %v", got)
	}
	file := writeFile(t, out, "plain", nil)
	if err := writeTree(file, files("a/b", "1")); err == nil || err.Error() != file+" is a file, not a folder" {
		t.Errorf("writing into a file: %v", err)
	}
}

func TestPrintFiles(t *testing.T) {
	cases := []struct {
		in   []convert.File
		want string
	}{
		{files("a/x.tf", "resource {}\n"), "resource {}\n"},
		{files("a/x", "1\n", "b/y", "2"), "-- a/x --\n1\n-- b/y --\n2\n"},
	}
	for _, c := range cases {
		var b bytes.Buffer
		if err := printFiles(&b, c.in); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(c.want, b.String()); diff != "" {
			t.Errorf("(-want +got):\n%s", diff)
		}
	}
}
