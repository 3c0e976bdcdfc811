package cli

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/ruleport/ruleport/reference/conformance"
)

// testRun is everything a `ruleport test` report shows.
type testRun struct {
	Engines []string
	Results []conformance.Result
	Elapsed time.Duration
	Color   bool // colour the verdicts (text format on a terminal only)
}

func (t testRun) failed() bool {
	return slices.ContainsFunc(t.Results, func(r conformance.Result) bool { return r.Status == conformance.Fail })
}

func (t testRun) count(s conformance.Status) int {
	n := 0
	for _, r := range t.Results {
		if r.Status == s {
			n++
		}
	}
	return n
}

// cases lists the case names in the order they ran.
func (t testRun) cases() []string {
	var out []string
	for _, r := range t.Results {
		if !slices.Contains(out, r.Case) {
			out = append(out, r.Case)
		}
	}
	return out
}

func (t testRun) result(c, engine string) (conformance.Result, bool) {
	for _, r := range t.Results {
		if r.Case == c && r.Engine == engine {
			return r, true
		}
	}
	return conformance.Result{}, false
}

func (t testRun) summary() string {
	return fmt.Sprintf("%d results: %d pass, %d known gap, %d FAIL", len(t.Results),
		t.count(conformance.Pass), t.count(conformance.KnownGap), t.count(conformance.Fail))
}

// reporters are the --format writers.
var reporters = map[string]func(io.Writer, testRun) error{
	"text":   writeTextReport,
	"json":   writeJSONReport,
	"junit":  writeJUnitReport,
	"github": writeGitHubReport,
}

// ANSI colours for the verdicts on a terminal.
var verdictColor = map[conformance.Status]string{
	conformance.Pass:     "\x1b[32m",
	conformance.KnownGap: "\x1b[33m",
	conformance.Fail:     "\x1b[31;1m",
}

// writeTextReport prints the engine × case matrix, then the reason for
// every known gap and the diff of every failure.
func writeTextReport(w io.Writer, t testRun) error {
	var b strings.Builder
	cases := t.cases()
	width := len("case")
	for _, c := range cases {
		width = max(width, len(c))
	}
	var line strings.Builder
	endLine := func() {
		b.WriteString(strings.TrimRight(line.String(), " "))
		b.WriteString("\n")
		line.Reset()
	}
	fmt.Fprintf(&line, "%-*s", width, "case")
	for _, e := range t.Engines {
		fmt.Fprintf(&line, "  %-10s", e)
	}
	endLine()
	for _, c := range cases {
		fmt.Fprintf(&line, "%-*s", width, c)
		for _, e := range t.Engines {
			cell := "-"
			r, ok := t.result(c, e)
			if ok {
				cell = r.Status.String()
			}
			pad := strings.Repeat(" ", max(0, 10-len(cell)))
			if ok && t.Color {
				cell = verdictColor[r.Status] + cell + "\x1b[0m"
			}
			fmt.Fprintf(&line, "  %s%s", cell, pad)
		}
		endLine()
	}
	for _, r := range t.Results {
		switch r.Status {
		case conformance.KnownGap:
			fmt.Fprintf(&b, "\nknown gap: %s × %s: %s\n", r.Case, r.Engine, r.Detail)
		case conformance.Fail:
			fmt.Fprintf(&b, "\nFAIL: %s × %s: %s\n", r.Case, r.Engine, r.Detail)
			b.WriteString(indent(r.Diff.String(), "    "))
		}
	}
	fmt.Fprintf(&b, "\n%s (%s)\n", t.summary(), t.Elapsed.Round(time.Millisecond))
	_, err := io.WriteString(w, b.String())
	return err
}

func indent(text, prefix string) string {
	if text == "" {
		return ""
	}
	lines := strings.SplitAfter(text, "\n")
	for i, l := range lines {
		if l != "" {
			lines[i] = prefix + l
		}
	}
	return strings.Join(lines, "")
}

// jsonResult is one result in the json report.
type jsonResult struct {
	Case      string   `json:"case"`
	Engine    string   `json:"engine"`
	Status    string   `json:"status"` // pass | gap | fail
	Detail    string   `json:"detail,omitempty"`
	Columns   string   `json:"columns,omitempty"`
	Missing   []string `json:"missing,omitempty"` // rows want has and the engine lacks
	Extra     []string `json:"extra,omitempty"`   // rows the engine adds
	Alerts    int      `json:"alerts"`
	ElapsedMS int64    `json:"elapsed_ms"`
}

