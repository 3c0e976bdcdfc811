package cloudwatch_test

import (
	"fmt"
	"io/fs"
	"os"
	"path"
	"strings"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/txtar"

	"github.com/ruleport/ruleport/convert/cloudwatch"
	"github.com/ruleport/ruleport/convert/rule"
	"github.com/ruleport/ruleport/fixtures"
	"github.com/ruleport/ruleport/internal/corpustest"
	"github.com/ruleport/ruleport/reference/alerts"
	"github.com/ruleport/ruleport/reference/insightsengine"
	"github.com/ruleport/ruleport/reference/logs"
)

// compareOpt is how Logs Insights' alerts are compared with want.json:
// null and "" as one value, since Logs Insights results cannot tell an
// empty string from a missing field (docs/ARCHITECTURE.md, Alerts; the
// emitter's note NoteEmptyAsMissing says so to the user).
var compareOpt = alerts.Options{NullEqualsEmpty: true}

// TestFixtureCases is the decisive test of the emitter: for every fixture
// case of the seed rule, the query emitted for the case's rule, run by the
// Logs Insights engine (which parses the text and never sees the plan)
// over the case's logs with the time range [now - queryPeriod, now) the
// case's now gives, must give exactly the alerts want.json lists, worked
// out by hand, and none of its near misses; or the difference must be
// exactly what the case's gaps.json lists for this engine, each entry
// citing a note the emitter gave. Both ways of reading TimeGenerated run:
// from the eventTime text and from @timestamp, which the engine sets to
// eventTime.
func TestFixtureCases(t *testing.T) {
	fsys := os.DirFS(corpustest.FixtureRoot)
	cases := corpustest.SeedCases(t, corpustest.FixtureRoot)
	for _, opt := range []cloudwatch.Options{{}, {TimestampIsEventTime: true}} {
		for _, c := range cases {
			name := path.Base(c.Dir)
			if opt.TimestampIsEventTime {
				name += "/timestamp"
			}
			t.Run(name, func(t *testing.T) { runCase(t, fsys, c, opt) })
		}
	}
}

func runCase(t *testing.T, fsys fs.FS, c *fixtures.Case, opt cloudwatch.Options) {
	data, err := fs.ReadFile(fsys, c.Rule)
	if err != nil {
		t.Fatal(err)
	}
	query, notes, r := compile(t, c.Rule, data, opt)
	start := time.Now()
	problems, rows, err := caseProblems(fsys, c, r, query, notes)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%s: %d alerts in %v", c.Dir, rows, time.Since(start).Round(time.Millisecond))
	for _, p := range problems {
		t.Error(p)
	}
	if t.Failed() {
		t.Logf("query:\n%s", query)
	}
}

// caseProblems runs query over the case's logs in the time range the
// case's now gives and returns what is wrong with the alerts: rows that
// differ from want.json beyond what gaps.json lists (or listed rows that
// no longer differ), gaps citing notes not given, near misses that
// appear. err is for a case or query that cannot run at all.
func caseProblems(fsys fs.FS, c *fixtures.Case, r *rule.Rule, query string, notes []cloudwatch.Note) ([]string, int, error) {
	var run insightsengine.Options
	if !c.Now.IsZero() {
		run = insightsengine.Options{Start: c.Now.Add(-r.QueryPeriod), End: c.Now}
	}
	var paths []string
	for _, l := range c.Logs {
		paths = append(paths, path.Join(corpustest.FixtureRoot, l))
	}
	src, err := logs.Open(paths...)
	if err != nil {
		return nil, 0, err
	}
	got, err := insightsengine.Run(query, src, run)
	if err != nil {
		return nil, 0, fmt.Errorf("run: %v\n%s", err, query)
	}
	want, err := c.WantTable(got.Columns)
	if err != nil {
		return nil, 0, err
	}
	gaps, err := readGaps(fsys, c.Gaps, "cloudwatch")
	if err != nil {
		return nil, 0, err
	}
	d := alerts.Compare(want, got, compareOpt)
	problems := checkGaps(gaps, d, noteIDs(notes))
	listed := map[string]bool{}
	for _, g := range gaps {
		for _, l := range g.Diff {
			listed[l] = true
		}
	}
	for _, nm := range c.NearMisses {
		i := nm.Hit(got, compareOpt)
		if i < 0 {
			continue
		}
		row := alerts.Table{Columns: got.Columns, Rows: [][]any{got.Rows[i]}}
		line := "+ " + alerts.Compare(alerts.Table{Columns: got.Columns}, row, compareOpt).Extra[0]
		if !listed[line] {
			problems = append(problems, fmt.Sprintf("near miss %v appears (%s): row %v", nm.Where, nm.Reason, got.Rows[i]))
		}
	}
	return problems, len(got.Rows), nil
}

