package kql

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestParseGolden checks the tree of each query of testdata/parse.txtar.
// The trees were written by UPDATE_GOLDEN=1 and read against the syntax
// pages each construct's parser cites; a query that does not parse fails.
func TestParseGolden(t *testing.T) {
	queryGolden(t, "parse.txtar", "tree", func(t *testing.T, in string) string {
		q, errs := Parse(in)
		if len(errs) > 0 {
			t.Errorf("parse errors: %v", errs)
		}
		checkSpans(t, in, q)
		checkRoundTrip(t, q)
		return dumpTree(q)
	})
}

// TestParseErrors checks the errors of each query of
// testdata/errors.txtar, one "line:col: message" per line: every error is
// reported, each where the problem is, and parsing goes on after it.
func TestParseErrors(t *testing.T) {
	queryGolden(t, "errors.txtar", "errors", func(t *testing.T, in string) string {
		_, errs := Parse(in)
		if len(errs) == 0 {
			t.Errorf("no error for %q", in)
		}
		var b strings.Builder
		for _, e := range errs {
			line, col := lineCol(in, e.Pos)
			kind := ""
			if e.Kind == ErrUnsupported {
				kind = "[unsupported] "
			}
			fmt.Fprintf(&b, "%d:%d: %s%s\n", line, col, kind, e.Msg)
		}
		return b.String()
	})
}

// lineCol turns an offset into a 1-based line and byte column.
func lineCol(src string, pos Pos) (int, int) {
	line, col := 1, 1
	for i := 0; i < int(pos) && i < len(src); i++ {
		if src[i] == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
	}
	return line, col
}

// checkSpans asserts the span invariants on every node: inside the text,
// Pos <= End, children inside their parent, and names and literals
// spanning exactly their written text.
func checkSpans(t *testing.T, src string, q *Query) {
	t.Helper()
	var stack []Node
	Inspect(q, func(n Node) bool {
		if n == nil {
			stack = stack[:len(stack)-1]
			return true
		}
		p, e := n.Pos(), n.End()
		if p < 0 || e > Pos(len(src)) || p > e {
			t.Errorf("%T span [%d,%d) outside the text (len %d)", n, p, e, len(src))
		}
		if len(stack) > 0 {
			parent := stack[len(stack)-1]
			if _, isQuery := parent.(*Query); !isQuery && (p < parent.Pos() || e > parent.End()) {
				t.Errorf("%T [%d,%d) %q outside its parent %T [%d,%d)", n, p, e, src[max(p, 0):min(e, Pos(len(src)))], parent, parent.Pos(), parent.End())
			}
		}
		switch n := n.(type) {
		case *Ident:
			text := src[p:e]
			if !n.Quoted && text != n.Name {
				t.Errorf("ident %q spans %q", n.Name, text)
			}
		case *BasicLit:
			if src[p:e] != n.Raw {
				t.Errorf("literal %q spans %q", n.Raw, src[p:e])
			}
		}
		stack = append(stack, n)
		return true
	})
}

// checkRoundTrip asserts that the printed tree parses back to itself.
func checkRoundTrip(t *testing.T, q *Query) {
	t.Helper()
	out := Print(q)
	q2, errs := Parse(out)
	if len(errs) > 0 {
		t.Errorf("printed text does not parse: %v\n%s", errs, out)
		return
	}
	if d := cmp.Diff(q, q2, treeOpts); d != "" {
		t.Errorf("printed text parses to another tree (-parsed +reparsed):\n%s\nprinted:\n%s", d, out)
	}
}

func TestParseKeepsGoingAfterErrors(t *testing.T) {
	// Three broken operators in one pipeline: each is reported, and the
	// healthy operators between them are still in the tree.
	src := "T | where a == | extend b = 1 | frobnicate x | project c, | take 5"
	q, errs := Parse(src)
	var got []string
	for _, e := range errs {
		got = append(got, e.Error())
	}
	want := []string{
		`offset 15: expected expression, found "|"`,
		`offset 32: unknown tabular operator "frobnicate"`,
		`offset 58: expected expression, found "|"`,
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("errors (-want +got):\n%s", d)
	}
	var ops []string
	Inspect(q, func(n Node) bool {
		if op, ok := n.(Operator); ok {
			ops = append(ops, fmt.Sprintf("%T", op))
		}
		return true
	})
	wantOps := []string{"*kql.WhereOp", "*kql.ExtendOp", "*kql.BadOp", "*kql.ProjectOp", "*kql.TakeOp"} // source order
	if d := cmp.Diff(wantOps, ops); d != "" {
		t.Errorf("operators (-want +got):\n%s", d)
	}
}

func TestParseDeepNesting(t *testing.T) {
	// Hostile input must give an error, not a stack overflow.
	src := "T | where " + strings.Repeat("(", 100000) + "1"
	_, errs := Parse(src)
	if len(errs) == 0 || !strings.Contains(errs[0].Msg, "nested too deeply") {
		t.Fatalf("want a nesting error first, got %v", errs)
	}
}
