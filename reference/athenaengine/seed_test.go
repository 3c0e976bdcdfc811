package athenaengine

import (
	"bytes"
	"context"
	"os"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/rogpeppe/go-internal/txtar"

	"github.com/ruleport/ruleport/reference/alerts"
	"github.com/ruleport/ruleport/reference/logs"
)

// seedNow is the run time of testdata/seed.txtar.
var seedNow = time.Date(2026, 3, 3, 0, 0, 0, 0, time.UTC)

// seedCase reads the hand translation and its fixture.
func seedCase(t testing.TB) (sql string, recs [][]byte, want alerts.Table) {
	t.Helper()
	text, err := os.ReadFile("testdata/seed.sql")
	if err != nil {
		t.Fatal(err)
	}
	ar, err := txtar.ParseFile("testdata/seed.txtar")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range ar.Files {
		switch f.Name {
		case "records.ndjson":
			for _, line := range bytes.Split(bytes.TrimSpace(f.Data), []byte("\n")) {
				recs = append(recs, line)
			}
		case "want.json":
			if want, err = alerts.FromJSON(f.Data); err != nil {
				t.Fatal(err)
			}
		}
	}
	if len(recs) == 0 || want.Columns == nil {
		t.Fatal("seed.txtar lacks records.ndjson or want.json")
	}
	return string(text), recs, want
}

func runSeed(t testing.TB, sql string, recs [][]byte) alerts.Table {
	t.Helper()
	e := newTestEngine(t, Options{Now: seedNow})
	got, err := e.Run(context.Background(), sql, &logs.SliceSource{Records: recs, Name: "seed.txtar"})
	if err != nil {
		t.Fatal(err)
	}
	return got
}

// TestSeedTranslation runs the faithful translation of the seed rule and
// compares with the alerts worked out by hand.
func TestSeedTranslation(t *testing.T) {
	sql, recs, want := seedCase(t)
	got := runSeed(t, sql, recs)
	// The output columns of docs/ARCHITECTURE.md, in order.
	wantCols := []string{"SourceIpAddress", "RecipientAccountId", "AccountName", "AccountUPNSuffix",
		"UserIdentityArn", "UserAgent", "Start", "end", "totalgpu"}
	if diff := cmp.Diff(wantCols, got.Columns); diff != "" {
		t.Errorf("columns (-want +got):\n%s", diff)
	}
	if d := alerts.Compare(want, got, alerts.Options{}); !d.Empty() {
		t.Errorf("alerts (-want +got):\n%s", d)
	}
}

// TestSeedPlausibleButWrong: each edit turns the translation into one a
// careless emitter could write; the engine must tell it apart, by exactly
// the alerts the fixture's notes predict. Missing and extra rows are
// identified by AccountName.
func TestSeedPlausibleButWrong(t *testing.T) {
	sql, recs, want := seedCase(t)
	tests := []struct {
		name, old, new string
		missing, extra []string
	}{
		{"elapsed hours instead of boundaries",
			`date_diff('hour', date_trunc('hour', "Start"), date_trunc('hour', "end"))`,
			`date_diff('hour', "Start", "end")`,
			nil, []string{"span8"}},
		{"integer cast of the JSON text: 4.0, 4.7, \"4.5\" are NULL in Trino",
			`TRY_CAST(truncate(TRY_CAST(json_extract_scalar(responseelements,
      '$.instancesSet.items[0].cpuOptions.coreCount') AS double)) AS integer)`,
			`TRY_CAST(json_extract_scalar(responseelements, '$.instancesSet.items[0].cpuOptions.coreCount') AS integer)`,
			[]string{"cores"}, nil},
		{"rounding cast: 4.7 becomes 5",
			`TRY_CAST(truncate(TRY_CAST(json_extract_scalar(responseelements,
      '$.instancesSet.items[0].cpuOptions.coreCount') AS double)) AS integer)`,
			`TRY_CAST(TRY_CAST(json_extract_scalar(responseelements, '$.instancesSet.items[0].cpuOptions.coreCount') AS double) AS integer)`,
			[]string{"cores"}, []string{"cores"}},
		{"errorMessage IS NULL drops the empty message",
			`COALESCE(errormessage, '') = ''`, `errormessage IS NULL`,
			[]string{"errs"}, nil},
		{"case-sensitive event name misses runinstances",
			`lower(eventname) = 'runinstances'`, `eventname = 'RunInstances'`,
			[]string{"jane"}, []string{"jane"}},
		{"suffix from the already-split name is always empty",
			`THEN COALESCE(split_part(accountname0, '@', 2), '')`, `THEN COALESCE(split_part(split_part(accountname0, '@', 1), '@', 2), '')`,
			[]string{"", "a", "jane"}, []string{"", "a", "jane"}},
		{"null keys are their own groups: nokeys alerts with nulls",
			`COALESCE(useragent, '') AS "UserAgent"`, `useragent AS "UserAgent"`,
			[]string{"nokeys"}, []string{"nokeys"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if !strings.Contains(sql, tc.old) {
				t.Fatalf("seed.sql no longer contains %q", tc.old)
			}
			got := runSeed(t, strings.Replace(sql, tc.old, tc.new, 1), recs)
			d := alerts.Compare(want, got, alerts.Options{})
			missing, extra := accountNames(want.Columns, d.Missing), accountNames(got.Columns, d.Extra)
			if diff := cmp.Diff(tc.missing, missing); diff != "" {
				t.Errorf("missing alerts (-want +got):\n%s\n%s", diff, d)
			}
			if diff := cmp.Diff(tc.extra, extra); diff != "" {
				t.Errorf("extra alerts (-want +got):\n%s\n%s", diff, d)
			}
		})
	}
}

// accountNames returns the AccountName of each canonical row, sorted.
func accountNames(cols []string, rows []string) []string {
	var names []string
	for _, r := range rows {
		t, err := alerts.FromJSON([]byte("[" + r + "]"))
		if err != nil || len(t.Rows) != 1 {
			names = append(names, "?"+r)
			continue
		}
		for i, c := range t.Columns {
			if c == "AccountName" {
				s, _ := t.Rows[0][i].(string)
				names = append(names, s)
			}
		}
	}
	sort.Strings(names)
	return names
}
