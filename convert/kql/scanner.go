package kql

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// scanner turns query text into tokens, in the manner of go/scanner: one
// token per call, comments collected on the side, errors reported and
// scanning carried on. Its whole state is an offset, so the parser can save
// and restore it to look ahead.
type scanner struct {
	src      string
	off      int // offset of the next unread byte
	errs     *ErrorList
	comments []*Comment
}

// tokenInfo is one scanned token: its kind, its span, its source text and,
// for strings, the decoded value.
type tokenInfo struct {
	tok token
	pos Pos
	end Pos
	lit string // source text
	val string // decoded value of a string literal
}

func (s *scanner) errorf(pos int, kind ErrorKind, format string, args ...any) {
	s.errs.add(Pos(pos), kind, format, args...)
}

// skipSpace skips white space and comments, recording the comments.
func (s *scanner) skipSpace() {
	for s.off < len(s.src) {
		c := s.src[s.off]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v':
			s.off++
		case c == '/' && s.off+1 < len(s.src) && s.src[s.off+1] == '/':
			start := s.off
			for s.off < len(s.src) && s.src[s.off] != '\n' {
				s.off++
			}
			s.comments = append(s.comments, &Comment{Slash: Pos(start), Text: strings.TrimRight(s.src[start:s.off], "\r")})
		default:
			if c >= utf8.RuneSelf {
				r, n := utf8.DecodeRuneInString(s.src[s.off:])
				if r == '\u00a0' || r == '\ufeff' || r == '\u2028' || r == '\u2029' {
					s.off += n // no-break space, BOM and line separators: white space to Kusto
					continue
				}
			}
			return
		}
	}
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' }
func isDigit(c byte) bool  { return c >= '0' && c <= '9' }
func isIdentChar(c byte) bool {
	return isLetter(c) || isDigit(c)
}

// next scans one token.
func (s *scanner) next() tokenInfo {
	s.skipSpace()
	start := s.off
	if s.off >= len(s.src) {
		return tokenInfo{tok: tEOF, pos: Pos(start), end: Pos(start)}
	}
	c := s.src[s.off]
	var tok token
	switch {
	case isLetter(c) || c == '$':
		return s.scanWord(start)
	case isDigit(c):
		return s.scanNumber(start)
	case c == '\'' || c == '"' || c == '`' && strings.HasPrefix(s.src[s.off:], "```"):
		return s.scanString(start, start)
	case c == '@' && s.off+1 < len(s.src) && (s.src[s.off+1] == '\'' || s.src[s.off+1] == '"'):
		return s.scanString(start, start)
	case c == '!':
		return s.scanBang(start)
	default:
		tok = s.scanPunct(c)
	}
	if tok == tIllegal {
		r, n := utf8.DecodeRuneInString(s.src[s.off:])
		s.off += n
		s.errorf(start, ErrSyntax, "unexpected character %q", r)
	}
	return tokenInfo{tok: tok, pos: Pos(start), end: Pos(s.off), lit: s.src[start:s.off]}
}

// punct maps one- and two-character operators to tokens, longest first.
var punct = []struct {
	text string
	tok  token
}{
	{"..", tDotDot}, {"==", tEq}, {"=~", tEqTilde}, {"<>", tLtGt}, {"<=", tLe}, {">=", tGe},
	{"(", tLParen}, {")", tRParen}, {"[", tLBrack}, {"]", tRBrack}, {"{", tLBrace}, {"}", tRBrace},
	{",", tComma}, {";", tSemi}, {":", tColon}, {".", tDot}, {"|", tPipe}, {"=", tAssign},
	{"<", tLt}, {">", tGt}, {"+", tPlus}, {"-", tMinus}, {"*", tStar}, {"/", tSlash}, {"%", tPercent},
}

func (s *scanner) scanPunct(c byte) token {
	rest := s.src[s.off:]
	for _, p := range punct {
		if p.text[0] == c && strings.HasPrefix(rest, p.text) {
			s.off += len(p.text)
			return p.tok
		}
	}
	return tIllegal
}

