package cli

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/ruleport/ruleport/convert"
)

// rename is os.Rename; tests replace it to make a step fail.
var rename = os.Rename

// writeTree writes files (names relative to dir, "/"-separated, each
// under a top-level folder of its own: one per rule) so that either all of
// them appear or none does. It builds the whole tree in a staging folder
// inside dir (the same file system, so renames are atomic), then swaps
// each top-level folder in: an existing folder of that name is moved
// aside first and deleted only once every folder is in place. If any step
// fails, the folders already swapped are put back and nothing ruleport
// created is left behind. Entries of dir that are not in files are never
// touched. (A crash halfway through the swap can leave a
// ".ruleport-old-*" folder behind; a failed write cannot.)
func writeTree(dir string, files []convert.File) error {
	if err := checkNames(files); err != nil {
		return err
	}
	if st, err := os.Stat(dir); err == nil && !st.IsDir() {
		return fmt.Errorf("%s is a file, not a folder", dir)
	}
	created := false
	if _, err := os.Stat(dir); os.IsNotExist(err) {
		created = true
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	err := swapIn(dir, files)
	if err != nil && created {
		os.Remove(dir) // only if still empty
	}
	return err
}

func swapIn(dir string, files []convert.File) error {
	stage, err := os.MkdirTemp(dir, ".ruleport-stage-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(stage)
	for _, f := range files {
		p := filepath.Join(stage, filepath.FromSlash(f.Name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, f.Data, 0o644); err != nil {
			return err
		}
	}
	old, err := os.MkdirTemp(dir, ".ruleport-old-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(old)
	var moved, placed []string
	undo := func() {
		for _, t := range placed {
			os.RemoveAll(filepath.Join(dir, t))
		}
		for _, t := range moved {
			rename(filepath.Join(old, t), filepath.Join(dir, t))
		}
	}
	for _, t := range topLevel(files) {
		dst := filepath.Join(dir, t)
		if _, err := os.Lstat(dst); err == nil {
			if err := rename(dst, filepath.Join(old, t)); err != nil {
				undo()
				return err
			}
			moved = append(moved, t)
		}
		if err := rename(filepath.Join(stage, t), dst); err != nil {
			undo()
			return err
		}
		placed = append(placed, t)
	}
	return nil
}

// checkNames refuses names that would escape dir or collide.
func checkNames(files []convert.File) error {
	seen := map[string]bool{}
	for _, f := range files {
		n := f.Name
		if n == "" || path.IsAbs(n) || path.Clean(n) != n || n == ".." || strings.HasPrefix(n, "../") || !strings.Contains(n, "/") {
			return fmt.Errorf("internal error: output file name %q is not a clean relative path inside a rule folder", n)
		}
		if seen[n] {
			return fmt.Errorf("internal error: two outputs named %s", n)
		}
		seen[n] = true
	}
	return nil
}

// topLevel returns the distinct first path elements of the names, sorted.
func topLevel(files []convert.File) []string {
	set := map[string]bool{}
	for _, f := range files {
		top, _, _ := strings.Cut(f.Name, "/")
		set[top] = true
	}
	out := make([]string, 0, len(set))
	for t := range set {
		out = append(out, t)
	}
	sort.Strings(out)
	return out
}

// printFiles writes files to w: one file as its bytes; several as a txtar
// archive ("-- name --" lines before each file's content), which
// golang.org/x/tools/txtar and github.com/rogpeppe/go-internal/txtar read.
func printFiles(w io.Writer, files []convert.File) error {
	if len(files) == 1 {
		_, err := w.Write(files[0].Data)
		return err
	}
	var b bytes.Buffer
	for _, f := range files {
		fmt.Fprintf(&b, "-- %s --\n", f.Name)
		b.Write(f.Data)
		if len(f.Data) > 0 && f.Data[len(f.Data)-1] != '\n' {
			b.WriteByte('\n')
		}
	}
	_, err := w.Write(b.Bytes())
	return err
}
