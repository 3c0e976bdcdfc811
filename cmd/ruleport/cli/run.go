package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"time"

	"github.com/ruleport/ruleport/convert"
	"github.com/ruleport/ruleport/convert/rule"
	"github.com/ruleport/ruleport/reference/alerts"
	"github.com/ruleport/ruleport/reference/conformance"
	"github.com/ruleport/ruleport/reference/logs"
)

// runRun is `ruleport run --rule RULE --engine E [--now T] [--format
// json|table] LOG...`: one engine, one rule, the user's logs, the alerts
// on stdout.
func runRun(e *env, args []string) int {
	fs := newFlagSet(e, "run")
	rulePath := fs.String("rule", "", "the rule file (Sentinel YAML or ARM with one alert rule)")
	engine := fs.String("engine", "", "reference | kql | athena | cloudwatch")
	nowFlag := fs.String("now", "", "evaluation time (RFC 3339, e.g. 2026-03-03T00:00:00Z): only events in [now - queryPeriod, now) count; default: every event")
	format := fs.String("format", "json", "json | table")
	paths, code, done := parseInterleaved(fs, args)
	if done {
		return code
	}
	switch {
	case *rulePath == "":
		return usageError(e, fs, "--rule is required")
	case !conformance.IsEngine(*engine):
		return usageError(e, fs, fmt.Sprintf("--engine must be one of %v", conformance.Engines()))
	case *format != "json" && *format != "table":
		return usageError(e, fs, "--format must be json or table")
	case len(paths) == 0:
		return usageError(e, fs, "give at least one log file or folder (- for standard input)")
	}
	now, err := parseNow(*nowFlag)
	if err != nil {
		return usageError(e, fs, err.Error())
	}
	r, code := loadOneRule(e, *rulePath)
	if r == nil {
		return code
	}
	job, err := conformance.Prepare(*engine, r, now)
	if err != nil {
		printError(e, err)
		return ExitBadInput
	}
	table, err := runJobOnLogs(e, job, paths)
	for _, w := range job.Warnings {
		fmt.Fprintf(e.stderr, "%s: warning: %s\n", *engine, w)
	}
	if err != nil {
		printError(e, err)
		return ExitBadInput
	}
	return writeAlerts(e, table, *format)
}

// usageError reports a usage mistake and the command's usage.
func usageError(e *env, fs *flag.FlagSet, msg string) int {
	fmt.Fprintf(e.stderr, "ruleport: %s\n", msg)
	fs.Usage()
	return ExitBadInput
}

// parseNow reads --now; "" is the zero time (no window).
func parseNow(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("--now %q is not an RFC 3339 time such as 2026-03-03T00:00:00Z", s)
	}
	return t.UTC(), nil
}

// loadOneRule reads a rule file that must hold exactly one rule. On failure
// it has printed why and returns the exit code.
func loadOneRule(e *env, path string) (*rule.Rule, int) {
	data, d := readRuleFile(path)
	if d != nil {
		printDiags(e.stderr, convert.Diagnostics{d})
		return nil, ExitBadInput
	}
	rules, diags := rule.Load(path, data)
	if diags.HasErrors() {
		printDiags(e.stderr, diags.Errors())
		return nil, ExitBadInput
	}
	if len(rules) != 1 {
		fmt.Fprintf(e.stderr, "%s: holds %d alert rules; run takes a file with exactly one\n", path, len(rules))
		return nil, ExitBadInput
	}
	return rules[0], ExitOK
}

// printError prints an error, one diagnostic per line. Errors that name
// their file (rule diagnostics, bad log records, missing log files) print
// as they are, "file:line:col: what is wrong"; others get the program name.
func printError(e *env, err error) {
	var diags convert.Diagnostics
	var d *convert.Diagnostic
	var le *logs.Error
	var fe fileError
	switch {
	case errors.As(err, &diags):
		printDiags(e.stderr, diags)
	case errors.As(err, &d):
		fmt.Fprintln(e.stderr, d.Error())
	case errors.As(err, &le):
		fmt.Fprintln(e.stderr, le.Error())
	case errors.As(err, &fe):
		fmt.Fprintln(e.stderr, fe.Error())
	default:
		fmt.Fprintf(e.stderr, "ruleport: %v\n", err)
	}
}

// runJobOnLogs streams the logs named by paths ("-" is standard input)
// through the job, showing progress when stderr is a terminal. Ctrl-C
// cancels the run.
func runJobOnLogs(e *env, job *conformance.Job, paths []string) (alerts.Table, error) {
	src, closeSrc, err := openLogs(e, paths)
	if err != nil {
		return alerts.Table{}, err
	}
	defer closeSrc()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	p := newProgress(e.stderr, src)
	defer p.done()
	t, err := job.Run(ctx, p)
	if err != nil && ctx.Err() != nil {
		// The engines' own wording ("context canceled") says less.
		return alerts.Table{}, errors.New("interrupted: no alerts written")
	}
	return t, err
}

// openLogs opens the log files and folders; "-" alone reads stdin.
func openLogs(e *env, paths []string) (logs.Source, func(), error) {
	if len(paths) == 1 && paths[0] == "-" {
		r := logs.NewReader(e.stdin, "<stdin>")
		return r, func() { r.Close() }, nil
	}
	for _, p := range paths {
		if p == "-" {
			return nil, nil, errors.New("- (standard input) cannot be mixed with log files")
		}
	}
	r, err := logs.Open(paths...)
	if err != nil {
		return nil, nil, fileError{err} // logs.Open names the path
	}
	return r, func() { r.Close() }, nil
}

// fileError is an error whose text already starts with the file it is
// about.
type fileError struct{ error }

// writeAlerts prints the alert table in the requested format.
func writeAlerts(e *env, t alerts.Table, format string) int {
	var err error
	if format == "table" {
		err = t.WriteText(e.stdout)
	} else {
		_, err = e.stdout.Write(t.JSON())
	}
	if err != nil && !errors.Is(err, io.ErrClosedPipe) {
		fmt.Fprintf(e.stderr, "ruleport: writing alerts: %v\n", err)
		return ExitBadInput
	}
	return ExitOK
}
