package kql

import (
	"fmt"
	"strings"
)

// Print returns KQL text for node that parses back to the same tree
// (positions and comments aside): each operator of a pipeline on its own
// line, one statement per line, single spaces elsewhere. Literals print
// as written (BasicLit.Raw, TypedLit.Text), so the text keeps their exact
// spelling. Comments are not part of the tree and are not printed.
//
// Parentheses that the tree does not hold are added only where operator
// precedence needs them, so a tree built by a program prints as the KQL
// it means; a parsed tree never needs any (its parentheses are ParenExprs).
// A tree holding BadExpr or BadOp prints them as text that does not parse.
func Print(node Node) string {
	var p printer
	p.node(node)
	return p.b.String()
}

type printer struct {
	b      strings.Builder
	indent int
}

func (p *printer) str(s string) { p.b.WriteString(s) }

func (p *printer) newline() {
	p.b.WriteByte('\n')
	for i := 0; i < p.indent; i++ {
		p.b.WriteString("    ")
	}
}

func (p *printer) node(n Node) {
	switch n := n.(type) {
	case *Query:
		for i, s := range n.Stmts {
			if i > 0 {
				p.str(";")
				p.newline()
			}
			p.node(s)
		}
	case *LetStmt:
		p.str("let ")
		p.ident(n.Name)
		p.str(" = ")
		p.expr(n.Value, 0)
	case *ExprStmt:
		p.expr(n.X, 0)
	case Expr:
		p.expr(n, 0)
	case Operator:
		p.op(n)
	case *SortKey:
		p.sortKey(n)
	case *MvExpandItem:
		p.mvItem(n)
	case *Param:
		p.param(n)
	case *FuncParam:
		p.funcParam(n)
	case *MakeSeriesAgg:
		p.seriesAgg(n)
	default:
		p.str(fmt.Sprintf("<unprintable %T>", n))
	}
}

// Precedence levels, loosest first; precPipe is a pipeline, which needs
// parentheses anywhere but at the top of a statement, argument or bracket.
const (
	precPipe = iota
	precOr
	precAnd
	precCompare
	precRelational
	precAdditive
	precMultiplicative
	precUnary
	precPostfix
)

func binaryPrec(op string) int {
	switch op {
	case "or":
		return precOr
	case "and":
		return precAnd
	case "<", "<=", ">", ">=":
		return precRelational
	case "+", "-":
		return precAdditive
	case "*", "/", "%":
		return precMultiplicative
	}
	return precCompare
}

func exprPrec(x Expr) int {
	switch x := x.(type) {
	case *PipeExpr:
		return precPipe
	case *BinaryExpr:
		return binaryPrec(x.Op)
	case *InExpr, *BetweenExpr:
		return precCompare
	case *UnaryExpr:
		return precUnary
	}
	return precPostfix
}

// expr prints x, in parentheses when its precedence is below min.
func (p *printer) expr(x Expr, min int) {
	if exprPrec(x) < min {
		p.str("(")
		p.expr(x, 0)
		p.str(")")
		return
	}
	switch x := x.(type) {
	case *PipeExpr:
		p.expr(x.Source, precPipe)
		p.newline()
		p.str("| ")
		p.op(x.Op)
	case *BinaryExpr:
		prec := binaryPrec(x.Op)
		p.operand(x.X, prec)
		p.str(" " + x.Op + " ")
		p.expr(x.Y, prec+1)
	case *InExpr:
		p.operand(x.X, precCompare)
		p.str(" " + x.Op + " (")
		p.list(x.List)
		p.str(")")
	case *BetweenExpr:
		p.operand(x.X, precCompare)
		p.str(" " + x.Op + " (")
		p.expr(x.Lo, precOr)
		p.str(" .. ")
		p.expr(x.Hi, precOr)
		p.str(")")
	case *UnaryExpr:
		p.str(x.Op)
		p.expr(x.X, precUnary)
	default:
		p.primary(x)
	}
}

// operand prints the left operand of a comparison-level operator: "in"
// and "between" end that level, so one of them there needs parentheses.
func (p *printer) operand(x Expr, prec int) {
	switch x.(type) {
	case *InExpr, *BetweenExpr:
		if prec == precCompare {
			prec = precCompare + 1
		}
	}
	p.expr(x, prec)
}

func (p *printer) primary(x Expr) {
	switch x := x.(type) {
	case *Ident:
		p.ident(x)
	case *BasicLit:
		p.basicLit(x)
	case *TypedLit:
		p.str(x.Type + "(")
		if x.Type == "dynamic" && x.Value != nil {
			p.expr(x.Value, 0)
		} else {
			p.str(x.Text)
		}
		p.str(")")
	case *DynamicLit:
		p.dynamicLit(x)
	case *ParenExpr:
		p.str("(")
		p.indent++
		p.expr(x.X, 0)
		p.indent--
		p.str(")")
	case *CallExpr:
		p.ident(x.Fun)
		p.str("(")
		p.indent++
		p.list(x.Args)
		p.indent--
		p.str(")")
	case *MemberExpr:
		p.expr(x.X, precPostfix)
		if lit, ok := x.X.(*BasicLit); ok && lit.Kind != LitString {
			p.str(" ") // "0.A" would read as the number 0. and a name
		}
		p.str(".")
		p.ident(x.Sel)
	case *IndexExpr:
		p.expr(x.X, precPostfix)
		p.str("[")
		p.expr(x.Index, 0)
		p.str("]")
	case *NamedExpr:
		p.named(x)
	case *StarExpr:
		p.str("*")
	case *UnionExpr:
		p.str("union")
		p.params(x.Params)
		p.str(" ")
		p.tables(x.Tables)
	case *FuncLit:
		p.funcLit(x)
	case *ColumnDecl:
		p.columnDecl(x)
	case *DataTableExpr:
		p.str("datatable(")
		p.columnDecls(x.Columns)
		p.str(")[")
		p.list(x.Values)
		p.str("]")
	case *ExternalDataExpr:
		p.externalData(x)
	case *BadExpr:
		p.str("<bad expression>")
	default:
		p.str(fmt.Sprintf("<unprintable %T>", x))
	}
}

