// Package conformance runs a rule through ruleport's engines and judges
// the results: the hand-written reference detection, the KQL interpreter on
// the rule's own query, the emitted Athena SQL on embedded DuckDB and the
// emitted Logs Insights query on the interpreter. It is where the compiler
// (convert/...) meets the executing side (reference/...): the engines that
// run emitted text receive only the text.
//
// `ruleport run`, `ruleport test` and `ruleport diff` are thin layers over
// this package, and so is the conformance test that runs every fixture case
// through every engine.
package conformance

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/ruleport/ruleport/convert"
	"github.com/ruleport/ruleport/convert/athena"
	"github.com/ruleport/ruleport/convert/kql"
	"github.com/ruleport/ruleport/convert/plan"
	"github.com/ruleport/ruleport/convert/rule"
	"github.com/ruleport/ruleport/convert/schema"
	"github.com/ruleport/ruleport/reference/alerts"
	"github.com/ruleport/ruleport/reference/athenaengine"
	"github.com/ruleport/ruleport/reference/detections"
	"github.com/ruleport/ruleport/reference/kqlengine"
	"github.com/ruleport/ruleport/reference/logs"
)

// Engine names, as `--engine` spells them.
const (
	Reference  = "reference"  // the hand-written Go detection
	KQL        = "kql"        // the KQL interpreter on the rule's query
	Athena     = "athena"     // the emitted Athena SQL on DuckDB
	CloudWatch = "cloudwatch" // the emitted Logs Insights query
)

// Engines returns every engine name, in the order reports list them.
func Engines() []string { return []string{Reference, KQL, Athena, CloudWatch} }

// IsEngine reports whether name is an engine.
func IsEngine(name string) bool {
	for _, e := range Engines() {
		if e == name {
			return true
		}
	}
	return false
}

// Job is a rule prepared for one engine: the artifact the engine will run
// and how to run it. Preparing is separate from running so that a rule the
// engine cannot take is reported once, before any log is read.
type Job struct {
	Engine string
	Rule   *rule.Rule
	// Now is the evaluation time; zero means every record is in scope.
	Now time.Time
	// Text is what the engine runs: the KQL, the SQL or the Logs Insights
	// query ("" for the reference detection, which is Go code).
	Text string
	// Notes are the emitter's fidelity notes (Logs Insights only): where
	// the emitted query cannot be exact, and on which inputs it differs.
	Notes convert.Diagnostics
	// NullEqualsEmpty says the engine cannot tell null from "" (Logs
	// Insights leaves a missing field null where KQL has ""), so its
	// results are compared with that equivalence.
	NullEqualsEmpty bool
	// Warnings are what the last Run read otherwise than the engine's
	// platform would (Athena: a record it would fail the query on), one
	// line each, "file:record: what".
	Warnings []string

	run func(ctx context.Context, src logs.Source) (alerts.Table, error)
}

// Window is the span of event time the job considers: [now - queryPeriod,
// now) when Now is set and the rule has a period, else everything.
func (j *Job) Window() logs.Window {
	if j.Now.IsZero() || j.Rule.QueryPeriod == 0 {
		return logs.Window{}
	}
	return logs.Lookback(j.Now, j.Rule.QueryPeriod)
}

// Run runs the job over the records of src.
func (j *Job) Run(ctx context.Context, src logs.Source) (alerts.Table, error) {
	t, err := j.run(ctx, src)
	if err != nil {
		return alerts.Table{}, err
	}
	t.Sort()
	return t, nil
}

// Prepare compiles r for engine at evaluation time now (zero: no window).
// Problems with the rule come back as convert.Diagnostics positioned in the
// rule file; a construct the engine's target cannot express wraps
// convert.ErrUnsupported.
func Prepare(engine string, r *rule.Rule, now time.Time) (*Job, error) {
	j := &Job{Engine: engine, Rule: r, Now: now}
	var err error
	switch engine {
	case Reference:
		err = j.prepareReference()
	case KQL:
		err = j.prepareKQL()
	case Athena:
		err = j.prepareAthena()
	case CloudWatch:
		err = j.prepareCloudWatch()
	default:
		return nil, fmt.Errorf("unknown engine %q (want one of %v)", engine, Engines())
	}
	if err != nil {
		return nil, err
	}
	return j, nil
}

func (j *Job) prepareReference() error {
	d, ok := detections.Lookup(j.Rule.ID)
	if !ok {
		return convert.Errorf(j.Rule.File, j.Rule.FieldPos("id"),
			"no reference detection for rule id %s (ruleport has hand-written detections for: %s)", j.Rule.ID, detectionIDs())
	}
	w := j.Window()
	j.run = func(_ context.Context, src logs.Source) (alerts.Table, error) { return d.Run(src, w) }
	return nil
}

func detectionIDs() string {
	var s string
	for i, d := range detections.All() {
		if i > 0 {
			s += ", "
		}
		s += d.RuleID + " (" + d.Name + ")"
	}
	return s
}

// parse parses the rule's query, mapping errors into the rule file.
func (j *Job) parse() (*kql.Query, error) {
	q, errs := kql.Parse(j.Rule.Query)
	if len(errs) > 0 {
		return nil, errs.Diagnostics(j.Rule.File, j.queryPos)
	}
	return q, nil
}

func (j *Job) queryPos(p kql.Pos) convert.Pos { return j.Rule.QueryPos(int(p)) }

// lower parses and lowers the rule's query to the plan both emitters read.
func (j *Job) lower() (*plan.Plan, error) {
	q, err := j.parse()
	if err != nil {
		return nil, err
	}
	p, errs := plan.Lower(q, j.Rule.Query, schema.Lookup)
	if len(errs) > 0 {
		return nil, errs.Diagnostics(j.Rule.File, j.queryPos)
	}
	return p, nil
}

func (j *Job) prepareKQL() error {
	q, err := j.parse()
	if err != nil {
		return err
	}
	j.Text = j.Rule.Query
	opt := kqlengine.Options{Window: j.Window(), Now: j.Now}
	j.run = func(_ context.Context, src logs.Source) (alerts.Table, error) {
		t, err := kqlengine.Run(q, src, opt)
		return t, j.runtimeError(err)
	}
	return nil
}

// runtimeError positions a KQL interpreter error in the rule file.
func (j *Job) runtimeError(err error) error {
	var e *kqlengine.Error
	if !errors.As(err, &e) {
		return err
	}
	return e.Diagnostic(j.Rule.File, j.queryPos)
}

func (j *Job) prepareAthena() error {
	p, err := j.lower()
	if err != nil {
		return err
	}
	opt := athena.Options{Period: j.Rule.QueryPeriod}
	if !j.Now.IsZero() {
		now := j.Now
		opt.Now = &now
	} else {
		opt.Period = 0 // no --now: every given event is in scope
	}
	sql, err := athena.Emit(p, opt)
	if err != nil {
		return diagnose(j.Rule, err)
	}
	j.Text = sql
	j.run = func(ctx context.Context, src logs.Source) (alerts.Table, error) {
		e, err := athenaengine.New(ctx, athenaengine.Options{Now: j.Now})
		if err != nil {
			return alerts.Table{}, err
		}
		defer e.Close()
		t, err := e.Run(ctx, sql, src)
		j.Warnings = e.Warnings()
		return t, err
	}
	return nil
}

// diagnose turns an emitter error into a rule-file diagnostic when it is
// not one already.
func diagnose(r *rule.Rule, err error) error {
	switch err.(type) {
	case *convert.Diagnostic, convert.Diagnostics:
		return err
	}
	return convert.Errorf(r.File, r.FieldPos("query"), "%v", err)
}
