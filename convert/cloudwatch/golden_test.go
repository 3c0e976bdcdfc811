package cloudwatch_test

import (
	"fmt"
	"io/fs"
	"os"
	"path"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/txtar"

	"github.com/ruleport/ruleport/convert/cloudwatch"
	"github.com/ruleport/ruleport/fixtures"
	"github.com/ruleport/ruleport/internal/corpustest"
	"github.com/ruleport/ruleport/internal/golden"
	"github.com/ruleport/ruleport/reference/insightsengine"
)

// TestGolden emits the query of each rule named in testdata/queries.txtar
// (a "<case>.rule" file holding fixtures:<path> for the embedded seed
// cases or corpus:<path> under ../shared/corpus) and compares it, with
// the notes as trailing comments, with "<case>.insights". Every golden
// query must also parse in the Logs Insights engine.
func TestGolden(t *testing.T) {
	golden.Pairs(t, "testdata/queries.txtar", "rule", "insights", func(t *testing.T, input txtar.File) string {
		name, in := input.Name, input.Data
		where, file, _ := strings.Cut(strings.TrimSpace(string(in)), ":")
		var fsys fs.FS
		switch where {
		case "fixtures":
			fsys = fixtures.Seed
		case "corpus":
			fsys = os.DirFS(corpustest.CorpusRoot)
			if _, err := fs.Stat(fsys, file); err != nil {
				t.Skipf("no corpus rule %s: %v", file, err)
			}
		default:
			t.Fatalf("%s: want fixtures:<path> or corpus:<path>, found %q", name, in)
		}
		data, err := fs.ReadFile(fsys, file)
		if err != nil {
			t.Fatal(err)
		}
		query, notes, r := compile(t, path.Base(file), data, cloudwatch.Options{})
		if _, err := insightsengine.Parse(query); err != nil {
			t.Errorf("the emitted query does not parse: %v", err)
		}
		var b strings.Builder
		b.WriteString(query)
		for _, d := range cloudwatch.Warnings(r, notes) {
			fmt.Fprintf(&b, "# %s\n", d.Error())
		}
		return b.String()
	})
}
