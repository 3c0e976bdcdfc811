package insightsengine

import (
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// Query is a parsed and checked Logs Insights query.
type Query struct {
	text    string
	cmds    []command
	columns []string // output columns, see checker.columns
	nowAt   *span    // the first now() call, which needs a time range end
}

// Columns returns the query's output columns in order.
func (q *Query) Columns() []string { return append([]string(nil), q.columns...) }

// Parse reads a Logs Insights query. Errors are an ErrorList with every
// problem found, each at its line and column in the query.
func Parse(query string) (*Query, error) {
	p := &parser{text: query}
	p.lx = lexer{src: query, errf: p.errAt}
	p.advance()
	q := &Query{text: query}
	if p.tok.kind == tEOF {
		p.errAt(0, "empty query")
	}
	for p.tok.kind != tEOF {
		if c := p.command(); c != nil {
			q.cmds = append(q.cmds, c)
		}
		if p.tok.kind != tPipe && p.tok.kind != tEOF {
			p.errAt(p.tok.off, "expected | or end of query, found %s", p.describe(p.tok))
			p.sync()
		}
		if p.tok.kind == tPipe {
			p.advance()
			if p.tok.kind == tEOF {
				p.errAt(p.tok.off, "expected a command after |")
			}
		}
	}
	if len(p.errs) == 0 {
		check(q, p)
	}
	if len(p.errs) > 0 {
		return nil, p.errs.sorted()
	}
	return q, nil
}

type parser struct {
	text string
	lx   lexer
	tok  token
	errs ErrorList
}

// bailout unwinds a command whose syntax is broken; command recovers it and
// skips to the next "|" so later commands are still checked.
type bailout struct{}

// errAt records a problem. Only the first problem at a position is kept:
// the later ones (an illegal character is also an unexpected token) only
// repeat it.
func (p *parser) errAt(off int, format string, args ...any) {
	p.add(&Error{Pos: position(p.text, off), Msg: fmt.Sprintf(format, args...)})
}

func (p *parser) unsupportedAt(off int, format string, args ...any) {
	p.add(&Error{Pos: position(p.text, off), Msg: fmt.Sprintf(format, args...), Err: ErrUnsupported})
}

func (p *parser) add(e *Error) {
	for _, old := range p.errs {
		if old.Pos.Offset == e.Pos.Offset {
			return
		}
	}
	p.errs = append(p.errs, e)
}

func (p *parser) fail(off int, format string, args ...any) {
	p.errAt(off, format, args...)
	panic(bailout{})
}

func (p *parser) advance() { p.tok = p.lx.next() }

func (p *parser) sync() {
	for p.tok.kind != tPipe && p.tok.kind != tEOF {
		p.advance()
	}
}

func (p *parser) describe(t token) string {
	switch t.kind {
	case tIdent, tNumber, tDuration:
		return fmt.Sprintf("%q", t.text)
	case tString:
		return "string " + strconv.Quote(t.text)
	}
	return tokNames[t.kind]
}

func (p *parser) expect(k tokKind) token {
	t := p.tok
	if t.kind != k {
		p.fail(t.off, "expected %s, found %s", tokNames[k], p.describe(t))
	}
	p.advance()
	return t
}

// keyword reports whether the current token is the word kw, in any case:
// the documents write commands and keywords both ways (STATS ... BY ...).
func (p *parser) keyword(kw string) bool {
	return p.tok.kind == tIdent && strings.EqualFold(p.tok.text, kw)
}

var reserved = map[string]bool{
	"and": true, "or": true, "not": true, "like": true, "in": true,
	"as": true, "by": true, "asc": true, "desc": true,
}

// unsupportedCommands are documented commands this engine does not run.
var unsupportedCommands = map[string]bool{
	"pattern": true, "diff": true, "anomaly": true, "filterindex": true,
	"unnest": true, "expand": true, "join": true, "lookup": true, "source": true,
	"head": true, "tail": true, "addtotals": true, "relevantfields": true, "json": true,
}

func (p *parser) command() (c command) {
	start := p.tok
	defer func() {
		if r := recover(); r != nil {
			if _, ok := r.(bailout); !ok {
				panic(r)
			}
			p.sync()
			c = nil
		}
	}()
	if start.kind != tIdent {
		p.fail(start.off, "expected a command, found %s", p.describe(start))
	}
	name := strings.ToLower(start.text)
	switch name {
	case "fields", "display":
		p.advance()
		return p.fields(start, name == "display")
	case "filter", "where":
		p.advance()
		return &filterCmd{span{start.off, p.tok.off}, p.expr()}
	case "stats":
		p.advance()
		return p.stats(start)
	case "sort":
		p.advance()
		return p.sort(start)
	case "limit":
		p.advance()
		return p.limit(start)
	case "parse":
		p.advance()
		return p.parse(start)
	case "dedup":
		p.advance()
		return p.dedup(start)
	}
	if unsupportedCommands[name] {
		p.unsupportedAt(start.off, "the %s command is not supported by ruleport's Logs Insights engine", name)
		panic(bailout{})
	}
	p.fail(start.off, "unknown command %q", start.text)
	return nil
}

func (p *parser) fields(start token, display bool) command {
	c := &fieldsCmd{display: display}
	c.items = p.items()
	c.span = span{start.off, p.tok.off}
	return c
}

// items reads "expr [as alias], ...".
func (p *parser) items() []item {
	var items []item
	for {
		x := p.expr()
		it := item{x: x, name: p.nameOf(x)}
		if p.keyword("as") {
			p.advance()
			it.name = p.alias()
		}
		items = append(items, it)
		if p.tok.kind != tComma {
			return items
		}
		p.advance()
	}
}

func (p *parser) alias() string {
	t := p.tok
	switch {
	case t.kind == tQuoted:
		p.advance()
		return t.text
	case t.kind == tIdent && !reserved[strings.ToLower(t.text)]:
		p.advance()
		name := t.text
		for p.tok.kind == tDot && p.tok.glued {
			p.advance()
			name += "." + p.segment()
		}
		return name
	}
	p.fail(t.off, "expected a name after as, found %s", p.describe(t))
	return ""
}

// nameOf is the column name of an expression written without "as": a
// field keeps its name, anything else is named by its text, the way the
// stats page refers to an unaliased `SUM(Fault)`.
func (p *parser) nameOf(x expr) string {
	if f, ok := x.(*fieldRef); ok {
		return strings.Join(f.segs, ".")
	}
	s := x.pos()
	return strings.TrimSpace(p.text[s.off:s.end])
}

func (p *parser) stats(start token) command {
	c := &statsCmd{items: p.items()}
	if p.keyword("by") {
		p.advance()
		c.by = p.items()
	}
	c.span = span{start.off, p.tok.off}
	return c
}

// sort reads "sort key [asc|desc], ...".
// Guess: a key without a direction sorts ascending; every documented
// example names the direction.
func (p *parser) sort(start token) command {
	c := &sortCmd{}
	for {
		k := sortKey{x: p.expr()}
		switch {
		case p.keyword("desc"):
			k.desc = true
			p.advance()
		case p.keyword("asc"):
			p.advance()
		}
		c.keys = append(c.keys, k)
		if p.tok.kind != tComma {
			break
		}
		p.advance()
	}
	c.span = span{start.off, p.tok.off}
	return c
}

// maxRows is the most a query returns: "If you omit limit, the query will
// return as many as 10,000 log events" (CWL_QuerySyntax-Limit.html).
const maxRows = 10000

func (p *parser) limit(start token) command {
	t := p.tok
	n, err := strconv.Atoi(t.text)
	if t.kind != tNumber || err != nil || n < 1 || n > maxRows {
		p.fail(t.off, "limit needs a whole number from 1 to %d, found %s", maxRows, p.describe(t))
	}
	p.advance()
	return &limitCmd{span{start.off, t.end}, n}
}

func (p *parser) dedup(start token) command {
	c := &dedupCmd{}
	for {
		x := p.expr()
		if _, ok := x.(*fieldRef); !ok {
			p.fail(x.pos().off, "dedup takes field names")
		}
		c.keys = append(c.keys, x)
		if p.tok.kind != tComma {
			break
		}
		p.advance()
	}
	c.span = span{start.off, p.tok.off}
	return c
}

// parse reads "parse [field] "glob" as a, b" or "parse [field] /regex/",
// per CWL_QuerySyntax-Parse.html; the field defaults to @message.
func (p *parser) parse(start token) command {
	c := &parseCmd{src: &fieldRef{span{start.off, start.end}, []string{"@message"}}}
	if p.tok.kind != tString && p.tok.kind != tSlash {
		c.src = p.postfix()
		if _, ok := c.src.(*fieldRef); !ok {
			if _, ok := c.src.(*memberExpr); !ok {
				p.fail(c.src.pos().off, "parse reads a field, not an expression")
			}
		}
	}
	for _, mode := range []string{"logfmt", "csv"} {
		if p.keyword(mode) {
			p.unsupportedAt(p.tok.off, "parse %s mode is not supported by ruleport's Logs Insights engine", mode)
			panic(bailout{})
		}
	}
	switch p.tok.kind {
	case tString:
		p.glob(c)
	case tSlash:
		p.parseRegex(c)
	default:
		p.fail(p.tok.off, "parse needs a glob pattern in quotes or a regular expression in slashes, found %s", p.describe(p.tok))
	}
	c.span = span{start.off, p.tok.off}
	return c
}

func (p *parser) glob(c *parseCmd) {
	pat := p.tok
	p.advance()
	if !p.keyword("as") {
		p.fail(p.tok.off, "a glob pattern needs as and one name per *")
	}
	p.advance()
	for {
		c.names = append(c.names, p.alias())
		if p.tok.kind != tComma {
			break
		}
		p.advance()
	}
	stars := strings.Count(pat.text, "*")
	if stars != len(c.names) {
		p.fail(pat.off, "the glob pattern has %d wildcards but %d names follow as", stars, len(c.names))
	}
	re, err := regexp.Compile(globRegexp(pat.text))
	if err != nil { // only invalid UTF-8 gets here: QuoteMeta escapes the rest
		p.fail(pat.off, "bad glob pattern: %v", err)
	}
	c.re = re
}

// globRegexp turns a parse glob into a regular expression. The pattern is
// searched for anywhere in the value: the documented "[*] * The error was:
// *" extracts from a line that starts with a date.
// Guess: each "*" takes as little as it can, except a "*" that ends the
// pattern, which takes the rest of the value (else it would always be
// empty, and the documented example gets "DataIntegrityException"); "*"
// matches across newlines. The documents only show examples.
func globRegexp(glob string) string {
	parts := strings.Split(glob, "*")
	var b strings.Builder
	b.WriteString("(?s)")
	for i, part := range parts {
		if i > 0 {
			if i == len(parts)-1 && part == "" {
				b.WriteString("(.*)")
			} else {
				b.WriteString("(.*?)")
			}
		}
		b.WriteString(regexp.QuoteMeta(part))
	}
	return b.String()
}

func (p *parser) parseRegex(c *parseCmd) {
	t := p.lx.regexAt(p.tok.off)
	p.advance()
	re := p.compile(t)
	for _, n := range re.SubexpNames() {
		if n != "" {
			c.names = append(c.names, n)
		}
	}
	if len(c.names) == 0 {
		p.fail(t.off, "a regular expression in parse needs a named group such as (?<name>...)")
	}
	if p.keyword("as") || p.keyword("multi") {
		p.unsupportedAt(p.tok.off, "parse multi-match mode is not supported by ruleport's Logs Insights engine")
		panic(bailout{})
	}
	c.re = re
}

// compile compiles a regex literal with Go's RE2 engine. The documents name
// RE2 for regexReplace and show (?i), (?<name>...), \d, \S and lazy
// quantifiers, all of which RE2 has; a pattern RE2 rejects (a lookaround,
// a backreference) is a positioned error.
func (p *parser) compile(t token) *regexp.Regexp {
	re, err := regexp.Compile(t.text)
	if err != nil {
		p.fail(t.off, "bad regular expression: %v", err)
	}
	return re
}

// ErrUnsupported marks a construct of the query language that this engine
// does not run (pattern, diff, unnest, parse multi, ...). Such a query gets
// a positioned Error that wraps ErrUnsupported, never a wrong answer.
var ErrUnsupported = errors.New("unsupported")

// Pos is a place in the query text: a byte offset and the 1-based line and
// column (in bytes) it falls on.
type Pos struct {
	Offset, Line, Col int
}

// String prints the position as "line:col".
func (p Pos) String() string { return fmt.Sprintf("%d:%d", p.Line, p.Col) }

// Error is one problem with a query, at a position in its text.
type Error struct {
	Pos Pos
	Msg string
	// Err is ErrUnsupported for constructs the engine does not run, else nil.
	Err error
}

// Error prints "line:col: message", the form a caller prefixes with the
// file the query came from.
func (e *Error) Error() string { return e.Pos.String() + ": " + e.Msg }

// Unwrap exposes ErrUnsupported to errors.Is.
func (e *Error) Unwrap() error { return e.Err }

// ErrorList is every problem a parse found, in text order.
type ErrorList []*Error

// Error prints one problem per line.
func (l ErrorList) Error() string {
	msgs := make([]string, len(l))
	for i, e := range l {
		msgs[i] = e.Error()
	}
	return strings.Join(msgs, "\n")
}

// Unwrap exposes the list's errors to errors.Is and errors.As.
func (l ErrorList) Unwrap() []error {
	errs := make([]error, len(l))
	for i, e := range l {
		errs[i] = e
	}
	return errs
}

func (l ErrorList) sorted() ErrorList {
	sort.SliceStable(l, func(i, j int) bool { return l[i].Pos.Offset < l[j].Pos.Offset })
	return l
}

// position turns a byte offset into a Pos.
func position(text string, off int) Pos {
	if off > len(text) {
		off = len(text)
	}
	line := 1 + strings.Count(text[:off], "\n")
	col := off + 1
	if nl := strings.LastIndexByte(text[:off], '\n'); nl >= 0 {
		col = off - nl
	}
	return Pos{Offset: off, Line: line, Col: col}
}
