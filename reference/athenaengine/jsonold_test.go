package athenaengine

// The JSON functions as they were before they were made fast (git
// history: jsonstream.go, jsonparse.go and jsonpath.go before the commit
// that added this file): a string decoded rune by rune, json_parse through
// a tree. TestJSONMatchesOld and FuzzJSONMatchesOld hold the fast code to
// the same answers on every input, so the compat tests that pinned this
// code against Trino's documentation still speak for the fast code.

import (
	"sort"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// oldStream is a pull tokenizer that reports errors where Jackson's
// default JsonParser (the one Trino's JsonExtract uses) would: strict JSON
// (no comments, no single quotes, no leading zeros, no trailing commas, only
// space, tab, CR and LF as whitespace), a number or literal read in full
// when its first character is met, a value after a field name read together
// with the name, and a number at the top level rejected when a non-space
// follows it. Nothing past the last token asked for is examined, which is
// what lets a truncated document yield the values before the cut.
type oldStream struct {
	s       string
	pos     int
	stack   []byte // '{' or '[' per open container
	comma   bool   // a value was read in the current container
	pending *jsonTok
	text    string // decoded string, field name, or number/literal text
	ptext   string
}

func newOldStream(s string) *oldStream { return &oldStream{s: s} }

// next returns the next token; p.text holds its text.
func (p *oldStream) next() (jsonTok, error) {
	if p.pending != nil {
		tok := *p.pending
		p.pending, p.text = nil, p.ptext
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
func (p *oldStream) field() (jsonTok, error) {
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
	p.pending, p.ptext, p.text = &tok, p.text, name
	return jField, nil
}

// value reads the token that starts a value at p.pos.
func (p *oldStream) value() (jsonTok, error) {
	switch c := p.s[p.pos]; {
	case c == '{' || c == '[':
		p.pos++
		p.stack = append(p.stack, c)
		p.comma, p.text = false, string(c)
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

func (p *oldStream) close(c byte) (jsonTok, error) {
	n := len(p.stack)
	if n == 0 || (c == '}') != (p.stack[n-1] == '{') {
		return 0, errJSON
	}
	p.pos++
	p.stack = p.stack[:n-1]
	p.comma, p.text = true, string(c)
	if c == '}' {
		return jEndObject, nil
	}
	return jEndArray, nil
}

// skipSpace moves past whitespace and reports whether input remains.
// Jackson treats any other control character as an error.
func (p *oldStream) skipSpace() bool {
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

// str reads a string token starting at the opening quote.
func (p *oldStream) str() (string, error) {
	var b strings.Builder
	for i := p.pos + 1; i < len(p.s); {
		c := p.s[i]
		switch {
		case c == '"':
			p.pos = i + 1
			return b.String(), nil
		case c < 0x20:
			return "", errJSON
		case c == '\\':
			n, err := oldUnescape(p.s, i, &b)
			if err != nil {
				return "", err
			}
			i += n
		default:
			r, size := utf8.DecodeRuneInString(p.s[i:])
			b.WriteRune(r)
			i += size
		}
	}
	return "", errJSON
}

// oldShortEscapes are JSON's two-character escapes.
var oldShortEscapes = map[byte]rune{'"': '"', '\\': '\\', '/': '/', 'b': '\b', 'f': '\f', 'n': '\n', 'r': '\r', 't': '\t'}

// oldUnescape decodes the escape at s[i] ("\") into b and returns its length.
func oldUnescape(s string, i int, b *strings.Builder) (int, error) {
	if i+1 >= len(s) {
		return 0, errJSON
	}
	if r := oldShortEscapes[s[i+1]]; r != 0 {
		b.WriteRune(r)
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
func (p *oldStream) number() (jsonTok, error) {
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
func (p *oldStream) literal(word string, tok jsonTok) (jsonTok, error) {
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
func (p *oldStream) skip(tok jsonTok) error {
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

// copyValue writes the value that starts with tok as compact JSON.
func (p *oldStream) copyValue(tok jsonTok, b *strings.Builder) error {
	for depth := 0; ; {
		if tok != jEndObject && tok != jEndArray && oldNeedsComma(b) {
			b.WriteByte(',')
		}
		switch tok {
		case jStartObject, jStartArray:
			depth++
			b.WriteString(p.text)
		case jEndObject, jEndArray:
			depth--
			b.WriteString(p.text)
		case jField:
			b.WriteString(oldQuoteJSON(p.text) + ":")
		case jString:
			b.WriteString(oldQuoteJSON(p.text))
		default:
			b.WriteString(p.text)
		}
		if depth == 0 {
			return nil
		}
		var err error
		if tok, err = p.next(); err != nil {
			return err
		}
	}
}

// oldNeedsComma reports whether the compact text so far ends with a value.
func oldNeedsComma(b *strings.Builder) bool {
	s := b.String()
	if s == "" {
		return false
	}
	last := s[len(s)-1]
	return last != '{' && last != '[' && last != ':'
}

// oldQuoteJSON writes s as a JSON string the way Jackson's generator does:
// quote, backslash and control characters escaped, everything else as is.
func oldQuoteJSON(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		case '\b':
			b.WriteString(`\b`)
		case '\f':
			b.WriteString(`\f`)
		default:
			if r < 0x20 {
				b.WriteString(`\u00`)
				b.WriteString(strconv.FormatInt(int64(r)>>4, 16))
				b.WriteString(strconv.FormatInt(int64(r)&15, 16))
				continue
			}
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// Trino's json_parse, in Go. Trino reads the text with Jackson into Java
// maps and lists and writes it back with a mapper that orders map entries
// by key (trinodb/trino JsonFunctions.oldJSONParse:
// SORTED_MAPPER.writeValue(out, SORTED_MAPPER.readValue(parser,
// Object.class)), SORTED_MAPPER configured with ORDER_MAP_ENTRIES_BY_KEYS).
// So the JSON value it returns is canonical:
//   - a key written twice keeps its last value: Jackson's untyped
//     deserializer puts each member into a LinkedHashMap, and a later put
//     replaces the earlier one;
//   - object keys come out sorted, in Java's String order (UTF-16 code
//     units);
//   - integers keep their digits ("-0" becomes 0); a number with a
//     fraction or an exponent becomes a Java double and is written as
//     Double.toString writes it (1e2 is 100.0, 1e10 is 1.0E10);
//     Unverified: Double.toString's digits are taken to be the shortest
//     that read back to the same double (JDK 19 and later), and a double
//     out of range (1e400) to be written as the string "Infinity", Jackson's
//     QUOTE_NON_NUMERIC_NUMBERS default;
//   - strings are written with Jackson's escapes (oldQuoteJSON).
// Text that is not one strict JSON value fails, as Jackson's parser does.
// DuckDB's own JSON functions keep duplicate keys and the written order,
// which made json_extract_scalar(json_parse(x), ...) read the first of two
// duplicate keys where Athena reads the last.

// oldNode is a parsed JSON value: an object (keys and vals), an array
// (vals), or a scalar token with its text.
type oldNode struct {
	tok  jsonTok
	text string
	keys []string
	vals []*oldNode
}

// oldJSONParse returns the canonical text of the JSON value s.
func oldJSONParse(s string) (string, error) {
	p := newOldStream(s)
	tok, err := p.next()
	if err != nil || tok == jEOF {
		return "", errNotJSON
	}
	v, err := p.tree(tok, 0)
	if err != nil {
		return "", errNotJSON
	}
	if tok, err := p.next(); err != nil || tok != jEOF {
		return "", errNotJSON
	}
	var b strings.Builder
	v.write(&b)
	return b.String(), nil
}

// tree reads the value that starts with tok.
func (p *oldStream) tree(tok jsonTok, depth int) (*oldNode, error) {
	if depth > maxJSONDepth {
		return nil, errNotJSON
	}
	n := &oldNode{tok: tok, text: p.text}
	switch tok {
	case jStartObject:
		index := map[string]int{}
		for {
			t, err := p.next()
			if err != nil {
				return nil, err
			}
			if t == jEndObject {
				return n, nil
			}
			key := p.text // t is jField: the value's token is pending
			vt, err := p.next()
			if err != nil {
				return nil, err
			}
			v, err := p.tree(vt, depth+1)
			if err != nil {
				return nil, err
			}
			if i, ok := index[key]; ok {
				n.vals[i] = v // the last of duplicate keys wins
				continue
			}
			index[key] = len(n.keys)
			n.keys, n.vals = append(n.keys, key), append(n.vals, v)
		}
	case jStartArray:
		for {
			t, err := p.next()
			if err != nil {
				return nil, err
			}
			if t == jEndArray {
				return n, nil
			}
			v, err := p.tree(t, depth+1)
			if err != nil {
				return nil, err
			}
			n.vals = append(n.vals, v)
		}
	case jString, jNumber, jTrue, jFalse, jNull:
		return n, nil
	}
	return nil, errNotJSON
}

// write writes n as compact canonical JSON.
func (n *oldNode) write(b *strings.Builder) {
	switch n.tok {
	case jStartObject:
		order := make([]int, len(n.keys))
		for i := range order {
			order[i] = i
		}
		sort.Slice(order, func(i, j int) bool { return oldJavaLess(n.keys[order[i]], n.keys[order[j]]) })
		b.WriteByte('{')
		for i, k := range order {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(oldQuoteJSON(n.keys[k]))
			b.WriteByte(':')
			n.vals[k].write(b)
		}
		b.WriteByte('}')
	case jStartArray:
		b.WriteByte('[')
		for i, v := range n.vals {
			if i > 0 {
				b.WriteByte(',')
			}
			v.write(b)
		}
		b.WriteByte(']')
	case jString:
		b.WriteString(oldQuoteJSON(n.text))
	case jNumber:
		b.WriteString(javaNumber(n.text))
	default:
		b.WriteString(n.text)
	}
}

// oldJavaLess orders strings as Java's String.compareTo: by UTF-16 code
// units, which differs from Go's byte order for characters above U+FFFF
// against U+E000..U+FFFF.
func oldJavaLess(a, b string) bool {
	ua, ub := utf16.Encode([]rune(a)), utf16.Encode([]rune(b))
	for i := 0; i < len(ua) && i < len(ub); i++ {
		if ua[i] != ub[i] {
			return ua[i] < ub[i]
		}
	}
	return len(ua) < len(ub)
}

// oldExtractScalar is json_extract_scalar(doc, path); ok is false for NULL.
func oldExtractScalar(doc string, path jsonPath) (string, bool) {
	p := newOldStream(doc)
	tok, err := p.next()
	if err != nil || tok == jEOF {
		return "", false
	}
	tok, err = oldWalk(p, tok, path)
	if err != nil {
		return "", false
	}
	switch tok {
	case jString, jNumber, jTrue, jFalse:
		return p.text, true
	}
	return "", false
}

// oldExtractJSON is json_extract(doc, path): the value's JSON text, compact.
// Unlike the scalar form it reads the whole value, so a value cut short is
// NULL. Unverified detail: Jackson re-serialises numbers, so Trino may
// respell a float (1e2 as 100.0); ruleport keeps the text as written.
func oldExtractJSON(doc string, path jsonPath) (string, bool) {
	p := newOldStream(doc)
	tok, err := p.next()
	if err != nil || tok == jEOF {
		return "", false
	}
	if tok, err = oldWalk(p, tok, path); err != nil {
		return "", false
	}
	var b strings.Builder
	if err := p.copyValue(tok, &b); err != nil {
		return "", false
	}
	return b.String(), true
}

// oldWalk follows path from the value whose first token is tok and returns the
// first token of the value it names, the stream positioned on it.
func oldWalk(p *oldStream, tok jsonTok, path jsonPath) (jsonTok, error) {
	for _, seg := range path {
		var err error
		switch tok {
		case jStartObject:
			tok, err = p.findField(seg)
		case jStartArray:
			tok, err = p.findIndex(javaParseInt(seg))
		default:
			return 0, errStop
		}
		if err != nil {
			return 0, err
		}
	}
	return tok, nil
}

// findField advances inside an object to the value of key.
func (p *oldStream) findField(key string) (jsonTok, error) {
	for {
		tok, err := p.next()
		if err != nil {
			return 0, err
		}
		if tok == jEndObject {
			return 0, errStop
		}
		name := p.text
		if tok, err = p.next(); err != nil {
			return 0, err
		}
		if name == key {
			return tok, nil
		}
		if err := p.skip(tok); err != nil {
			return 0, err
		}
	}
}

// findIndex advances inside an array to element index (0-based).
func (p *oldStream) findIndex(index int) (jsonTok, error) {
	for i := 0; ; i++ {
		tok, err := p.next()
		if err != nil {
			return 0, err
		}
		if tok == jEndArray {
			return 0, errStop
		}
		if i == index {
			return tok, nil
		}
		if err := p.skip(tok); err != nil {
			return 0, err
		}
	}
}
