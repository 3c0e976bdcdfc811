package conformance

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/tidwall/gjson"

	"github.com/ruleport/ruleport/convert"
	"github.com/ruleport/ruleport/convert/rule"
	"github.com/ruleport/ruleport/internal/corpustest"
	"github.com/ruleport/ruleport/reference/logs"
)

// The corpus differential test: every AWSCloudTrail rule of the shared
// corpus that converts to Athena runs on the KQL interpreter and the
// Athena engine, and on the Logs Insights engine when that target takes
// it too, over the public CloudTrail records and over records generated
// for the event names and fields the rule reads (corpusgen_test.go), and
// every engine must give the KQL interpreter's alerts. The KQL
// interpreter is the yardstick here: no Go detection exists for these
// rules.

// sharedRoot is ../shared beside the repository.
const sharedRoot = "../../../shared"

// corpusNow is the evaluation time of the corpus runs: the public records'
// times are moved onto the day before it (normaliseTime), so that a rule's
// window and its ago() see them.
var corpusNow = time.Date(2026, 3, 3, 0, 0, 0, 0, time.UTC)

// corpusRule is a rule of the corpus that the KQL interpreter and the
// Athena target take, and the engines it is compared on.
type corpusRule struct {
	*rule.Rule
	// engines are Athena, and CloudWatch when the Logs Insights target
	// takes the rule too (it refuses mv-expand and join, which it cannot
	// express); cwRefusal is why it does not.
	engines   []string
	cwRefusal string
}

// corpusRules loads the AWSCloudTrail rules of the corpus that the KQL
// interpreter and Athena take; the others are returned by name with the
// first engine's refusal.
func corpusRules(t *testing.T) (ok []corpusRule, refused map[string]string) {
	t.Helper()
	refused = map[string]string{}
	seen := map[string]bool{}
	for _, f := range corpustest.Files(t, filepath.Join(sharedRoot, "corpus")) {
		if f.Diags != nil {
			refused[f.Path] = "load: " + f.Diags.Error()
			continue
		}
		for _, r := range f.Rules {
			if !strings.Contains(r.Query, "AWSCloudTrail") || seen[r.ID+r.Query] {
				continue
			}
			seen[r.ID+r.Query] = true
			name := f.Path + " " + r.Name
			if why := refusal(r, KQL, Athena); why != "" {
				refused[name] = why
				continue
			}
			c := corpusRule{Rule: r, engines: []string{Athena}}
			if why := refusal(r, CloudWatch); why != "" {
				c.cwRefusal = why
			} else {
				c.engines = append(c.engines, CloudWatch)
			}
			ok = append(ok, c)
		}
	}
	return ok, refused
}

// refusal is why one of the engines cannot take r, or "".
func refusal(r *rule.Rule, engines ...string) string {
	for _, e := range engines {
		if _, err := Prepare(e, r, corpusNow); err != nil {
			return e + ": " + firstLineOf(err.Error())
		}
	}
	return ""
}

func firstLineOf(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return s
}

// publicRecords reads the shared public CloudTrail records: the Panther
// test events (their "event" member, Panther's p_* keys dropped) and the
// AWS documentation's examples, each eventTime moved onto corpusNow's
// previous day.
func publicRecords(t *testing.T) [][]byte {
	t.Helper()
	var out [][]byte
	for _, f := range []string{"panther/panther_cloudtrail_tests.jsonl", "awsdocs/awsdocs_cloudtrail_examples.jsonl",
		"awsdocs/awsdocs_ec2_cloudtrail_examples.jsonl"} {
		fh, err := os.Open(filepath.Join(sharedRoot, "cloudtrail", f))
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(fh)
		sc.Buffer(nil, 1<<24)
		for sc.Scan() {
			line := sc.Bytes()
			if ev := gjson.GetBytes(line, "event"); ev.IsObject() {
				line = []byte(ev.Raw)
			}
			rec, err := normaliseRecord(line)
			if err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			out = append(out, rec)
		}
		if err := sc.Err(); err != nil {
			t.Fatal(err)
		}
		fh.Close()
	}
	return out
}

