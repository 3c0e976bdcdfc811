package kql

import (
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/rogpeppe/go-internal/txtar"
)

func TestInspectOrder(t *testing.T) {
	q, errs := Parse(`let n = 2; T | where a > n | summarize c = count() by b`)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	var names []string
	Inspect(q, func(n Node) bool {
		if id, ok := n.(*Ident); ok {
			names = append(names, id.Name)
		}
		return true
	})
	// Source order, read off the text.
	want := []string{"n", "T", "a", "n", "c", "count", "b"}
	if d := cmp.Diff(want, names); d != "" {
		t.Errorf("idents (-want +got):\n%s", d)
	}
}

func TestInspectSkipsChildren(t *testing.T) {
	q, _ := Parse(`T | where f(a) and b`)
	var seen []string
	Inspect(q, func(n Node) bool {
		switch n := n.(type) {
		case *CallExpr:
			return false // a and f stay unseen
		case *Ident:
			seen = append(seen, n.Name)
		}
		return true
	})
	if d := cmp.Diff([]string{"T", "b"}, seen); d != "" {
		t.Errorf("idents (-want +got):\n%s", d)
	}
}

// TestWalkReachesEveryNodeType walks the trees of every golden input and
// checks that each concrete node type of ast.go is met, and that every
// Visit(node) is closed by a Visit(nil).
func TestWalkReachesEveryNodeType(t *testing.T) {
	ar, err := txtar.ParseFile("testdata/parse.txtar")
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, f := range ar.Files {
		if !strings.HasSuffix(f.Name, ".in") {
			continue
		}
		q, errs := Parse(string(f.Data))
		if len(errs) > 0 {
			t.Fatalf("%s: %v", f.Name, errs)
		}
		depth := 0
		Inspect(q, func(n Node) bool {
			if n == nil {
				depth--
				return true
			}
			depth++
			seen[fmt.Sprintf("%T", n)] = true
			return true
		})
		if depth != 0 {
			t.Errorf("%s: %d Visit calls without their Visit(nil)", f.Name, depth)
		}
	}
	// Every node type but BadExpr and BadOp, which only broken input makes.
	all := []Node{
		&Query{}, &LetStmt{}, &ExprStmt{}, &Ident{}, &BasicLit{}, &TypedLit{}, &DynamicLit{},
		&ParenExpr{}, &UnaryExpr{}, &BinaryExpr{}, &InExpr{}, &BetweenExpr{}, &CallExpr{},
		&MemberExpr{}, &IndexExpr{}, &NamedExpr{}, &StarExpr{}, &PipeExpr{}, &UnionExpr{},
		&FuncLit{}, &FuncParam{}, &Param{}, &ColumnDecl{}, &DataTableExpr{}, &ExternalDataExpr{},
		&WhereOp{}, &ExtendOp{}, &ProjectOp{}, &SummarizeOp{}, &DistinctOp{}, &SortKey{}, &SortOp{},
		&TopOp{}, &TakeOp{}, &CountOp{}, &JoinOp{}, &UnionOp{}, &MvExpandItem{}, &MvExpandOp{},
		&LookupOp{}, &MvApplyOp{}, &MakeSeriesAgg{}, &MakeSeriesOp{}, &ParseOp{}, &EvaluateOp{},
	}
	var missing []string
	for _, n := range all {
		if name := fmt.Sprintf("%T", n); !seen[name] {
			missing = append(missing, name)
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("node types Walk never reached: %v", missing)
	}
}
