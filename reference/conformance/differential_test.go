package conformance

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ruleport/ruleport/convert/rule"
	"github.com/ruleport/ruleport/fixtures"
	"github.com/ruleport/ruleport/reference/alerts"
	"github.com/ruleport/ruleport/reference/logs"
)

// The differential test: every engine runs on the same generated records
// (recordgen_test.go) and must give the alerts the hand-written reference
// detection gives, with and without a pinned now. An engine is compared
// on the records outside the classes it is known to differ on, and only
// those: each class names the fidelity note (Logs Insights) or the
// documented difference (Athena) that explains it.
//
// Sizes: RULEPORT_DIFF_BATCHES batches (default 12) of RULEPORT_DIFF_RECORDS
// records (default 500), seeds RULEPORT_DIFF_SEED (default 1) onwards. A
// long run: RULEPORT_DIFF_BATCHES=500 go test -run TestDifferential
// ./reference/conformance -timeout 2h.

// tolerated are, per engine, the input classes it is known to differ on.
var tolerated = map[string]class{
	// convert/cloudwatch's notes: toint-floor (negative fractions, beyond
	// 32 bits, numeric text with white space), double-arith, case-fold,
	// event-time-text (milliseconds, not-a-date texts), field-type (a
	// number or object where CloudTrail writes a string keeps its type).
	CloudWatch: classNegFraction | classBeyond32 | classNumSpace | classBigProduct | classFold |
		classSubMilli | classNotADate | classFieldType,
	// convert/athena's known differences: from_iso8601_timestamp keeps
	// milliseconds; the table's JSON reader matches keys ignoring case.
	Athena: classSubMilli | classKeyCase,
}

