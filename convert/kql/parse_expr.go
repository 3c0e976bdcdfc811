package kql

import (
	"strings"
)

// pipeFollowers are the tokens that may follow a complete pipeline: the end
// of a statement, of a bracketed subquery, or of a call argument.
func pipeFollower(t token) bool {
	switch t {
	case tPipe, tSemi, tRParen, tRBrack, tRBrace, tComma, tEOF:
		return true
	}
	return false
}

// parsePipeExpr reads an expression followed by any number of "| operator".
// After an operator that leaves unread text behind, it reports the text
// and skips to the next pipe, so every operator of a pipeline is checked.
func (p *parser) parsePipeExpr() Expr {
	if !p.enter() {
		return p.bad(p.tok.pos)
	}
	defer p.leave()
	x := p.parseExpr()
	for {
		if !pipeFollower(p.tok.tok) {
			p.errorf(p.tok.pos, ErrSyntax, "unexpected %s after %s", p.found(), describe(x))
			p.skipTo(stopAtPipe)
		}
		if p.tok.tok != tPipe {
			return x
		}
		pipe := p.tok.pos
		p.next()
		x = &PipeExpr{Source: x, Pipe: pipe, Op: p.parseOperator()}
	}
}

// describe names what was just parsed, for "unexpected X after Y".
func describe(x Expr) string {
	if pe, ok := x.(*PipeExpr); ok {
		return "the " + opName(pe.Op) + " operator"
	}
	return "the expression"
}

func (p *parser) enter() bool {
	p.depth++
	if p.depth > maxDepth {
		p.errorf(p.tok.pos, ErrSyntax, "expression nested too deeply")
		p.skipTo(func(token) bool { return false })
		p.sc.off = len(p.sc.src) // give up on the rest: nothing sensible follows
		p.tok = tokenInfo{tok: tEOF, pos: Pos(len(p.sc.src)), end: Pos(len(p.sc.src))}
		return false
	}
	return true
}

func (p *parser) leave() { p.depth-- }

// parseExpr reads a scalar expression (which may name a table); it stops
// at "|", which only parsePipeExpr consumes. Precedence, loosest first:
// or; and; ==, !=, =~, string and set operators, between; <, <=, >, >=;
// + -; * / %; unary - +; member access, index and call. Relational
// operators bind tighter than equality ("a == b < c" is a == (b < c)) and
// "contains" binds like "==", as Kusto.Language 12.4.1 parses them.
func (p *parser) parseExpr() Expr {
	if !p.enter() {
		return p.bad(p.tok.pos)
	}
	defer p.leave()
	x := p.parseAnd()
	for p.is("or") {
		pos := p.tok.pos
		p.next()
		x = &BinaryExpr{X: x, OpPos: pos, Op: "or", Y: p.parseAnd()}
	}
	return x
}

func (p *parser) parseAnd() Expr {
	x := p.parseComparison()
	for p.is("and") {
		pos := p.tok.pos
		p.next()
		x = &BinaryExpr{X: x, OpPos: pos, Op: "and", Y: p.parseComparison()}
	}
	return x
}

// parseComparison reads the equality level. "in" and "between" end it:
// Kusto.Language does not accept "a in (1) == b" either.
func (p *parser) parseComparison() Expr {
	x := p.parseRelational()
	for {
		t := p.tok
		switch {
		case t.tok == tEq || t.tok == tNeq || t.tok == tEqTilde || t.tok == tNotTilde || t.tok == tLtGt:
			p.next()
			x = &BinaryExpr{X: x, OpPos: t.pos, Op: t.lit, Y: p.parseRelational()}
		case t.tok == tIdent && stringOps[t.lit] || t.tok == tBangWord && stringOps[t.lit[1:]]:
			p.next()
			x = &BinaryExpr{X: x, OpPos: t.pos, Op: t.lit, Y: p.parseRelational()}
		case t.tok == tIdent && t.lit == "matches":
			p.next()
			p.expectWord("regex")
			x = &BinaryExpr{X: x, OpPos: t.pos, Op: "matches regex", Y: p.parseRelational()}
		case (t.tok == tIdent || t.tok == tBangWord) && setOps[t.lit]:
			return p.parseIn(x)
		case t.tok == tIdent && t.lit == "between" || t.tok == tBangWord && t.lit == "!between":
			return p.parseBetween(x)
		default:
			return x
		}
	}
}

