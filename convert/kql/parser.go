package kql

import (
	"strings"
)

// Parse reads a whole query: let statements and the tabular expression
// that is its result, separated by semicolons. It reports every error it
// finds, each at its byte offset, and keeps going after one: after a
// broken operator it skips to the next "|", ";" or closing bracket. The
// tree is always returned; where the text could not be read it holds
// BadExpr or BadOp nodes, so only a tree without errors is fit for later
// stages.
//
// A "//" comment runs to the end of its line, as in KQL. A rule whose query
// YAML folded into one line (a plain scalar instead of "|") therefore
// loses everything after its first comment: that is also what Sentinel
// runs, so the parser does not second-guess it; the binder and the
// mapped-column check then report the columns the lost part would have
// made.
func Parse(src string) (*Query, ErrorList) {
	p := &parser{}
	p.sc = scanner{src: src, errs: &p.errs}
	p.next()
	q := &Query{}
	for p.tok.tok != tEOF {
		if p.tok.tok == tSemi {
			p.next()
			continue
		}
		q.Stmts = append(q.Stmts, p.parseStmt())
		switch p.tok.tok {
		case tSemi, tEOF:
		default:
			p.errorExpected("';' or the end of the query")
			p.skipTo(stopAtSemi)
			if p.tok.tok != tSemi && p.tok.tok != tEOF {
				p.next() // a stray closing bracket at the top level
			}
		}
	}
	q.Comments = p.sc.comments
	q.EOF = Pos(len(src))
	p.errs.Sort()
	return q, p.errs
}

// maxDepth bounds the nesting of expressions, so that hostile input such
// as ten thousand "(" reports an error instead of exhausting the stack.
const maxDepth = 500

type parser struct {
	sc      scanner
	errs    ErrorList
	tok     tokenInfo // the current token
	prevEnd Pos       // end of the token before the current one
	depth   int
}

func (p *parser) next() {
	p.prevEnd = p.tok.end
	p.tok = p.sc.next()
}

// state is what save and restore need to look ahead and come back.
type state struct {
	off, comments, errs int
	tok                 tokenInfo
	prevEnd             Pos
}

func (p *parser) save() state {
	return state{off: p.sc.off, comments: len(p.sc.comments), errs: len(p.errs), tok: p.tok, prevEnd: p.prevEnd}
}

func (p *parser) restore(s state) {
	p.sc.off, p.tok, p.prevEnd = s.off, s.tok, s.prevEnd
	p.sc.comments = p.sc.comments[:s.comments]
	p.errs = p.errs[:s.errs]
}

// peek returns the token after the current one without consuming anything.
func (p *parser) peek() tokenInfo {
	s := p.save()
	p.next()
	t := p.tok
	p.restore(s)
	return t
}

func (p *parser) errorf(pos Pos, kind ErrorKind, format string, args ...any) {
	p.errs.add(pos, kind, format, args...)
}

// found describes the current token for an error message.
func (p *parser) found() string {
	switch p.tok.tok {
	case tEOF:
		return "end of query"
	case tIllegal:
		return "malformed token"
	}
	return "\"" + p.tok.lit + "\""
}

func (p *parser) errorExpected(what string) {
	if p.tok.tok == tIllegal {
		return // the scanner has said what is wrong with it
	}
	p.errorf(p.tok.pos, ErrSyntax, "expected %s, found %s", what, p.found())
}

// is reports whether the current token is the word w (KQL keywords are
// lower case and case-sensitive).
func (p *parser) is(w string) bool { return p.tok.tok == tIdent && p.tok.lit == w }

// expect consumes a token of kind t and returns its position, or reports
// an error and returns the current position without consuming.
func (p *parser) expect(t token) Pos {
	pos := p.tok.pos
	if p.tok.tok != t {
		p.errorExpected(t.String())
		return pos
	}
	p.next()
	return pos
}

// expectWord consumes the keyword w, or reports it missing.
func (p *parser) expectWord(w string) Pos {
	pos := p.tok.pos
	if !p.is(w) {
		p.errorExpected("\"" + w + "\"")
		return pos
	}
	p.next()
	return pos
}

// expectClose consumes the closing bracket t. When something else stands
// there it reports it, skips to the bracket (or to a place an enclosing
// construct can resume from) and consumes the bracket if it got there.
func (p *parser) expectClose(t token) Pos {
	if p.tok.tok == t {
		pos := p.tok.pos
		p.next()
		return pos
	}
	p.errorExpected(t.String())
	p.skipTo(func(k token) bool { return k == t || k == tSemi })
	pos := p.tok.pos
	if p.tok.tok == t {
		p.next()
	}
	return pos
}