// seedRule loads the built-in seed rule.
func seedRule(t testing.TB) *rule.Rule {
	t.Helper()
	r, err := LoadRule(fixtures.Seed, fixtures.SeedRulePath)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// runEngine runs one engine on recs at now (zero: no window).
func runEngine(t testing.TB, r *rule.Rule, engine string, recs [][]byte, now time.Time) (alerts.Table, alerts.Options, error) {
	t.Helper()
	job, err := Prepare(engine, r, now)
	if err != nil {
		t.Fatalf("prepare %s: %v", engine, err)
	}
	tab, err := job.Run(context.Background(), &logs.SliceSource{Records: recs, Name: "generated"})
	return tab, alerts.Options{NullEqualsEmpty: job.NullEqualsEmpty}, err
}

// compareEngine returns how engine's alerts on recs differ from the
// reference's, "" when they agree.
func compareEngine(t testing.TB, r *rule.Rule, engine string, recs [][]byte, now time.Time) string {
	return compareWith(t, r, Reference, engine, recs, now)
}

// compareWith returns how engine's alerts on recs differ from those of the
// engine taken as the yardstick, "" when they agree (both failing counts
// as agreeing: the failure is reported where the yardstick runs alone).
func compareWith(t testing.TB, r *rule.Rule, yardstick, engine string, recs [][]byte, now time.Time) string {
	t.Helper()
	want, _, werr := runEngine(t, r, yardstick, recs, now)
	got, opt, gerr := runEngine(t, r, engine, recs, now)
	switch {
	case werr != nil || gerr != nil:
		if werr == nil || gerr == nil {
			return fmt.Sprintf("%s error: %v; %s error: %v", yardstick, werr, engine, gerr)
		}
		return ""
	}
	if d := alerts.Compare(want, got, opt); !d.Empty() {
		return fmt.Sprintf("(-%s +%s)\n%s", yardstick, engine, d)
	}
	return ""
}

// shrink drops records while engine still disagrees with the reference.
func shrink(t testing.TB, r *rule.Rule, engine string, recs [][]byte, now time.Time) [][]byte {
	return shrinkWith(t, r, Reference, engine, recs, now)
}

// shrinkWith drops records while engine still disagrees with the
// yardstick.
func shrinkWith(t testing.TB, r *rule.Rule, yardstick, engine string, recs [][]byte, now time.Time) [][]byte {
	return shrinkWhile(recs, func(rs [][]byte) bool { return compareWith(t, r, yardstick, engine, rs, now) != "" })
}

// shrinkWhile drops records while diverges still holds, halves first, then
// smaller chunks down to one record, and returns what is left: the records
// a fixture case needs.
func shrinkWhile(recs [][]byte, diverges func([][]byte) bool) [][]byte {
	for chunk := len(recs) / 2; chunk >= 1; chunk /= 2 {
		for i := 0; i+chunk <= len(recs); {
			try := append(append([][]byte{}, recs[:i]...), recs[i+chunk:]...)
			if len(try) > 0 && diverges(try) {
				recs = try
				continue
			}
			i += chunk
		}
	}
	return recs
}

// outside returns the records in none of the classes c.
func outside(recs []genRecord, c class) [][]byte {
	var out [][]byte
	for _, rec := range recs {
		if rec.classes&c == 0 {
			out = append(out, rec.raw)
		}
	}
	return out
}

// envInt reads a positive integer from the environment, or def.
func envInt(t testing.TB, name string, def int) int {
	s := os.Getenv(name)
	if s == "" {
		return def
	}
	n, err := strconv.Atoi(s)
	if err != nil || n <= 0 {
		t.Fatalf("%s=%q: want a positive integer", name, s)
	}
	return n
}

// TestDifferentialSeed runs every engine on generated records and requires
// the reference's alerts from each, with and without a pinned now. On a
// divergence it prints the fewest records that still show it.
func TestDifferentialSeed(t *testing.T) {
	r := seedRule(t)
	batches := envInt(t, "RULEPORT_DIFF_BATCHES", 12)
	size := envInt(t, "RULEPORT_DIFF_RECORDS", 500)
	seed0 := uint64(envInt(t, "RULEPORT_DIFF_SEED", 1))
	start := time.Now()
	records, compared, alerted := 0, 0, 0
	for b := 0; b < batches; b++ {
		seed := seed0 + uint64(b)
		g := newRecordGen(seed, genConfig{Records: size, Personas: 4 + int(seed%9)})
		recs, now := g.batch()
		records += len(recs)
		for _, at := range []time.Time{{}, now} {
			ref, _, err := runEngine(t, r, Reference, outside(recs, 0), at)
			if err != nil {
				t.Fatalf("seed %d: reference: %v", seed, err)
			}
			alerted += len(ref.Rows)
			for _, engine := range []string{KQL, Athena, CloudWatch} {
				subset := outside(recs, tolerated[engine])
				compared += len(subset)
				if d := compareEngine(t, r, engine, subset, at); d != "" {
					min := shrink(t, r, engine, subset, at)
					t.Errorf("seed %d, now %v, %s: engines disagree; %d records still show it:\n%s\n%s",
						seed, at, engine, len(min), joinRecords(min), compareEngine(t, r, engine, min, at))
				}
			}
		}
	}
	t.Logf("%d records in %d batches (seeds %d..%d), %d record runs compared, %d reference alerts, %v",
		records, batches, seed0, seed0+uint64(batches)-1, compared, alerted, time.Since(start).Round(time.Millisecond))
}

func joinRecords(recs [][]byte) string {
	var b strings.Builder
	for _, r := range recs {
		b.Write(r)
		b.WriteByte('\n')
	}
	return b.String()
}

// TestDifferentialCatches shows the comparison can fail: the KQL engine
// running the seed rule with a non-strict threshold (totalgpu >= 800)
// must differ from the reference on generated records that hold a group
// of exactly 800, and shrinking must keep the records of that group only.
func TestDifferentialCatches(t *testing.T) {
	r := seedRule(t)
	wrong := *r
	wrong.Query = strings.Replace(r.Query, "totalgpu > 800", "totalgpu >= 800", 1)
	if wrong.Query == r.Query {
		t.Fatal("the seed rule no longer says totalgpu > 800")
	}
	// Four launches of 200 x 1 by one user, 10:00 to 10:45: exactly 800.
	var recs [][]byte
	for i := 0; i < 4; i++ {
		recs = append(recs, []byte(fmt.Sprintf(`{"eventTime":"2026-03-02T10:%02d:00Z","eventName":"RunInstances",`+
			`"userIdentity":{"type":"IAMUser","arn":"arn:aws:iam::111122223333:user/exact","userName":"exact"},`+
			`"responseElements":{"instancesSet":{"items":[{"cpuOptions":{"coreCount":200,"threadsPerCore":1}}]}}}`, 15*i)))
	}
	g := newRecordGen(7, genConfig{Records: 200, Personas: 5})
	batch, _ := g.batch()
	all := append(outside(batch, 0), recs...)
	diverges := func(rs [][]byte) bool {
		want, _, err := runEngine(t, r, Reference, rs, time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		got, _, err := runEngine(t, &wrong, KQL, rs, time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		return !alerts.Compare(want, got, alerts.Options{}).Empty()
	}
	if !diverges(all) {
		t.Fatal("a >= threshold gave the reference's alerts: the comparison cannot fail")
	}
	min := shrinkWhile(all, diverges)
	if len(min) != 4 {
		t.Errorf("shrinking kept %d records, want the 4 of the group of 800:\n%s", len(min), joinRecords(min))
	}
}
