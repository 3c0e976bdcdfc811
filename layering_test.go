package ruleport_test

// The layering of DESIGN.md, written down as a test in the manner of
// go/build/deps_test.go: which of ruleport's packages may import which. A
// reference engine that imported the emitter could share its bugs and hide
// them; a compiler package that did I/O would stop being a pure function.

import (
	"os/exec"
	"strings"
	"testing"
)

const module = "github.com/ruleport/ruleport"

// rule says what packages matching prefix may not import (within the module
// or from the standard library).
type rule struct {
	prefix  string
	forbid  []string // import-path prefixes
	allowIn []string // module packages that are the only ones allowed, when set
	why     string
}

var rules = []rule{
	{prefix: "convert", forbid: []string{module + "/reference", module + "/cmd", "os", "os/exec", "net", "net/http", "database/sql"},
		why: "the compiler is pure functions: rule text in, artifacts out, no I/O"},
	{prefix: "reference/athenaengine", forbid: []string{module + "/convert"},
		why: "the Athena engine runs emitted SQL text, as Athena would; sharing the emitter's structures would hide printer bugs"},
	{prefix: "reference/insightsengine", forbid: []string{module + "/convert"},
		why: "the Logs Insights engine runs emitted query text, as CloudWatch would"},
	{prefix: "reference/detections", allowIn: []string{module + "/reference/logs", module + "/reference/alerts"},
		why: "hand-written detections read raw records only, never the KQL or the plan"},
	{prefix: "reference/logs", allowIn: []string{},
		why: "the readers and projections stand alone"},
	{prefix: "reference/alerts", allowIn: []string{},
		why: "alert tables are plain data"},
}

func TestLayering(t *testing.T) {
	out, err := exec.Command("go", "list", "-f", `{{.ImportPath}}{{range .Imports}} {{.}}{{end}}`, "./...").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		fields := strings.Fields(line)
		pkg, imports := strings.TrimPrefix(fields[0], module+"/"), fields[1:]
		for _, r := range rules {
			if pkg != r.prefix && !strings.HasPrefix(pkg, r.prefix+"/") {
				continue
			}
			for _, imp := range imports {
				if violates(r, imp) {
					t.Errorf("%s imports %s: %s", pkg, imp, r.why)
				}
			}
		}
	}
}

func violates(r rule, imp string) bool {
	for _, f := range r.forbid {
		if imp == f || strings.HasPrefix(imp, f+"/") {
			return true
		}
	}
	if r.allowIn != nil && strings.HasPrefix(imp, module+"/") {
		for _, a := range r.allowIn {
			if imp == a {
				return false
			}
		}
		return true
	}
	return false
}

// TestViolates pins the matcher itself, so the layering test cannot pass
// by matching nothing.
func TestViolates(t *testing.T) {
	convert, detections := rules[0], rules[3]
	cases := []struct {
		r    rule
		imp  string
		want bool
	}{
		{convert, "os", true},
		{convert, "os/exec", true},
		{convert, "strings", false},
		{convert, module + "/reference/logs", true},
		{convert, module + "/convert/kql", false},
		{detections, module + "/reference/logs", false},
		{detections, module + "/convert/kql", true},
		{detections, module + "/reference/kqlengine", true},
		{detections, "github.com/tidwall/gjson", false},
	}
	for _, c := range cases {
		if got := violates(c.r, c.imp); got != c.want {
			t.Errorf("violates(%s, %s) = %v, want %v", c.r.prefix, c.imp, got, c.want)
		}
	}
}
