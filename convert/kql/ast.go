// Package kql is ruleport's front end for the Kusto Query Language: lexer,
// parser, abstract syntax tree, printer, and an output-column binder. Every
// node carries its span as byte offsets into the query text, so later
// stages can point into the rule file (through the rule's query position
// map) rather than into the query.
//
// The tree follows go/ast: small concrete node types behind three
// interfaces (Stmt, Expr, Operator), positions as offsets, no semantic
// information. The binder (Bind, ResultColumns) resolves names against
// table schemas to report unknown columns and to give the query's output
// columns to checks; it annotates nothing, so convert/plan and the engines
// still do their own resolution and typing.
package kql

// Pos is a byte offset into the query text. NoPos marks a missing position.
type Pos int

// NoPos is the Pos of nodes synthesised without source text.
const NoPos Pos = -1

// IsValid reports whether p is a real offset.
func (p Pos) IsValid() bool { return p >= 0 }

// Node is any syntax tree node. End is the offset just past the node.
type Node interface {
	Pos() Pos
	End() Pos
}

// Stmt is a statement of a query: a let, or the tabular expression whose
// result is the query's result.
type Stmt interface {
	Node
	stmtNode()
}

// Expr is a scalar or tabular expression. Tabular expressions are a table
// reference (Ident), a call such as materialize(T), a parenthesised
// subquery (ParenExpr), a union (UnionExpr), or a pipeline (PipeExpr).
type Expr interface {
	Node
	exprNode()
}

// Operator is one tabular operator after a pipe, such as where or summarize.
type Operator interface {
	Node
	opNode()
}

// Query is a whole parsed query: statements separated by semicolons, the
// last of which is normally an ExprStmt holding the tabular result.
type Query struct {
	Stmts    []Stmt
	Comments []*Comment // every // comment, in source order
	EOF      Pos        // offset of the end of the text
}

// Comment is one // comment, Text including the slashes.
type Comment struct {
	Slash Pos
	Text  string
}

// ---------------------------------------------------------------------------
// Statements

// LetStmt binds Name to a scalar or tabular expression, or to a function
// (FuncLit), for the rest of the query.
type LetStmt struct {
	Let   Pos // position of "let"
	Name  *Ident
	Value Expr
}

// ExprStmt is a tabular expression used as a statement: the query's output.
type ExprStmt struct {
	X Expr
}

// ---------------------------------------------------------------------------
// Expressions

// Ident is a name: a column, table, let binding or function. Bracketed
// names (['a b'] or ["x"]) have Quoted set; Name is always the bare name.
type Ident struct {
	NamePos Pos
	Name    string
	Quoted  bool
	EndPos  Pos // end of the written form, which is longer than Name when quoted
}

// LitKind tells what kind of literal a BasicLit holds.
type LitKind int

// Literal kinds.
const (
	LitString   LitKind = iota // "a", 'a', @"a", h"a", with Value unquoted
	LitInt                     // 42 (typed as long by KQL)
	LitReal                    // 4.5, 1e3
	LitBool                    // true, false
	LitTimespan                // 1d, 5m, 100ms, 2h
	LitNull                    // the bare null inside dynamic literals
)

var litKindNames = [...]string{"string", "int", "real", "bool", "timespan", "null"}

// String names the kind ("string", "int", ...) for goldens and messages;
// an int literal is typed long (KQL reference, scalar data types).
func (k LitKind) String() string {
	if k >= 0 && int(k) < len(litKindNames) {
		return litKindNames[k]
	}
	return "LitKind(?)"
}

// BasicLit is a literal written without a type keyword. Raw is the source
// text; Value is the decoded value for strings (escapes applied) and the raw
// text for the other kinds.
type BasicLit struct {
	ValuePos Pos
	Kind     LitKind
	Raw      string
	Value    string
}

// TypedLit is a literal written with its type: datetime(2017-10-30 23:59),
// timespan(1d), int(null), long(5), real(1.5), bool(true), guid(...),
// dynamic([...]). For dynamic, Value holds the parsed DynamicLit; for the
// other types Text is the raw text between the parentheses, trimmed.
type TypedLit struct {
	TypePos Pos
	Type    string // lower case: datetime, timespan, int, long, real, double, decimal, bool, boolean, guid, dynamic, string
	Lparen  Pos
	Text    string
	Value   Expr // dynamic only: *DynamicLit, *BasicLit or *TypedLit
	Rparen  Pos
}

