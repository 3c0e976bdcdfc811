package cli

import (
	"errors"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestConvertBadInput: each kind of bad input gives one clear message on
// stderr, exit 2, and nothing written. The scratch folder is the working
// directory, so messages name files as given.
func TestConvertBadInput(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	writeFile(t, dir, "empty.yaml", nil)
	writeFile(t, dir, "binary.yaml", []byte("\x7fELF\x02\x01\x01\x00\x00"))
	writeFile(t, dir, "invalid.yaml", []byte("a:\n - b: 1\n    c: 2\n"))
	writeFile(t, dir, "bomb.yaml", []byte("a: &a [x, x]\nb: &b [*a, *a]\nc: [*b, *b]\n"))
	writeFile(t, dir, "types.yaml", []byte("name: x\nseverity: 5\n"))
	writeFile(t, dir, "unknown.yaml", []byte("name: x\nsevrity: High\n"))
	writeFile(t, dir, "dup.yaml", []byte("name: x\nname: y\n"))
	if err := os.Mkdir(filepath.Join(dir, "folder.yaml"), 0o755); err != nil {
		t.Fatal(err)
	}
	// A 50 MB file: sparse, so the test writes almost nothing; ruleport
	// reads at most the limit and a byte.
	f, err := os.Create(filepath.Join(dir, "big.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(50 << 20); err != nil {
		t.Fatal(err)
	}
	f.Close()

	// Columns: the NUL is the 8th byte of binary.yaml; "b: &b [" is 7
	// bytes, so bomb.yaml's first alias is at 2:8.
	cases := []struct{ file, want string }{
		{"missing.yaml", "missing.yaml: no such file\n"},
		{"folder.yaml", "folder.yaml: is a folder, not a rule file\n"},
		{"empty.yaml", "empty.yaml: empty file: no rule to read\n"},
		{"binary.yaml", "binary.yaml:1:8: binary file (NUL byte): not a rule\n"},
		{"invalid.yaml", "invalid.yaml:3:6: invalid YAML: mapping values are not allowed in this context\n"},
		{"bomb.yaml", "bomb.yaml:2:8: YAML aliases (*a) are not allowed in rule files: rules never need them, and expanding them can make a small file huge\n"},
		{"big.yaml", "big.yaml: file is 52428800 bytes, over the 4194304-byte limit for a rule file (ARM refuses templates over 4 MB)\n"},
		{"types.yaml", "types.yaml:2:11: severity must be a string, not an integer (5)\n"},
		{"unknown.yaml", "unknown.yaml:2:1: unknown key \"sevrity\" in the rule; did you mean \"severity\"?\n"},
		{"dup.yaml", "dup.yaml:2:1: duplicate key \"name\" in the rule (first at 1:1)\n"},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			code, stdout, stderr := run("convert", "--out", "out", c.file)
			if code != ExitBadInput || stdout != "" {
				t.Errorf("exit %d, stdout %q; want exit 2 and no output", code, stdout)
			}
			if diff := cmp.Diff(c.want, stderr); diff != "" {
				t.Errorf("stderr (-want +got):\n%s", diff)
			}
			if _, err := os.Stat("out"); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("out exists after a failed convert")
			}
		})
	}
}

