package cloudwatch_test

import (
	"errors"
	"testing"

	"github.com/ruleport/ruleport/convert"
	"github.com/ruleport/ruleport/convert/cloudwatch"
	"github.com/ruleport/ruleport/internal/corpustest"
	"github.com/ruleport/ruleport/reference/insightsengine"
)

// corpusRule is one AWSCloudTrail rule of the corpus and what became of it.
type corpusRule struct {
	*corpustest.Rule
	query string
	notes []cloudwatch.Note
}

// loadCorpus converts every rule of the corpus whose query reads
// AWSCloudTrail. A file that does not load counts as one rule that does
// not convert.
func loadCorpus(t *testing.T) []*corpusRule {
	t.Helper()
	var out []*corpusRule
	for _, r := range corpustest.Rules(t, corpustest.CorpusRoot) {
		cr := &corpusRule{Rule: r}
		if r.Rule != nil {
			cr.query, cr.notes, cr.Diags = cloudwatch.EmitRule(r.Rule, cloudwatch.Options{})
		}
		out = append(out, cr)
	}
	return out
}

// TestCorpus converts every AWSCloudTrail rule of the corpus and reports
// how many convert and why the others do not. For every converted rule it
// checks what can be checked without hand-written expectations: the query
// parses in the Logs Insights engine (grammar, at most two stats, fields
// available after stats), runs over every fixture log without an error,
// and outputs exactly the columns Microsoft's binder rules say the KQL
// outputs (kql.ResultColumns). A rule that does not convert must fail
// with positioned diagnostics that wrap convert.ErrUnsupported, or
// because the rule file itself does not load.
func TestCorpus(t *testing.T) {
	rules := loadCorpus(t)
	var all []*corpustest.Rule
	noteFreq := map[string]int{}
	for _, cr := range rules {
		all = append(all, cr.Rule)
		if cr.query != "" {
			seen := map[string]bool{}
			for _, n := range cr.notes {
				if !seen[n.ID] {
					seen[n.ID] = true
					noteFreq[n.ID]++
				}
			}
			continue
		}
		if len(cr.Diags) == 0 {
			t.Errorf("%s: no query and no diagnostic", cr.File)
		}
		for _, d := range cr.Diags {
			if cr.Rule.Rule != nil && !errors.Is(d, convert.ErrUnsupported) {
				t.Errorf("%s: a rule that loads fails for a reason other than an unsupported construct: %v", cr.File, d)
			}
		}
	}
	converted := corpustest.Tally(t, "Logs Insights", "cloudwatch: ", all, func(r *corpustest.Rule) bool { return r.Rule != nil && r.Diags == nil })
	corpustest.LogFreq(t, "notes given", noteFreq)
	if converted < 25 {
		// 25 of the 71 AWSCloudTrail rules; of the others that Athena
		// takes, every one uses mv-expand, join, make_set, make_list or
		// arg_min, which Logs Insights cannot express.
		t.Errorf("%d corpus rules converted, want 25", converted)
	}
	for _, cr := range rules {
		if cr.query != "" {
			checkConverted(t, cr)
		}
	}
}

// checkConverted runs one converted rule's query over the fixture logs
// and compares its columns with the binder's (corpustest.CheckColumns).
func checkConverted(t *testing.T, cr *corpusRule) {
	src := corpustest.SeedLogs(t, corpustest.FixtureRoot)
	tab, err := insightsengine.Run(cr.query, src, insightsengine.Options{})
	if err != nil {
		t.Errorf("%s: the Logs Insights engine cannot run the query: %v\n%s", cr.File, err, cr.query)
		return
	}
	corpustest.CheckColumns(t, cr.Rule, tab.Columns)
}