// DynamicLit is an array [a, b] or property bag {"k": v} inside dynamic(...).
type DynamicLit struct {
	Lbrack Pos // '[' or '{'
	IsBag  bool
	Elems  []Expr      // arrays
	Keys   []*BasicLit // bags: string keys, parallel to Vals
	Vals   []Expr      // bags
	Rbrack Pos         // ']' or '}'
}

// ParenExpr is (X). X may be scalar or tabular (a subquery).
type ParenExpr struct {
	Lparen Pos
	X      Expr
	Rparen Pos
}

// UnaryExpr is -X or +X. (KQL's not is a function, not an operator.)
type UnaryExpr struct {
	OpPos Pos
	Op    string
	X     Expr
}

// BinaryExpr is X Op Y for arithmetic, comparison, logical and string
// operators. Op is the operator as written, lower-cased for word operators:
// "or", "and", "==", "!=", "=~", "!~", "<", "<=", ">", ">=", "+", "-", "*",
// "/", "%", "contains", "!contains", "contains_cs", "!contains_cs", "has",
// "!has", "has_cs", "!has_cs", "hasprefix", "!hasprefix", "hassuffix",
// "!hassuffix", "startswith", "!startswith", "startswith_cs",
// "!startswith_cs", "endswith", "!endswith", "endswith_cs", "!endswith_cs",
// "matches regex", "like" ... Set-membership operators are InExpr instead.
type BinaryExpr struct {
	X     Expr
	OpPos Pos
	Op    string
	Y     Expr
}

// InExpr is X in (a, b, ...), and its relatives "!in", "in~", "!in~",
// "has_any", "has_all". List may hold one tabular expression (a subquery
// whose first column is the set) or a dynamic array.
type InExpr struct {
	X      Expr
	OpPos  Pos
	Op     string
	Lparen Pos
	List   []Expr
	Rparen Pos
}

// BetweenExpr is X between (Lo .. Hi), or "!between".
type BetweenExpr struct {
	X      Expr
	OpPos  Pos
	Op     string
	Lparen Pos
	Lo, Hi Expr
	Rparen Pos
}

// CallExpr is a function or aggregate call: f(args). Tabular functions
// (materialize, table, externaldata, ...) are calls too.
type CallExpr struct {
	Fun    *Ident
	Lparen Pos
	Args   []Expr
	Rparen Pos
}

// MemberExpr is X.Sel: member access on dynamic values, or $left.col /
// $right.col in join conditions (X is an Ident named "$left"/"$right").
type MemberExpr struct {
	X   Expr
	Dot Pos
	Sel *Ident
}

// IndexExpr is X[Index]: array element (negative counts from the end) or
// bag member by string key.
type IndexExpr struct {
	X      Expr
	Lbrack Pos
	Index  Expr
	Rbrack Pos
}

// NamedExpr is Name = X in extend, project, summarize and similar lists.
// A tuple target "(a, b) = f(x)" sets Names with more than one element.
type NamedExpr struct {
	Names  []*Ident
	Lparen Pos // of a tuple target, or NoPos
	Assign Pos
	X      Expr
}

// StarExpr is * as in count(*) or project-away *.
type StarExpr struct {
	Star Pos
}

// PipeExpr is Source | Op: a tabular expression followed by one operator.
// "T | a | b" is PipeExpr{PipeExpr{T, a}, b}.
type PipeExpr struct {
	Source Expr
	Pipe   Pos
	Op     Operator
}

// UnionExpr is a union used as a tabular source: union [params] T1, T2, ...
type UnionExpr struct {
	Union  Pos
	Params []*Param
	Tables []Expr
}

// FuncLit is a user function bound by let: (a:string, b:long = 1) { body }.
type FuncLit struct {
	Lparen Pos
	Params []*FuncParam
	Rparen Pos
	Lbrace Pos
	Body   []Stmt // lets, then the result expression
	Rbrace Pos
}

// FuncParam is one parameter of a FuncLit. Type is "string", "long",
// "(*)" for a tabular parameter, and so on, as written.
type FuncParam struct {
	Name    *Ident
	Type    string
	Default Expr // or nil
	EndPos  Pos  // end of the parameter's text
}

// Param is name=value in operator parameters: kind=leftouter,
// hint.strategy=shuffle, bagexpansion=array, with_itemindex=i.
type Param struct {
	Name   *Ident // may contain dots: "hint.strategy"
	Assign Pos
	Value  Expr // usually an Ident or BasicLit
}