// Stop sets for skipTo. A closing bracket met at depth 0 always stops:
// it belongs to an enclosing construct.
func stopAtSemi(t token) bool { return t == tSemi }
func stopAtPipe(t token) bool { return t == tSemi || t == tPipe }

// skipTo skips tokens until stop says yes at bracket depth 0, or a closing
// bracket at depth 0, or the end.
func (p *parser) skipTo(stop func(token) bool) {
	depth := 0
	for p.tok.tok != tEOF {
		switch p.tok.tok {
		case tLParen, tLBrack, tLBrace:
			depth++
		case tRParen, tRBrack, tRBrace:
			if depth == 0 {
				return
			}
			depth--
		default:
			if depth == 0 && stop(p.tok.tok) {
				return
			}
		}
		p.next()
	}
}

// bad returns a BadExpr from pos to the current token.
func (p *parser) bad(pos Pos) *BadExpr {
	to := p.prevEnd
	if to < pos {
		to = pos
	}
	return &BadExpr{From: pos, To: to}
}

// ---------------------------------------------------------------------------
// Statements

func (p *parser) parseStmt() Stmt {
	switch {
	case p.is("let"):
		return p.parseLet()
	case p.is("set") || p.is("declare") || p.is("alias") || p.is("restrict") || p.is("pattern"):
		pos := p.tok.pos
		p.errorf(pos, ErrUnsupported, "unsupported syntax: %s statement", p.tok.lit)
		p.skipTo(stopAtSemi)
		return &ExprStmt{X: p.bad(pos)}
	}
	return &ExprStmt{X: p.parsePipeExpr()}
}

// parseLet reads let Name = value, where value is an expression or a
// function literal.
func (p *parser) parseLet() *LetStmt {
	s := &LetStmt{Let: p.tok.pos}
	p.next()
	s.Name = p.parseName()
	p.expect(tAssign)
	switch {
	case p.tok.tok == tLParen && p.looksLikeFuncLit():
		s.Value = p.parseFuncLit()
	case p.is("view") && p.peek().tok == tLParen:
		p.errorf(p.tok.pos, ErrUnsupported, "unsupported syntax: view functions")
		pos := p.tok.pos
		p.skipTo(stopAtSemi)
		s.Value = p.bad(pos)
	default:
		s.Value = p.parsePipeExpr()
	}
	return s
}

// looksLikeFuncLit tells "(a:string) {" and "() {" from a parenthesised
// expression, with the current token on "(".
func (p *parser) looksLikeFuncLit() bool {
	s := p.save()
	defer p.restore(s)
	p.next()
	if p.tok.tok == tRParen {
		p.next()
		return p.tok.tok == tLBrace
	}
	if p.tok.tok != tIdent {
		return false
	}
	p.next()
	return p.tok.tok == tColon
}

func (p *parser) parseFuncLit() *FuncLit {
	f := &FuncLit{Lparen: p.tok.pos}
	p.next()
	p.commaList(tRParen, func() {
		f.Params = append(f.Params, p.parseFuncParam())
	})
	f.Rparen = p.expectClose(tRParen)
	f.Lbrace = p.expect(tLBrace)
	for p.tok.tok != tRBrace && p.tok.tok != tEOF {
		if p.tok.tok == tSemi {
			p.next()
			continue
		}
		f.Body = append(f.Body, p.parseStmt())
		if p.tok.tok != tSemi && p.tok.tok != tRBrace {
			p.errorExpected("';' or '}'")
			p.skipTo(stopAtSemi)
			if p.tok.tok != tSemi && p.tok.tok != tRBrace && p.tok.tok != tEOF {
				p.next()
			}
		}
	}
	f.Rbrace = p.expectClose(tRBrace)
	return f
}

// parseFuncParam reads name:type [= default], where type is a scalar type
// or a table schema: (*) or (a:string, ...).
func (p *parser) parseFuncParam() *FuncParam {
	fp := &FuncParam{Name: p.parseName()}
	p.expect(tColon)
	if p.tok.tok == tLParen {
		fp.Type = p.parseTableSchemaType()
	} else {
		fp.Type = p.parseTypeName()
	}
	if p.tok.tok == tAssign {
		p.next()
		fp.Default = p.parseExpr()
	}
	fp.EndPos = p.prevEnd
	return fp
}

