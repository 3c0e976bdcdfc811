package conformance

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/ruleport/ruleport/convert"
	"github.com/ruleport/ruleport/convert/rule"
	"github.com/ruleport/ruleport/fixtures"
	"github.com/ruleport/ruleport/reference/alerts"
	"github.com/ruleport/ruleport/reference/logs"
)

// Status is the verdict on one engine for one case.
type Status int

// Verdicts, from best to worst.
const (
	// Pass: the engine's alerts equal want and hit no near miss.
	Pass Status = iota
	// KnownGap: the engine diverges from want exactly as the case's
	// gaps.json says, for the reason it gives.
	KnownGap
	// Fail: an unexplained divergence, a near miss hit, a gap that no
	// longer reproduces, or an engine error.
	Fail
)

// String is the verdict as reports print it: pass, gap or FAIL.
func (s Status) String() string {
	switch s {
	case Pass:
		return "pass"
	case KnownGap:
		return "gap"
	}
	return "FAIL"
}

// Result is one engine's verdict on one case.
type Result struct {
	Case   string // the case folder, as named to RunCase
	Engine string
	Status Status
	// Detail says why a result is not a pass: the gap's reason, the
	// engine's error, "near miss hit: ...", "stale gap: ...".
	Detail string
	// Diff is the engine's alerts against want (empty on a pass).
	Diff alerts.Diff
	// Rows is how many alerts the engine produced.
	Rows int
	// Elapsed is the time the engine took, preparation included.
	Elapsed time.Duration
	// Rule is the rule the case ran, for reports that point into it.
	Rule *rule.Rule
}

// Options configure RunCase.
type Options struct {
	// Engines to run; nil means all of Engines().
	Engines []string
	// Rule, when set, replaces the case's own rule: `ruleport test RULE`
	// judges a changed rule against the hand-worked cases of its id.
	Rule *rule.Rule
}

// Gap is one entry of a case's gaps.json (docs/ARCHITECTURE.md).
type Gap struct {
	Engine string   `json:"engine"`
	Reason string   `json:"reason"`
	Note   string   `json:"note"`
	Diff   []string `json:"diff"`
}

// LoadRule reads the one rule of a rule file in fsys.
func LoadRule(fsys fs.FS, name string) (*rule.Rule, error) {
	data, err := fs.ReadFile(fsys, name)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, unwrapPath(err))
	}
	rules, diags := rule.Load(name, data)
	if diags.HasErrors() {
		return nil, diags.Errors()
	}
	if len(rules) != 1 {
		return nil, convert.Errorf(name, convert.Pos{}, "holds %d rules; a case needs exactly one", len(rules))
	}
	return rules[0], nil
}

func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// RunCase runs the case folder dir of fsys through the engines and judges
// each. The error is for a case that cannot be read at all (bad input);
// an engine that fails on the case is a Fail result, not an error.
func RunCase(ctx context.Context, fsys fs.FS, dir string, opt Options) ([]Result, error) {
	c, err := fixtures.LoadCase(fsys, dir)
	if err != nil {
		return nil, err
	}
	r := opt.Rule
	if r == nil {
		if r, err = LoadRule(fsys, c.Rule); err != nil {
			return nil, err
		}
	}
	gaps, err := loadGaps(fsys, c)
	if err != nil {
		return nil, err
	}
	engines := opt.Engines
	if engines == nil {
		engines = Engines()
	}
	var out []Result
	for _, engine := range engines {
		res := runOne(ctx, fsys, c, r, engine, gaps[engine])
		res.Case = dir
		out = append(out, res)
	}
	return out, nil
}

// runOne runs one engine on one case and judges the result.
func runOne(ctx context.Context, fsys fs.FS, c *fixtures.Case, r *rule.Rule, engine string, gap *Gap) Result {
	start := time.Now()
	res := Result{Engine: engine, Rule: r, Status: Fail}
	got, job, err := runJob(ctx, fsys, c, r, engine)
	res.Elapsed = time.Since(start)
	if err != nil {
		res.Detail = err.Error()
		return res
	}
	res.Rows = len(got.Rows)
	cmpOpt := alerts.Options{NullEqualsEmpty: job.NullEqualsEmpty}
	want, err := c.WantTable(got.Columns)
	if err != nil {
		res.Detail = fmt.Sprintf("the engine's columns do not fit want.json: %v", err)
		return res
	}
	res.Diff = alerts.Compare(want, got, cmpOpt)
	var hits []string
	for _, nm := range c.NearMisses {
		if nm.Hit(got, cmpOpt) >= 0 {
			hits = append(hits, nm.Reason)
		}
	}
	switch {
	case len(hits) > 0 && res.Diff.Empty():
		// Cannot happen with a consistent case (the loader rejects a near
		// miss that an expected row matches), but say so if it does.
		res.Detail = "near miss hit although the alerts equal want: " + strings.Join(hits, "; ")
	case gap != nil:
		judgeGap(&res, gap, job)
	case !res.Diff.Empty():
		res.Detail = "alerts differ from want.json (-want +" + engine + ")"
		if len(hits) > 0 {
			res.Detail += "; near miss hit: " + strings.Join(hits, "; ")
		}
	default:
		res.Status = Pass
	}
	return res
}

// judgeGap accepts a divergence only when it is exactly the listed one and
// the emitter still emits the fidelity note the gap names.
func judgeGap(res *Result, gap *Gap, job *Job) {
	got := diffLines(res.Diff)
	want := slices.Clone(gap.Diff)
	sort.Strings(want)
	switch {
	case res.Diff.Empty():
		res.Detail = "stale gap: the engine now agrees with want.json; remove the gaps.json entry (" + gap.Reason + ")"
	case !slices.Equal(got, want):
		res.Detail = "alerts differ from want.json, and not as gaps.json says (-want +" + res.Engine + ")"
	case gap.Note != "" && !hasNote(job.Notes, gap.Note):
		res.Detail = fmt.Sprintf("gaps.json names the fidelity note %q, which the emitter no longer emits", gap.Note)
	default:
		res.Status = KnownGap
		res.Detail = gap.Reason
	}
}

func diffLines(d alerts.Diff) []string {
	lines := strings.Split(strings.TrimSuffix(d.String(), "\n"), "\n")
	sort.Strings(lines)
	return lines
}

func hasNote(notes convert.Diagnostics, text string) bool {
	for _, n := range notes {
		if strings.Contains(n.Msg, text) {
			return true
		}
	}
	return false
}

// runJob prepares the engine for the case's rule and runs it on the case's
// logs.
func runJob(ctx context.Context, fsys fs.FS, c *fixtures.Case, r *rule.Rule, engine string) (alerts.Table, *Job, error) {
	job, err := Prepare(engine, r, c.Now)
	if err != nil {
		return alerts.Table{}, nil, err
	}
	src, err := logs.OpenFS(fsys, c.Logs...)
	if err != nil {
		return alerts.Table{}, nil, err
	}
	defer src.Close()
	got, err := job.Run(ctx, src)
	return got, job, err
}

// CaseDirs returns the case folders at or under root in fsys: root itself
// when it holds a want.json, else every folder below it that does, in
// lexical order.
func CaseDirs(fsys fs.FS, root string) ([]string, error) {
	if _, err := fs.Stat(fsys, path.Join(root, "want.json")); err == nil {
		return []string{root}, nil
	}
	return fixtures.Cases(fsys, root)
}
