package athena_test

import (
	"context"
	"os"
	"path"
	"strings"
	"testing"
	"time"

	"github.com/ruleport/ruleport/convert/athena"
	"github.com/ruleport/ruleport/fixtures"
	"github.com/ruleport/ruleport/internal/corpustest"
	"github.com/ruleport/ruleport/reference/alerts"
	"github.com/ruleport/ruleport/reference/athenaengine"
)

// caseSQL compiles a case's rule as `ruleport run --now` would: the window
// ends at the case's now and spans the rule's queryPeriod; a case without
// now has no window (every record in scope, SEMANTICS.md §4).
func caseSQL(t *testing.T, c *fixtures.Case) string {
	t.Helper()
	data, err := os.ReadFile(path.Join(corpustest.FixtureRoot, c.Rule))
	if err != nil {
		t.Fatal(err)
	}
	opt := athena.Options{}
	if !c.Now.IsZero() {
		now := c.Now
		opt.Now = &now
	}
	sql, _, diags := compile(c.Rule, data, opt, !c.Now.IsZero())
	mustNotErr(t, c.Dir, diags)
	return sql
}

// TestFixtureCases is the decisive test of the emitter: for every fixture
// case of the seed rule, the SQL emitted for the case's pinned now, run by
// the Athena engine (DuckDB behind a Trino compatibility layer, which
// never sees the plan) over the case's logs, must give exactly the alerts
// want.json lists, worked out by hand, and none of its near misses.
func TestFixtureCases(t *testing.T) {
	cases := corpustest.SeedCases(t, corpustest.FixtureRoot)
	ctx := context.Background()
	start := time.Now()
	for _, c := range cases {
		t.Run(path.Base(c.Dir), func(t *testing.T) {
			sql := caseSQL(t, c)
			src := corpustest.CaseLogs(t, corpustest.FixtureRoot, c)
			caseStart := time.Now()
			got, err := athenaengine.Run(ctx, sql, src)
			if err != nil {
				t.Fatalf("run: %v\n%s", err, sql)
			}
			t.Logf("%s: %d alerts in %v", c.Dir, len(got.Rows), time.Since(caseStart).Round(time.Millisecond))
			want, err := c.WantTable(got.Columns)
			if err != nil {
				t.Fatal(err)
			}
			if d := alerts.Compare(want, got, alerts.Options{}); !d.Empty() {
				t.Errorf("alerts differ from want.json (-want +got):\n%s", d)
			}
			for _, nm := range c.NearMisses {
				if i := nm.Hit(got, alerts.Options{}); i >= 0 {
					t.Errorf("near miss %v appears (%s): row %v", nm.Where, nm.Reason, got.Rows[i])
				}
			}
		})
	}
	t.Logf("%d cases in %v", len(cases), time.Since(start).Round(time.Millisecond))
}

// TestDeployedDiffersOnlyInWindowEnd: the deployed SQL (the window ends at
// current_timestamp) and the SQL pinned to a time are the same text but
// for that one expression, wherever it occurs.
func TestDeployedDiffersOnlyInWindowEnd(t *testing.T) {
	data, err := fixtures.Seed.ReadFile(fixtures.SeedRulePath)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 3, 3, 0, 0, 0, 0, time.UTC)
	pinned, _, diags := compile(fixtures.SeedRulePath, data, athena.Options{Now: &now}, true)
	mustNotErr(t, "pinned", diags)
	deployed, _, diags := compile(fixtures.SeedRulePath, data, athena.Options{}, true)
	mustNotErr(t, "deployed", diags)
	const literal = "TIMESTAMP '2026-03-03 00:00:00 UTC'"
	// The seed has no now() or ago(): the end occurs four times, in the
	// partition range's two bounds (start = end - 1d, and end + 1d) and the
	// event-time range's two (start, end).
	if n := strings.Count(pinned, literal); n != 4 {
		t.Errorf("pinned SQL holds %d window-end literals, want 4:\n%s", n, pinned)
	}
	if strings.Contains(deployed, "TIMESTAMP '") {
		t.Errorf("deployed SQL holds a timestamp literal:\n%s", deployed)
	}
	if got := strings.ReplaceAll(pinned, literal, "current_timestamp"); got != deployed {
		t.Errorf("pinned and deployed SQL differ beyond the window end:\npinned:\n%s\ndeployed:\n%s", pinned, deployed)
	}
}
