package athena_test

import (
	"context"
	"testing"

	"github.com/ruleport/ruleport/convert"
	"github.com/ruleport/ruleport/convert/athena"
	"github.com/ruleport/ruleport/internal/corpustest"
	"github.com/ruleport/ruleport/reference/athenaengine"
	"github.com/ruleport/ruleport/reference/athenaengine/trinogrammar"
)

// corpusRule is one AWSCloudTrail rule of the corpus and its SQL, or why
// it has none.
type corpusRule struct {
	*corpustest.Rule
	sql string
}

// loadCorpus converts every rule of the corpus whose query reads
// AWSCloudTrail (deployed form: the window ends at current_timestamp).
func loadCorpus(t *testing.T) []*corpusRule {
	t.Helper()
	var out []*corpusRule
	for _, r := range corpustest.Rules(t, corpustest.CorpusRoot) {
		cr := &corpusRule{Rule: r}
		switch {
		case r.Rule == nil:
		case r.Rule.QueryPeriod == 0:
			// As the athena target: an NRT rule has no window.
			cr.Diags = convert.Diagnostics{convert.Unsupportedf(r.File, r.Rule.Start(), "unsupported rule without queryPeriod (%s)", r.Rule.Kind)}
		default:
			cr.sql, cr.Diags = compileRule(r.Rule, athena.Options{}, true)
		}
		out = append(out, cr)
	}
	return out
}

// TestCorpus converts every AWSCloudTrail rule of the corpus and reports
// how many convert and why the others do not. For every converted rule it
// checks what can be checked without hand-written expectations: the SQL
// passes Trino's grammar, runs on the Athena engine over the fixture logs
// without an error, and outputs exactly the columns Microsoft's binder
// rules say the KQL outputs (kql.ResultColumns). A rule that does not
// convert must fail with positioned diagnostics that wrap
// convert.ErrUnsupported, or because the rule file itself is broken.
func TestCorpus(t *testing.T) {
	rules := loadCorpus(t)
	var all []*corpustest.Rule
	var sqls []string
	var ok []*corpusRule
	for _, cr := range rules {
		all = append(all, cr.Rule)
		if cr.sql != "" {
			sqls = append(sqls, cr.sql)
			ok = append(ok, cr)
		}
	}
	converted := corpustest.Tally(t, "Athena SQL", "athena: ", all, func(r *corpustest.Rule) bool { return r.Rule != nil && r.Diags == nil })
	for _, cr := range ok {
		t.Logf("converted: %s", cr.File)
	}
	if converted < 58 {
		// 58 of the 71 AWSCloudTrail rules; the others name a table
		// ruleport has no schema for, externaldata, a tuple assignment,
		// innerunique on a left side not unique on its keys, or no
		// queryPeriod, or their files are broken.
		t.Errorf("%d corpus rules converted, want 58", converted)
	}

	errs, err := trinogrammar.CheckAll(context.Background(), sqls)
	if err != nil {
		t.Fatalf("grammar check cannot run: %v", err)
	}
	passed := 0
	for i, e := range errs {
		if e != nil {
			t.Errorf("%s: SQL fails the Trino grammar:\n%v\n%s", ok[i].File, e, ok[i].sql)
			continue
		}
		passed++
	}
	t.Logf("Trino grammar: %d of %d converted rules pass", passed, len(sqls))

	for _, cr := range ok {
		if cols, ok := outputColumns(t, cr); ok {
			corpustest.CheckColumns(t, cr.Rule, cols)
		}
	}
}

// outputColumns runs the rule's SQL on the seed fixture logs and returns
// the result's column names; the run also proves the SQL executes.
func outputColumns(t *testing.T, cr *corpusRule) ([]string, bool) {
	t.Helper()
	src := corpustest.SeedLogs(t, corpustest.FixtureRoot)
	tab, err := athenaengine.Run(context.Background(), cr.sql, src)
	if err != nil {
		t.Errorf("%s: the Athena engine cannot run the SQL: %v\n%s", cr.File, err, cr.sql)
		return nil, false
	}
	return tab.Columns, true
}
