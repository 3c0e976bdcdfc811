package athenaengine

import (
	"errors"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// jsonStream is a pull tokenizer that reports errors where Jackson's
// default JsonParser (the one Trino's JsonExtract uses) would: strict JSON
// (no comments, no single quotes, no leading zeros, no trailing commas, only
// space, tab, CR and LF as whitespace), a number or literal read in full
// when its first character is met, a value after a field name read together
// with the name, and a number at the top level rejected when a non-space
// follows it. Nothing past the last token asked for is examined, which is
// what lets a truncated document yield the values before the cut.
type jsonStream struct {
	s       string
	pos     int
	stack   []byte  // '{' or '[' per open container
	comma   bool    // a value was read in the current container
	pending jsonTok // the value token read with a field name; jEOF: none
	text    string  // decoded string, field name, or number/literal text
	ptext   string
}

type jsonTok int

const (
	jEOF jsonTok = iota
	jStartObject
	jEndObject
	jStartArray
	jEndArray
	jField
	jString
	jNumber
	jTrue
	jFalse
	jNull
)

var errJSON = errors.New("invalid JSON")

func newJSONStream(s string) *jsonStream { return &jsonStream{s: s} }

// next returns the next token; p.text holds its text.
func (p *jsonStream) next() (jsonTok, error) {
	if p.pending != jEOF {
		tok := p.pending
		p.pending, p.text = jEOF, p.ptext
		return tok, nil
	}
	if !p.skipSpace() {
		if len(p.stack) > 0 {
			return 0, errJSON // end of input inside a container
		}
		return jEOF, nil
	}
	c := p.s[p.pos]
	if c == '}' || c == ']' {
		return p.close(c)
	}
	if p.comma && len(p.stack) > 0 {
		if c != ',' {
			return 0, errJSON
		}
		p.pos++
		if !p.skipSpace() {
			return 0, errJSON
		}
	}
	// Whatever follows the value read now needs a comma first.
	p.comma = true
	if len(p.stack) > 0 && p.stack[len(p.stack)-1] == '{' {
		return p.field()
	}
	return p.value()
}

// field reads `"name" : value-start`, keeping the value as pending.
func (p *jsonStream) field() (jsonTok, error) {
	if p.s[p.pos] != '"' {
		return 0, errJSON
	}
	name, err := p.str()
	if err != nil {
		return 0, err
	}
	if !p.skipSpace() || p.s[p.pos] != ':' {
		return 0, errJSON
	}
	p.pos++
	if !p.skipSpace() {
		return 0, errJSON
	}
	// The value's own comma state: the next token after it needs a comma.
	tok, err := p.value()
	if err != nil {
		return 0, err
	}
	p.pending, p.ptext, p.text = tok, p.text, name
	return jField, nil
}

// value reads the token that starts a value at p.pos.
func (p *jsonStream) value() (jsonTok, error) {
	switch c := p.s[p.pos]; {
	case c == '{' || c == '[':
		p.pos++
		p.stack = append(p.stack, c)
		p.comma, p.text = false, punct(c)
		if c == '{' {
			return jStartObject, nil
		}
		return jStartArray, nil
	case c == '"':
		s, err := p.str()
		p.text = s
		return jString, err
	case c == '-' || c >= '0' && c <= '9':
		return p.number()
	case c == 't':
		return p.literal("true", jTrue)
	case c == 'f':
		return p.literal("false", jFalse)
	case c == 'n':
		return p.literal("null", jNull)
	}
	return 0, errJSON
}

func (p *jsonStream) close(c byte) (jsonTok, error) {
	n := len(p.stack)
	if n == 0 || (c == '}') != (p.stack[n-1] == '{') {
		return 0, errJSON
	}
	p.pos++
	p.stack = p.stack[:n-1]
	p.comma, p.text = true, punct(c)
	if c == '}' {
		return jEndObject, nil
	}
	return jEndArray, nil
}

// punct is the text of a bracket token, without allocating it.
func punct(c byte) string {
	switch c {
	case '{':
		return "{"
	case '}':
		return "}"
	case '[':
		return "["
	}
	return "]"
}

// skipSpace moves past whitespace and reports whether input remains.
// Jackson treats any other control character as an error.
func (p *jsonStream) skipSpace() bool {
	for p.pos < len(p.s) {
		switch p.s[p.pos] {
		case ' ', '\t', '\n', '\r':
			p.pos++
		default:
			return true
		}
	}
	return false
}

// str reads a string token starting at the opening quote. A string
// without escapes that is valid UTF-8 is its own decoding, so it comes back
// as a substring of the input, without a copy; the rest is decoded.
func (p *jsonStream) str() (string, error) {
	start := p.pos + 1
	for i := start; i < len(p.s); {
		switch c := p.s[i]; {
		case c == '"':
			p.pos = i + 1
			return p.s[start:i], nil
		case c < 0x20 || c == '\\':
			return p.strDecode(start, i)
		case c < utf8.RuneSelf:
			i++
		default:
			r, size := utf8.DecodeRuneInString(p.s[i:])
			if r == utf8.RuneError && size == 1 {
				return p.strDecode(start, i)
			}
			i += size
		}
	}
	return "", errJSON
}

// strDecode decodes the string token whose content starts at start and
// runs as is up to i: escapes are decoded, a byte that is not UTF-8
// becomes U+FFFD, and a control character is an error.
func (p *jsonStream) strDecode(start, i int) (string, error) {
	var b strings.Builder
	b.WriteString(p.s[start:i])
	for i < len(p.s) {
		c := p.s[i]
		switch {
		case c == '"':
			p.pos = i + 1
			return b.String(), nil
		case c < 0x20:
			return "", errJSON
		case c == '\\':
			n, err := unescape(p.s, i, &b)
			if err != nil {
				return "", err
			}
			i += n
		case c < utf8.RuneSelf:
			b.WriteByte(c)
			i++
		default:
			r, size := utf8.DecodeRuneInString(p.s[i:])
			b.WriteRune(r)
			i += size
		}
	}
	return "", errJSON
}

// unescape decodes the escape at s[i] ("\") into b and returns its length.
func unescape(s string, i int, b *strings.Builder) (int, error) {
	if i+1 >= len(s) {
		return 0, errJSON
	}
	if r := shortEscape(s[i+1]); r != 0 {
		b.WriteByte(r)
		return 2, nil
	}
	if s[i+1] != 'u' || i+6 > len(s) {
		return 0, errJSON
	}
	r, err := strconv.ParseUint(s[i+2:i+6], 16, 16)
	if err != nil {
		return 0, errJSON
	}
	// A surrogate pair arrives as two escapes; Java keeps a lone half, which
	// Go strings cannot hold, so it becomes U+FFFD.
	if utf16.IsSurrogate(rune(r)) && i+12 <= len(s) && s[i+6] == '\\' && s[i+7] == 'u' {
		if r2, err := strconv.ParseUint(s[i+8:i+12], 16, 16); err == nil {
			if pair := utf16.DecodeRune(rune(r), rune(r2)); pair != utf8.RuneError {
				b.WriteRune(pair)
				return 12, nil
			}
		}
	}
	b.WriteRune(rune(r))
	return 6, nil
}

// number reads -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?; at the top
// level it must be followed by whitespace or the end (Jackson's
// _verifyRootSpace), elsewhere whatever follows is the next token's concern.
func (p *jsonStream) number() (jsonTok, error) {
	i := p.pos
	if p.s[i] == '-' {
		i++
	}
	digits := func() int {
		j := i
		for i < len(p.s) && p.s[i] >= '0' && p.s[i] <= '9' {
			i++
		}
		return i - j
	}
	start := i
	if n := digits(); n == 0 || n > 1 && p.s[start] == '0' {
		return 0, errJSON
	}
	if i < len(p.s) && p.s[i] == '.' {
		i++
		if digits() == 0 {
			return 0, errJSON
		}
	}
	if i < len(p.s) && (p.s[i] == 'e' || p.s[i] == 'E') {
		i++
		if i < len(p.s) && (p.s[i] == '+' || p.s[i] == '-') {
			i++
		}
		if digits() == 0 {
			return 0, errJSON
		}
	}
	if len(p.stack) == 0 && i < len(p.s) && !strings.ContainsRune(" \t\r\n", rune(p.s[i])) {
		return 0, errJSON
	}
	p.text, p.pos = p.s[p.pos:i], i
	return jNumber, nil
}

// literal reads true, false or null; like Jackson it rejects the word when
// an identifier character follows ("truex").
func (p *jsonStream) literal(word string, tok jsonTok) (jsonTok, error) {
	if !strings.HasPrefix(p.s[p.pos:], word) {
		return 0, errJSON
	}
	end := p.pos + len(word)
	if end < len(p.s) {
		if r, _ := utf8.DecodeRuneInString(p.s[end:]); r == '_' || r == '$' || r >= '0' && r <= '9' ||
			r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= 0x80 {
			return 0, errJSON
		}
	}
	p.text, p.pos = word, end
	return tok, nil
}

// skip moves past the value that starts with tok.
func (p *jsonStream) skip(tok jsonTok) error {
	if tok != jStartObject && tok != jStartArray {
		return nil
	}
	for depth := 1; depth > 0; {
		t, err := p.next()
		if err != nil {
			return err
		}
		switch t {
		case jStartObject, jStartArray:
			depth++
		case jEndObject, jEndArray:
			depth--
		}
	}
	return nil
}

// copyValue appends the value that starts with tok to dst as compact JSON.
func (p *jsonStream) copyValue(tok jsonTok, dst []byte) ([]byte, error) {
	for depth := 0; ; {
		if tok != jEndObject && tok != jEndArray && needsComma(dst) {
			dst = append(dst, ',')
		}
		switch tok {
		case jStartObject, jStartArray:
			depth++
			dst = append(dst, p.text...)
		case jEndObject, jEndArray:
			depth--
			dst = append(dst, p.text...)
		case jField:
			dst = append(appendQuoted(dst, p.text), ':')
		case jString:
			dst = appendQuoted(dst, p.text)
		default:
			dst = append(dst, p.text...)
		}
		if depth == 0 {
			return dst, nil
		}
		var err error
		if tok, err = p.next(); err != nil {
			return dst, err
		}
	}
}

// needsComma reports whether the compact text so far ends with a value.
func needsComma(b []byte) bool {
	if len(b) == 0 {
		return false
	}
	last := b[len(b)-1]
	return last != '{' && last != '[' && last != ':'
}

// shortEscape decodes JSON's two-character escapes: the character that
// follows the backslash gives the character meant, 0 when it is not one
// of them.
func shortEscape(c byte) byte {
	switch c {
	case '"', '\\', '/':
		return c
	case 'b':
		return '\b'
	case 'f':
		return '\f'
	case 'n':
		return '\n'
	case 'r':
		return '\r'
	case 't':
		return '\t'
	}
	return 0
}

// quoteJSON writes s as a JSON string the way Jackson's generator does;
// see appendQuoted.
func quoteJSON(s string) string {
	return string(appendQuoted(nil, s))
}

// appendQuoted appends s to dst as a JSON string the way Jackson's
// generator writes it: quote, backslash and control characters escaped,
// everything else as is; a byte that is not UTF-8 is U+FFFD (as Go's
// range over a string reads it). Runs of characters that need nothing are
// copied whole.
func appendQuoted(dst []byte, s string) []byte {
	dst = append(dst, '"')
	run := 0 // start of the run not yet copied
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' && c < utf8.RuneSelf {
			i++
			continue
		}
		if c >= utf8.RuneSelf {
			r, size := utf8.DecodeRuneInString(s[i:])
			if r != utf8.RuneError || size != 1 {
				i += size
				continue
			}
			dst = append(append(dst, s[run:i]...), "\uFFFD"...)
			i++
			run = i
			continue
		}
		dst = appendEscape(append(dst, s[run:i]...), c)
		i++
		run = i
	}
	dst = append(dst, s[run:]...)
	return append(dst, '"')
}

// appendEscape appends the escape of an ASCII character that needs one.
func appendEscape(dst []byte, c byte) []byte {
	switch c {
	case '"', '\\':
		return append(dst, '\\', c)
	case '\n':
		return append(dst, `\n`...)
	case '\r':
		return append(dst, `\r`...)
	case '\t':
		return append(dst, `\t`...)
	case '\b':
		return append(dst, `\b`...)
	case '\f':
		return append(dst, `\f`...)
	}
	const hex = "0123456789abcdef"
	return append(dst, '\\', 'u', '0', '0', hex[c>>4], hex[c&15])
}
