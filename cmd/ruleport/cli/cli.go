// Package cli implements the ruleport command line. Run takes the
// arguments and the three standard streams and returns the exit code, so
// tests drive the whole command in-process as well as through the binary.
//
// Exit codes are a contract: 0 success, 1 a check or test found a problem,
// 2 bad usage or unreadable input.
package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
)

// Exit codes of every subcommand.
const (
	ExitOK       = 0 // success
	ExitProblem  = 1 // a check or test found a problem
	ExitBadInput = 2 // bad usage or unreadable input
)

// env is what a subcommand may touch: its streams. Subcommands never write
// to os.Stdout or os.Stderr directly.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
}

// command is one subcommand: its name, a one-line summary and its body.
type command struct {
	name, usage, summary string
	run                  func(e *env, args []string) int
}

// commands lists the subcommands in the order the help prints them.
func commands() []command {
	return []command{
		{"convert", "convert [--target T] [--out DIR] [--source-uri URI] RULE...", "write ARM, YAML, Terraform, Athena and Logs Insights artifacts", runConvert},
		{"check", "check RULE...", "validate rules, their queries and the generated artifacts", runCheck},
		{"run", "run --rule RULE --engine E [--now T] [--format json|table] LOG...", "run a rule on CloudTrail logs with one engine", runRun},
		{"test", "test [--format text|json|junit|github] [RULE|CASE...]", "run every engine on fixture cases and compare", runTest},
		{"diff", "diff [--engine E] [--fail-on-change] OLD_RULE NEW_RULE LOG...", "alerts a rule change adds and removes", runDiff},
	}
}

// Run executes the ruleport command line and returns its exit code.
func Run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	e := &env{stdin: stdin, stdout: stdout, stderr: stderr}
	if len(args) == 0 {
		usage(stderr)
		return ExitBadInput
	}
	switch args[0] {
	case "-h", "-help", "--help", "help":
		usage(stdout)
		return ExitOK
	}
	for _, c := range commands() {
		if c.name == args[0] {
			return c.run(e, args[1:])
		}
	}
	fmt.Fprintf(stderr, "ruleport: unknown command %q\n", args[0])
	usage(stderr)
	return ExitBadInput
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: ruleport <command> [arguments]")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "commands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-9s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "exit codes: 0 success, 1 a check or test found a problem, 2 bad usage or unreadable input")
	fmt.Fprintln(w, "run 'ruleport <command> -h' for a command's flags")
}

// newFlagSet returns a flag set that reports errors to e.stderr and never
// exits the process.
func newFlagSet(e *env, name string) *flag.FlagSet {
	fs := flag.NewFlagSet("ruleport "+name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	for _, c := range commands() {
		if c.name == name {
			u := c.usage
			fs.Usage = func() {
				fmt.Fprintf(e.stderr, "usage: ruleport %s\n", u)
				fs.PrintDefaults()
			}
		}
	}
	return fs
}

// parseFlags parses args with fs, and turns the outcome into an exit code
// when parsing ends the command: -h is success, anything else bad usage.
func parseFlags(fs *flag.FlagSet, args []string) (code int, done bool) {
	err := fs.Parse(args)
	switch {
	case err == nil:
		return 0, false
	case errors.Is(err, flag.ErrHelp):
		return ExitOK, true
	}
	return ExitBadInput, true
}

// notYet reports a subcommand whose implementation has not landed yet.
func notYet(e *env, name string) int {
	fmt.Fprintf(e.stderr, "ruleport %s: not implemented yet\n", name)
	return ExitBadInput
}
