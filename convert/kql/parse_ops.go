package kql

// This file reads the tabular operators that follow a pipe. The syntax of
// each is the one on its page of the KQL reference
// (https://learn.microsoft.com/azure/kusto/query/<name>-operator).

// unsupportedOps are KQL operators that ruleport does not handle; naming
// them gives a better message than "unknown operator".
var unsupportedOps = map[string]bool{
	"as": true, "consume": true, "facet": true, "find": true, "fork": true, "getschema": true,
	"invoke": true, "parse-where": true, "parse-kv": true, "partition": true, "print": true,
	"range": true, "reduce": true, "render": true, "sample": true, "sample-distinct": true,
	"scan": true, "search": true, "serialize": true, "top-nested": true, "top-hitters": true,
	"project-smart": true, "make-graph": true, "graph-match": true, "graph-merge": true,
	"graph-to-table": true, "execute-and-cache": true, "macro-expand": true, "assert-schema": true,
}

// opKeyword reads the operator's name, joining hyphenated names
// (project-away, mv-expand) that the scanner splits at "-".
func (p *parser) opKeyword() (string, Pos) {
	pos, name := p.tok.pos, p.tok.lit
	p.next()
	for p.tok.tok == tMinus && p.tok.pos == p.prevEnd {
		s := p.save()
		p.next()
		if p.tok.tok != tIdent || p.tok.pos != p.prevEnd {
			p.restore(s)
			break
		}
		name += "-" + p.tok.lit
		p.next()
	}
	return name, pos
}

// parseOperator reads one operator, the current token being the first
// after the pipe.
func (p *parser) parseOperator() Operator {
	if p.tok.tok != tIdent {
		pos := p.tok.pos
		p.errorExpected("tabular operator")
		p.skipTo(stopAtPipe)
		return &BadOp{From: pos, To: p.prevEnd}
	}
	name, pos := p.opKeyword()
	switch name {
	case "where", "filter":
		return &WhereOp{Keyword: pos, Name: name, Pred: p.parseExpr()}
	case "extend":
		return &ExtendOp{Keyword: pos, Exprs: p.parseExprList(true)}
	case "project", "project-keep", "project-away", "project-reorder", "project-rename":
		return p.parseProject(name, pos)
	case "summarize":
		return p.parseSummarize(pos)
	case "distinct":
		return &DistinctOp{Keyword: pos, Exprs: p.parseDistinctList()}
	case "sort", "order":
		return p.parseSort(name, pos)
	case "top":
		return p.parseTop(pos)
	case "take", "limit":
		return &TakeOp{Keyword: pos, Name: name, N: p.parseExpr()}
	case "count":
		return &CountOp{Keyword: pos}
	case "join":
		o := &JoinOp{Keyword: pos, Params: p.parseParams("kind")}
		o.Right, o.On, o.Conds = p.parseJoinRest()
		return o
	case "lookup":
		o := &LookupOp{Keyword: pos, Params: p.parseParams("kind")}
		o.Right, o.On, o.Conds = p.parseJoinRest()
		return o
	case "union":
		return &UnionOp{Keyword: pos, Params: p.parseParams(unionParams...), Tables: p.parseTableList()}
	case "mv-expand", "mvexpand":
		return p.parseMvExpand(name, pos)
	case "mv-apply":
		return p.parseMvApply(pos)
	case "make-series":
		return p.parseMakeSeries(pos)
	case "parse":
		return p.parseParse(pos)
	case "evaluate":
		return p.parseEvaluate(pos)
	}
	if unsupportedOps[name] {
		p.errorf(pos, ErrUnsupported, "unsupported syntax: the %s operator", name)
	} else {
		p.errorf(pos, ErrSyntax, "unknown tabular operator %q", name)
	}
	p.skipTo(stopAtPipe)
	return &BadOp{From: pos, To: p.prevEnd}
}

