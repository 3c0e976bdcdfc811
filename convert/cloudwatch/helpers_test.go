package cloudwatch_test

import (
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/rogpeppe/go-internal/txtar"

	"github.com/ruleport/ruleport/convert"
	"github.com/ruleport/ruleport/convert/cloudwatch"
	"github.com/ruleport/ruleport/convert/rule"
)

// loadRule loads the one rule of a rule file's text.
func loadRule(t *testing.T, file string, data []byte) *rule.Rule {
	t.Helper()
	rules, diags := rule.Load(file, data)
	if diags.HasErrors() {
		t.Fatalf("%s: %v", file, diags)
	}
	if len(rules) != 1 {
		t.Fatalf("%s: %d rules, want 1", file, len(rules))
	}
	return rules[0]
}

// compile emits the query of a rule file's text, failing the test on any
// diagnostic.
func compile(t *testing.T, file string, data []byte, opt cloudwatch.Options) (string, []cloudwatch.Note, *rule.Rule) {
	t.Helper()
	r := loadRule(t, file, data)
	q, notes, diags := cloudwatch.EmitRule(r, opt)
	mustNotErr(t, file, diags)
	return q, notes, r
}

func mustNotErr(t *testing.T, what string, diags convert.Diagnostics) {
	t.Helper()
	if len(diags) > 0 {
		t.Fatalf("%s: %v", what, diags)
	}
}

// golden reads testdata/name, a txtar archive whose files come in pairs
// "case.<in>" and "case.<out>", runs f on each input and compares with
// the expected file. With UPDATE_GOLDEN=1 it rewrites the expected files
// from f's output instead: read the diff before committing.
func golden(t *testing.T, name, in, outSuffix string, f func(t *testing.T, name string, in []byte) string) {
	t.Helper()
	path := "testdata/" + name
	ar, err := txtar.ParseFile(path)
	if err != nil {
		t.Fatal(err)
	}
	update := os.Getenv("UPDATE_GOLDEN") == "1"
	var out []txtar.File
	for i := 0; i < len(ar.Files); i++ {
		file := ar.Files[i]
		base, ok := strings.CutSuffix(file.Name, "."+in)
		if !ok {
			t.Fatalf("%s: %s: expected a .%s file, then its .%s", path, file.Name, in, outSuffix)
		}
		want := ""
		if i+1 < len(ar.Files) && ar.Files[i+1].Name == base+"."+outSuffix {
			want = string(ar.Files[i+1].Data)
			i++
		}
		var got string
		t.Run(base, func(t *testing.T) {
			got = f(t, file.Name, file.Data)
			if !update {
				if d := cmp.Diff(want, got); d != "" {
					t.Errorf("%s (-want +got):\n%s", base, d)
				}
			}
		})
		out = append(out, file, txtar.File{Name: base + "." + outSuffix, Data: []byte(got)})
	}
	if len(out) == 0 {
		t.Fatalf("%s holds no cases", path)
	}
	if update {
		ar.Files = out
		if err := os.WriteFile(path, txtar.Format(ar), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
