package cli

import (
	"errors"
	"fmt"
	"strings"

	"github.com/ruleport/ruleport/convert"
	"github.com/ruleport/ruleport/convert/rule"
)

// runCheck implements `ruleport check RULE...`: it loads every rule,
// validates it (rule.Validate: TARGETS.md §1), and generates every
// available target, which checks the artifacts themselves (the Terraform
// against the embedded azurerm schema). Findings print to stdout as
// "file:line:col: message", sorted; a summary goes to stderr.
//
// Exit status: 2 when a file cannot be read or is not a well-formed rule
// (invalid YAML or JSON, wrong types, unknown or duplicate keys); 1 when
// any error was found; 0 otherwise. Warnings (such as a query YAML has
// folded into one line) are printed with "warning:" and do not fail the
// check: they describe a rule that deploys, possibly not as meant. A
// construct a target cannot express (convert.ErrUnsupported) is printed as
// a warning too: the rule is valid, that target just cannot carry it.
func runCheck(e *env, args []string) int {
	fs := newFlagSet(e, "check")
	paths, code, done := parseInterleaved(fs, args)
	if done {
		return code
	}
	if len(paths) == 0 {
		fmt.Fprintln(e.stderr, "ruleport check: give one or more RULE files")
		fs.Usage()
		return ExitBadInput
	}
	var diags convert.Diagnostics
	bad := false
	for _, in := range loadInputs(paths) {
		diags = append(diags, in.diags...)
		if in.bad {
			bad = true
			continue
		}
		for _, r := range in.rules {
			diags = append(diags, checkRule(r)...)
		}
	}
	printDiags(e.stdout, diags)
	errs, warns := len(diags.Errors()), len(diags.Warnings())
	fmt.Fprintf(e.stderr, "ruleport check: %d %s, %d %s in %d %s\n",
		errs, plural(errs, "error"), warns, plural(warns, "warning"), len(paths), plural(len(paths), "file"))
	switch {
	case bad:
		return ExitBadInput
	case errs > 0:
		return ExitProblem
	}
	return ExitOK
}

// checkRule validates a rule and, when it is valid, generates every
// target to check what they produce. What a target cannot express is a
// warning for check (the rule itself is fine); a problem the Terraform
// target only repeats from the query target it wraps (athena-tf after
// athena) is listed once.
func checkRule(r *rule.Rule) convert.Diagnostics {
	diags := rule.Validate(r)
	if diags.HasErrors() {
		return diags
	}
	diags = append(diags, checkQuery(r)...)
	seen := map[string]bool{}
	for _, t := range targets(convertOptions{}) {
		_, d := t.gen(r)
		for _, one := range d {
			if errors.Is(one, convert.ErrUnsupported) && one.Severity == convert.SevError {
				w := *one
				w.Severity = convert.SevWarning
				if !strings.HasPrefix(w.Msg, t.name+": ") {
					w.Msg = t.name + ": " + w.Msg
				}
				one = &w
			}
			key := fmt.Sprintf("%d:%d:%s", one.Pos.Line, one.Pos.Col, strings.TrimPrefix(one.Msg, t.name+": "))
			if seen[key] {
				continue
			}
			seen[key] = true
			diags = append(diags, one)
		}
	}
	return diags
}

func plural(n int, word string) string {
	if n == 1 {
		return word
	}
	return word + "s"
}
