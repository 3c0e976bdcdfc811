package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/ruleport/ruleport/convert"
	"github.com/ruleport/ruleport/convert/rule"
	"github.com/ruleport/ruleport/convert/terraform"
)

// target is one kind of artifact `ruleport convert` writes. gen returns
// the target's files for one rule, named relative to the rule's output
// folder.
type target struct {
	name string
	gen  func(*rule.Rule) ([]convert.File, convert.Diagnostics)
}

// convertOptions are the flags that change what targets produce.
type convertOptions struct {
	sourceURI string // ARM OriginalUri
}

// targets lists every target, in the order --out writes them and
// messages name them (the CLI contract of DESIGN.md).
func targets(o convertOptions) []target {
	return []target{
		{"arm", func(r *rule.Rule) ([]convert.File, convert.Diagnostics) {
			data, err := rule.WriteARM([]*rule.Rule{r}, rule.ARMOptions{SourceURI: o.sourceURI})
			return oneFile(r, stem(r.File)+".arm.json", data, err)
		}},
		{"yaml", func(r *rule.Rule) ([]convert.File, convert.Diagnostics) {
			data, err := rule.WriteYAML(r)
			return oneFile(r, stem(r.File)+".yaml", data, err)
		}},
		{"sentinel-tf", terraform.Sentinel},
		{"athena", athenaTarget},      // targets_athena.go
		{"athena-tf", athenaTFTarget}, // targets_athena.go
		{"cloudwatch", cloudwatchTarget},
		{"cloudwatch-tf", cloudwatchTFTarget},
	}
}

func targetNames() []string {
	var names []string
	for _, t := range targets(convertOptions{}) {
		names = append(names, t.name)
	}
	return names
}

func oneFile(r *rule.Rule, name string, data []byte, err error) ([]convert.File, convert.Diagnostics) {
	if err != nil {
		return nil, convert.Diagnostics{convert.Errorf(r.File, r.Start(), "%v", err)}
	}
	return []convert.File{{Name: name, Data: data}}, nil
}

// stem is a file's name without folder and extension; "x.arm.json", the
// name the arm target writes, gives "x" too.
func stem(path string) string {
	base := filepath.Base(path)
	return strings.TrimSuffix(strings.TrimSuffix(base, filepath.Ext(base)), ".arm")
}

// input is one rule file and what Load made of it.
type input struct {
	path  string
	rules []*rule.Rule
	diags convert.Diagnostics // load diagnostics
	bad   bool                // unreadable or structurally invalid
}

// loadInputs reads and loads every rule file. A file that cannot be read,
// or that Load finds errors in, is marked bad; the others still load, so
// one run reports every broken file.
func loadInputs(paths []string) []*input {
	var out []*input
	for _, p := range paths {
		in := &input{path: p}
		data, d := readRuleFile(p)
		if d != nil {
			in.diags, in.bad = convert.Diagnostics{d}, true
		} else {
			in.rules, in.diags = rule.Load(p, data)
			in.bad = in.diags.HasErrors()
		}
		out = append(out, in)
	}
	return out
}

// readRuleFile reads a rule file, refusing one over rule.MaxFileSize
// without reading it whole, and a folder or missing file with a message
// that says so.
func readRuleFile(path string) ([]byte, *convert.Diagnostic) {
	fail := func(format string, args ...any) ([]byte, *convert.Diagnostic) {
		return nil, convert.Errorf(path, convert.Pos{}, format, args...)
	}
	f, err := os.Open(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fail("no such file")
	case errors.Is(err, fs.ErrPermission):
		return fail("cannot read: permission denied")
	case err != nil:
		return fail("cannot read: %v", unwrapPath(err))
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && st.IsDir() {
		return fail("is a folder, not a rule file")
	}
	data, err := io.ReadAll(io.LimitReader(f, rule.MaxFileSize+1))
	if err != nil {
		return fail("cannot read: %v", unwrapPath(err))
	}
	if len(data) > rule.MaxFileSize {
		size := "more than"
		if st, err := f.Stat(); err == nil {
			size = fmt.Sprintf("%d bytes,", st.Size())
		}
		return fail("file is %s over the %d-byte limit for a rule file (ARM refuses templates over 4 MB)", size, rule.MaxFileSize)
	}
	return data, nil
}

// unwrapPath drops the "open PATH:" prefix the diagnostic already has.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// parseInterleaved parses flags that may come before, between or after
// the positional arguments (ruleport convert RULE --target arm), which
// the flag package alone does not allow; "--" ends flag parsing.
func parseInterleaved(fs *flag.FlagSet, args []string) (positional []string, code int, done bool) {
	rest := []string(nil)
	if i := slices.Index(args, "--"); i >= 0 {
		args, rest = args[:i], args[i+1:]
	}
	for {
		if code, done := parseFlags(fs, args); done {
			return nil, code, true
		}
		args = fs.Args()
		if len(args) == 0 {
			break
		}
		positional = append(positional, args[0])
		args = args[1:]
	}
	return append(positional, rest...), 0, false
}

// printDiags prints diagnostics sorted, one per line.
func printDiags(w io.Writer, diags convert.Diagnostics) {
	diags.Sort()
	for _, d := range diags {
		fmt.Fprintln(w, d.Error())
	}
}
