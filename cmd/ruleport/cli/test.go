package cli

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/ruleport/ruleport/convert/rule"
	"github.com/ruleport/ruleport/fixtures"
	"github.com/ruleport/ruleport/reference/conformance"
)

// runTest is `ruleport test [--format text|json|junit|github] [--engine
// E,...] [RULE|CASE...]`: every engine on every fixture case, a verdict per
// engine and case. Exit 1 on any unexplained divergence or mismatch with
// want.json, 2 on bad input.
func runTest(e *env, args []string) int {
	fs := newFlagSet(e, "test")
	format := fs.String("format", "text", "text | json | junit | github")
	engineList := fs.String("engine", strings.Join(conformance.Engines(), ","), "comma-separated engines to run")
	paths, code, done := parseInterleaved(fs, args)
	if done {
		return code
	}
	report, ok := reporters[*format]
	if !ok {
		return usageError(e, fs, "--format must be text, json, junit or github")
	}
	engines, err := parseEngines(*engineList)
	if err != nil {
		return usageError(e, fs, err.Error())
	}
	suites, err := resolveSuites(paths)
	if err != nil {
		fmt.Fprintln(e.stderr, err)
		return ExitBadInput
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	start := time.Now()
	var results []conformance.Result
	for _, s := range suites {
		for _, dir := range s.dirs {
			rs, err := conformance.RunCase(ctx, s.fsys, dir, conformance.Options{Engines: engines, Rule: s.rule})
			if err != nil {
				fmt.Fprintf(e.stderr, "%s\n", s.display(err.Error()))
				return ExitBadInput
			}
			for i := range rs {
				rs[i].Case = s.display(rs[i].Case)
				rs[i].Rule = s.displayRule(rs[i].Rule)
			}
			results = append(results, rs...)
		}
	}
	run := testRun{Engines: engines, Results: results, Elapsed: time.Since(start), Color: isTerminal(e.stdout)}
	if err := report(e.stdout, run); err != nil {
		fmt.Fprintf(e.stderr, "ruleport: writing the report: %v\n", err)
		return ExitBadInput
	}
	if run.failed() {
		return ExitProblem
	}
	return ExitOK
}

// parseEngines reads a comma-separated engine list.
func parseEngines(list string) ([]string, error) {
	var out []string
	for _, name := range strings.Split(list, ",") {
		name = strings.TrimSpace(name)
		if !conformance.IsEngine(name) {
			return nil, fmt.Errorf("--engine: unknown engine %q (want some of %v)", name, conformance.Engines())
		}
		if !slices.Contains(out, name) {
			out = append(out, name)
		}
	}
	return out, nil
}

// suite is a set of case folders in one file system, and the rule that
// replaces theirs when the user named a rule file.
type suite struct {
	fsys fs.FS
	dirs []string
	rule *rule.Rule
	// prefix turns a path in fsys back into one the user recognises:
	// "fixtures/" for the built-in cases (the folder they come from in the
	// ruleport repository), the working folder's relative path otherwise.
	prefix string
}

// display rewrites the fs paths in s (case folders, want.json errors) into
// paths the user can open.
func (s suite) display(text string) string {
	if s.prefix == "" {
		return text
	}
	for _, d := range s.dirs {
		text = strings.ReplaceAll(text, d, s.prefix+d)
	}
	return text
}

// displayRule returns r with its file named as the user sees it, for
// reports that point into the rule (GitHub annotations). A rule the user
// gave keeps its path.
func (s suite) displayRule(r *rule.Rule) *rule.Rule {
	if r == nil || s.prefix == "" || r == s.rule {
		return r
	}
	shown := *r
	shown.File = s.prefix + r.File
	return &shown
}

// resolveSuites turns the arguments into suites: none is the built-in
// seed cases; a folder is a case (it holds want.json) or a folder of cases;
// a file is a rule, run against the built-in cases of its rule id.
func resolveSuites(paths []string) ([]suite, error) {
	if len(paths) == 0 {
		return builtinSuite(nil)
	}
	var out []suite
	for _, p := range paths {
		st, err := os.Stat(p)
		if err != nil {
			return nil, fmt.Errorf("%s: %v", p, unwrapPath(err))
		}
		var ss []suite
		if st.IsDir() {
			ss, err = folderSuite(p)
		} else {
			ss, err = ruleSuite(p)
		}
		if err != nil {
			return nil, err
		}
		out = append(out, ss...)
	}
	return out, nil
}

// builtinSuite is the cases embedded in the binary, all of them (r nil)
// or those whose rule has r's id, run with r.
func builtinSuite(r *rule.Rule) ([]suite, error) {
	dirs, err := conformance.CaseDirs(fixtures.Seed, "seed")
	if err != nil {
		return nil, fmt.Errorf("built-in cases: %v", err)
	}
	if r != nil {
		var kept []string
		for _, d := range dirs {
			c, err := fixtures.LoadCase(fixtures.Seed, d)
			if err != nil {
				return nil, fmt.Errorf("built-in case %s: %v", d, err)
			}
			own, err := conformance.LoadRule(fixtures.Seed, c.Rule)
			if err != nil {
				return nil, fmt.Errorf("built-in case %s: %v", d, err)
			}
			if strings.EqualFold(own.ID, r.ID) {
				kept = append(kept, d)
			}
		}
		if len(kept) == 0 {
			return nil, fmt.Errorf("%s: no built-in fixture cases for rule id %s; give case folders instead (see docs/ARCHITECTURE.md)", r.File, r.ID)
		}
		dirs = kept
	}
	return []suite{{fsys: fixtures.Seed, dirs: dirs, rule: r, prefix: "fixtures/"}}, nil
}

// ruleSuite loads a rule file and pairs it with the built-in cases of its id.
func ruleSuite(path string) ([]suite, error) {
	data, d := readRuleFile(path)
	if d != nil {
		return nil, d
	}
	rules, diags := rule.Load(path, data)
	if diags.HasErrors() {
		return nil, diags.Errors()
	}
	var out []suite
	for _, r := range rules {
		ss, err := builtinSuite(r)
		if err != nil {
			return nil, err
		}
		out = append(out, ss...)
	}
	return out, nil
}

// folderSuite finds the cases at or under a folder on disk. The file
// system is rooted at the working folder when the case lies inside it, so
// a want.json may name a rule in a parent folder ("../rule.yaml") and
// messages show the paths the user typed; otherwise at the file system
// root.
func folderSuite(dir string) ([]suite, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	root, rel := "/", strings.TrimPrefix(filepath.ToSlash(abs), "/")
	if wd, err := os.Getwd(); err == nil {
		if r, err := filepath.Rel(wd, abs); err == nil && r != ".." && !strings.HasPrefix(r, "../") {
			root, rel = wd, filepath.ToSlash(r)
		}
	}
	fsys := os.DirFS(root)
	dirs, err := conformance.CaseDirs(fsys, rel)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", dir, err)
	}
	if len(dirs) == 0 {
		return nil, fmt.Errorf("%s: no fixture case here (a case folder holds want.json and logs/)", dir)
	}
	prefix := ""
	if root == "/" {
		prefix = "/"
	}
	return []suite{{fsys: fsys, dirs: dirs, prefix: prefix}}, nil
}
