package kql

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/ruleport/ruleport/convert/schema"
)

// FuzzParse checks, for any input: Parse, Print and Bind do not panic,
// every parse error has a position inside the text, and a query that
// parses prints back to text that parses to the same tree. It is seeded with every corpus query and
// the golden inputs. Run: go test -fuzz=FuzzParse -fuzztime=60s ./convert/kql
func FuzzParse(f *testing.F) {
	for _, r := range loadCorpus(f) {
		if r.LoadErr == "" {
			f.Add(r.Query)
		}
	}
	for _, s := range []string{"T | where a in~ ('x')", "datatable(a:long)[1] | mv-apply x = a on (take 1)", "let f=(t:(*)){t};f(T)"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		q, errs := Parse(src)
		for _, e := range errs {
			if e.Pos < 0 || int(e.Pos) > len(src) {
				t.Fatalf("error %q at %d, outside the text (len %d)", e.Msg, e.Pos, len(src))
			}
		}
		Print(q) // must not panic on trees with Bad nodes either
		Bind(q, schema.Lookup)
		if len(errs) > 0 {
			return
		}
		out := Print(q)
		q2, errs2 := Parse(out)
		if len(errs2) > 0 {
			t.Fatalf("printed text does not parse: %v\ninput: %q\nprinted: %q", errs2, src, out)
		}
		if !cmp.Equal(q, q2, treeOpts) { // Equal first: Diff is slow on big trees
			t.Fatalf("round trip changed the tree (-parsed +reparsed):\n%s\ninput: %q\nprinted: %q", cmp.Diff(q, q2, treeOpts), src, out)
		}
	})
}