// TestFixturesCatchWrongTranslations shows the fixture cases tell the
// emitted seed query from plausible translations that are wrong: each
// mutation below, applied to the emitted text, must make at least one
// case fail. If one passed every case, TestFixtureCases could not tell
// that construct right from wrong.
func TestFixturesCatchWrongTranslations(t *testing.T) {
	fsys := os.DirFS(corpustest.FixtureRoot)
	data, err := fs.ReadFile(fsys, fixtures.SeedRulePath)
	if err != nil {
		t.Fatal(err)
	}
	query, notes, r := compile(t, fixtures.SeedRulePath, data, cloudwatch.Options{})
	cases := corpustest.SeedCases(t, corpustest.FixtureRoot)
	mutations := []struct{ name, old, new string }{
		{"=~ as Logs Insights' regex match", `tolower(EventName) = "runinstances"`, `EventName =~ /RunInstances/`},
		{"isempty as isblank", `filter isempty(ErrorMessage)`, `filter isblank(ErrorMessage)`},
		{"toint as round", `floor(ResponseElements.instancesSet.items[0].cpuOptions.coreCount)`, `round(ResponseElements.instancesSet.items[0].cpuOptions.coreCount)`},
		{"no isnotempty(core)", "| filter ispresent(core)\n", ""},
		{"member access without jsonParse of JSON text", `coalesce(jsonParse(m.responseElements), m.responseElements)`, `m.responseElements`},
		{"null keys kept apart from \"\"", `coalesce(m.sourceIPAddress, "")`, `m.sourceIPAddress`},
		{"everything after the first @", `(?<AccountUPNSuffix_part>[^@]*)`, `(?<AccountUPNSuffix_part>.*)`},
		{"the last ARN piece taken as the first", `/(?<UserName_part>[^\/]*)$/`, `/^(?<UserName_part>[^\/]*)/`},
		{"no resources[0].ARN fallback", `if(isempty(UserIdentityArn), coalesce(jsonStringify(Resources[0].ARN), concat(Resources[0].ARN), ""), UserIdentityArn)`, `UserIdentityArn`},
		{">= for >", `filter totalgpu > 800`, `filter totalgpu >= 800`},
		{"elapsed hours for boundaries", `(floor(toMillis(end) / 3600000) - floor(toMillis(Start) / 3600000))`, `(toMillis(end) - toMillis(Start)) / 3600000`},
		{"principalId compared ignoring case", `UserIdentityPrincipalid = "Anonymous"`, `tolower(UserIdentityPrincipalid) = "anonymous"`},
	}
	for _, m := range mutations {
		t.Run(m.name, func(t *testing.T) {
			if !strings.Contains(query, m.old) {
				t.Fatalf("the emitted query no longer holds %q:\n%s", m.old, query)
			}
			mutated := strings.Replace(query, m.old, m.new, 1)
			var failed []string
			for _, c := range cases {
				problems, _, err := caseProblems(fsys, c, r, mutated, notes)
				if err != nil {
					t.Fatal(err)
				}
				if len(problems) > 0 {
					failed = append(failed, path.Base(c.Dir))
				}
			}
			if len(failed) == 0 {
				t.Errorf("no fixture case tells this wrong translation apart")
			}
			t.Logf("caught by: %s", strings.Join(failed, ", "))
		})
	}
}

// TestHandTranslationRecords runs the emitted seed query over the records
// of reference/insightsengine's hand-written seed translation
// (testdata/seed.txtar there), whose alerts were worked out by hand: among
// them a record whose recipientAccountId comes after 500 tag fields, past
// the 200 fields Logs Insights discovers, which the query must read
// through jsonParse(@message).
func TestHandTranslationRecords(t *testing.T) {
	ar, err := txtar.ParseFile("../../reference/insightsengine/testdata/seed.txtar")
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]string{}
	for _, f := range ar.Files {
		files[f.Name] = string(f.Data)
	}
	var run insightsengine.Options
	for _, line := range strings.Split(strings.TrimSpace(files["options"]), "\n") {
		key, val, _ := strings.Cut(line, " ")
		at, err := time.Parse(time.RFC3339, val)
		if err != nil {
			t.Fatalf("options: %q: %v", line, err)
		}
		switch key {
		case "start":
			run.Start = at
		case "end":
			run.End = at
		default:
			t.Fatalf("options: unknown %q", key)
		}
	}
	data, err := fixtures.Seed.ReadFile(fixtures.SeedRulePath)
	if err != nil {
		t.Fatal(err)
	}
	query, _, _ := compile(t, fixtures.SeedRulePath, data, cloudwatch.Options{})
	src := logs.NewReader(strings.NewReader(files["logs.jsonl"]), "logs.jsonl")
	got, err := insightsengine.Run(query, src, run)
	if err != nil {
		t.Fatal(err)
	}
	want := table(t, files["want.json"], got.Columns)
	if d := alerts.Compare(want, got, compareOpt); !d.Empty() {
		t.Errorf("alerts (-want +got):\n%s", d)
	}
	if len(want.Rows) != 3 {
		t.Errorf("the hand translation's want.json has %d rows, this test expects its 3", len(want.Rows))
	}
	// The same query reading the discovered field instead loses the
	// anonymous launch's account: the records do test the limit.
	const parsed = "coalesce(m.recipientAccountId, \"\")"
	if !strings.Contains(query, parsed) {
		t.Fatalf("the query does not read %s", parsed)
	}
	discovered := strings.Replace(query, parsed, "coalesce(recipientAccountId, \"\")", 1)
	src = logs.NewReader(strings.NewReader(files["logs.jsonl"]), "logs.jsonl")
	got, err = insightsengine.Run(discovered, src, run)
	if err != nil {
		t.Fatal(err)
	}
	if alerts.Compare(want, got, compareOpt).Empty() {
		t.Error("reading recipientAccountId as a discovered field gives the same alerts: the 200-field limit is not tested")
	}
}