// ColumnDecl is name:type in the schema of externaldata and datatable and
// in parse patterns (where the type is optional: Type is "" when absent).
// Type is written as in the query; CanonicalType gives Kusto's name.
type ColumnDecl struct {
	Name   *Ident
	Colon  Pos // NoPos when there is no type
	Type   string
	EndPos Pos
}

// DataTableExpr is datatable (a:string, b:long) [v1, v2, ...]: Values
// fill the rows left to right, one column after another.
type DataTableExpr struct {
	Keyword Pos
	Lparen  Pos
	Columns []*ColumnDecl
	Rparen  Pos
	Lbrack  Pos
	Values  []Expr
	Rbrack  Pos
}

// ExternalDataExpr is externaldata (cols) [uris] [with (props)]: a table
// read from storage at query time, whose schema the query declares.
type ExternalDataExpr struct {
	Keyword    Pos
	Lparen     Pos
	Columns    []*ColumnDecl
	Rparen     Pos
	Lbrack     Pos
	URIs       []Expr
	Rbrack     Pos
	With       Pos // NoPos when there is no with clause
	WithLparen Pos
	Props      []*Param
	WithRparen Pos
}

// BadExpr stands for an expression that could not be parsed; the parser
// has reported why. Trees without parse errors never hold one.
type BadExpr struct {
	From, To Pos
}

// ---------------------------------------------------------------------------
// Tabular operators

// WhereOp is "where Pred" (also spelt "filter").
type WhereOp struct {
	Keyword Pos
	Name    string // "where" or "filter"
	Pred    Expr
}

// ExtendOp is "extend a = x, b = y, z". Every expression reads the
// operator's input row, not the columns the same extend creates: the
// semantics lives in the engines and the plan; the tree keeps the list.
type ExtendOp struct {
	Keyword Pos
	Exprs   []Expr // NamedExpr or a plain expression (its column name is derived)
}

// ProjectOp is project, project-away, project-keep, project-rename or
// project-reorder. For project-away/keep/reorder Exprs are column names or
// wildcard patterns (Ident with '*' in Name); for project-rename they are
// NamedExprs new = old.
type ProjectOp struct {
	Keyword Pos
	Kind    string // "project", "project-away", "project-keep", "project-rename", "project-reorder"
	Exprs   []Expr
}

// SummarizeOp is summarize [params] aggs [by keys].
type SummarizeOp struct {
	Keyword Pos
	Params  []*Param
	Aggs    []Expr // NamedExpr or CallExpr
	By      Pos    // NoPos when there is no by clause
	Keys    []Expr // NamedExpr or plain expressions, e.g. bin(TimeGenerated, 1h)
}

// DistinctOp is distinct a, b, c or distinct *.
type DistinctOp struct {
	Keyword Pos
	Exprs   []Expr
}

// SortKey is one key of sort, order or top: X asc|desc nulls first|last.
// Dir and Nulls are "" when not written (KQL's default is desc, with nulls
// last for desc and first for asc).
type SortKey struct {
	X      Expr
	Dir    string
	Nulls  string
	EndPos Pos
}

// SortOp is "sort by k1, k2" (also spelt "order by").
type SortOp struct {
	Keyword Pos
	Name    string // "sort" or "order"
	Keys    []*SortKey
}

// TopOp is "top N by Key".
type TopOp struct {
	Keyword Pos
	N       Expr
	Key     *SortKey
}

// TakeOp is "take N" (also spelt "limit").
type TakeOp struct {
	Keyword Pos
	Name    string
	N       Expr
}

// CountOp is "count".
type CountOp struct {
	Keyword Pos
}

// JoinOp is join [kind=K ...] (Right) on cond, cond... Conditions are
// column names (Ident) or $left.a == $right.b (BinaryExpr). Conditions
// written with "and" (on $left.a == $right.b and $left.c == $right.d) are
// split into Conds like comma-separated ones: the join page says the two
// spellings mean the same
// (https://learn.microsoft.com/azure/data-explorer/kusto/query/join-operator).
type JoinOp struct {
	Keyword Pos
	Params  []*Param
	Right   Expr
	On      Pos
	Conds   []Expr
}

// UnionOp is "| union T2, T3" after a pipe.
type UnionOp struct {
	Keyword Pos
	Params  []*Param
	Tables  []Expr
}

// MvExpandItem is one expanded column of mv-expand: X [to typeof(T)].
type MvExpandItem struct {
	X      Expr // Ident, NamedExpr or a dynamic expression
	ToType string
	EndPos Pos
}

