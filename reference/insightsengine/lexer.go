package insightsengine

import (
	"strings"
	"unicode/utf8"
)

// The lexer follows "CloudWatch Logs Insights language query syntax",
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/CWL_QuerySyntax.html:
// commands are separated by "|", "#" starts a comment that runs to the end
// of the line (the stats page puts one after a command), a field name with
// characters other than letters, digits, "@", "." (and "_", which every
// documented example uses) is written in backticks, strings use single or
// double quotes, and regular expressions are enclosed in forward slashes.

type tokKind int

const (
	tEOF tokKind = iota
	tIdent
	tQuoted // `backticked name`
	tString
	tNumber
	tDuration // 5m, 1h, 10ms: a number glued to a time unit
	tRegex
	tPipe
	tComma
	tLParen
	tRParen
	tLBrack
	tRBrack
	tDot
	tPlus
	tMinus
	tStar
	tSlash
	tPercent
	tCaret
	tEq
	tNe
	tLt
	tLe
	tGt
	tGe
	tMatch // =~
	tBang
	tIllegal
)

var tokNames = map[tokKind]string{
	tEOF: "end of query", tIdent: "name", tQuoted: "quoted name", tString: "string",
	tNumber: "number", tDuration: "time period", tRegex: "regular expression",
	tPipe: `"|"`, tComma: `","`, tLParen: `"("`, tRParen: `")"`, tLBrack: `"["`,
	tRBrack: `"]"`, tDot: `"."`, tPlus: `"+"`, tMinus: `"-"`, tStar: `"*"`,
	tSlash: `"/"`, tPercent: `"%"`, tCaret: `"^"`, tEq: `"="`, tNe: `"!="`,
	tLt: `"<"`, tLe: `"<="`, tGt: `">"`, tGe: `">="`, tMatch: `"=~"`, tBang: `"!"`,
	tIllegal: "illegal character",
}

type token struct {
	kind tokKind
	off  int    // byte offset of the token's first character
	end  int    // byte offset just past the token
	text string // identifier, unquoted string, regex source, number text
	// glued reports that the token starts right where the previous one
	// ended, which is how "a.b" differs from "a . b".
	glued bool
}

type lexer struct {
	src  string
	off  int
	prev int // end of the previous token
	errf func(off int, format string, args ...any)
}

// next scans one token. Division and regular expressions share "/": the
// lexer always returns tSlash and the parser asks for regexAt when it
// stands where an operand or a parse pattern begins.
func (lx *lexer) next() token {
	lx.skipSpace()
	t := token{off: lx.off, glued: lx.off == lx.prev && lx.prev > 0}
	defer func() { lx.prev = lx.off }()
	if lx.off >= len(lx.src) {
		t.kind, t.end = tEOF, lx.off
		return t
	}
	c := lx.src[lx.off]
	switch {
	case isNameStart(c):
		t.kind, t.text = tIdent, lx.name()
	case isDigit(c):
		lx.number(&t)
	case c == '`':
		t.kind, t.text = tQuoted, lx.quoted('`')
	case c == '"' || c == '\'':
		t.kind, t.text = tString, lx.quoted(c)
	default:
		lx.operator(&t)
	}
	t.end = lx.off
	return t
}

func (lx *lexer) skipSpace() {
	for lx.off < len(lx.src) {
		switch c := lx.src[lx.off]; {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			lx.off++
		case c == '#':
			for lx.off < len(lx.src) && lx.src[lx.off] != '\n' {
				lx.off++
			}
		default:
			return
		}
	}
}

func isNameStart(c byte) bool {
	return c == '_' || c == '@' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}

func isNameChar(c byte) bool { return isNameStart(c) || isDigit(c) }

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// name scans a run of name characters. It also serves the segment after a
// dot, which may start with a digit (items.0.instanceId).
func (lx *lexer) name() string {
	start := lx.off
	for lx.off < len(lx.src) && isNameChar(lx.src[lx.off]) {
		lx.off++
	}
	return lx.src[start:lx.off]
}