func writeJSONReport(w io.Writer, t testRun) error {
	out := struct {
		Engines []string     `json:"engines"`
		Results []jsonResult `json:"results"`
		Pass    int          `json:"pass"`
		Gap     int          `json:"gap"`
		Fail    int          `json:"fail"`
	}{Engines: t.Engines, Results: []jsonResult{},
		Pass: t.count(conformance.Pass), Gap: t.count(conformance.KnownGap), Fail: t.count(conformance.Fail)}
	for _, r := range t.Results {
		out.Results = append(out.Results, jsonResult{
			Case: r.Case, Engine: r.Engine, Status: strings.ToLower(r.Status.String()), Detail: r.Detail,
			Columns: r.Diff.Columns, Missing: r.Diff.Missing, Extra: r.Diff.Extra,
			Alerts: r.Rows, ElapsedMS: r.Elapsed.Milliseconds(),
		})
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

// JUnit XML as CI systems read it (the Ant/Surefire schema Jenkins,
// GitLab and GitHub test reporters accept): one testsuite per case, one
// testcase per engine; a failure carries the differing rows, a known gap
// passes and says why in system-out.
type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Time     string       `xml:"time,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Time     string      `xml:"time,attr"`
	Cases    []junitCase `xml:"testcase"`
}

type junitCase struct {
	ClassName string        `xml:"classname,attr"`
	Name      string        `xml:"name,attr"`
	Time      string        `xml:"time,attr"`
	Failure   *junitFailure `xml:"failure,omitempty"`
	SystemOut string        `xml:"system-out,omitempty"`
}

type junitFailure struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

func seconds(d time.Duration) string { return fmt.Sprintf("%.3f", d.Seconds()) }

func writeJUnitReport(w io.Writer, t testRun) error {
	out := junitSuites{Name: "ruleport", Time: seconds(t.Elapsed)}
	for _, c := range t.cases() {
		s := junitSuite{Name: c}
		var total time.Duration
		for _, e := range t.Engines {
			r, ok := t.result(c, e)
			if !ok {
				continue
			}
			tc := junitCase{ClassName: c, Name: e, Time: seconds(r.Elapsed)}
			switch r.Status {
			case conformance.Fail:
				tc.Failure = &junitFailure{Message: r.Detail, Type: "mismatch", Text: r.Diff.String()}
				s.Failures++
			case conformance.KnownGap:
				tc.SystemOut = "known gap: " + r.Detail
			}
			s.Tests++
			total += r.Elapsed
			s.Cases = append(s.Cases, tc)
		}
		s.Time = seconds(total)
		out.Tests += s.Tests
		out.Failures += s.Failures
		out.Suites = append(out.Suites, s)
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(out); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

// writeGitHubReport prints GitHub Actions workflow commands: an error
// annotation per failure and a notice per known gap, each on the rule file
// at the query's first line, then the summary as plain text.
// (docs.github.com, "Workflow commands for GitHub Actions".)
func writeGitHubReport(w io.Writer, t testRun) error {
	var b strings.Builder
	for _, r := range t.Results {
		level := ""
		switch r.Status {
		case conformance.Fail:
			level = "error"
		case conformance.KnownGap:
			level = "notice"
		default:
			continue
		}
		file, line, col := "", 0, 0
		if r.Rule != nil {
			file = r.Rule.File
			p := r.Rule.QueryPos(0)
			line, col = p.Line, p.Col
		}
		title := fmt.Sprintf("ruleport test %s × %s", r.Case, r.Engine)
		msg := r.Detail
		if d := r.Diff.String(); d != "" && r.Status == conformance.Fail {
			msg += "\n" + d
		}
		fmt.Fprintf(&b, "::%s file=%s,line=%d,col=%d,title=%s::%s\n", level,
			escapeProperty(file), line, col, escapeProperty(title), escapeData(msg))
	}
	b.WriteString(t.summary() + "\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// escapeData escapes a workflow command's message: %, CR and LF.
func escapeData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

// escapeProperty escapes a workflow command property, which also may not
// hold a raw colon or comma.
func escapeProperty(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}
