package terraform

import (
	"errors"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"

	"github.com/ruleport/ruleport/convert"
	"github.com/ruleport/ruleport/convert/rule"
	"github.com/ruleport/ruleport/fixtures"
)

// The helpers every target's tests share: loading rules, taking an
// emitter's one file, evaluating a file into plain Go values, the corpus,
// schema findings as lines, and terraform fmt -check.

var sharedDir = filepath.Join("..", "..", "..", "shared")

func loadRule(t *testing.T, name string, data []byte) *rule.Rule {
	t.Helper()
	rules, diags := rule.Load(name, data)
	if diags.HasErrors() || len(rules) != 1 {
		t.Fatalf("loading %s: %v", name, diags)
	}
	if v := rule.Validate(rules[0]); v.HasErrors() {
		t.Fatalf("%s is not valid: %v", name, v)
	}
	return rules[0]
}

func seed(t *testing.T) *rule.Rule {
	data, err := fixtures.Seed.ReadFile(fixtures.SeedRulePath)
	if err != nil {
		t.Fatal(err)
	}
	return loadRule(t, "seed.yaml", data)
}

// onlyFile is the text of what an emitter returned, which must be one file
// named name and no diagnostic.
func onlyFile(t *testing.T, name string, files []convert.File, diags convert.Diagnostics) string {
	t.Helper()
	if len(diags) > 0 {
		t.Fatalf("%s: %v", name, diags)
	}
	if len(files) != 1 || files[0].Name != name {
		t.Fatalf("%d files, want one named %s", len(files), name)
	}
	return string(files[0].Data)
}

func sentinelFile(t *testing.T, r *rule.Rule) string {
	t.Helper()
	files, diags := Sentinel(r)
	return onlyFile(t, SentinelFile, files, diags)
}

func athenaFile(t *testing.T, r *rule.Rule, sql string) string {
	t.Helper()
	files, diags := Athena(r, sql)
	return onlyFile(t, AthenaFile, files, diags)
}

func cwFile(t *testing.T, r *rule.Rule, query string) string {
	t.Helper()
	files, diags := CloudWatch(r, query)
	return onlyFile(t, CloudWatchFile, files, diags)
}

// evalFile parses a file with hclsyntax and evaluates every top-level
// block into plain Go values (attributes by name, nested blocks as lists
// under their type), keyed "<type>.<label>...", so tests compare with
// values worked out by hand rather than with the emitter's own model.
// var.<name> is the text "var.<name>"; refs gives, by
// "<resource type>.<attribute>", what that attribute of every resource of
// the type holds (what Terraform would give a reference to it).
func evalFile(t *testing.T, src string, refs map[string]string) map[string]any {
	t.Helper()
	body, err := Parse("main.tf", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	values := map[string]cty.Value{}
	for _, b := range body.Blocks {
		for key, v := range refs {
			typ, attr, _ := strings.Cut(key, ".")
			if b.Type == "resource" && b.Labels[0] == typ {
				values[typ+"."+b.Labels[1]+"."+attr] = cty.StringVal(v)
			}
		}
	}
	ctx := EvalContext(body, values)
	out := map[string]any{}
	for _, b := range body.Blocks {
		out[strings.Join(append([]string{b.Type}, b.Labels...), ".")] = evalBody(t, ctx, b.Body)
	}
	return out
}

func evalBody(t *testing.T, ctx *hcl.EvalContext, body *hclsyntax.Body) map[string]any {
	t.Helper()
	out := map[string]any{}
	for name, a := range body.Attributes {
		v, diags := a.Expr.Value(ctx)
		if diags.HasErrors() {
			// A type expression such as `type = string` in a variable.
			out[name] = "(" + hcl.ExprAsKeyword(a.Expr) + ")"
			continue
		}
		out[name] = goValue(v)
	}
	for _, b := range body.Blocks {
		list, _ := out[b.Type].([]any)
		out[b.Type] = append(list, evalBody(t, ctx, b.Body))
	}
	return out
}

func goValue(v cty.Value) any {
	switch {
	case v.IsNull():
		return nil
	case v.Type() == cty.String:
		return v.AsString()
	case v.Type() == cty.Bool:
		return v.True()
	case v.Type() == cty.Number:
		n, _ := v.AsBigFloat().Int(new(big.Int))
		return n.Int64()
	case v.Type().IsObjectType() || v.Type().IsMapType():
		m := map[string]any{}
		for k, e := range v.AsValueMap() {
			m[k] = goValue(e)
		}
		return m
	case v.CanIterateElements():
		var l []any
		for _, e := range v.AsValueSlice() {
			l = append(l, goValue(e))
		}
		return l
	}
	return v.GoString()
}

// lookup walks an evalFile result: the block's key, the types of nested
// blocks (the first of each), then the attribute.
func lookup(t *testing.T, file map[string]any, path ...string) any {
	t.Helper()
	m, ok := file[path[0]].(map[string]any)
	if !ok {
		t.Fatalf("no block %s", path[0])
	}
	for _, nested := range path[1 : len(path)-1] {
		list, _ := m[nested].([]any)
		if len(list) == 0 {
			t.Fatalf("no block %s in %s", nested, strings.Join(path, "."))
		}
		m = list[0].(map[string]any)
	}
	v, ok := m[path[len(path)-1]]
	if !ok {
		t.Fatalf("no attribute %s", strings.Join(path, "."))
	}
	return v
}

// corpusRule is a rule of ../shared/corpus and the file it came from,
// relative to the corpus folder.
type corpusRule struct {
	name string
	r    *rule.Rule
}

// corpusRules loads every corpus file; the ones that do not load or
// validate are left out (the CLI's corpus test pins those).
func corpusRules(t *testing.T) []corpusRule {
	t.Helper()
	var files []string
	for _, pattern := range []string{"corpus/*/*.yaml", "corpus/*/*/*.yaml", "corpus/*/*.json"} {
		m, _ := filepath.Glob(filepath.Join(sharedDir, pattern))
		files = append(files, m...)
	}
	if len(files) < 90 {
		t.Fatalf("found %d corpus files under %s, want 92", len(files), sharedDir)
	}
	var out []corpusRule
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		rules, diags := rule.Load(filepath.Base(f), data)
		if diags.HasErrors() || rule.Validate(rules[0]).HasErrors() {
			continue
		}
		name, _ := filepath.Rel(filepath.Join(sharedDir, "corpus"), f)
		out = append(out, corpusRule{filepath.ToSlash(name), rules[0]})
	}
	return out
}

