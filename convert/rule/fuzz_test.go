package rule

import (
	"os"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// FuzzLoad feeds Load the corpus, the seed and the bad inputs of
// TestLoadBadInput, mutated. Whatever the input: no panic; every
// position is inside the file; and a rule that loads without errors
// writes to YAML and ARM that load back to the same rule.
//
//	go test ./convert/rule -run '^$' -fuzz FuzzLoad -fuzztime 1m
func FuzzLoad(f *testing.F) {
	for _, p := range corpusFilesF(f) {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(everyFieldYAML))
	f.Add([]byte(aliasBomb(3)))
	f.Add([]byte("query: \"a\\u00e9\\tb\"\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		rules, diags := Load("f.yaml", data)
		src := newSource(data)
		for _, d := range diags {
			if d.Pos.IsValid() && (d.Pos.Line > src.lines() || d.Pos.Col < 1) {
				t.Errorf("diagnostic outside the file: %v", d)
			}
		}
		for _, r := range rules {
			for off := 0; off <= len(r.Query)+1; off++ {
				if p := r.QueryPos(off); p.IsValid() && (p.Line > src.lines() || p.Col < 1) {
					t.Fatalf("QueryPos(%d) = %v, outside the file", off, p)
				}
			}
		}
		if diags.HasErrors() {
			return
		}
		for _, r := range rules {
			if Validate(r).HasErrors() {
				continue // convert stops here too
			}
			y, err := WriteYAML(r)
			if err != nil {
				t.Fatal(err)
			}
			back, bdiags := Load("y.yaml", y)
			if bdiags.HasErrors() || len(back) != 1 {
				t.Fatalf("WriteYAML output does not load: %v\n%s", bdiags, y)
			}
			if diff := cmp.Diff(*r, *back[0], ruleCmp, cmpIgnoreURI); diff != "" {
				t.Errorf("YAML round trip (-rule +reloaded):\n%s", diff)
			}
			a, err := WriteARM([]*Rule{r}, ARMOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if _, adiags := Load("a.json", a); adiags.HasErrors() {
				t.Fatalf("WriteARM output does not load: %v\n%s", adiags, a)
			}
		}
	})
}
