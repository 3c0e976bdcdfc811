package insightsengine

import (
	"strconv"
	"strings"
)

// Expression grammar. The documents list the operators but not their
// precedence.
// Guess: the usual one, or < and < not < comparison (= != < <= > >= like
// =~ in) < + - < * / % < ^ (right-associative) < unary minus and "!" <
// member access and indexing.

func (p *parser) expr() expr { return p.or() }

func (p *parser) or() expr {
	x := p.and()
	for p.keyword("or") {
		p.advance()
		y := p.and()
		x = &binaryExpr{span{x.pos().off, y.pos().end}, "or", x, y}
	}
	return x
}

func (p *parser) and() expr {
	x := p.not()
	for p.keyword("and") {
		p.advance()
		y := p.not()
		x = &binaryExpr{span{x.pos().off, y.pos().end}, "and", x, y}
	}
	return x
}

func (p *parser) not() expr {
	if p.keyword("not") {
		off := p.tok.off
		p.advance()
		x := p.not()
		return &unaryExpr{span{off, x.pos().end}, "not", x}
	}
	return p.comparison()
}

var comparisons = map[tokKind]string{tEq: "=", tNe: "!=", tLt: "<", tLe: "<=", tGt: ">", tGe: ">="}

func (p *parser) comparison() expr {
	x := p.additive()
	if op, ok := comparisons[p.tok.kind]; ok {
		p.advance()
		y := p.additive()
		return &binaryExpr{span{x.pos().off, y.pos().end}, op, x, y}
	}
	not := false
	if p.keyword("not") {
		not = true
		p.advance()
		if !p.keyword("like") && !p.keyword("in") {
			p.fail(p.tok.off, "expected like or in after not, found %s", p.describe(p.tok))
		}
	}
	switch {
	case p.keyword("like"):
		p.advance()
		pat := p.pattern()
		return &likeExpr{span{x.pos().off, pat.pos().end}, x, pat, not}
	case p.tok.kind == tMatch && !not:
		p.advance()
		pat := p.pattern()
		return &likeExpr{span{x.pos().off, pat.pos().end}, x, pat, false}
	case p.keyword("in"):
		p.advance()
		list := p.additive()
		return &inExpr{span{x.pos().off, list.pos().end}, x, list, not}
	}
	return x
}

// pattern is the right side of like and =~: a regex in slashes, or a
// string matched as a substring (CWL_QuerySyntax-Filter.html).
func (p *parser) pattern() expr {
	switch p.tok.kind {
	case tSlash, tString:
		return p.primary()
	}
	p.fail(p.tok.off, "like and =~ need a string or a regular expression in slashes, found %s", p.describe(p.tok))
	return nil
}

func (p *parser) additive() expr {
	x := p.multiplicative()
	for p.tok.kind == tPlus || p.tok.kind == tMinus {
		op := p.tok.text
		p.advance()
		y := p.multiplicative()
		x = &binaryExpr{span{x.pos().off, y.pos().end}, op, x, y}
	}
	return x
}

func (p *parser) multiplicative() expr {
	x := p.power()
	for p.tok.kind == tStar || p.tok.kind == tSlash || p.tok.kind == tPercent {
		op := p.tok.text
		p.advance()
		y := p.power()
		x = &binaryExpr{span{x.pos().off, y.pos().end}, op, x, y}
	}
	return x
}

func (p *parser) power() expr {
	x := p.unary()
	if p.tok.kind == tCaret {
		p.advance()
		y := p.power()
		return &binaryExpr{span{x.pos().off, y.pos().end}, "^", x, y}
	}
	return x
}

// unary handles "-x" and "!x".
// Guess: "!" is read as not. It is not in the operator tables, but "!="
// is, and published queries write filter !ispresent(x).
func (p *parser) unary() expr {
	switch p.tok.kind {
	case tMinus:
		off := p.tok.off
		p.advance()
		x := p.unary()
		if n, ok := x.(*numLit); ok {
			return &numLit{span{off, n.end}, -n.v}
		}
		return &unaryExpr{span{off, x.pos().end}, "-", x}
	case tBang:
		off := p.tok.off
		p.advance()
		x := p.unary()
		return &unaryExpr{span{off, x.pos().end}, "not", x}
	}
	return p.postfix()
}