// opName is the keyword of an operator, for messages.
func opName(op Operator) string {
	switch o := op.(type) {
	case *WhereOp:
		return o.Name
	case *ExtendOp:
		return "extend"
	case *ProjectOp:
		return o.Kind
	case *SummarizeOp:
		return "summarize"
	case *DistinctOp:
		return "distinct"
	case *SortOp:
		return o.Name
	case *TopOp:
		return "top"
	case *TakeOp:
		return o.Name
	case *CountOp:
		return "count"
	case *JoinOp:
		return "join"
	case *LookupOp:
		return "lookup"
	case *UnionOp:
		return "union"
	case *MvExpandOp:
		return o.Name
	case *MvApplyOp:
		return "mv-apply"
	case *MakeSeriesOp:
		return "make-series"
	case *ParseOp:
		return "parse"
	case *EvaluateOp:
		return "evaluate"
	}
	return "unknown"
}

// parseExprList reads a comma-separated list of expressions, each possibly
// named (a = x); tuple names ((a, b) = f(x)) only where tuples is set.
func (p *parser) parseExprList(tuples bool) []Expr {
	var list []Expr
	for {
		list = append(list, p.parseNamedOrExpr(tuples))
		if p.tok.tok != tComma {
			return list
		}
		p.next()
	}
}

// parseNamedOrExpr reads name = x, (n1, n2) = x, or a plain expression.
func (p *parser) parseNamedOrExpr(tuples bool) Expr {
	if p.tok.tok == tLParen && tuples {
		if n := p.tryTuple(); n != nil {
			return n
		}
	}
	if p.tok.tok == tIdent || p.tok.tok == tLBrack {
		s := p.save()
		if p.tok.tok == tIdent || p.peek().tok == tString {
			name := p.parseName()
			if p.tok.tok == tAssign {
				n := &NamedExpr{Names: []*Ident{name}, Lparen: NoPos, Assign: p.tok.pos}
				p.next()
				n.X = p.parseExpr()
				return n
			}
		}
		p.restore(s)
	}
	return p.parseExpr()
}

// tryTuple reads (a, b, ...) = x, or restores the input and returns nil.
func (p *parser) tryTuple() *NamedExpr {
	s := p.save()
	n := &NamedExpr{Lparen: p.tok.pos}
	p.next()
	for p.tok.tok == tIdent {
		n.Names = append(n.Names, p.parseName())
		if p.tok.tok != tComma {
			break
		}
		p.next()
	}
	if len(n.Names) == 0 || p.tok.tok != tRParen || p.peek().tok != tAssign {
		p.restore(s)
		return nil
	}
	p.next()
	n.Assign = p.tok.pos
	p.next()
	n.X = p.parseExpr()
	return n
}

func (p *parser) parseProject(kind string, pos Pos) *ProjectOp {
	o := &ProjectOp{Keyword: pos, Kind: kind}
	switch kind {
	case "project":
		o.Exprs = p.parseExprList(false)
	case "project-rename":
		for {
			n := &NamedExpr{Names: []*Ident{p.parseName()}, Lparen: NoPos}
			n.Assign = p.expect(tAssign)
			n.X = p.parseName()
			o.Exprs = append(o.Exprs, n)
			if p.tok.tok != tComma {
				break
			}
			p.next()
		}
	default:
		for {
			o.Exprs = append(o.Exprs, p.parseColumnPattern())
			if kind == "project-reorder" && (p.is("asc") || p.is("desc") || p.is("granny")) {
				p.errorf(p.tok.pos, ErrUnsupported, "unsupported syntax: project-reorder ordering")
				p.next()
			}
			if p.tok.tok != tComma {
				break
			}
			p.next()
		}
	}
	return o
}