// MvExpandOp is mv-expand (or mvexpand) [params] items [limit N].
type MvExpandOp struct {
	Keyword Pos
	Name    string // "mv-expand" or "mvexpand"
	Params  []*Param
	Items   []*MvExpandItem
	Limit   Expr // or nil
}

// LookupOp is lookup [kind=leftouter|inner] (Right) on cond, ...: a join
// that keeps the left side's rows and adds the right side's columns.
type LookupOp struct {
	Keyword Pos
	Params  []*Param
	Right   Expr
	On      Pos
	Conds   []Expr // as in JoinOp
}

// MvApplyOp is mv-apply [with_itemindex=i] items [limit N] on (ops): the
// operators of Body run on each row's expanded arrays, as if they followed
// a pipe whose source is that small table.
type MvApplyOp struct {
	Keyword Pos
	Params  []*Param
	Items   []*MvExpandItem
	Limit   Expr // or nil
	On      Pos
	Lparen  Pos
	Body    []Operator // the subquery's operators, in pipe order
	Rparen  Pos
}

// MakeSeriesAgg is one aggregate of make-series: X [default = Default].
type MakeSeriesAgg struct {
	X       Expr // NamedExpr or CallExpr
	Default Expr // or nil
}

// MakeSeriesOp is make-series [params] aggs on Axis [from F] [to T] step S
// [by keys].
type MakeSeriesOp struct {
	Keyword  Pos
	Params   []*Param
	Aggs     []*MakeSeriesAgg
	On       Pos
	Axis     Expr
	From, To Expr // or nil
	Step     Expr
	By       Pos    // NoPos when there is no by clause
	Keys     []Expr // NamedExpr or plain expressions
}

// ParseOp is parse [kind=K] [flags=F] X with Parts: Parts is the pattern,
// a sequence of string literals (BasicLit), wildcards (StarExpr) and the
// columns to extract (ColumnDecl).
type ParseOp struct {
	Keyword Pos
	Params  []*Param
	X       Expr
	With    Pos
	Parts   []Expr
}

// EvaluateOp is evaluate [params] plugin(args). Its output columns are
// decided by the plugin, often by the data.
type EvaluateOp struct {
	Keyword Pos
	Params  []*Param
	Call    *CallExpr
}

// BadOp stands for an operator that could not be parsed; the parser has
// reported why. Trees without parse errors never hold one.
type BadOp struct {
	From, To Pos
}

// ---------------------------------------------------------------------------
// Position methods. For every node, Pos returns the offset of its first byte
// and End the offset just past its last byte (the Node interface); as in
// go/ast, the one-line implementations share this comment.

func (q *Query) Pos() Pos {
	if len(q.Stmts) > 0 {
		return q.Stmts[0].Pos()
	}
	return 0
}
func (q *Query) End() Pos { return q.EOF }

func (s *LetStmt) Pos() Pos  { return s.Let }
func (s *LetStmt) End() Pos  { return s.Value.End() }
func (s *ExprStmt) Pos() Pos { return s.X.Pos() }
func (s *ExprStmt) End() Pos { return s.X.End() }