// scanWord reads a name. "in~" is one word, and a name made of h or H
// directly followed by a quote is an obfuscated string literal (h"secret").
func (s *scanner) scanWord(start int) tokenInfo {
	s.off++
	for s.off < len(s.src) && isIdentChar(s.src[s.off]) {
		s.off++
	}
	word := s.src[start:s.off]
	if (word == "h" || word == "H") && s.off < len(s.src) {
		if c := s.src[s.off]; c == '\'' || c == '"' || c == '@' && s.off+1 < len(s.src) && (s.src[s.off+1] == '\'' || s.src[s.off+1] == '"') {
			return s.scanString(start, s.off)
		}
	}
	if word == "in" && s.off < len(s.src) && s.src[s.off] == '~' {
		s.off++
		word = "in~"
	}
	if word == "$" {
		s.errorf(start, ErrSyntax, "unexpected character '$'")
		return tokenInfo{tok: tIllegal, pos: Pos(start), end: Pos(s.off), lit: word}
	}
	return tokenInfo{tok: tIdent, pos: Pos(start), end: Pos(s.off), lit: word}
}

// scanBang reads "!=", "!~" or a negated word operator such as "!contains".
func (s *scanner) scanBang(start int) tokenInfo {
	s.off++
	if s.off < len(s.src) {
		switch c := s.src[s.off]; {
		case c == '=':
			s.off++
			return tokenInfo{tok: tNeq, pos: Pos(start), end: Pos(s.off), lit: "!="}
		case c == '~':
			s.off++
			return tokenInfo{tok: tNotTilde, pos: Pos(start), end: Pos(s.off), lit: "!~"}
		case isLetter(c):
			w := s.scanWord(s.off)
			word := "!" + w.lit
			if !negatableOps[w.lit] {
				s.errorf(start, ErrSyntax, "unknown operator %q", word)
				return tokenInfo{tok: tIllegal, pos: Pos(start), end: Pos(s.off), lit: word}
			}
			return tokenInfo{tok: tBangWord, pos: Pos(start), end: Pos(s.off), lit: word}
		}
	}
	s.errorf(start, ErrSyntax, "unexpected '!': KQL negates with not(), != or !operator")
	return tokenInfo{tok: tIllegal, pos: Pos(start), end: Pos(s.off), lit: "!"}
}

// scanNumber reads an int, a real or a timespan literal. "1..2" is an int
// followed by "..", while "1." and "1.e3" are reals, as Kusto.Language
// reads them.
func (s *scanner) scanNumber(start int) tokenInfo {
	src := s.src
	tok := tInt
	if strings.HasPrefix(src[s.off:], "0x") || strings.HasPrefix(src[s.off:], "0X") {
		s.off += 2
		for s.off < len(src) && isHex(src[s.off]) {
			s.off++
		}
		if s.off == start+2 || s.off < len(src) && isIdentChar(src[s.off]) {
			s.skipIdentChars()
			s.errorf(start, ErrSyntax, "malformed number %q", src[start:s.off])
			return tokenInfo{tok: tIllegal, pos: Pos(start), end: Pos(s.off), lit: src[start:s.off]}
		}
		return tokenInfo{tok: tInt, pos: Pos(start), end: Pos(s.off), lit: src[start:s.off]}
	}
	s.skipDigits()
	if s.off < len(src) && src[s.off] == '.' && !strings.HasPrefix(src[s.off:], "..") {
		tok = tReal
		s.off++
		s.skipDigits()
	}
	if s.off < len(src) && (src[s.off] == 'e' || src[s.off] == 'E') {
		j := s.off + 1
		if j < len(src) && (src[j] == '+' || src[j] == '-') {
			j++
		}
		if j < len(src) && isDigit(src[j]) {
			tok = tReal
			s.off = j
			s.skipDigits()
		}
	}
	if s.off < len(src) && isLetter(src[s.off]) {
		unitStart := s.off
		s.skipIdentChars()
		if !timespanUnits[src[unitStart:s.off]] {
			s.errorf(start, ErrSyntax, "malformed number %q", src[start:s.off])
			return tokenInfo{tok: tIllegal, pos: Pos(start), end: Pos(s.off), lit: src[start:s.off]}
		}
		tok = tTimespan
	}
	return tokenInfo{tok: tok, pos: Pos(start), end: Pos(s.off), lit: src[start:s.off]}
}