func (p *parser) parseIn(x Expr) Expr {
	e := &InExpr{X: x, OpPos: p.tok.pos, Op: p.tok.lit}
	p.next()
	if p.tok.tok != tLParen {
		p.errorExpected("'('")
		e.Lparen, e.Rparen = p.tok.pos, p.tok.pos
		e.List = []Expr{p.bad(p.tok.pos)}
		return e
	}
	e.Lparen = p.tok.pos
	p.next()
	p.commaList(tRParen, func() {
		e.List = append(e.List, p.parsePipeExpr())
	})
	if len(e.List) == 0 {
		p.errorExpected("expression")
		e.List = []Expr{p.bad(p.tok.pos)}
	}
	e.Rparen = p.expectClose(tRParen)
	return e
}

func (p *parser) parseBetween(x Expr) Expr {
	e := &BetweenExpr{X: x, OpPos: p.tok.pos, Op: p.tok.lit}
	p.next()
	e.Lparen = p.expect(tLParen)
	e.Lo = p.parseExpr()
	p.expect(tDotDot)
	e.Hi = p.parseExpr()
	e.Rparen = p.expectClose(tRParen)
	return e
}

func (p *parser) parseRelational() Expr {
	x := p.parseAdditive()
	for {
		t := p.tok
		if t.tok != tLt && t.tok != tLe && t.tok != tGt && t.tok != tGe {
			return x
		}
		p.next()
		x = &BinaryExpr{X: x, OpPos: t.pos, Op: t.lit, Y: p.parseAdditive()}
	}
}

func (p *parser) parseAdditive() Expr {
	x := p.parseMultiplicative()
	for p.tok.tok == tPlus || p.tok.tok == tMinus {
		t := p.tok
		p.next()
		x = &BinaryExpr{X: x, OpPos: t.pos, Op: t.lit, Y: p.parseMultiplicative()}
	}
	return x
}

func (p *parser) parseMultiplicative() Expr {
	x := p.parseUnary()
	for p.tok.tok == tStar || p.tok.tok == tSlash || p.tok.tok == tPercent {
		t := p.tok
		p.next()
		x = &BinaryExpr{X: x, OpPos: t.pos, Op: t.lit, Y: p.parseUnary()}
	}
	return x
}

func (p *parser) parseUnary() Expr {
	if p.tok.tok == tMinus || p.tok.tok == tPlus {
		if !p.enter() {
			return p.bad(p.tok.pos)
		}
		defer p.leave()
		t := p.tok
		p.next()
		return &UnaryExpr{OpPos: t.pos, Op: t.lit, X: p.parseUnary()}
	}
	return p.parsePostfix()
}

// parsePostfix reads a primary expression followed by .member and [index].
func (p *parser) parsePostfix() Expr {
	x := p.parsePrimary()
	for {
		switch p.tok.tok {
		case tDot:
			dot := p.tok.pos
			p.next()
			var sel *Ident
			if p.tok.tok == tLBrack && p.peek().tok == tString {
				sel = p.parseBracketedName()
			} else if p.tok.tok == tIdent {
				sel = &Ident{NamePos: p.tok.pos, Name: p.tok.lit, EndPos: p.tok.end}
				p.next()
			} else {
				p.errorExpected("member name")
				sel = &Ident{NamePos: p.tok.pos, Name: "_", EndPos: p.tok.pos}
			}
			x = &MemberExpr{X: x, Dot: dot, Sel: sel}
		case tLBrack:
			ix := &IndexExpr{X: x, Lbrack: p.tok.pos}
			p.next()
			ix.Index = p.parseExpr()
			ix.Rbrack = p.expectClose(tRBrack)
			x = ix
		default:
			return x
		}
	}
}

// parsePrimary reads a literal, a name, a call, a bracketed name, a
// parenthesised expression or subquery, or one of the tabular sources
// written with a keyword (union, datatable, externaldata).
func (p *parser) parsePrimary() Expr {
	t := p.tok
	switch t.tok {
	case tInt, tReal, tTimespan, tString:
		return p.parseLiteral()
	case tLParen:
		return p.parseParen()
	case tLBrack:
		if p.peek().tok == tString {
			return p.parseBracketedName()
		}
	case tIdent:
		if t.lit != "in~" { // an operator, never a name
			return p.parseWordExpr()
		}
	}
	p.errorExpected("expression")
	if t.tok == tIllegal {
		p.next()
	}
	return p.bad(t.pos)
}

