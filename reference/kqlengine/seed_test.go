package kqlengine

import (
	"path"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ruleport/ruleport/convert"
	"github.com/ruleport/ruleport/convert/kql"
	"github.com/ruleport/ruleport/convert/rule"
	"github.com/ruleport/ruleport/fixtures"
	"github.com/ruleport/ruleport/reference/alerts"
	"github.com/ruleport/ruleport/reference/logs"
)

// fixturesDir is the repository's fixtures folder, seen from this package.
const fixturesDir = "../../fixtures"

// loadRuleQuery reads a rule file from the embedded fixtures and returns
// its query and query period.
func loadRuleQuery(t testing.TB, file string) *rule.Rule {
	t.Helper()
	data, err := fixtures.Seed.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	rules, diags := rule.Load(file, data)
	if diags.HasErrors() || len(rules) != 1 {
		t.Fatalf("%s: %v", file, diags)
	}
	return rules[0]
}

// TestSeedFixtures runs the seed rule's KQL on every built-in fixture case
// and compares with the alerts the case's want.json works out by hand
// (fixtures/README.md), then checks that no near miss appears. The cases
// hold the traps of SEMANTICS.md §3: event names in other cases, error
// messages, response shapes, coreCount forms, identities, totals of 800
// and 801, spans across hour boundaries, group keys and the window.
func TestSeedFixtures(t *testing.T) {
	dirs, err := fixtures.Cases(fixtures.Seed, "seed")
	if err != nil {
		t.Fatal(err)
	}
	if len(dirs) == 0 {
		t.Fatal("no fixture cases")
	}
	for _, dir := range dirs {
		t.Run(path.Base(dir), func(t *testing.T) {
			c, err := fixtures.LoadCase(fixtures.Seed, dir)
			if err != nil {
				t.Fatal(err)
			}
			r := loadRuleQuery(t, c.Rule)
			q := parseQuery(t, r.Query)
			paths := make([]string, len(c.Logs))
			for i, l := range c.Logs {
				paths[i] = filepath.Join(fixturesDir, filepath.FromSlash(l))
			}
			src, err := logs.Open(paths...)
			if err != nil {
				t.Fatal(err)
			}
			opt := Options{}
			if !c.Now.IsZero() {
				opt = Options{Now: c.Now, Window: logs.Lookback(c.Now, r.QueryPeriod)}
			}
			got, err := Run(q, src, opt)
			if err != nil {
				t.Fatal(err)
			}
			want, err := c.WantTable(got.Columns)
			if err != nil {
				t.Fatal(err)
			}
			if d := alerts.Compare(want, got, alerts.Options{}); !d.Empty() {
				t.Errorf("%s: alerts differ (-want +got):\n%s", c.Description, d)
			}
			for _, nm := range c.NearMisses {
				if i := nm.Hit(got, alerts.Options{}); i >= 0 {
					t.Errorf("near miss at want.json line %d appeared (%s): %v", nm.Line, nm.Reason, got.Rows[i])
				}
			}
		})
	}
}

