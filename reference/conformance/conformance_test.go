package conformance

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/ruleport/ruleport/fixtures"
)

// TestSeedCases is the conformance suite: every built-in fixture case
// through every engine, each compared with the alerts worked out by hand.
// A divergence must be listed, exactly, in the case's gaps.json.
func TestSeedCases(t *testing.T) {
	dirs, err := CaseDirs(fixtures.Seed, "seed")
	if err != nil {
		t.Fatal(err)
	}
	if len(dirs) < 10 {
		t.Fatalf("found %d seed cases, want at least 10: %v", len(dirs), dirs)
	}
	for _, dir := range dirs {
		results, err := RunCase(context.Background(), fixtures.Seed, dir, Options{})
		if err != nil {
			t.Fatalf("%s: %v", dir, err)
		}
		for _, r := range results {
			t.Run(strings.TrimPrefix(dir, "seed/")+"/"+r.Engine, func(t *testing.T) {
				switch r.Status {
				case Pass:
				case KnownGap:
					t.Logf("known gap: %s", r.Detail)
				default:
					t.Errorf("%s\n%s", r.Detail, r.Diff)
				}
			})
		}
	}
}

// judgeCase builds a one-case file system: the seed rule, two launches of
// 448 cores x 1 thread by one user (896 > 800, one alert), and the given
// want.json alerts and gaps.json.
func judgeCase(t *testing.T, alertsJSON, gapsJSON string) fstest.MapFS {
	t.Helper()
	ruleText, err := fixtures.Seed.ReadFile(fixtures.SeedRulePath)
	if err != nil {
		t.Fatal(err)
	}
	rec := func(at string) string {
		return fmt.Sprintf(`{"eventTime":%q,"eventSource":"ec2.amazonaws.com","eventName":"RunInstances",`+
			`"sourceIPAddress":"192.0.2.1","userAgent":"cli","recipientAccountId":"111122223333",`+
			`"userIdentity":{"type":"IAMUser","principalId":"AIDA","arn":"arn:aws:iam::111122223333:user/judge","userName":"judge"},`+
			`"responseElements":{"instancesSet":{"items":[{"cpuOptions":{"coreCount":448,"threadsPerCore":1}}]}}}`, at)
	}
	fsys := fstest.MapFS{
		"rule.yaml":           {Data: ruleText},
		"c/logs/events.jsonl": {Data: []byte(rec("2026-03-02T01:00:00Z") + "\n" + rec("2026-03-02T02:30:00Z") + "\n")},
		"c/want.json": {Data: []byte(`{"description": "judge test", "rule": "../rule.yaml", "alerts": [` + alertsJSON + `],
			"near_misses": [{"reason": "a row for nobody", "where": {"AccountName": "nobody"}}]}`)},
	}
	if gapsJSON != "" {
		fsys["c/gaps.json"] = &fstest.MapFile{Data: []byte(gapsJSON)}
	}
	return fsys
}

const rightRow = `{"reason": "448 + 448 = 896 > 800 within 2 boundaries", "row": {"SourceIpAddress": "192.0.2.1",
	"RecipientAccountId": "111122223333", "AccountName": "judge", "AccountUPNSuffix": "",
	"UserIdentityArn": "arn:aws:iam::111122223333:user/judge", "UserAgent": "cli",
	"Start": "2026-03-02T01:00:00Z", "end": "2026-03-02T02:30:00Z", "totalgpu": 896}}`

// TestJudge shows the suite's verdicts can fail: a wrong want, a gap that
// does not match, a stale gap, and an exact gap.
func TestJudge(t *testing.T) {
	wrongRow := strings.Replace(rightRow, "896}", "897}", 1)
	exactGap := `[{"engine": "reference", "reason": "pretend", "diff": [
		"- {\"AccountName\":\"judge\",\"AccountUPNSuffix\":\"\",\"RecipientAccountId\":\"111122223333\",\"SourceIpAddress\":\"192.0.2.1\",\"Start\":\"2026-03-02T01:00:00Z\",\"UserAgent\":\"cli\",\"UserIdentityArn\":\"arn:aws:iam::111122223333:user/judge\",\"end\":\"2026-03-02T02:30:00Z\",\"totalgpu\":897}",
		"+ {\"AccountName\":\"judge\",\"AccountUPNSuffix\":\"\",\"RecipientAccountId\":\"111122223333\",\"SourceIpAddress\":\"192.0.2.1\",\"Start\":\"2026-03-02T01:00:00Z\",\"UserAgent\":\"cli\",\"UserIdentityArn\":\"arn:aws:iam::111122223333:user/judge\",\"end\":\"2026-03-02T02:30:00Z\",\"totalgpu\":896}"]}]`
	otherGap := `[{"engine": "reference", "reason": "pretend", "diff": ["+ {\"x\":1}"]}]`
	tests := []struct {
		name       string
		alerts     string
		gaps       string
		want       Status
		wantDetail string
	}{
		{"right want", rightRow, "", Pass, ""},
		{"wrong want", wrongRow, "", Fail, "alerts differ from want.json"},
		{"missing alert", "", "", Fail, "alerts differ from want.json"},
		{"exact gap", wrongRow, exactGap, KnownGap, "pretend"},
		{"other gap", wrongRow, otherGap, Fail, "not as gaps.json says"},
		{"stale gap", rightRow, exactGap, Fail, "stale gap"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsys := judgeCase(t, tt.alerts, tt.gaps)
			results, err := RunCase(context.Background(), fsys, "c", Options{Engines: []string{Reference}})
			if err != nil {
				t.Fatal(err)
			}
			r := results[0]
			if r.Status != tt.want || !strings.Contains(r.Detail, tt.wantDetail) {
				t.Errorf("got %v %q, want %v containing %q\n%s", r.Status, r.Detail, tt.want, tt.wantDetail, r.Diff)
			}
		})
	}
}

// TestBadGaps: a gaps file the suite could not check is bad input.
func TestBadGaps(t *testing.T) {
	for _, gaps := range []string{
		`[{"engine": "nope", "reason": "r", "diff": ["+ {}"]}]`,
		`[{"engine": "kql", "diff": ["+ {}"]}]`,
		`[{"engine": "kql", "reason": "r"}]`,
		`[{"engine": "kql", "reason": "r", "diff": ["+ {}"], "extra": 1}]`,
		`[{"engine": "kql", "reason": "r", "diff": ["+ {}"]}, {"engine": "kql", "reason": "r", "diff": ["+ {}"]}]`,
		`{`,
	} {
		fsys := judgeCase(t, rightRow, gaps)
		if _, err := RunCase(context.Background(), fsys, "c", Options{}); err == nil {
			t.Errorf("gaps %s: no error", gaps)
		}
	}
}