// parseTableSchemaType reads (*) or (a:type, ...) and returns it as text
// in a canonical spelling: "(*)", "(a:string, b:long)".
func (p *parser) parseTableSchemaType() string {
	p.next()
	if p.tok.tok == tStar {
		p.next()
		p.expectClose(tRParen)
		return "(*)"
	}
	var cols []string
	p.commaList(tRParen, func() {
		c := p.parseColumnDecl(true)
		cols = append(cols, c.Name.Name+":"+c.Type)
	})
	p.expectClose(tRParen)
	return "(" + strings.Join(cols, ", ") + ")"
}

// parseTypeName reads a scalar type name and returns it as written.
func (p *parser) parseTypeName() string {
	if p.tok.tok != tIdent {
		p.errorExpected("type name")
		return ""
	}
	name := p.tok.lit
	if _, ok := scalarTypes[name]; !ok {
		p.errorf(p.tok.pos, ErrSyntax, "unknown type %q", name)
	}
	p.next()
	return name
}

// parseColumnDecl reads name:type; the type may be left out when
// typeRequired is false (parse patterns).
func (p *parser) parseColumnDecl(typeRequired bool) *ColumnDecl {
	c := &ColumnDecl{Name: p.parseName(), Colon: NoPos}
	if p.tok.tok == tColon || typeRequired {
		c.Colon = p.expect(tColon)
		c.Type = p.parseTypeName()
	}
	c.EndPos = p.prevEnd
	return c
}

// parseName reads a plain or bracketed name (['a b'], ["x"]).
func (p *parser) parseName() *Ident {
	switch {
	case p.tok.tok == tIdent:
		id := &Ident{NamePos: p.tok.pos, Name: p.tok.lit, EndPos: p.tok.end}
		p.next()
		return id
	case p.tok.tok == tLBrack && p.peek().tok == tString:
		return p.parseBracketedName()
	}
	p.errorExpected("name")
	return &Ident{NamePos: p.tok.pos, Name: "_", EndPos: p.tok.pos}
}

// parseBracketedName reads ['name'] with the current token on "[".
func (p *parser) parseBracketedName() *Ident {
	id := &Ident{NamePos: p.tok.pos, Quoted: true}
	p.next()
	id.Name = p.tok.val
	p.next()
	id.EndPos = p.expectClose(tRBrack) + 1
	return id
}

// parseParams reads name=value operator parameters whose names are in
// allowed, or start with "hint.". Values are single tokens: names,
// numbers, strings, booleans.
func (p *parser) parseParams(allowed ...string) []*Param {
	var params []*Param
	for p.tok.tok == tIdent {
		name, ok := p.paramName(allowed)
		if !ok {
			break
		}
		prm := &Param{Name: name, Assign: p.tok.pos}
		p.next()
		prm.Value = p.parseParamValue()
		params = append(params, prm)
	}
	return params
}

// paramName reads a (possibly dotted) parameter name followed by "=", or
// restores the input and reports false.
func (p *parser) paramName(allowed []string) (*Ident, bool) {
	s := p.save()
	start := p.tok.pos
	name := p.tok.lit
	p.next()
	for p.tok.tok == tDot && p.tok.pos == p.prevEnd {
		p.next()
		if p.tok.tok != tIdent {
			p.restore(s)
			return nil, false
		}
		name += "." + p.tok.lit
		p.next()
	}
	ok := strings.HasPrefix(name, "hint.")
	for _, a := range allowed {
		ok = ok || name == a
	}
	if !ok || p.tok.tok != tAssign {
		p.restore(s)
		return nil, false
	}
	return &Ident{NamePos: start, Name: name, EndPos: p.prevEnd}, true
}

func (p *parser) parseParamValue() Expr {
	t := p.tok
	switch t.tok {
	case tIdent:
		p.next()
		if lit, ok := boolLit(t); ok {
			return lit
		}
		return &Ident{NamePos: t.pos, Name: t.lit, EndPos: t.end}
	case tString, tInt, tReal, tTimespan:
		return p.parseLiteral()
	}
	p.errorExpected("parameter value")
	return p.bad(t.pos)
}

// boolLit recognises true and false in the three spellings Kusto.Language
// accepts (true, True, TRUE; "tRue" is a name), checked by running it.
func boolLit(t tokenInfo) (*BasicLit, bool) {
	switch t.lit {
	case "true", "True", "TRUE", "false", "False", "FALSE":
		return &BasicLit{ValuePos: t.pos, Kind: LitBool, Raw: t.lit, Value: t.lit}, true
	}
	return nil, false
}

// commaList reads a comma-separated list that ends at close, calling item
// for each element; close itself is left for the caller (expectClose), as
// is an empty list's error.
func (p *parser) commaList(close token, item func()) {
	for p.tok.tok != close && p.tok.tok != tEOF {
		item()
		if p.tok.tok != tComma {
			return
		}
		p.next()
	}
}