// findingLines checks src against the schemas and returns each finding
// as "resource: path: message".
func findingLines(t *testing.T, src string) []string {
	t.Helper()
	findings, err := CheckSchema("main.tf", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, f := range findings {
		out = append(out, f.Resource+": "+f.Path+": "+f.Msg)
	}
	return out
}

// terraformFmtCheck writes each file to a folder of its own, named by its
// key (a case or corpus file name, which fmt's list of failures then
// shows), and runs terraform fmt -check over them all, so generated
// Terraform needs no reformatting in users' repositories. terraform must
// be on PATH (it is on these machines and in CI); a missing terraform
// fails the test rather than skipping it.
func terraformFmtCheck(t *testing.T, files map[string]string) {
	t.Helper()
	bin, err := exec.LookPath("terraform")
	if err != nil {
		t.Fatalf("terraform is not on PATH; it is needed to run `terraform fmt -check` on generated files: %v", err)
	}
	if len(files) == 0 {
		t.Fatal("no file to check")
	}
	dir := t.TempDir()
	for name, src := range files {
		sub := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(sub, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(sub, "main.tf"), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	out, err := exec.Command(bin, "fmt", "-check", "-list=true", "-recursive", dir).CombinedOutput()
	if err != nil {
		t.Errorf("terraform fmt -check: %v\nfiles it would change or reject:\n%s", err, out)
	}
}

// verifyCatchesUnescaping renders m, whose query holds "${x}": the file
// must pass Verify, and the same file with the escape undone ("$${x}"
// back to "${x}", an HCL template sequence that would deploy another
// query) must fail it.
func verifyCatchesUnescaping(t *testing.T, m module) {
	t.Helper()
	src, err := Render(m.scaffold, m.blocks)
	if err != nil {
		t.Fatal(err)
	}
	if err := Verify(m.file, src, m.blocks); err != nil {
		t.Fatalf("escaped file fails verification: %v", err)
	}
	broken := strings.Replace(string(src), "$${x}", "${x}", 1)
	if broken == string(src) {
		t.Fatal("the file does not hold the escaped $${x}")
	}
	if err := Verify(m.file, []byte(broken), m.blocks); err == nil {
		t.Error("verification passed a file whose query has an unescaped ${x}")
	}
}

// errString is err's text, "" for none, for comparing with cmp.Diff.
func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// scheduleCase is a rule frequency and the schedule expression it gives,
// "" for an error.
type scheduleCase struct {
	every time.Duration
	want  string
}

// checkSchedules runs a schedule expression function (RateExpression,
// CronExpression) over cases.
func checkSchedules(t *testing.T, name string, f func(time.Duration) (string, error), cases []scheduleCase) {
	t.Helper()
	for _, c := range cases {
		got, err := f(c.every)
		if (err != nil) != (c.want == "") || got != c.want {
			t.Errorf("%s(%v) = %q, %v; want %q", name, c.every, got, err, c.want)
		}
	}
}

// findingCase is a body for a file with schema mistakes in it, and the
// findings, as findingLines writes them, that CheckSchema must report.
type findingCase struct {
	name, body string
	want       []string
}

// checkFindings checks file, with each case's body in place of its "%s",
// against the schemas.
func checkFindings(t *testing.T, file string, cases []findingCase) {
	t.Helper()
	for _, c := range cases {
		got := findingLines(t, strings.Replace(file, "%s", c.body, 1))
		if d := cmp.Diff(c.want, got); d != "" {
			t.Errorf("%s (-want +got):\n%s", c.name, d)
		}
	}
}

// refusal is a rule and artifact text that an emitter (Athena, CloudWatch)
// must refuse: no files, one diagnostic wrapping convert.ErrUnsupported,
// at the rule field responsible, its message starting with msg.
type refusal struct {
	name  string
	emit  func(*rule.Rule, string) ([]convert.File, convert.Diagnostics)
	r     *rule.Rule
	text  string
	field string
	msg   string
}

func checkRefusals(t *testing.T, cases []refusal) {
	t.Helper()
	for _, c := range cases {
		files, diags := c.emit(c.r, c.text)
		if files != nil || len(diags) != 1 {
			t.Errorf("%s: %d files, diagnostics %v; want one diagnostic", c.name, len(files), diags)
			continue
		}
		d := diags[0]
		if !errors.Is(d, convert.ErrUnsupported) || !strings.HasPrefix(d.Msg, c.msg) || d.Pos != c.r.FieldPos(c.field) {
			t.Errorf("%s: %v (at %v); want unsupported %q at %s %v", c.name, d, d.Pos, c.msg, c.field, c.r.FieldPos(c.field))
		}
	}
}