// number scans digits with an optional fraction. Letters glued to it make
// a time period (5m, 1h, 100ms), checked by the parser against the units
// the bin() documentation lists.
// Guess: there is no exponent form (1e3); the documents write none, and
// "e" would clash with a time unit.
func (lx *lexer) number(t *token) {
	start := lx.off
	for lx.off < len(lx.src) && isDigit(lx.src[lx.off]) {
		lx.off++
	}
	if lx.off+1 < len(lx.src) && lx.src[lx.off] == '.' && isDigit(lx.src[lx.off+1]) {
		lx.off++
		for lx.off < len(lx.src) && isDigit(lx.src[lx.off]) {
			lx.off++
		}
	}
	t.kind = tNumber
	if lx.off < len(lx.src) && isNameStart(lx.src[lx.off]) && lx.src[lx.off] != '@' {
		for lx.off < len(lx.src) && isNameChar(lx.src[lx.off]) {
			lx.off++
		}
		t.kind = tDuration
	}
	t.text = lx.src[start:lx.off]
}

// quoted scans a string or backticked name.
// Guess: the documents show no escapes; a backslash before the quote
// character, another backslash, n, r or t is an escape, and any other
// backslash stays as written, so a pattern such as "a\.b" keeps it.
func (lx *lexer) quoted(q byte) string {
	start := lx.off
	lx.off++
	var b strings.Builder
	for lx.off < len(lx.src) {
		c := lx.src[lx.off]
		switch {
		case c == q:
			lx.off++
			return b.String()
		case c == '\\' && lx.off+1 < len(lx.src):
			lx.off += 2
			switch e := lx.src[lx.off-1]; e {
			case q, '\\':
				b.WriteByte(e)
			case 'n':
				b.WriteByte('\n')
			case 'r':
				b.WriteByte('\r')
			case 't':
				b.WriteByte('\t')
			default:
				b.WriteByte('\\')
				b.WriteByte(e)
			}
		default:
			b.WriteByte(c)
			lx.off++
		}
	}
	what := "string"
	if q == '`' {
		what = "quoted name"
	}
	lx.errf(start, "unterminated %s", what)
	return b.String()
}

// regexAt rescans from off, where the parser found "/", as a regular
// expression literal. "\/" stands for "/"; every other escape is passed to
// the regular-expression compiler untouched.
func (lx *lexer) regexAt(off int) token {
	lx.off = off + 1
	t := token{kind: tRegex, off: off}
	var b strings.Builder
	for lx.off < len(lx.src) {
		c := lx.src[lx.off]
		switch {
		case c == '/':
			lx.off++
			t.text, t.end = b.String(), lx.off
			lx.checkFlags()
			lx.prev = lx.off
			return t
		case c == '\\' && lx.off+1 < len(lx.src) && lx.src[lx.off+1] == '/':
			b.WriteByte('/')
			lx.off += 2
		case c == '\\' && lx.off+1 < len(lx.src):
			b.WriteString(lx.src[lx.off : lx.off+2])
			lx.off += 2
		default:
			b.WriteByte(c)
			lx.off++
		}
	}
	lx.errf(off, "unterminated regular expression")
	t.text, t.end = b.String(), lx.off
	lx.prev = lx.off
	return t
}

// checkFlags rejects letters glued after a regex's closing slash: the
// documents only show inline flags such as (?i), never /re/i.
func (lx *lexer) checkFlags() {
	start := lx.off
	for lx.off < len(lx.src) && isNameChar(lx.src[lx.off]) {
		lx.off++
	}
	if lx.off > start {
		lx.errf(start, "flags after a regular expression (%q) are not supported: write (?i) inside the slashes", lx.src[start:lx.off])
	}
}

var twoCharOps = map[string]tokKind{"!=": tNe, "<=": tLe, ">=": tGe, "=~": tMatch}

var oneCharOps = map[byte]tokKind{
	'|': tPipe, ',': tComma, '(': tLParen, ')': tRParen, '[': tLBrack, ']': tRBrack,
	'.': tDot, '+': tPlus, '-': tMinus, '*': tStar, '/': tSlash, '%': tPercent,
	'^': tCaret, '=': tEq, '<': tLt, '>': tGt, '!': tBang,
}

func (lx *lexer) operator(t *token) {
	if lx.off+2 <= len(lx.src) {
		if k, ok := twoCharOps[lx.src[lx.off:lx.off+2]]; ok {
			t.kind, t.text = k, lx.src[lx.off:lx.off+2]
			lx.off += 2
			return
		}
	}
	c := lx.src[lx.off]
	if k, ok := oneCharOps[c]; ok {
		t.kind, t.text = k, string(c)
		lx.off++
		return
	}
	r, size := utf8.DecodeRuneInString(lx.src[lx.off:])
	t.kind, t.text = tIllegal, string(r)
	lx.errf(lx.off, "unexpected character %q", r)
	lx.off += size
}