// parseColumnPattern reads a column name or a wildcard pattern such as
// Col*, *_s or *: names and stars written without space between them.
func (p *parser) parseColumnPattern() *Ident {
	if p.tok.tok == tLBrack {
		return p.parseName()
	}
	id := &Ident{NamePos: p.tok.pos}
	lastStar := false
	for p.tok.tok == tIdent || p.tok.tok == tStar {
		star := p.tok.tok == tStar
		// Pieces join only across a star: "a*b" is one pattern, "a$b" two names.
		if id.Name != "" && (p.tok.pos != p.prevEnd || !star && !lastStar) {
			break
		}
		id.Name += p.tok.lit
		lastStar = star
		p.next()
	}
	if id.Name == "" {
		p.errorExpected("column name")
		id.Name = "_"
	}
	id.EndPos = p.prevEnd
	return id
}

func (p *parser) parseSummarize(pos Pos) *SummarizeOp {
	o := &SummarizeOp{Keyword: pos, Params: p.parseParams(), By: NoPos}
	if !p.is("by") {
		o.Aggs = p.parseExprList(false)
	}
	if p.is("by") {
		o.By = p.tok.pos
		p.next()
		o.Keys = p.parseExprList(false)
	}
	return o
}

func (p *parser) parseDistinctList() []Expr {
	if p.tok.tok == tStar {
		s := &StarExpr{Star: p.tok.pos}
		p.next()
		return []Expr{s}
	}
	return p.parseExprList(false)
}

func (p *parser) parseSort(name string, pos Pos) *SortOp {
	o := &SortOp{Keyword: pos, Name: name}
	p.expectWord("by")
	for {
		o.Keys = append(o.Keys, p.parseSortKey())
		if p.tok.tok != tComma {
			return o
		}
		p.next()
	}
}

// parseSortKey reads X [asc|desc] [nulls first|last].
func (p *parser) parseSortKey() *SortKey {
	k := &SortKey{X: p.parseExpr()}
	if p.is("asc") || p.is("desc") {
		k.Dir = p.tok.lit
		p.next()
	}
	if p.is("nulls") {
		p.next()
		if p.is("first") || p.is("last") {
			k.Nulls = p.tok.lit
			p.next()
		} else {
			p.errorExpected("\"first\" or \"last\"")
		}
	}
	k.EndPos = p.prevEnd
	return k
}

func (p *parser) parseTop(pos Pos) *TopOp {
	o := &TopOp{Keyword: pos, N: p.parseExpr()}
	p.expectWord("by")
	o.Key = p.parseSortKey()
	return o
}

// parseJoinRest reads (Right) on conditions, shared by join and lookup.
// "and" between conditions is split into separate conditions.
func (p *parser) parseJoinRest() (right Expr, on Pos, conds []Expr) {
	right = p.parsePostfix()
	on = p.expectWord("on")
	for {
		conds = appendAndTerms(conds, p.parseExpr())
		if p.tok.tok != tComma {
			return right, on, conds
		}
		p.next()
	}
}

func appendAndTerms(list []Expr, x Expr) []Expr {
	if b, ok := x.(*BinaryExpr); ok && b.Op == "and" {
		return appendAndTerms(appendAndTerms(list, b.X), b.Y)
	}
	return append(list, x)
}

// parseMvExpandItems reads mv-expand's and mv-apply's column list, each
// [name =] expr [to typeof(type)], and the optional limit.
func (p *parser) parseMvExpandItems() (items []*MvExpandItem, limit Expr) {
	for {
		it := &MvExpandItem{X: p.parseNamedOrExpr(false)}
		if p.is("to") {
			p.next()
			p.expectWord("typeof")
			p.expect(tLParen)
			it.ToType = p.parseTypeName()
			p.expectClose(tRParen)
		}
		it.EndPos = p.prevEnd
		items = append(items, it)
		if p.tok.tok != tComma {
			break
		}
		p.next()
	}
	if p.is("limit") {
		p.next()
		limit = p.parseExpr()
	}
	return items, limit
}

