package cli

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/rogpeppe/go-internal/txtar"
)

// Golden cases live in testdata/golden/*.txtar. Each archive holds:
//
//	-- args --     the command line, one argument per line ($OUT is the output folder)
//	-- <name> --   input files, written to a scratch folder the command runs in
//	-- exit --     the expected exit code
//	-- stdout --   the expected standard output (when not empty)
//	-- stderr --   the expected standard error (when not empty)
//	-- out/<path> -- every file the command writes under $OUT, and no other
//
// UPDATE_GOLDEN=1 go test ./cmd/ruleport/cli rewrites the expected
// sections from what the command does; read the diff before committing.
func TestGolden(t *testing.T) {
	paths, err := filepath.Glob(filepath.Join("testdata", "golden", "*.txtar"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no golden files: %v", err)
	}
	for _, p := range paths {
		p, _ := filepath.Abs(p) // the cases run in a scratch folder
		t.Run(strings.TrimSuffix(filepath.Base(p), ".txtar"), func(t *testing.T) { runGolden(t, p) })
	}
}

var expectedSections = map[string]bool{"exit": true, "stdout": true, "stderr": true}

func runGolden(t *testing.T, path string) {
	ar, err := txtar.ParseFile(path)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	var args []string
	want := map[string]string{}
	for _, f := range ar.Files {
		switch {
		case f.Name == "args":
			for _, a := range strings.Split(strings.TrimSpace(string(f.Data)), "\n") {
				args = append(args, strings.ReplaceAll(a, "$OUT", "out"))
			}
		case expectedSections[f.Name] || strings.HasPrefix(f.Name, "out/"):
			want[f.Name] = string(f.Data)
		default:
			if err := os.WriteFile(filepath.Join(dir, f.Name), f.Data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	t.Chdir(dir)
	var stdout, stderr bytes.Buffer
	code := Run(args, nil, &stdout, &stderr)
	got := map[string]string{"exit": strconv.Itoa(code) + "\n"}
	if stdout.Len() > 0 {
		got["stdout"] = stdout.String()
	}
	if stderr.Len() > 0 {
		got["stderr"] = stderr.String()
	}
	for name, data := range readTree(t, "out") {
		got["out/"+name] = data
	}
	if os.Getenv("UPDATE_GOLDEN") != "" {
		writeGolden(t, path, ar, got)
		return
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("%s (-want +got):\n%s", path, diff)
	}
}

// readTree returns every file under dir by slash path, or nothing when
// dir does not exist.
func readTree(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if os.IsNotExist(err) {
			return fs.SkipAll
		}
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		out[filepath.ToSlash(rel)] = string(data)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func writeGolden(t *testing.T, path string, ar *txtar.Archive, got map[string]string) {
	var files []txtar.File
	for _, f := range ar.Files {
		if !expectedSections[f.Name] && !strings.HasPrefix(f.Name, "out/") {
			files = append(files, f)
		}
	}
	names := make([]string, 0, len(got))
	for n := range got {
		names = append(names, n)
	}
	// exit, stdout, stderr first, then the written files in path order.
	rank := map[string]int{"exit": 0, "stdout": 1, "stderr": 2}
	sort.Slice(names, func(i, j int) bool {
		ri, iok := rank[names[i]]
		rj, jok := rank[names[j]]
		switch {
		case iok && jok:
			return ri < rj
		case iok != jok:
			return iok
		}
		return names[i] < names[j]
	})
	for _, n := range names {
		files = append(files, txtar.File{Name: n, Data: []byte(got[n])})
	}
	ar.Files = files
	if err := os.WriteFile(path, txtar.Format(ar), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("rewrote %s", path)
}
