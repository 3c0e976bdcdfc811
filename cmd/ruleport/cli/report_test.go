package cli

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"strings"
	"testing"
	"time"

	"github.com/ruleport/ruleport/reference/alerts"
	"github.com/ruleport/ruleport/reference/conformance"
)

func sampleRun() testRun {
	diff := alerts.Diff{Missing: []string{`{"a":"x<&>"}`}, Extra: []string{`{"a":"y"}`}}
	return testRun{
		Engines: []string{"kql", "athena"},
		Elapsed: 1500 * time.Millisecond,
		Results: []conformance.Result{
			{Case: "c1", Engine: "kql", Status: conformance.Pass, Elapsed: time.Millisecond},
			{Case: "c1", Engine: "athena", Status: conformance.Fail, Detail: "alerts differ, 100%: bad", Diff: diff},
			{Case: "c2", Engine: "kql", Status: conformance.KnownGap, Detail: "engine cannot"},
			{Case: "c2", Engine: "athena", Status: conformance.Pass},
		},
	}
}

func TestTextReport(t *testing.T) {
	var b bytes.Buffer
	if err := writeTextReport(&b, sampleRun()); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"case  kql         athena\n",
		"c1    pass        FAIL\n",
		"c2    gap         pass\n",
		"known gap: c2 × kql: engine cannot\n",
		"FAIL: c1 × athena: alerts differ, 100%: bad\n    - {\"a\":\"x<&>\"}\n    + {\"a\":\"y\"}\n",
		"4 results: 2 pass, 1 known gap, 1 FAIL (1.5s)\n",
	} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("text report lacks %q:\n%s", want, b.String())
		}
	}
	if strings.Contains(b.String(), "\x1b[") {
		t.Error("colour codes without a terminal")
	}
}

// TestJUnitReport reads the report back as JUnit XML: one testcase per
// case × engine, the failure holding the differing rows.
func TestJUnitReport(t *testing.T) {
	var b bytes.Buffer
	if err := writeJUnitReport(&b, sampleRun()); err != nil {
		t.Fatal(err)
	}
	var got junitSuites
	if err := xml.Unmarshal(b.Bytes(), &got); err != nil {
		t.Fatalf("not XML: %v\n%s", err, b.String())
	}
	if got.Tests != 4 || got.Failures != 1 || len(got.Suites) != 2 {
		t.Fatalf("tests=%d failures=%d suites=%d, want 4, 1, 2", got.Tests, got.Failures, len(got.Suites))
	}
	f := got.Suites[0].Cases[1].Failure
	if f == nil || !strings.Contains(f.Text, `- {"a":"x<&>"}`) || f.Message != "alerts differ, 100%: bad" {
		t.Errorf("failure = %+v", f)
	}
	if out := got.Suites[1].Cases[0].SystemOut; out != "known gap: engine cannot" {
		t.Errorf("gap system-out = %q", out)
	}
}

func TestJSONReport(t *testing.T) {
	var b bytes.Buffer
	if err := writeJSONReport(&b, sampleRun()); err != nil {
		t.Fatal(err)
	}
	var got struct {
		Results []jsonResult
		Pass    int
		Gap     int
		Fail    int
	}
	if err := json.Unmarshal(b.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if got.Pass != 2 || got.Gap != 1 || got.Fail != 1 || got.Results[1].Status != "fail" || got.Results[1].Missing[0] != `{"a":"x<&>"}` {
		t.Errorf("json report = %+v", got)
	}
}

func TestGitHubReport(t *testing.T) {
	var b bytes.Buffer
	if err := writeGitHubReport(&b, sampleRun()); err != nil {
		t.Fatal(err)
	}
	want := "::error file=,line=0,col=0,title=ruleport test c1 × athena::alerts differ, 100%25: bad%0A- {\"a\":\"x<&>\"}%0A+ {\"a\":\"y\"}%0A\n"
	if !strings.Contains(b.String(), want) {
		t.Errorf("github report lacks %q:\n%s", want, b.String())
	}
	if !strings.Contains(b.String(), "::notice file=,line=0,col=0,title=ruleport test c2 × kql::engine cannot\n") {
		t.Errorf("github report lacks the gap notice:\n%s", b.String())
	}
	if got := escapeProperty("a:b,c%"); got != "a%3Ab%2Cc%25" {
		t.Errorf("escapeProperty = %q", got)
	}
}