func (x *Ident) Pos() Pos { return x.NamePos }
func (x *Ident) End() Pos {
	if x.EndPos > x.NamePos {
		return x.EndPos
	}
	return x.NamePos + Pos(len(x.Name))
}
func (x *BasicLit) Pos() Pos    { return x.ValuePos }
func (x *BasicLit) End() Pos    { return x.ValuePos + Pos(len(x.Raw)) }
func (x *TypedLit) Pos() Pos    { return x.TypePos }
func (x *TypedLit) End() Pos    { return x.Rparen + 1 }
func (x *DynamicLit) Pos() Pos  { return x.Lbrack }
func (x *DynamicLit) End() Pos  { return x.Rbrack + 1 }
func (x *ParenExpr) Pos() Pos   { return x.Lparen }
func (x *ParenExpr) End() Pos   { return x.Rparen + 1 }
func (x *UnaryExpr) Pos() Pos   { return x.OpPos }
func (x *UnaryExpr) End() Pos   { return x.X.End() }
func (x *BinaryExpr) Pos() Pos  { return x.X.Pos() }
func (x *BinaryExpr) End() Pos  { return x.Y.End() }
func (x *InExpr) Pos() Pos      { return x.X.Pos() }
func (x *InExpr) End() Pos      { return x.Rparen + 1 }
func (x *BetweenExpr) Pos() Pos { return x.X.Pos() }
func (x *BetweenExpr) End() Pos { return x.Rparen + 1 }
func (x *CallExpr) Pos() Pos    { return x.Fun.Pos() }
func (x *CallExpr) End() Pos    { return x.Rparen + 1 }
func (x *MemberExpr) Pos() Pos  { return x.X.Pos() }
func (x *MemberExpr) End() Pos  { return x.Sel.End() }
func (x *IndexExpr) Pos() Pos   { return x.X.Pos() }
func (x *IndexExpr) End() Pos   { return x.Rbrack + 1 }
func (x *NamedExpr) Pos() Pos {
	if x.Lparen.IsValid() {
		return x.Lparen
	}
	return x.Names[0].Pos()
}
func (x *NamedExpr) End() Pos { return x.X.End() }
func (x *StarExpr) Pos() Pos  { return x.Star }
func (x *StarExpr) End() Pos  { return x.Star + 1 }
func (x *PipeExpr) Pos() Pos  { return x.Source.Pos() }
func (x *PipeExpr) End() Pos  { return x.Op.End() }
func (x *UnionExpr) Pos() Pos { return x.Union }
func (x *UnionExpr) End() Pos { return lastEnd(x.Union, len("union"), x.Tables) }
func (x *FuncLit) Pos() Pos   { return x.Lparen }
func (x *FuncLit) End() Pos   { return x.Rbrace + 1 }

func (p *FuncParam) Pos() Pos { return p.Name.Pos() }
func (p *FuncParam) End() Pos {
	if p.EndPos > p.Name.End() {
		return p.EndPos
	}
	return p.Name.End()
}

func (p *Param) Pos() Pos { return p.Name.Pos() }
func (p *Param) End() Pos { return p.Value.End() }

func (k *SortKey) Pos() Pos { return k.X.Pos() }
func (k *SortKey) End() Pos {
	if k.EndPos > k.X.End() {
		return k.EndPos
	}
	return k.X.End()
}
func (it *MvExpandItem) Pos() Pos { return it.X.Pos() }
func (it *MvExpandItem) End() Pos {
	if it.EndPos > it.X.End() {
		return it.EndPos
	}
	return it.X.End()
}

func (o *WhereOp) Pos() Pos     { return o.Keyword }
func (o *WhereOp) End() Pos     { return o.Pred.End() }
func (o *ExtendOp) Pos() Pos    { return o.Keyword }
func (o *ExtendOp) End() Pos    { return lastEnd(o.Keyword, len("extend"), o.Exprs) }
func (o *ProjectOp) Pos() Pos   { return o.Keyword }
func (o *ProjectOp) End() Pos   { return lastEnd(o.Keyword, len(o.Kind), o.Exprs) }
func (o *SummarizeOp) Pos() Pos { return o.Keyword }
func (o *SummarizeOp) End() Pos {
	if len(o.Keys) > 0 {
		return o.Keys[len(o.Keys)-1].End()
	}
	return lastEnd(o.Keyword, len("summarize"), o.Aggs)
}
func (o *DistinctOp) Pos() Pos { return o.Keyword }
func (o *DistinctOp) End() Pos { return lastEnd(o.Keyword, len("distinct"), o.Exprs) }
func (o *SortOp) Pos() Pos     { return o.Keyword }
func (o *SortOp) End() Pos     { return lastEnd(o.Keyword, len(o.Name), o.Keys) }
func (o *TopOp) Pos() Pos      { return o.Keyword }
func (o *TopOp) End() Pos      { return o.Key.End() }
func (o *TakeOp) Pos() Pos     { return o.Keyword }
func (o *TakeOp) End() Pos     { return o.N.End() }
func (o *CountOp) Pos() Pos    { return o.Keyword }
func (o *CountOp) End() Pos    { return o.Keyword + Pos(len("count")) }
func (o *JoinOp) Pos() Pos     { return o.Keyword }
func (o *JoinOp) End() Pos {
	if len(o.Conds) > 0 {
		return o.Conds[len(o.Conds)-1].End()
	}
	return o.Right.End()
}
func (o *UnionOp) Pos() Pos    { return o.Keyword }
func (o *UnionOp) End() Pos    { return lastEnd(o.Keyword, len("union"), o.Tables) }
func (o *MvExpandOp) Pos() Pos { return o.Keyword }
func (o *MvExpandOp) End() Pos {
	if o.Limit != nil {
		return o.Limit.End()
	}
	return lastEnd(o.Keyword, len(o.Name), o.Items)
}

