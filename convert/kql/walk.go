package kql

import "fmt"

// Visitor's Visit is called for each node Walk meets. If it returns a
// non-nil w, Walk visits the node's children with w, then calls
// w.Visit(nil), as go/ast does.
type Visitor interface {
	Visit(node Node) (w Visitor)
}

// Walk traverses the tree rooted at node depth-first, children in source
// order. Besides statements, expressions and operators it visits the
// helper nodes (SortKey, MvExpandItem, Param, FuncParam, MakeSeriesAgg),
// so a caller looking for every Ident finds parameter names too.
func Walk(v Visitor, node Node) {
	if v = v.Visit(node); v == nil {
		return
	}
	switch n := node.(type) {
	case *Query:
		walkList(v, n.Stmts)
	case *LetStmt:
		Walk(v, n.Name)
		Walk(v, n.Value)
	case *ExprStmt:
		Walk(v, n.X)
	case *Ident, *BasicLit, *StarExpr, *BadExpr, *CountOp, *BadOp:
		// leaves
	default:
		if !walkExpr(v, node) {
			walkOp(v, node)
		}
	}
	v.Visit(nil)
}

// walkExpr visits the children of expression nodes and of the helper
// nodes; it reports false for anything else.
func walkExpr(v Visitor, node Node) bool {
	switch n := node.(type) {
	case *TypedLit:
		walkOpt(v, n.Value)
	case *DynamicLit:
		walkList(v, n.Elems)
		for i, k := range n.Keys {
			Walk(v, k)
			if i < len(n.Vals) {
				Walk(v, n.Vals[i])
			}
		}
	case *ParenExpr:
		Walk(v, n.X)
	case *UnaryExpr:
		Walk(v, n.X)
	case *BinaryExpr:
		Walk(v, n.X)
		Walk(v, n.Y)
	case *InExpr:
		Walk(v, n.X)
		walkList(v, n.List)
	case *BetweenExpr:
		Walk(v, n.X)
		Walk(v, n.Lo)
		Walk(v, n.Hi)
	case *CallExpr:
		Walk(v, n.Fun)
		walkList(v, n.Args)
	case *MemberExpr:
		Walk(v, n.X)
		Walk(v, n.Sel)
	case *IndexExpr:
		Walk(v, n.X)
		Walk(v, n.Index)
	case *NamedExpr:
		walkList(v, n.Names)
		Walk(v, n.X)
	case *PipeExpr:
		Walk(v, n.Source)
		Walk(v, n.Op)
	case *UnionExpr:
		walkList(v, n.Params)
		walkList(v, n.Tables)
	case *FuncLit:
		walkList(v, n.Params)
		walkList(v, n.Body)
	case *FuncParam:
		Walk(v, n.Name)
		walkOpt(v, n.Default)
	case *Param:
		Walk(v, n.Name)
		Walk(v, n.Value)
	case *ColumnDecl:
		Walk(v, n.Name)
	case *DataTableExpr:
		walkList(v, n.Columns)
		walkList(v, n.Values)
	case *ExternalDataExpr:
		walkList(v, n.Columns)
		walkList(v, n.URIs)
		walkList(v, n.Props)
	case *SortKey:
		Walk(v, n.X)
	case *MvExpandItem:
		Walk(v, n.X)
	case *MakeSeriesAgg:
		Walk(v, n.X)
		walkOpt(v, n.Default)
	default:
		return false
	}
	return true
}

func walkOp(v Visitor, node Node) {
	switch n := node.(type) {
	case *WhereOp:
		Walk(v, n.Pred)
	case *ExtendOp:
		walkList(v, n.Exprs)
	case *ProjectOp:
		walkList(v, n.Exprs)
	case *SummarizeOp:
		walkList(v, n.Params)
		walkList(v, n.Aggs)
		walkList(v, n.Keys)
	case *DistinctOp:
		walkList(v, n.Exprs)
	case *SortOp:
		walkList(v, n.Keys)
	case *TopOp:
		Walk(v, n.N)
		Walk(v, n.Key)
	case *TakeOp:
		Walk(v, n.N)
	case *JoinOp:
		walkList(v, n.Params)
		Walk(v, n.Right)
		walkList(v, n.Conds)
	case *LookupOp:
		walkList(v, n.Params)
		Walk(v, n.Right)
		walkList(v, n.Conds)
	case *UnionOp:
		walkList(v, n.Params)
		walkList(v, n.Tables)
	case *MvExpandOp:
		walkList(v, n.Params)
		walkList(v, n.Items)
		walkOpt(v, n.Limit)
	case *MvApplyOp:
		walkList(v, n.Params)
		walkList(v, n.Items)
		walkOpt(v, n.Limit)
		walkList(v, n.Body)
	case *MakeSeriesOp:
		walkList(v, n.Params)
		walkList(v, n.Aggs)
		Walk(v, n.Axis)
		walkOpt(v, n.From)
		walkOpt(v, n.To)
		Walk(v, n.Step)
		walkList(v, n.Keys)
	case *ParseOp:
		walkList(v, n.Params)
		Walk(v, n.X)
		walkList(v, n.Parts)
	case *EvaluateOp:
		walkList(v, n.Params)
		Walk(v, n.Call)
	default:
		panic("kql.Walk: unexpected node type " + typeName(node)) // a node type added without a case here
	}
}

func walkList[N Node](v Visitor, list []N) {
	for _, n := range list {
		Walk(v, n)
	}
}

// walkOpt visits an optional child: a nil Expr holds no node.
func walkOpt(v Visitor, x Expr) {
	if x != nil {
		Walk(v, x)
	}
}

type inspector func(Node) bool

func (f inspector) Visit(node Node) Visitor {
	if f(node) {
		return f
	}
	return nil
}

// Inspect traverses the tree like Walk, calling f for each node and, after
// a node's children, f(nil). When f returns false the node's children are
// skipped.
func Inspect(node Node, f func(Node) bool) {
	Walk(inspector(f), node)
}

func typeName(n Node) string { return fmt.Sprintf("%T", n) }