func (p *parser) parseMvExpand(name string, pos Pos) *MvExpandOp {
	o := &MvExpandOp{Keyword: pos, Name: name, Params: p.parseParams("kind", "bagexpansion", "with_itemindex")}
	o.Items, o.Limit = p.parseMvExpandItems()
	return o
}

// parseMvApply reads mv-apply items on (operators), from
// https://learn.microsoft.com/azure/kusto/query/mv-apply-operator
func (p *parser) parseMvApply(pos Pos) *MvApplyOp {
	o := &MvApplyOp{Keyword: pos, Params: p.parseParams("with_itemindex")}
	o.Items, o.Limit = p.parseMvExpandItems()
	o.On = p.expectWord("on")
	o.Lparen = p.expect(tLParen)
	for p.tok.tok != tRParen && p.tok.tok != tEOF {
		o.Body = append(o.Body, p.parseOperator())
		if !pipeFollower(p.tok.tok) {
			p.errorf(p.tok.pos, ErrSyntax, "unexpected %s after the %s operator", p.found(), opName(o.Body[len(o.Body)-1]))
			p.skipTo(stopAtPipe)
		}
		if p.tok.tok != tPipe {
			break
		}
		p.next()
	}
	if len(o.Body) == 0 {
		p.errorExpected("tabular operator")
	}
	o.Rparen = p.expectClose(tRParen)
	return o
}

// parseMakeSeries reads make-series aggs on axis [from f] [to t] step s
// [by keys], from
// https://learn.microsoft.com/azure/kusto/query/make-series-operator
func (p *parser) parseMakeSeries(pos Pos) *MakeSeriesOp {
	o := &MakeSeriesOp{Keyword: pos, Params: p.parseParams("kind"), By: NoPos}
	for {
		a := &MakeSeriesAgg{X: p.parseNamedOrExpr(false)}
		if p.is("default") && p.peek().tok == tAssign {
			p.next()
			p.next()
			a.Default = p.parseExpr()
		}
		o.Aggs = append(o.Aggs, a)
		if p.tok.tok != tComma {
			break
		}
		p.next()
	}
	o.On = p.expectWord("on")
	o.Axis = p.parseExpr()
	if p.is("in") {
		p.errorf(p.tok.pos, ErrUnsupported, "unsupported syntax: make-series in range(...)")
	}
	if p.is("from") {
		p.next()
		o.From = p.parseExpr()
	}
	if p.is("to") {
		p.next()
		o.To = p.parseExpr()
	}
	p.expectWord("step")
	o.Step = p.parseExpr()
	if p.is("by") {
		o.By = p.tok.pos
		p.next()
		o.Keys = p.parseExprList(false)
	}
	return o
}

// parseParse reads parse [kind=...] [flags=...] X with pattern, from
// https://learn.microsoft.com/azure/kusto/query/parse-operator
func (p *parser) parseParse(pos Pos) *ParseOp {
	o := &ParseOp{Keyword: pos, Params: p.parseParams("kind", "flags")}
	o.X = p.parseExpr()
	o.With = p.expectWord("with")
	for {
		switch p.tok.tok {
		case tStar:
			o.Parts = append(o.Parts, &StarExpr{Star: p.tok.pos})
			p.next()
		case tString:
			o.Parts = append(o.Parts, p.parseLiteral())
		case tIdent, tLBrack:
			o.Parts = append(o.Parts, p.parseColumnDecl(false))
		default:
			if len(o.Parts) == 0 {
				p.errorExpected("parse pattern")
			}
			return o
		}
	}
}

// parseEvaluate reads evaluate [params] plugin(args).
func (p *parser) parseEvaluate(pos Pos) *EvaluateOp {
	o := &EvaluateOp{Keyword: pos, Params: p.parseParams()}
	name := p.parseName()
	if p.tok.tok != tLParen {
		p.errorExpected("'('")
		o.Call = &CallExpr{Fun: name, Lparen: name.End(), Rparen: name.End()}
		return o
	}
	o.Call = p.parseCall(name)
	return o
}