// list prints comma-separated expressions, each at the loosest level.
func (p *printer) list(xs []Expr) {
	for i, x := range xs {
		if i > 0 {
			p.str(", ")
		}
		p.expr(x, 0)
	}
}

// tables prints union's and join's table operands, which the parser reads
// at the postfix level: a pipeline or an operator expression needs
// parentheses there.
func (p *printer) tables(xs []Expr) {
	for i, x := range xs {
		if i > 0 {
			p.str(", ")
		}
		p.expr(x, precPostfix)
	}
}

func (p *printer) named(n *NamedExpr) {
	if len(n.Names) == 1 && !n.Lparen.IsValid() {
		p.ident(n.Names[0])
	} else {
		p.str("(")
		for i, id := range n.Names {
			if i > 0 {
				p.str(", ")
			}
			p.ident(id)
		}
		p.str(")")
	}
	p.str(" = ")
	p.expr(n.X, precOr)
}

// ident prints a name, bracketed when it was written so or cannot be
// written bare. Wildcard patterns (project-away Col*) print as they are.
func (p *printer) ident(id *Ident) {
	if id.Quoted || !isBareName(id.Name) {
		p.str("[" + quote(id.Name, '\'') + "]")
		return
	}
	p.str(id.Name)
}

// isBareName reports whether name reads back as the same name unbracketed:
// a plain identifier, $left/$right, or a wildcard pattern.
func isBareName(name string) bool {
	if name == "" || isDigit(name[0]) {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		dollar := c == '$' && (i == 0 || name[i-1] == '*') // $left, or a pattern piece after a star
		if !isIdentChar(c) && c != '*' && !dollar && !(c == '.' && strings.HasPrefix(name, "hint.")) {
			return false
		}
	}
	if _, ok := boolLit(tokenInfo{lit: name}); ok {
		return false
	}
	return true
}

// quote writes s as a KQL string literal with backslash escapes.
func quote(s string, q byte) string {
	var b strings.Builder
	b.WriteByte(q)
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '\\':
			b.WriteString(`\\`)
		case q:
			b.WriteByte('\\')
			b.WriteByte(c)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte(q)
	return b.String()
}

func (p *printer) basicLit(x *BasicLit) {
	switch {
	case x.Raw != "":
		p.str(x.Raw)
	case x.Kind == LitString:
		p.str(quote(x.Value, '"'))
	default:
		p.str(x.Value)
	}
}

func (p *printer) dynamicLit(d *DynamicLit) {
	if !d.IsBag {
		p.str("[")
		p.list(d.Elems)
		p.str("]")
		return
	}
	p.str("{")
	for i, k := range d.Keys {
		if i > 0 {
			p.str(", ")
		}
		p.basicLit(k)
		p.str(": ")
		if i < len(d.Vals) {
			p.expr(d.Vals[i], 0)
		}
	}
	p.str("}")
}

func (p *printer) funcLit(f *FuncLit) {
	p.str("(")
	for i, fp := range f.Params {
		if i > 0 {
			p.str(", ")
		}
		p.funcParam(fp)
	}
	p.str(") {")
	p.indent++
	for i, s := range f.Body {
		if i > 0 {
			p.str(";")
		}
		p.newline()
		p.node(s)
	}
	p.indent--
	p.newline()
	p.str("}")
}

func (p *printer) funcParam(fp *FuncParam) {
	p.ident(fp.Name)
	p.str(":" + fp.Type)
	if fp.Default != nil {
		p.str(" = ")
		p.expr(fp.Default, precOr)
	}
}

func (p *printer) columnDecl(c *ColumnDecl) {
	p.ident(c.Name)
	if c.Type != "" {
		p.str(":" + c.Type)
	}
}

func (p *printer) columnDecls(cols []*ColumnDecl) {
	for i, c := range cols {
		if i > 0 {
			p.str(", ")
		}
		p.columnDecl(c)
	}
}

func (p *printer) externalData(x *ExternalDataExpr) {
	p.str("externaldata(")
	p.columnDecls(x.Columns)
	p.str(")[")
	p.list(x.URIs)
	p.str("]")
	if x.With.IsValid() {
		p.str(" with (")
		for i, prm := range x.Props {
			if i > 0 {
				p.str(", ")
			}
			p.param(prm)
		}
		p.str(")")
	}
}

func (p *printer) param(prm *Param) {
	p.ident(prm.Name)
	p.str("=")
	p.expr(prm.Value, precPostfix)
}

// params prints operator parameters, each after a space.
func (p *printer) params(ps []*Param) {
	for _, prm := range ps {
		p.str(" ")
		p.param(prm)
	}
}
