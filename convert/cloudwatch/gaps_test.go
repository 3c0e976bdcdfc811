package cloudwatch_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"sort"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"

	"github.com/ruleport/ruleport/convert/cloudwatch"

	"github.com/ruleport/ruleport/reference/alerts"
)

// gap is one entry of a fixture case's gaps.json (docs/ARCHITECTURE.md,
// "Fixture cases"): a known divergence of one engine from want.json,
// the fidelity note that explains it, and exactly the differing rows, as
// the (-want +got) lines of alerts.Diff. reference/conformance judges the
// file for `ruleport test`; this package's fixture test reads it the same
// way, so that the emitter's own tests hold it to the same rule.
type gap struct {
	Engine string   `json:"engine"`
	Note   string   `json:"note"`
	Reason string   `json:"reason"`
	Diff   []string `json:"diff"`
}

// readGaps reads a gaps.json strictly (unknown fields are errors) and
// returns the entries of one engine. path "" is a case without gaps.
func readGaps(fsys fs.FS, path, engine string) ([]gap, error) {
	if path == "" {
		return nil, nil
	}
	data, err := fs.ReadFile(fsys, path)
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var all []gap
	if err := dec.Decode(&all); err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	var out []gap
	seen := map[string]bool{}
	for i, g := range all {
		switch {
		case g.Engine == "" || g.Reason == "" || len(g.Diff) == 0:
			return nil, fmt.Errorf("%s: entry %d: engine, reason and diff are required", path, i+1)
		case g.Engine == "cloudwatch" && g.Note == "":
			return nil, fmt.Errorf("%s: entry %d: a cloudwatch gap names the fidelity note that explains it", path, i+1)
		case seen[g.Engine]:
			return nil, fmt.Errorf("%s: entry %d: a second entry for engine %s", path, i+1, g.Engine)
		}
		seen[g.Engine] = true
		if g.Engine == engine {
			out = append(out, g)
		}
	}
	return out, nil
}

// diffLines is a diff as sorted "- row" and "+ row" lines.
func diffLines(d alerts.Diff) []string {
	var lines []string
	for _, r := range d.Missing {
		lines = append(lines, "- "+r)
	}
	for _, r := range d.Extra {
		lines = append(lines, "+ "+r)
	}
	sort.Strings(lines)
	return lines
}

// checkGaps returns what is wrong with an engine's diff given the case's
// gaps: the diff must be exactly the union of the gaps' rows (a gap that
// stops reproducing is as wrong as a new divergence), and every gap must
// cite a note the emitter gave for the rule.
func checkGaps(gaps []gap, d alerts.Diff, notes map[string]bool) []string {
	var problems []string
	if d.Columns != "" {
		problems = append(problems, "columns differ: "+d.Columns)
	}
	var listed []string
	for _, g := range gaps {
		if !notes[g.Note] {
			problems = append(problems, fmt.Sprintf("gap cites note %q, which the emitter did not give for this rule", g.Note))
		}
		listed = append(listed, g.Diff...)
	}
	sort.Strings(listed)
	got := diffLines(d)
	if fmt.Sprint(listed) != fmt.Sprint(got) {
		problems = append(problems, fmt.Sprintf("rows differing from want.json are not exactly the gaps' rows:\ngaps list:\n%s\ndiff (-want +got):\n%s",
			joinLines(listed), joinLines(got)))
	}
	return problems
}

func joinLines(lines []string) string {
	var b bytes.Buffer
	for _, l := range lines {
		b.WriteString("  " + l + "\n")
	}
	if len(lines) == 0 {
		b.WriteString("  (none)\n")
	}
	return b.String()
}

// noteIDs is the set of note IDs given.
func noteIDs(notes []cloudwatch.Note) map[string]bool {
	ids := map[string]bool{}
	for _, n := range notes {
		ids[n.ID] = true
	}
	return ids
}

// TestCheckGaps: the gaps check passes only when the diff is exactly the
// listed rows and every gap cites a note the emitter gave.
func TestCheckGaps(t *testing.T) {
	rowA, rowB := `{"n":1}`, `{"n":2}`
	notes := map[string]bool{"toint-floor": true}
	g := func(note string, diff ...string) gap {
		return gap{Engine: "cloudwatch", Note: note, Reason: "r", Diff: diff}
	}
	tests := []struct {
		name     string
		gaps     []gap
		diff     alerts.Diff
		problems int
	}{
		{"no gaps, no difference", nil, alerts.Diff{}, 0},
		{"no gaps, a difference", nil, alerts.Diff{Extra: []string{rowA}}, 1},
		{"the gap is exactly the difference", []gap{g("toint-floor", "- "+rowA, "+ "+rowB)}, alerts.Diff{Missing: []string{rowA}, Extra: []string{rowB}}, 0},
		{"a gap that no longer reproduces", []gap{g("toint-floor", "- "+rowA)}, alerts.Diff{}, 1},
		{"a different divergence", []gap{g("toint-floor", "- "+rowA)}, alerts.Diff{Missing: []string{rowB}}, 1},
		{"a gap covering part of the difference", []gap{g("toint-floor", "- "+rowA)}, alerts.Diff{Missing: []string{rowA}, Extra: []string{rowB}}, 1},
		{"a gap citing a note not given", []gap{g("bool-output", "- "+rowA)}, alerts.Diff{Missing: []string{rowA}}, 1},
		{"columns differ", nil, alerts.Diff{Columns: "want [n], got [m]"}, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := checkGaps(tc.gaps, tc.diff, notes)
			if len(got) != tc.problems {
				t.Errorf("%d problems, want %d: %q", len(got), tc.problems, got)
			}
		})
	}
}

// TestReadGaps: gaps.json is read strictly and filtered by engine.
func TestReadGaps(t *testing.T) {
	tests := []struct {
		name, data string
		want       []gap
		err        bool
	}{
		{"one per engine", `[{"engine":"cloudwatch","note":"n","reason":"r","diff":["- {}"]},{"engine":"athena","reason":"r","diff":["+ {}"]}]`,
			[]gap{{Engine: "cloudwatch", Note: "n", Reason: "r", Diff: []string{"- {}"}}}, false},
		{"two for one engine", `[{"engine":"cloudwatch","note":"n","reason":"r","diff":["- {}"]},{"engine":"cloudwatch","note":"m","reason":"r","diff":["+ {}"]}]`, nil, true},
		{"cloudwatch without a note", `[{"engine":"cloudwatch","reason":"r","diff":["- {}"]}]`, nil, true},
		{"other engines only", `[{"engine":"athena","note":"m","reason":"r","diff":["+ {}"]}]`, nil, false},
		{"unknown field", `[{"engine":"cloudwatch","note":"n","reason":"r","diff":["- {}"],"rows":1}]`, nil, true},
		{"no reason", `[{"engine":"cloudwatch","note":"n","diff":["- {}"]}]`, nil, true},
		{"no rows", `[{"engine":"cloudwatch","note":"n","reason":"r","diff":[]}]`, nil, true},
		{"not an array", `{"engine":"cloudwatch"}`, nil, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fsys := fstest.MapFS{"c/gaps.json": {Data: []byte(tc.data)}}
			got, err := readGaps(fsys, "c/gaps.json", "cloudwatch")
			if (err != nil) != tc.err {
				t.Fatalf("error %v, want error: %v", err, tc.err)
			}
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Errorf("gaps (-want +got):\n%s", d)
			}
		})
	}
	if g, err := readGaps(fstest.MapFS{}, "", "cloudwatch"); err != nil || g != nil {
		t.Errorf("a case without gaps.json: %v, %v", g, err)
	}
}