func isHex(c byte) bool { return isDigit(c) || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' }

func (s *scanner) skipDigits() {
	for s.off < len(s.src) && isDigit(s.src[s.off]) {
		s.off++
	}
}

func (s *scanner) skipIdentChars() {
	for s.off < len(s.src) && isIdentChar(s.src[s.off]) {
		s.off++
	}
}

// scanString reads a string literal whose prefix (h, H) ends at body. The
// forms are those of the string data type page
// (https://learn.microsoft.com/azure/kusto/query/scalar-data-types/string):
// '..' and ".." with backslash escapes, @'..' and @".." verbatim with the
// quote doubled, and ```..``` multi-line without escapes.
func (s *scanner) scanString(start, body int) tokenInfo {
	s.off = body
	var val string
	var ok bool
	switch {
	case strings.HasPrefix(s.src[s.off:], "```"):
		val, ok = s.scanMultiline()
	case s.src[s.off] == '@':
		s.off++
		val, ok = s.scanVerbatim(s.src[s.off])
	default:
		val, ok = s.scanEscaped(s.src[s.off])
	}
	ti := tokenInfo{tok: tString, pos: Pos(start), end: Pos(s.off), lit: s.src[start:s.off], val: val}
	if !ok {
		ti.tok = tIllegal
	}
	return ti
}

func (s *scanner) scanMultiline() (string, bool) {
	start := s.off
	s.off += 3
	end := strings.Index(s.src[s.off:], "```")
	if end < 0 {
		s.off = len(s.src)
		s.errorf(start, ErrSyntax, "string literal not terminated")
		return "", false
	}
	val := s.src[s.off : s.off+end]
	s.off += end + 3
	return val, true
}

func (s *scanner) scanVerbatim(quote byte) (string, bool) {
	start := s.off - 1
	s.off++
	var b strings.Builder
	for s.off < len(s.src) {
		c := s.src[s.off]
		switch {
		case c == quote && s.off+1 < len(s.src) && s.src[s.off+1] == quote:
			b.WriteByte(quote)
			s.off += 2
		case c == quote:
			s.off++
			return b.String(), true
		case c == '\n' || c == '\r':
			s.errorf(start, ErrSyntax, "string literal not terminated")
			return "", false
		default:
			b.WriteByte(c)
			s.off++
		}
	}
	s.errorf(start, ErrSyntax, "string literal not terminated")
	return "", false
}

// simpleEscapes are the one-letter escapes of C# that Kusto.Language
// accepts; it also takes \uXXXX and \xHH ("print '\u0041\x41'" is "AA") and
// rejects the rest ("\q" is a syntax error).
var simpleEscapes = map[byte]byte{
	'\\': '\\', '\'': '\'', '"': '"', 'n': '\n', 't': '\t', 'r': '\r',
	'0': 0, 'a': '\a', 'b': '\b', 'f': '\f', 'v': '\v',
}

func (s *scanner) scanEscaped(quote byte) (string, bool) {
	start := s.off
	s.off++
	var b strings.Builder
	for s.off < len(s.src) {
		c := s.src[s.off]
		switch {
		case c == quote:
			s.off++
			return b.String(), true
		case c == '\n' || c == '\r':
			s.errorf(start, ErrSyntax, "string literal not terminated")
			return "", false
		case c == '\\':
			if !s.scanEscape(&b) {
				s.skipToQuote(quote)
				return "", false
			}
		default:
			b.WriteByte(c)
			s.off++
		}
	}
	s.errorf(start, ErrSyntax, "string literal not terminated")
	return "", false
}

// scanEscape decodes the escape at s.off (a backslash) into b.
func (s *scanner) scanEscape(b *strings.Builder) bool {
	at := s.off
	if s.off+1 >= len(s.src) {
		s.off++
		s.errorf(at, ErrSyntax, "string literal not terminated")
		return false
	}
	e := s.src[s.off+1]
	if r, ok := simpleEscapes[e]; ok {
		b.WriteByte(r)
		s.off += 2
		return true
	}
	digits := map[byte]int{'x': 2, 'u': 4, 'U': 8}[e]
	if digits > 0 && s.off+2+digits <= len(s.src) {
		hex := s.src[s.off+2 : s.off+2+digits]
		if n, err := strconv.ParseUint(hex, 16, 32); err == nil && utf8.ValidRune(rune(n)) {
			b.WriteRune(rune(n))
			s.off += 2 + digits
			return true
		}
	}
	s.errorf(at, ErrSyntax, "unknown escape sequence %s", s.src[at:at+2])
	s.off += 2
	return false
}

// skipToQuote moves past the closing quote (or to the end of the line)
// after a bad escape, so one mistake gives one error.
func (s *scanner) skipToQuote(quote byte) {
	for s.off < len(s.src) {
		c := s.src[s.off]
		switch {
		case c == '\\' && s.off+1 < len(s.src) && s.src[s.off+1] != '\n':
			s.off += 2
		case c == quote:
			s.off++
			return
		case c == '\n':
			return
		default:
			s.off++
		}
	}
}