// TestConvertAllOrNothing: one bad file among good ones means no file is
// written for any of them, and an existing output folder is untouched.
func TestConvertAllOrNothing(t *testing.T) {
	dir := t.TempDir()
	good := seedFile(t, dir)
	bad := writeFile(t, dir, "bad.yaml", []byte("severity: [\n"))
	out := filepath.Join(dir, "out")
	keep := writeFile(t, t.TempDir(), "x", nil) // a file to place in out
	if err := os.MkdirAll(filepath.Join(out, "seed"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(keep, filepath.Join(out, "seed", "old.txt")); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := run("convert", "--out", out, good, bad)
	if code != ExitBadInput || !strings.Contains(stderr, "bad.yaml:") {
		t.Fatalf("exit %d, stderr %q; want exit 2 naming bad.yaml", code, stderr)
	}
	want := map[string]string{"seed/old.txt": ""}
	if diff := cmp.Diff(want, readTree(t, out)); diff != "" {
		t.Errorf("out changed (-want +got):\n%s", diff)
	}
}

// TestConvertReplacesRuleFolder: a second run replaces the rule's folder
// (a stale file goes) and leaves other entries of the output folder.
func TestConvertReplacesRuleFolder(t *testing.T) {
	dir := t.TempDir()
	seed := seedFile(t, dir)
	out := filepath.Join(dir, "out")
	for _, p := range []string{"seed/stale.txt", "mine/notes.txt"} {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(out, p)), 0o755); err != nil {
			t.Fatal(err)
		}
		writeFile(t, out, p, []byte("x"))
	}
	if code, _, stderr := run("convert", "--target", sentinelTargets, "--out", out, seed); code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var got []string
	for name := range readTree(t, out) {
		got = append(got, name)
	}
	sort.Strings(got)
	want := []string{"mine/notes.txt", "seed/seed.arm.json", "seed/seed.yaml", "seed/sentinel/main.tf"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// TestConvertUsage: bad command lines are exit 2 with a message.
func TestConvertUsage(t *testing.T) {
	dir := t.TempDir()
	seed := seedFile(t, dir)
	cases := []struct {
		args []string
		want string // first line of stderr
	}{
		{[]string{"convert"}, "ruleport convert: give RULE files and --target T (print one artifact) or --out DIR (write them all)"},
		{[]string{"convert", seed}, "ruleport convert: give RULE files and --target T (print one artifact) or --out DIR (write them all)"},
		{[]string{"convert", "--target", "bicep", seed}, `ruleport convert: unknown target "bicep" (targets: arm, yaml, sentinel-tf, athena, athena-tf, cloudwatch, cloudwatch-tf)`},
		{[]string{"convert", "--target", "arm,", seed}, `ruleport convert: unknown target "" (targets: arm, yaml, sentinel-tf, athena, athena-tf, cloudwatch, cloudwatch-tf)`},
		{[]string{"convert", "--bogus", seed}, "flag provided but not defined: -bogus"},
	}
	for _, c := range cases {
		code, stdout, stderr := run(c.args...)
		first, _, _ := strings.Cut(stderr, "\n")
		if code != ExitBadInput || stdout != "" || first != c.want {
			t.Errorf("%v: exit %d, stdout %q, stderr first line %q; want 2, nothing, %q", c.args, code, stdout, first, c.want)
		}
	}
}

// TestConvertTargetStdout: --target prints exactly the file --out
// writes for that target.
func TestConvertTargetStdout(t *testing.T) {
	dir := t.TempDir()
	seed := seedFile(t, dir)
	out := filepath.Join(dir, "out")
	if code, _, stderr := run("convert", "--out", out, seed); code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	files := readTree(t, out)
	for target, name := range map[string]string{"arm": "seed/seed.arm.json", "yaml": "seed/seed.yaml", "sentinel-tf": "seed/sentinel/main.tf"} {
		code, stdout, stderr := run("convert", "--target", target, seed)
		if code != ExitOK || stderr != "" {
			t.Errorf("--target %s: exit %d, stderr %q", target, code, stderr)
		}
		if stdout != files[name] {
			t.Errorf("--target %s prints something else than %s", target, name)
		}
	}
}

// TestConvertSeveralRules: an ARM file with two rules gives a folder per
// rule id; to stdout, the two files as a txtar archive.
func TestConvertSeveralRules(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	seedFile(t, dir)
	if code, _, stderr := run("convert", "--target", "arm", "seed.yaml"); code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	_, arm, _ := run("convert", "--target", "arm", "seed.yaml")
	second := strings.ReplaceAll(arm, "9e457dc4-81f0-4d25-bc37-a5fa4a17946a", "0ee2aafb-4500-4e36-bcb1-e90eec2f0b9b")
	// Splice the second template's resource into the first.
	i := strings.Index(second, "    {\n      \"apiVersion\"")
	j := strings.LastIndex(second, "\n  ]")
	two := strings.Replace(arm, "\n  ]\n}", ",\n"+second[i:j]+"\n  ]\n}", 1)
	writeFile(t, dir, "two.json", []byte(two))

	code, stdout, stderr := run("convert", "--target", "yaml", "two.json")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var headers []string
	for _, l := range strings.Split(stdout, "\n") {
		if strings.HasPrefix(l, "-- ") {
			headers = append(headers, l)
		}
	}
	want := []string{
		"-- 9e457dc4-81f0-4d25-bc37-a5fa4a17946a/two.yaml --",
		"-- 0ee2aafb-4500-4e36-bcb1-e90eec2f0b9b/two.yaml --",
	}
	if diff := cmp.Diff(want, headers); diff != "" {
		t.Errorf("stdout sections (-want +got):\n%s", diff)
	}
}

// TestConvertSameNames: inputs whose names differ only in extension get
// folders named with their extensions; same base names cannot share out.
func TestConvertSameNames(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	seedFile(t, dir)
	_, arm, _ := run("convert", "--target", "arm", "seed.yaml")
	writeFile(t, dir, "seed.json", []byte(arm))
	if code, _, stderr := run("convert", "--target", sentinelTargets, "--out", "out", "seed.yaml", "seed.json"); code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var got []string
	for name := range readTree(t, "out") {
		got = append(got, name)
	}
	sort.Strings(got)
	want := []string{
		"seed_json/seed.arm.json", "seed_json/seed.yaml", "seed_json/sentinel/main.tf",
		"seed_yaml/seed.arm.json", "seed_yaml/seed.yaml", "seed_yaml/sentinel/main.tf",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}

	if err := os.Mkdir("sub", 0o755); err != nil {
		t.Fatal(err)
	}
	writeFile(t, dir, "sub/seed.yaml", nil)
	code, _, stderr := run("convert", "--out", "out2", "seed.yaml", "sub/seed.yaml")
	if code != ExitBadInput || stderr != "ruleport convert: seed.yaml and sub/seed.yaml would both be written to seed_yaml/: convert them separately\n" {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
}

// corpusOutcome is what converting a corpus file must give: the exit code
// and every diagnostic, worked out from the files (corpus/README.md names
// the first two; the rest are rule problems Validate finds, each checked
// against the file's text).
var corpusOutcome = map[string]struct {
	exit  int
	diags []string
}{
	"AWS_ChangeToVPC.yaml": {2, []string{"AWS_ChangeToVPC.yaml:16:14: invalid YAML: mapping values are not allowed in this context"}},
	"AWS_GuardDuty_template.yaml": {2, []string{
		`AWS_GuardDuty_template.yaml:17:3: warning: query is a plain multi-line scalar, so YAML joins its lines with spaces and the // comment at 31:3 comments out the rest of the query; write "query: |" to keep its lines`,
		`AWS_GuardDuty_template.yaml:99:21: identifier "Address" is mapped twice in one entity`}},
	// Its description format holds {{EventName}}, {{AWSRegion}},
	// {{SourceIpAddress}} and {{RecipientAccountId}}: four placeholders.
	"AWS_ConfigServiceResourceDeletion.yaml": {2, []string{"AWS_ConfigServiceResourceDeletion.yaml:53:27: format has 4 {{column}} placeholders; the limit is 3"}},
	// TA0006 is the ATT&CK id of the Credential Access tactic.
	"OktaUserSessionImpersonation.yaml": {2, []string{`OktaUserSessionImpersonation.yaml:21:5: technique "TA0006" is not a MITRE ATT&CK id such as T1078 or T1078.004`}},
	// A hand-written template: YAML's status and name inside properties.
	"NRT_AWS_ConsoleLogonWithoutMFA.json": {2, []string{
		`NRT_AWS_ConsoleLogonWithoutMFA.json:23:9: unknown key "status" in alert rule properties: status exists only in the YAML form; ARM alertRules properties have no status`,
		`NRT_AWS_ConsoleLogonWithoutMFA.json:46:9: unknown key "name" in alert rule properties: ARM calls the rule's name "displayName"`}},
}

// sentinelTargets are the targets of the Sentinel rule itself.
const sentinelTargets = "arm,yaml,sentinel-tf"

// TestConvertCorpus walks every file of ../shared/corpus through convert
// --out with the Sentinel targets: each converts to every one of them (an ARM template, the
// YAML with its query a literal block, and Terraform), or fails with the
// positioned errors above and writes nothing.
func TestConvertCorpus(t *testing.T) {
	var files []string
	err := filepath.WalkDir(filepath.Join(sharedDir, "corpus"), func(p string, d os.DirEntry, err error) error {
		if ext := filepath.Ext(p); err == nil && !d.IsDir() && (ext == ".yaml" || ext == ".json") {
			files = append(files, p)
		}
		return err
	})
	if err != nil || len(files) != 92 {
		t.Fatalf("found %d corpus files under %s (%v), want the 92 of its README", len(files), sharedDir, err)
	}
	converted := 0
	for _, f := range files {
		base := filepath.Base(f)
		t.Run(base, func(t *testing.T) {
			dir := t.TempDir()
			in := writeFile(t, dir, base, mustRead(t, f))
			t.Chdir(dir)
			code, stdout, stderr := run("convert", "--target", sentinelTargets, "--out", "out", base)
			want, failing := corpusOutcome[base]
			got := readLines(stderr)
			if code != want.exit || stdout != "" || !cmp.Equal(want.diags, got) {
				t.Errorf("%s: exit %d, stdout %q; want exit %d\nstderr (-want +got):\n%s", in, code, stdout, want.exit, cmp.Diff(want.diags, got))
			}
			written := readTree(t, "out")
			if failing {
				if len(written) > 0 {
					t.Errorf("a failed convert wrote %d files", len(written))
				}
				return
			}
			stem := stem(base)
			for _, name := range []string{stem + ".arm.json", stem + ".yaml", "sentinel/main.tf"} {
				if _, ok := written[stem+"/"+name]; !ok {
					t.Errorf("%s was not written", name)
				}
			}
			if y := written[stem+"/"+stem+".yaml"]; !strings.Contains(y, "\nquery: |") {
				t.Errorf("the YAML query is not a literal block")
			}
			converted++
		})
	}
	if converted != 92-len(corpusOutcome) {
		t.Errorf("%d corpus files converted, want %d", converted, 92-len(corpusOutcome))
	}
}

// TestConvertOutEveryTarget: --out without --target writes every target;
// stderr carries only the Logs Insights target's fidelity warnings.
func TestConvertOutEveryTarget(t *testing.T) {
	dir := t.TempDir()
	seed := seedFile(t, dir)
	code, stdout, stderr := run("convert", "--out", filepath.Join(dir, "out"), seed)
	if code != ExitOK || stdout != "" {
		t.Errorf("exit %d, stdout %q; want 0, nothing", code, stdout)
	}
	for _, l := range strings.Split(strings.TrimSuffix(stderr, "\n"), "\n") {
		if !strings.Contains(l, ": warning: cloudwatch: ") {
			t.Errorf("stderr line %q is not a cloudwatch fidelity warning", l)
		}
	}
	written := readTree(t, filepath.Join(dir, "out"))
	for _, name := range []string{"seed/seed.arm.json", "seed/seed.yaml", "seed/sentinel/main.tf",
		"seed/athena/query.sql", "seed/athena/main.tf", "seed/cloudwatch/query.insights", "seed/cloudwatch/main.tf"} {
		if _, ok := written[name]; !ok {
			t.Errorf("%s was not written", name)
		}
	}
	if len(written) != 7 {
		t.Errorf("wrote %d files, want 7: %v", len(written), written)
	}
}