// normaliseRecord drops Panther's p_* members and moves eventTime onto
// the day before corpusNow, keeping its time of day, in RFC 3339
// (Panther writes some as "2024-12-16 18:41:07.000000000").
func normaliseRecord(raw []byte) ([]byte, error) {
	var members []json.RawMessage
	var keys []string
	dec := json.NewDecoder(strings.NewReader(string(raw)))
	if _, err := dec.Token(); err != nil {
		return nil, err
	}
	for dec.More() {
		k, err := dec.Token()
		if err != nil {
			return nil, err
		}
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, err
		}
		key := k.(string)
		if strings.HasPrefix(key, "p_") {
			continue
		}
		if key == "eventTime" {
			if t, ok := logs.EventTime([]byte(`{"eventTime":` + string(v) + `}`)); ok {
				day := corpusNow.AddDate(0, 0, -1)
				t = time.Date(day.Year(), day.Month(), day.Day(), t.Hour(), t.Minute(), t.Second(), 0, time.UTC)
				v = json.RawMessage(`"` + t.Format(time.RFC3339) + `"`)
			}
		}
		keys = append(keys, key)
		members = append(members, v)
	}
	var b strings.Builder
	b.WriteByte('{')
	for i, k := range keys {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(jstr(k) + ":")
		b.Write(members[i])
	}
	b.WriteByte('}')
	return []byte(b.String()), nil
}

// TestDifferentialCorpus runs the KQL, Athena and Logs Insights engines on
// every corpus rule they all take, over the public records and over
// generated ones, at corpusNow (the rules' ago() needs a now), and requires
// the same alerts from the three. It logs, per rule, how many alerts each run gave.
func TestDifferentialCorpus(t *testing.T) {
	if testing.Short() {
		t.Skip("-short")
	}
	rules, refused := corpusRules(t)
	if len(rules) < 59 {
		// The 58 rules the Athena target converts and the NRT rule.
		t.Errorf("only %d corpus rules convert to the KQL interpreter and Athena, want 59", len(rules))
	}
	public := publicRecords(t)
	batches := envInt(t, "RULEPORT_CORPUS_BATCHES", 2)
	start := time.Now()
	for _, r := range rules {
		t.Run(r.Name, func(t *testing.T) {
			var counts []string
			check := func(what string, recs [][]byte, now time.Time) {
				n := agreeOn(t, r.Rule, r.engines, what, recs, now)
				counts = append(counts, fmt.Sprintf("%s %d", what, n))
			}
			check("public", public, corpusNow)
			for b := 0; b < batches; b++ {
				check(fmt.Sprintf("generated(%d)", b+1), newCorpusGen(uint64(b+1), r.Query).records(400), corpusNow)
			}
			t.Logf("alerts: %s", strings.Join(counts, ", "))
		})
	}
	names := make([]string, 0, len(refused))
	for n := range refused {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		t.Logf("not run: %s: %s", n, refused[n])
	}
	onCloudWatch := 0
	for _, r := range rules {
		if r.cwRefusal != "" {
			t.Logf("kql and athena only: %s: %s", r.File, r.cwRefusal)
		} else {
			onCloudWatch++
		}
	}
	if onCloudWatch < 25 {
		t.Errorf("only %d of the rules run on cloudwatch too, want 25", onCloudWatch)
	}
	t.Logf("%d rules run on kql and athena (%d of them on cloudwatch too) over %d public records and %d generated batches each, %d not run, %v",
		len(rules), onCloudWatch, len(public), batches, len(refused), time.Since(start).Round(time.Millisecond))
}

// agreeOn runs the KQL interpreter and engines on recs and fails the test
// when an engine differs from the KQL interpreter beyond the documented
// differences (corpustolerate_test.go); it returns the KQL interpreter's
// alert count.
func agreeOn(t *testing.T, r *rule.Rule, engines []string, what string, recs [][]byte, now time.Time) int {
	t.Helper()
	want, _, err := runEngine(t, r, KQL, recs, now)
	if err != nil && errors.Is(err, convert.ErrUnsupported) {
		// The interpreter refuses, at run time, what Kusto does not
		// document (== between a dynamic string and a bool): the records
		// that make it refuse cannot be judged, the others can.
		var kept [][]byte
		for _, rec := range recs {
			if _, _, err := runEngine(t, r, KQL, [][]byte{rec}, now); err == nil {
				kept = append(kept, rec)
			}
		}
		t.Logf("%s: kql refuses %d of %d records (%v); the rest are compared", what, len(recs)-len(kept), len(recs), firstLineOf(err.Error()))
		recs = kept
		want, _, err = runEngine(t, r, KQL, recs, now)
	}
	if err != nil {
		t.Errorf("%s: kql: %v", what, err)
		return 0
	}
	for _, e := range engines {
		if corpusCompare(t, r, e, recs, now) == "" {
			continue
		}
		min := shrinkWhile(recs, func(rs [][]byte) bool { return corpusCompare(t, r, e, rs, now) != "" })
		t.Errorf("%s, now %v, %s: differs from kql; %d records still show it:\n%s\n%s",
			what, now, e, len(min), joinRecords(min), corpusCompare(t, r, e, min, now))
	}
	return len(want.Rows)
}
