package kql

import (
	"strconv"
	"strings"
)

// This file reads the tabular sources written with a keyword (union,
// datatable, externaldata) and checks the text of typed literals.

// unionParams are the parameters of union, from
// https://learn.microsoft.com/azure/kusto/query/union-operator
var unionParams = []string{"kind", "withsource", "isfuzzy"}

// parseUnionExpr reads union [params] T1, T2, ... as a source.
func (p *parser) parseUnionExpr() Expr {
	u := &UnionExpr{Union: p.tok.pos}
	p.next()
	u.Params = p.parseParams(unionParams...)
	u.Tables = p.parseTableList()
	return u
}

// parseTableList reads the comma-separated tables of union: names, calls
// and parenthesised subqueries. Wildcards (union Sec*) are not supported.
func (p *parser) parseTableList() []Expr {
	var tables []Expr
	for {
		t := p.parsePostfix()
		tables = append(tables, t)
		if p.tok.tok == tStar && p.tok.pos == t.End() {
			p.errorf(p.tok.pos, ErrUnsupported, "unsupported syntax: wildcard table names")
			p.next()
		}
		if p.tok.tok != tComma {
			return tables
		}
		p.next()
	}
}

// parseDataTable reads datatable (a:type, ...) [v1, v2, ...].
func (p *parser) parseDataTable() Expr {
	d := &DataTableExpr{Keyword: p.tok.pos}
	p.next()
	if p.tok.tok == tIdent {
		p.errorf(p.tok.pos, ErrUnsupported, "unsupported syntax: datatable parameters")
		p.parseParams(p.tok.lit)
	}
	d.Lparen, d.Columns, d.Rparen = p.parseSchema()
	d.Lbrack = p.expect(tLBrack)
	p.commaList(tRBrack, func() {
		d.Values = append(d.Values, p.parseExpr())
	})
	d.Rbrack = p.expectClose(tRBrack)
	if n := len(d.Columns); n > 0 && len(d.Values)%n != 0 {
		p.errorf(d.Lbrack, ErrSyntax, "datatable has %d values for %d columns: not a whole number of rows", len(d.Values), n)
	}
	return d
}

// parseSchema reads (a:type, b:type).
func (p *parser) parseSchema() (lparen Pos, cols []*ColumnDecl, rparen Pos) {
	lparen = p.expect(tLParen)
	p.commaList(tRParen, func() {
		cols = append(cols, p.parseColumnDecl(true))
	})
	if len(cols) == 0 {
		p.errorExpected("column declaration")
	}
	rparen = p.expectClose(tRParen)
	return lparen, cols, rparen
}

// parseExternalData reads externaldata (cols) [uris] [with (props)], from
// https://learn.microsoft.com/azure/kusto/query/externaldata-operator
func (p *parser) parseExternalData() Expr {
	e := &ExternalDataExpr{Keyword: p.tok.pos, With: NoPos, WithLparen: NoPos, WithRparen: NoPos}
	p.next()
	if p.tok.tok == tIdent {
		p.errorf(p.tok.pos, ErrUnsupported, "unsupported syntax: externaldata parameters")
		p.parseParams(p.tok.lit)
	}
	e.Lparen, e.Columns, e.Rparen = p.parseSchema()
	e.Lbrack = p.expect(tLBrack)
	p.commaList(tRBrack, func() {
		e.URIs = append(e.URIs, p.parseExpr())
	})
	e.Rbrack = p.expectClose(tRBrack)
	if !p.is("with") {
		return e
	}
	e.With = p.tok.pos
	p.next()
	e.WithLparen = p.expect(tLParen)
	for p.tok.tok == tIdent {
		prm := &Param{Name: p.parseName()}
		prm.Assign = p.expect(tAssign)
		prm.Value = p.parseParamValue()
		e.Props = append(e.Props, prm)
		if p.tok.tok != tComma {
			break
		}
		p.next()
	}
	e.WithRparen = p.expectClose(tRParen)
	return e
}

// checkTypedText says what is wrong with the text of a typed literal, or
// "" when nothing is. Numbers and booleans are checked exactly; datetime,
// timespan and guid texts take many forms
// (https://learn.microsoft.com/azure/kusto/query/scalar-data-types/datetime)
// and are left to the stages that evaluate them, which report a bad one
// at the same position.
func checkTypedText(typ, text string) string {
	if text == "" {
		return "empty " + typ + " literal"
	}
	if text == "null" {
		return ""
	}
	switch typ {
	case "int", "long":
		t := strings.TrimPrefix(strings.TrimPrefix(text, "-"), "+")
		if strings.HasPrefix(t, "0x") {
			_, err := strconv.ParseUint(t[2:], 16, 64)
			if err == nil {
				return ""
			}
		} else if _, err := strconv.ParseInt(t, 10, 64); err == nil {
			return ""
		}
		return "malformed " + typ + " literal " + strconv.Quote(text)
	case "real", "double", "decimal":
		switch text {
		case "nan", "+inf", "-inf", "inf":
			return ""
		}
		if _, err := strconv.ParseFloat(text, 64); err != nil {
			return "malformed " + typ + " literal " + strconv.Quote(text)
		}
	case "bool", "boolean":
		switch strings.ToLower(text) {
		case "true", "false":
			return ""
		}
		return "malformed " + typ + " literal " + strconv.Quote(text)
	}
	return ""
}
