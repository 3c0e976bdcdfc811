package kqlengine

import (
	"fmt"

	"github.com/ruleport/ruleport/convert/kql"
)

// walk calls fn for n and every node below it, parents first. The AST
// package has no inspector of its own; this one covers every node type of
// convert/kql/ast.go.
func walk(n kql.Node, fn func(kql.Node)) {
	if n == nil || isNilNode(n) {
		return
	}
	fn(n)
	for _, c := range children(n) {
		walk(c, fn)
	}
}

func isNilNode(n kql.Node) bool {
	switch x := n.(type) {
	case *kql.Ident:
		return x == nil
	case *kql.BasicLit:
		return x == nil
	case *kql.SortKey:
		return x == nil
	}
	return false
}

// children lists the direct sub-nodes of n.
func children(n kql.Node) []kql.Node {
	var out []kql.Node
	add := func(ns ...kql.Node) {
		for _, c := range ns {
			if c != nil && !isNilNode(c) {
				out = append(out, c)
			}
		}
	}
	addExprs := func(xs []kql.Expr) {
		for _, x := range xs {
			if x != nil {
				add(x)
			}
		}
	}
	addParams := func(ps []*kql.Param) {
		for _, p := range ps {
			if p != nil && p.Value != nil {
				add(p.Value)
			}
		}
	}
	switch x := n.(type) {
	case *kql.Query:
		for _, s := range x.Stmts {
			add(s)
		}
	case *kql.LetStmt:
		if x.Value != nil {
			add(x.Value)
		}
	case *kql.ExprStmt:
		if x.X != nil {
			add(x.X)
		}
	case *kql.TypedLit:
		if x.Value != nil {
			add(x.Value)
		}
	case *kql.DynamicLit:
		addExprs(x.Elems)
		addExprs(x.Vals)
	case *kql.ParenExpr:
		add(x.X)
	case *kql.UnaryExpr:
		add(x.X)
	case *kql.BinaryExpr:
		add(x.X, x.Y)
	case *kql.InExpr:
		add(x.X)
		addExprs(x.List)
	case *kql.BetweenExpr:
		add(x.X, x.Lo, x.Hi)
	case *kql.CallExpr:
		add(x.Fun)
		addExprs(x.Args)
	case *kql.MemberExpr:
		add(x.X) // the selector is a member name, not a reference
	case *kql.IndexExpr:
		add(x.X, x.Index)
	case *kql.NamedExpr:
		add(x.X) // the names are new columns, not references
	case *kql.PipeExpr:
		add(x.Source, x.Op)
	case *kql.UnionExpr:
		addParams(x.Params)
		addExprs(x.Tables)
	case *kql.FuncLit:
		for _, p := range x.Params {
			if p != nil && p.Default != nil {
				add(p.Default)
			}
		}
		for _, s := range x.Body {
			add(s)
		}
	case *kql.SortKey:
		add(x.X)
	case *kql.MvExpandItem:
		add(x.X)
	case *kql.WhereOp:
		add(x.Pred)
	case *kql.ExtendOp:
		addExprs(x.Exprs)
	case *kql.ProjectOp:
		addExprs(x.Exprs)
	case *kql.SummarizeOp:
		addParams(x.Params)
		addExprs(x.Aggs)
		addExprs(x.Keys)
	case *kql.DistinctOp:
		addExprs(x.Exprs)
	case *kql.SortOp:
		for _, k := range x.Keys {
			add(k)
		}
	case *kql.TopOp:
		add(x.N, x.Key)
	case *kql.TakeOp:
		add(x.N)
	case *kql.JoinOp:
		addParams(x.Params)
		add(x.Right)
		addExprs(x.Conds)
	case *kql.UnionOp:
		addParams(x.Params)
		addExprs(x.Tables)
	case *kql.MvExpandOp:
		addParams(x.Params)
		for _, it := range x.Items {
			if it != nil {
				add(it)
			}
		}
		if x.Limit != nil {
			add(x.Limit)
		}
	}
	return out
}

func typeName(v any) string { return fmt.Sprintf("%T", v) }
