package kql

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/ruleport/ruleport/convert"
	"github.com/ruleport/ruleport/convert/schema"
)

// blockScalarPos maps query offsets the way a YAML "query: |" block does
// when its first line is line first of the file and every line is
// indented by two spaces: the stand-in for (*rule.Rule).QueryPos, which
// the CLI passes.
func blockScalarPos(src string, first int) func(Pos) convert.Pos {
	return func(p Pos) convert.Pos {
		line, col := lineCol(src, p)
		return convert.Pos{Line: first + line - 1, Col: col + 2}
	}
}

func TestDiagnosticsMapIntoTheRuleFile(t *testing.T) {
	query := "AWSCloudTrail\n| where EventName =~ \"RunInstances\"\n| where EventNmae == 'x' | frobnicate\n| render x\n"
	q, errs := Parse(query)
	_, berrs := ResultColumns(q, schema.Lookup)
	errs = append(errs, berrs...)
	errs.Sort()
	diags := errs.Diagnostics("rules/x.yaml", blockScalarPos(query, 20))
	var got []string
	for _, d := range diags {
		got = append(got, d.Error())
	}
	// The query starts on line 20, col 3. "EventNmae" is on query line 3
	// at byte 9 -> 22:11; "frobnicate" at byte 28 -> 22:30; "render" on
	// query line 4 at byte 3 -> 23:5.
	want := []string{
		`rules/x.yaml:22:11: unknown column "EventNmae"`,
		`rules/x.yaml:22:30: unknown tabular operator "frobnicate"`,
		`rules/x.yaml:23:5: unsupported syntax: the render operator`,
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("diagnostics (-want +got):\n%s", d)
	}
	if !errors.Is(diags[2], convert.ErrUnsupported) || errors.Is(diags[0], convert.ErrUnsupported) {
		t.Errorf("only the unsupported construct should wrap convert.ErrUnsupported")
	}
	if !errors.Is(diags.Err(), convert.ErrUnsupported) {
		t.Errorf("the list should expose ErrUnsupported to errors.Is")
	}
}

func TestDiagnosticsWithoutPositions(t *testing.T) {
	l := ErrorList{{Pos: NoPos, Msg: "no place"}, {Pos: 3, Msg: "somewhere"}}
	got := l.Diagnostics("r.yaml", nil).Error()
	want := "r.yaml: no place\nr.yaml: somewhere"
	if got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestErrorListFormatting(t *testing.T) {
	var l ErrorList
	l.add(9, ErrSyntax, "second")
	l.add(2, ErrSyntax, "first")
	l.add(2, ErrSyntax, "same place again") // dropped: one error per position
	l.Sort()
	if got, want := l.Error(), "offset 2: first\noffset 9: second"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if l.Err() == nil || ErrorList(nil).Err() != nil {
		t.Errorf("Err must be nil exactly when the list is empty")
	}
	for _, e := range l {
		if strings.HasSuffix(e.Msg, ".") || strings.ToLower(e.Msg[:1]) != e.Msg[:1] {
			t.Errorf("message %q: lower case, no trailing period", e.Msg)
		}
	}
}
