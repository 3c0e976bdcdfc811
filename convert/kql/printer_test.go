package kql

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestPrint(t *testing.T) {
	// Expected texts are the printer's layout applied by hand: one
	// operator per line, ", " between list items, " = " in assignments,
	// literals as written.
	cases := []struct {
		src, want string
	}{
		{"T|where a==1|take 5", "T\n| where a == 1\n| take 5"},
		{"let x=1;T|extend y=x", "let x = 1;\nT\n| extend y = x"},
		{"T | where a in~('x','y') and b between(1..2)", "T\n| where a in~ ('x', 'y') and b between (1 .. 2)"},
		{"T | extend ['a b']=e.['c d'][0]", "T\n| extend ['a b'] = e.['c d'][0]"},
		{"T | join kind=inner (U | project a) on $left.a == $right.b", "T\n| join kind=inner (U\n    | project a) on $left.a == $right.b"},
		{"T | mv-apply x=e to typeof(long) on (where x>1|take 1)", "T\n| mv-apply x = e to typeof(long) on (\n    where x > 1\n    | take 1\n)"},
		{"T | summarize by a", "T\n| summarize by a"},
		{"T | extend d=dynamic({\"k\":[1,-2]}), t=datetime( 2020-01-01 )", "T\n| extend d = dynamic({\"k\": [1, -2]}), t = datetime(2020-01-01)"},
		{"let f=(a:string,b:long=2){T|take b};f('x')", "let f = (a:string, b:long = 2) {\n    T\n    | take b\n};\nf('x')"},
	}
	for _, c := range cases {
		q, errs := Parse(c.src)
		if len(errs) > 0 {
			t.Fatalf("%q: %v", c.src, errs)
		}
		if d := cmp.Diff(c.want, Print(q)); d != "" {
			t.Errorf("Print(%q) (-want +got):\n%s", c.src, d)
		}
	}
}

func TestPrintAddsNeededParentheses(t *testing.T) {
	// Trees built by a program, not by the parser: the printer must add
	// the parentheses their shape needs, by KQL precedence.
	a, b, c := &Ident{Name: "a"}, &Ident{Name: "b"}, &Ident{Name: "c"}
	one := &BasicLit{Kind: LitInt, Raw: "1", Value: "1"}
	cases := []struct {
		x    Expr
		want string
	}{
		{&BinaryExpr{X: &BinaryExpr{X: a, Op: "+", Y: b}, Op: "*", Y: c}, "(a + b) * c"},
		{&BinaryExpr{X: a, Op: "-", Y: &BinaryExpr{X: b, Op: "-", Y: c}}, "a - (b - c)"},
		{&BinaryExpr{X: &BinaryExpr{X: a, Op: "or", Y: b}, Op: "and", Y: c}, "(a or b) and c"},
		{&BinaryExpr{X: &InExpr{X: a, Op: "in", List: []Expr{one}}, Op: "==", Y: b}, "(a in (1)) == b"},
		{&BinaryExpr{X: &InExpr{X: a, Op: "in", List: []Expr{one}}, Op: "or", Y: b}, "a in (1) or b"},
		{&UnaryExpr{Op: "-", X: &BinaryExpr{X: a, Op: "+", Y: b}}, "-(a + b)"},
		{&MemberExpr{X: &BinaryExpr{X: a, Op: "+", Y: b}, Sel: c}, "(a + b).c"},
		{&BasicLit{Kind: LitString, Value: "it's \"q\"\n"}, `"it's \"q\"\n"`},
		{&Ident{Name: "has space"}, "['has space']"},
		{&Ident{Name: "true"}, "['true']"},
	}
	for _, c := range cases {
		got := Print(c.x)
		if got != c.want {
			t.Errorf("Print = %q, want %q", got, c.want)
		}
		// What the printer adds must read back as the same operations.
		back, errs := Parse("T | extend x = " + got)
		if len(errs) > 0 {
			t.Errorf("%q does not parse: %v", got, errs)
			continue
		}
		x := back.Stmts[0].(*ExprStmt).X.(*PipeExpr).Op.(*ExtendOp).Exprs[0].(*NamedExpr).X
		if d := cmp.Diff(stripParens(c.x), stripParens(x), treeOpts, cmpIgnoreRaw); d != "" {
			t.Errorf("%q reads back as another tree (-want +got):\n%s", got, d)
		}
	}
}

// cmpIgnoreRaw compares literals by kind and value: a synthesised literal
// has no Raw text, its printed form does.
var cmpIgnoreRaw = cmp.Comparer(func(x, y *BasicLit) bool { return x.Kind == y.Kind && x.Value == y.Value })

// stripParens removes ParenExprs, which the printer adds and the tree it
// printed did not have.
func stripParens(x Expr) Expr {
	switch v := x.(type) {
	case *ParenExpr:
		return stripParens(v.X)
	case *BinaryExpr:
		return &BinaryExpr{X: stripParens(v.X), Op: v.Op, Y: stripParens(v.Y)}
	case *UnaryExpr:
		return &UnaryExpr{Op: v.Op, X: stripParens(v.X)}
	case *InExpr:
		return &InExpr{X: stripParens(v.X), Op: v.Op, List: v.List}
	case *MemberExpr:
		return &MemberExpr{X: stripParens(v.X), Sel: v.Sel}
	case *Ident:
		return &Ident{Name: v.Name}
	}
	return x
}

func TestCorpusRoundTrip(t *testing.T) {
	n := 0
	for _, r := range loadCorpus(t) {
		if r.LoadErr != "" {
			continue
		}
		q, errs := Parse(r.Query)
		if len(errs) > 0 {
			continue // TestCorpusParses reports it
		}
		t.Run(r.File, func(t *testing.T) { checkRoundTrip(t, q) })
		n++
	}
	t.Logf("%d corpus queries print and parse back to the same tree", n)
}