// postfix reads a primary followed by member access (".name", glued to
// what precedes it) and indexing ("[i]"), the two operators the "Structure
// types" section documents for maps and lists.
func (p *parser) postfix() expr {
	x := p.primary()
	for {
		switch {
		case p.tok.kind == tDot && p.tok.glued:
			p.advance()
			seg := p.segment()
			if f, ok := x.(*fieldRef); ok {
				f.segs = append(f.segs, seg)
				f.end = p.lx.prev
				continue
			}
			x = &memberExpr{span{x.pos().off, p.lx.prev}, x, seg}
		case p.tok.kind == tLBrack && p.tok.glued:
			p.advance()
			i := p.expr()
			end := p.expect(tRBrack).end
			x = &indexExpr{span{x.pos().off, end}, x, i}
		default:
			return x
		}
	}
}

// segment reads the name after a dot: letters and digits (items.0.id) or a
// backticked name (map.`special.char`).
func (p *parser) segment() string {
	t := p.tok
	if !t.glued {
		p.fail(t.off, "expected a name right after \".\"")
	}
	switch t.kind {
	case tIdent, tQuoted, tNumber, tDuration:
		p.advance()
		return t.text
	}
	p.fail(t.off, "expected a name after \".\", found %s", p.describe(t))
	return ""
}

func (p *parser) primary() expr {
	t := p.tok
	switch t.kind {
	case tNumber:
		p.advance()
		v, err := strconv.ParseFloat(t.text, 64)
		if err != nil {
			p.fail(t.off, "bad number %q", t.text)
		}
		return &numLit{span{t.off, t.end}, v}
	case tString:
		p.advance()
		return &strLit{span{t.off, t.end}, t.text}
	case tDuration:
		p.advance()
		return p.period(t)
	case tSlash:
		rt := p.lx.regexAt(t.off)
		p.advance()
		return &regexLit{span{rt.off, rt.end}, rt.text, p.compile(rt)}
	case tLParen:
		p.advance()
		x := p.expr()
		end := p.expect(tRParen).end
		return &parenExpr{span{t.off, end}, x}
	case tLBrack:
		return p.list()
	case tQuoted:
		p.advance()
		return &fieldRef{span{t.off, t.end}, []string{t.text}}
	case tIdent:
		p.advance()
		if p.tok.kind == tLParen {
			return p.call(t)
		}
		if reserved[strings.ToLower(t.text)] {
			p.fail(t.off, "unexpected keyword %q", t.text)
		}
		// Guess: the documents write strcontains(s, v, true), so a bare
		// true or false is a boolean; a field so named needs backticks.
		if lower := strings.ToLower(t.text); lower == "true" || lower == "false" {
			return &boolLit{span{t.off, t.end}, lower == "true"}
		}
		return &fieldRef{span{t.off, t.end}, []string{t.text}}
	}
	p.fail(t.off, "expected an expression, found %s", p.describe(t))
	return nil
}

func (p *parser) list() expr {
	start := p.expect(tLBrack)
	l := &listLit{}
	for p.tok.kind != tRBrack {
		l.elems = append(l.elems, p.expr())
		if p.tok.kind != tComma {
			break
		}
		p.advance()
	}
	end := p.expect(tRBrack).end
	l.span = span{start.off, end}
	return l
}

func (p *parser) call(name token) expr {
	p.expect(tLParen)
	c := &callExpr{name: strings.ToLower(name.text)}
	if p.tok.kind == tStar {
		c.star = true
		p.advance()
	} else {
		for p.tok.kind != tRParen {
			c.args = append(c.args, p.expr())
			if p.tok.kind != tComma {
				break
			}
			p.advance()
		}
	}
	c.span = span{name.off, p.expect(tRParen).end}
	p.resolveCall(c, name)
	return c
}