func (x *ColumnDecl) Pos() Pos { return x.Name.Pos() }
func (x *ColumnDecl) End() Pos {
	if x.EndPos > x.Name.End() {
		return x.EndPos
	}
	return x.Name.End()
}
func (x *DataTableExpr) Pos() Pos    { return x.Keyword }
func (x *DataTableExpr) End() Pos    { return x.Rbrack + 1 }
func (x *ExternalDataExpr) Pos() Pos { return x.Keyword }
func (x *ExternalDataExpr) End() Pos {
	if x.With.IsValid() {
		return x.WithRparen + 1
	}
	return x.Rbrack + 1
}
func (x *BadExpr) Pos() Pos { return x.From }
func (x *BadExpr) End() Pos { return x.To }

func (a *MakeSeriesAgg) Pos() Pos { return a.X.Pos() }
func (a *MakeSeriesAgg) End() Pos {
	if a.Default != nil {
		return a.Default.End()
	}
	return a.X.End()
}

func (o *LookupOp) Pos() Pos     { return o.Keyword }
func (o *LookupOp) End() Pos     { return lastEnd(o.On, len("on"), o.Conds) }
func (o *MvApplyOp) Pos() Pos    { return o.Keyword }
func (o *MvApplyOp) End() Pos    { return o.Rparen + 1 }
func (o *MakeSeriesOp) Pos() Pos { return o.Keyword }
func (o *MakeSeriesOp) End() Pos {
	if len(o.Keys) > 0 {
		return o.Keys[len(o.Keys)-1].End()
	}
	return o.Step.End()
}
func (o *ParseOp) Pos() Pos    { return o.Keyword }
func (o *ParseOp) End() Pos    { return lastEnd(o.With, len("with"), o.Parts) }
func (o *EvaluateOp) Pos() Pos { return o.Keyword }
func (o *EvaluateOp) End() Pos { return o.Call.End() }
func (o *BadOp) Pos() Pos      { return o.From }
func (o *BadOp) End() Pos      { return o.To }

// lastEnd is the end of the last node of list, or of the keyword when the
// list is empty (which the parser reports as an error but still builds).
func lastEnd[N Node](kw Pos, kwLen int, list []N) Pos {
	if len(list) == 0 {
		return kw + Pos(kwLen)
	}
	return list[len(list)-1].End()
}

// Marker methods tie the concrete types to their interfaces.

func (*LetStmt) stmtNode()  {}
func (*ExprStmt) stmtNode() {}

func (*Ident) exprNode()            {}
func (*BasicLit) exprNode()         {}
func (*TypedLit) exprNode()         {}
func (*DynamicLit) exprNode()       {}
func (*ParenExpr) exprNode()        {}
func (*UnaryExpr) exprNode()        {}
func (*BinaryExpr) exprNode()       {}
func (*InExpr) exprNode()           {}
func (*BetweenExpr) exprNode()      {}
func (*CallExpr) exprNode()         {}
func (*MemberExpr) exprNode()       {}
func (*IndexExpr) exprNode()        {}
func (*NamedExpr) exprNode()        {}
func (*StarExpr) exprNode()         {}
func (*PipeExpr) exprNode()         {}
func (*UnionExpr) exprNode()        {}
func (*FuncLit) exprNode()          {}
func (*ColumnDecl) exprNode()       {}
func (*DataTableExpr) exprNode()    {}
func (*ExternalDataExpr) exprNode() {}
func (*BadExpr) exprNode()          {}

func (*WhereOp) opNode()      {}
func (*ExtendOp) opNode()     {}
func (*ProjectOp) opNode()    {}
func (*SummarizeOp) opNode()  {}
func (*DistinctOp) opNode()   {}
func (*SortOp) opNode()       {}
func (*TopOp) opNode()        {}
func (*TakeOp) opNode()       {}
func (*CountOp) opNode()      {}
func (*JoinOp) opNode()       {}
func (*UnionOp) opNode()      {}
func (*MvExpandOp) opNode()   {}
func (*LookupOp) opNode()     {}
func (*MvApplyOp) opNode()    {}
func (*MakeSeriesOp) opNode() {}
func (*ParseOp) opNode()      {}
func (*EvaluateOp) opNode()   {}
func (*BadOp) opNode()        {}