func (p *parser) parseParen() Expr {
	e := &ParenExpr{Lparen: p.tok.pos}
	p.next()
	e.X = p.parsePipeExpr()
	e.Rparen = p.expectClose(tRParen)
	return e
}

// unsupportedSources are tabular sources KQL has and the corpus does not
// use; they get a positioned error rather than a guess. Each is a keyword
// only when followed by a name, string or number (print x = 1, range x
// from ..., search "text"), so a column that happens to be called range
// still reads as a column.
var unsupportedSources = map[string]bool{
	"print": true, "range": true, "find": true, "search": true, "evaluate": true,
}

// operatorWords are the words that may follow an operand: after one of
// them a source keyword is a column name after all.
var operatorWords = map[string]bool{
	"and": true, "or": true, "between": true, "matches": true, "by": true, "on": true,
	"to": true, "with": true, "asc": true, "desc": true, "nulls": true, "from": true,
	"step": true, "default": true, "limit": true, "has_any": true, "has_all": true, "in": true, "in~": true,
}

func startsSource(word string, next tokenInfo) bool {
	switch {
	case word == "cluster" || word == "database":
		return next.tok == tLParen
	case !unsupportedSources[word]:
		return false
	case next.tok == tIdent:
		return !operatorWords[next.lit] && !stringOps[next.lit]
	}
	return next.tok == tString || next.tok == tInt || next.tok == tReal
}

// parseWordExpr reads what starts with a name: a bool literal, a typed
// literal, a call, a keyword source, or a plain name.
func (p *parser) parseWordExpr() Expr {
	t := p.tok
	if lit, ok := boolLit(t); ok {
		p.next()
		return lit
	}
	next := p.peek()
	switch {
	case t.lit == "union":
		return p.parseUnionExpr()
	case t.lit == "datatable" && (next.tok == tLParen || next.tok == tIdent):
		return p.parseDataTable()
	case t.lit == "externaldata" && (next.tok == tLParen || next.tok == tIdent):
		return p.parseExternalData()
	case startsSource(t.lit, next):
		p.errorf(t.pos, ErrUnsupported, "unsupported syntax: %s", t.lit)
		p.next()
		p.skipTo(stopAtPipe)
		return p.bad(t.pos)
	case literalTypes[t.lit] && next.tok == tLParen:
		return p.parseTypedLit()
	}
	id := &Ident{NamePos: t.pos, Name: t.lit, EndPos: t.end}
	p.next()
	if p.tok.tok == tLParen {
		return p.parseCall(id)
	}
	return id
}

// parseCall reads the arguments of fun(...). An argument may be a whole
// pipeline (materialize(T | where ...)), "*" (arg_max(t, *)) or a named
// argument (f(starttime = ago(1h))).
func (p *parser) parseCall(fun *Ident) *CallExpr {
	c := &CallExpr{Fun: fun, Lparen: p.tok.pos}
	p.next()
	p.commaList(tRParen, func() {
		c.Args = append(c.Args, p.parseArg())
	})
	c.Rparen = p.expectClose(tRParen)
	return c
}

func (p *parser) parseArg() Expr {
	if p.tok.tok == tStar {
		s := &StarExpr{Star: p.tok.pos}
		p.next()
		return s
	}
	if p.tok.tok == tIdent && p.peek().tok == tAssign {
		n := &NamedExpr{Names: []*Ident{p.parseName()}, Lparen: NoPos, Assign: p.tok.pos}
		p.next()
		n.X = p.parseExpr()
		return n
	}
	return p.parsePipeExpr()
}

// parseLiteral reads a number, timespan or string token.
func (p *parser) parseLiteral() Expr {
	t := p.tok
	p.next()
	lit := &BasicLit{ValuePos: t.pos, Raw: t.lit, Value: t.lit}
	switch t.tok {
	case tInt:
		lit.Kind = LitInt
	case tReal:
		lit.Kind = LitReal
	case tTimespan:
		lit.Kind = LitTimespan
	case tString:
		lit.Kind, lit.Value = LitString, t.val
		// Adjacent string literals are one literal: 'a' "b" is "ab"
		// (string data type page, "concatenation of separated string
		// literals"; Kusto.Language accepts it). Raw spans all of them.
		for p.tok.tok == tString {
			lit.Value += p.tok.val
			lit.Raw = p.sc.src[t.pos:p.tok.end]
			p.next()
		}
	default:
		p.errorExpected("literal")
		return p.bad(t.pos)
	}
	return lit
}