// TestSeedOutputColumns pins the seed rule's output columns, in KQL's
// order (docs/ARCHITECTURE.md, "The seed rule's output columns").
func TestSeedOutputColumns(t *testing.T) {
	r := loadRuleQuery(t, fixtures.SeedRulePath)
	got, err := Run(parseQuery(t, r.Query), &logs.SliceSource{}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := "SourceIpAddress, RecipientAccountId, AccountName, AccountUPNSuffix, UserIdentityArn, UserAgent, Start, end, totalgpu"
	if g := strings.Join(got.Columns, ", "); g != want {
		t.Errorf("columns = %s, want %s", g, want)
	}
	if len(got.Rows) != 0 {
		t.Errorf("no records gave %d rows", len(got.Rows))
	}
}

// TestSeedRecords runs the seed rule on records written here, one trap
// each, with the alert worked out by hand in the comments.
func TestSeedRecords(t *testing.T) {
	r := loadRuleQuery(t, fixtures.SeedRulePath)
	q := parseQuery(t, r.Query)
	// Two launches of 448 vCPUs (coreCount 224 × threadsPerCore 2) by
	// jane@corp.example from 198.51.100.7, 00:30 and 07:59 the same day:
	// total 896 > 800, 7 hour boundaries < 8, so one alert. AccountName
	// comes from userName "jane@corp.example": "jane", and the suffix is
	// computed from the same input row: "corp.example".
	rec := func(at, core string) []byte {
		return []byte(`{"eventVersion":"1.08","eventTime":"` + at + `","eventSource":"ec2.amazonaws.com",` +
			`"eventName":"RunInstances","awsRegion":"us-east-1","sourceIPAddress":"198.51.100.7","userAgent":"ua",` +
			`"userIdentity":{"type":"IAMUser","principalId":"AIDA1","arn":"arn:aws:iam::111122223333:user/jane@corp.example",` +
			`"accountId":"111122223333","userName":"jane@corp.example"},` +
			`"requestParameters":{"instanceType":"p4d.24xlarge"},` +
			`"responseElements":{"instancesSet":{"items":[{"instanceId":"i-1","cpuOptions":{"coreCount":` + core + `,"threadsPerCore":2}}]}},` +
			`"recipientAccountId":"111122223333"}`)
	}
	src := &logs.SliceSource{Name: "test", Records: [][]byte{
		rec("2026-03-02T00:30:00Z", "224"),
		rec("2026-03-02T07:59:00Z", "224"),
	}}
	got, err := Run(q, src, Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := "SourceIpAddress, RecipientAccountId, AccountName, AccountUPNSuffix, UserIdentityArn, UserAgent, Start, end, totalgpu\n" +
		`{"SourceIpAddress":"198.51.100.7","RecipientAccountId":"111122223333","AccountName":"jane","AccountUPNSuffix":"corp.example",` +
		`"UserIdentityArn":"arn:aws:iam::111122223333:user/jane@corp.example","UserAgent":"ua","Start":"2026-03-02T00:30:00Z",` +
		`"end":"2026-03-02T07:59:00Z","totalgpu":896}` + "\n"
	if diff := cmp.Diff(want, formatResult(got, nil)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// TestRunBadRecord checks that a record that is not a JSON object stops
// the run with the record's source and index, never a panic.
func TestRunBadRecord(t *testing.T) {
	q := parseQuery(t, "AWSCloudTrail | count")
	_, err := Run(q, &logs.SliceSource{Name: "bad.json", Records: [][]byte{[]byte(`[1]`)}}, Options{})
	if err == nil || !strings.Contains(err.Error(), "bad.json: record 1: not a JSON object") {
		t.Errorf("err = %v, want bad.json: record 1: not a JSON object", err)
	}
}

// TestRunStreamsOnce checks that a query naming AWSCloudTrail twice reads
// the records once and sees them twice (a Source cannot be rewound).
func TestRunStreamsOnce(t *testing.T) {
	q := parseQuery(t, `let a = AWSCloudTrail | where EventName == "A";
let b = AWSCloudTrail | where EventName == "B";
union a, b, a | summarize count() by EventName`)
	src := &logs.SliceSource{Records: [][]byte{
		[]byte(`{"eventName":"A","eventTime":"2026-03-02T00:00:00Z"}`),
		[]byte(`{"eventName":"B","eventTime":"2026-03-02T00:00:00Z"}`),
	}}
	got, err := Run(q, src, Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := "EventName, count_\n" + `{"EventName":"A","count_":2}` + "\n" + `{"EventName":"B","count_":1}` + "\n"
	if diff := cmp.Diff(want, formatResult(got, nil)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// TestDiagnosticPosition checks that an engine error points into the rule
// file: a seed rule whose extend calls a function ruleport does not
// implement reports file:line:col of that call, through the YAML block
// scalar's indentation.
func TestDiagnosticPosition(t *testing.T) {
	data, err := fixtures.Seed.ReadFile(fixtures.SeedRulePath)
	if err != nil {
		t.Fatal(err)
	}
	// Line 27 of the rule file (grep -n "extend Type") is "  | extend Type = tostring(EventSourceSplit[0])";
	// the call starts at column 19 (two spaces of indentation, then
	// "| extend Type = " is 16 bytes).
	text := strings.Replace(string(data), "extend Type = tostring(EventSourceSplit[0])",
		"extend Type = format_ipv4(EventSourceSplit[0])", 1)
	rules, diags := rule.Load("seed.yaml", []byte(text))
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	r := rules[0]
	_, err = Run(parseQuery(t, r.Query), &logs.SliceSource{}, Options{})
	qe, ok := err.(*Error)
	if !ok {
		t.Fatalf("err = %v, want a query error", err)
	}
	d := qe.Diagnostic("seed.yaml", func(p kql.Pos) convert.Pos { return r.QueryPos(int(p)) })
	if got, want := d.Error(), "seed.yaml:27:19: function format_ipv4()"; got != want {
		t.Errorf("diagnostic = %q, want %q", got, want)
	}
	if !IsUnsupported(d) {
		t.Error("the diagnostic lost convert.ErrUnsupported")
	}
}
