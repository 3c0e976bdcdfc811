package cli

import (
	"errors"
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/ruleport/ruleport/convert"
	"github.com/ruleport/ruleport/convert/rule"
)

// runConvert implements
//
//	ruleport convert [--target T[,T...]] [--out DIR] [--source-uri URI] RULE...
//
// --target T prints that artifact to stdout (one file as is, several as a
// txtar archive); --out DIR writes every available target, or only the
// targets named when both are given (--target arm,yaml,sentinel-tf writes
// the Sentinel ones). Output layout: DIR/<rule>/<target files>, where
// <rule> is the rule file's name without extension (with the extension,
// "_yaml", when two inputs share a name) and, for an ARM file holding
// several rules, DIR/<rule>/<rule id>/. Targets name their files:
// <rule>.arm.json, <rule>.yaml, sentinel/main.tf.
//
// Exit status: 2 when an input cannot be read, is not a valid rule (load
// or validation errors), or a target fails; nothing is written then. 1
// when every input is valid but some target cannot express a rule
// (convert.ErrUnsupported): the other artifacts are written and the
// unsupported ones reported. 0 otherwise. Warnings go to stderr and do not
// change the status.
func runConvert(e *env, args []string) int {
	fs := newFlagSet(e, "convert")
	targetName := fs.String("target", "", "print artifact `T` to stdout (a comma-separated list for several): "+strings.Join(targetNames(), " | "))
	outDir := fs.String("out", "", "write every available target into `DIR`, all or nothing")
	sourceURI := fs.String("source-uri", "", "record `URI` as the ARM OriginalUri (where the rule's source lives)")
	paths, code, done := parseInterleaved(fs, args)
	if done {
		return code
	}
	if len(paths) == 0 || (*targetName == "" && *outDir == "") {
		fmt.Fprintln(e.stderr, "ruleport convert: give RULE files and --target T (print one artifact) or --out DIR (write them all)")
		fs.Usage()
		return ExitBadInput
	}
	selected, code := selectTargets(e, *targetName, convertOptions{sourceURI: *sourceURI})
	if selected == nil {
		return code
	}
	inputs, diags, bad := loadValid(paths)
	folders, err := ruleFolders(inputs)
	if err != nil {
		fmt.Fprintf(e.stderr, "ruleport convert: %v\n", err)
		return ExitBadInput
	}
	if bad {
		printDiags(e.stderr, diags)
		return ExitBadInput
	}
	files, more, unsupported := generate(inputs, folders, selected)
	diags = append(diags, more...)
	printDiags(e.stderr, diags)
	if diags.HasErrors() && !unsupportedOnly(diags) {
		return ExitBadInput
	}
	if err := emit(e, *outDir, files); err != nil {
		fmt.Fprintf(e.stderr, "ruleport convert: %v\n", err)
		return ExitBadInput
	}
	if unsupported {
		return ExitProblem
	}
	return ExitOK
}

// loadValid loads every input and validates its rules, returning every
// diagnostic and whether any input cannot be converted.
func loadValid(paths []string) ([]*input, convert.Diagnostics, bool) {
	inputs := loadInputs(paths)
	var diags convert.Diagnostics
	bad := false
	for _, in := range inputs {
		diags = append(diags, in.diags...)
		bad = bad || in.bad
		if in.bad {
			continue
		}
		for _, r := range in.rules {
			v := rule.Validate(r)
			diags = append(diags, v...)
			bad = bad || v.HasErrors()
		}
	}
	return inputs, diags, bad
}

// selectTargets picks the targets to run: those named (a comma-separated
// list), or all of them.
func selectTargets(e *env, names string, o convertOptions) (selected []target, code int) {
	all := targets(o)
	if names == "" {
		return all, ExitOK
	}
	want := strings.Split(names, ",")
	for _, name := range want {
		if !slices.ContainsFunc(all, func(t target) bool { return t.name == name }) {
			fmt.Fprintf(e.stderr, "ruleport convert: unknown target %q (targets: %s)\n", name, strings.Join(targetNames(), ", "))
			return nil, ExitBadInput
		}
	}
	// In the registry's order, each once.
	for _, t := range all {
		if slices.Contains(want, t.name) {
			selected = append(selected, t)
		}
	}
	return selected, ExitOK
}

// ruleFolders names each input's output folder: its stem, or its base name
// with "." turned into "_" when stems collide. Two inputs with the same
// base name (in different folders) cannot both be written.
func ruleFolders(inputs []*input) (map[*input]string, error) {
	count := map[string]int{}
	for _, in := range inputs {
		count[stem(in.path)]++
	}
	out := map[*input]string{}
	owner := map[string]string{}
	for _, in := range inputs {
		name := stem(in.path)
		if count[name] > 1 {
			name = strings.ReplaceAll(path.Base(toSlash(in.path)), ".", "_")
		}
		if prev, dup := owner[name]; dup {
			return nil, fmt.Errorf("%s and %s would both be written to %s/: convert them separately", prev, in.path, name)
		}
		owner[name], out[in] = in.path, name
	}
	return out, nil
}

func toSlash(p string) string { return strings.ReplaceAll(p, `\`, "/") }

// generate runs every selected target on every rule, naming files with
// their rule folder. Unsupported constructs skip that target for that
// rule; any other error fails the run.
func generate(inputs []*input, folders map[*input]string, selected []target) ([]convert.File, convert.Diagnostics, bool) {
	var files []convert.File
	var diags convert.Diagnostics
	unsupported := false
	for _, in := range inputs {
		for _, r := range in.rules {
			folder := folders[in]
			if len(in.rules) > 1 {
				folder += "/" + r.ID
			}
			for _, t := range selected {
				fs, d := t.gen(r)
				diags = append(diags, d...)
				if errors.Is(d.Err(), convert.ErrUnsupported) {
					unsupported = true
					continue
				}
				for _, f := range fs {
					files = append(files, convert.File{Name: folder + "/" + f.Name, Data: f.Data})
				}
			}
		}
	}
	return files, diags, unsupported
}

// unsupportedOnly reports whether every error is an unsupported construct.
func unsupportedOnly(diags convert.Diagnostics) bool {
	for _, d := range diags.Errors() {
		if !errors.Is(d, convert.ErrUnsupported) {
			return false
		}
	}
	return true
}

func emit(e *env, dir string, files []convert.File) error {
	if dir != "" {
		return writeTree(dir, files)
	}
	return printFiles(e.stdout, stripFolders(files))
}

// stripFolders drops the rule folder from names when every file comes
// from one rule, so a single artifact prints under its own name.
func stripFolders(files []convert.File) []convert.File {
	if len(files) < 2 {
		return files
	}
	first, _, _ := strings.Cut(files[0].Name, "/")
	for _, f := range files {
		if top, _, _ := strings.Cut(f.Name, "/"); top != first {
			return files
		}
	}
	out := make([]convert.File, len(files))
	for i, f := range files {
		_, rest, _ := strings.Cut(f.Name, "/")
		out[i] = convert.File{Name: rest, Data: f.Data}
	}
	return out
}