// parseTypedLit reads type(text), with the current token on the type name.
// The text of every type but dynamic is taken raw up to the ")", because
// datetime(2017-10-30 23:59) is not made of KQL tokens.
func (p *parser) parseTypedLit() Expr {
	lit := &TypedLit{TypePos: p.tok.pos, Type: p.tok.lit}
	p.next()
	lit.Lparen = p.tok.pos
	if lit.Type == "dynamic" {
		p.next()
		lit.Value = p.parseDynamicValue()
		lit.Rparen = p.expectClose(tRParen)
		return lit
	}
	// The scanner stands just past "(": read the raw text from there.
	src := p.sc.src
	end := strings.IndexByte(src[p.sc.off:], ')')
	if end < 0 {
		p.sc.off = len(src)
		p.next()
		p.errorf(lit.Lparen, ErrSyntax, "%s literal not terminated: expected ')'", lit.Type)
		lit.Rparen = Pos(len(src)) - 1
		return lit
	}
	lit.Text = strings.TrimSpace(src[p.sc.off : p.sc.off+end])
	lit.Rparen = Pos(p.sc.off + end)
	p.sc.off += end + 1
	p.next()
	if msg := checkTypedText(lit.Type, lit.Text); msg != "" {
		p.errorf(lit.Lparen+1, ErrSyntax, "%s", msg)
	}
	return lit
}

// parseDynamicValue reads the inside of dynamic(...): JSON-like arrays and
// property bags of literals, null, and nested typed literals.
func (p *parser) parseDynamicValue() Expr {
	if !p.enter() {
		return p.bad(p.tok.pos)
	}
	defer p.leave()
	t := p.tok
	switch {
	case t.tok == tLBrack:
		return p.parseDynamicArray()
	case t.tok == tLBrace:
		return p.parseDynamicBag()
	case t.tok == tMinus || t.tok == tPlus:
		p.next()
		if p.tok.tok != tInt && p.tok.tok != tReal && p.tok.tok != tTimespan {
			p.errorExpected("number")
			return p.bad(t.pos)
		}
		return &UnaryExpr{OpPos: t.pos, Op: t.lit, X: p.parseLiteral()}
	case t.tok == tInt || t.tok == tReal || t.tok == tTimespan || t.tok == tString:
		return p.parseLiteral()
	case t.tok == tIdent && t.lit == "null":
		p.next()
		return &BasicLit{ValuePos: t.pos, Kind: LitNull, Raw: t.lit, Value: t.lit}
	case t.tok == tIdent && literalTypes[t.lit] && t.lit != "dynamic" && p.peek().tok == tLParen:
		return p.parseTypedLit()
	case t.tok == tIdent:
		if lit, ok := boolLit(t); ok {
			p.next()
			return lit
		}
	}
	p.errorExpected("dynamic value")
	p.skipTo(func(k token) bool { return k == tComma })
	return p.bad(t.pos)
}

func (p *parser) parseDynamicArray() Expr {
	d := &DynamicLit{Lbrack: p.tok.pos}
	p.next()
	p.commaList(tRBrack, func() {
		d.Elems = append(d.Elems, p.parseDynamicValue())
	})
	d.Rbrack = p.expectClose(tRBrack)
	return d
}

func (p *parser) parseDynamicBag() Expr {
	d := &DynamicLit{Lbrack: p.tok.pos, IsBag: true}
	p.next()
	for p.tok.tok != tRBrace && p.tok.tok != tEOF {
		if p.tok.tok != tString {
			p.errorExpected("quoted property name")
			p.skipTo(func(k token) bool { return false })
			break
		}
		key := p.parseLiteral().(*BasicLit)
		p.expect(tColon)
		d.Keys = append(d.Keys, key)
		d.Vals = append(d.Vals, p.parseDynamicValue())
		if p.tok.tok != tComma {
			break
		}
		p.next()
	}
	d.Rbrack = p.expectClose(tRBrace)
	return d
}
