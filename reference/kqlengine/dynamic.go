package kqlengine

import (
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"
	"unicode/utf8"
)

// Bag is a KQL property bag: string keys mapped to dynamic values, keeping
// the order in which keys were first set, so that tostring of a bag parsed
// from JSON gives the keys back as written. Bags are never modified once a
// query has built them, which lets rows share them. Small bags (most JSON
// objects) are searched linearly; an index is built past bagIndexAt keys.
type Bag struct {
	keys  []string
	vals  []any
	index map[string]int
}

const bagIndexAt = 16

func newBag(n int) *Bag { return &Bag{keys: make([]string, 0, n), vals: make([]any, 0, n)} }

func (b *Bag) find(key string) int {
	if b.index != nil {
		if i, ok := b.index[key]; ok {
			return i
		}
		return -1
	}
	for i, k := range b.keys {
		if k == key {
			return i
		}
	}
	return -1
}

// Set sets key to v; a key set twice keeps its first position and the last
// value, as a JSON object with a repeated key reads in most parsers.
func (b *Bag) Set(key string, v any) {
	if i := b.find(key); i >= 0 {
		b.vals[i] = v
		return
	}
	b.keys = append(b.keys, key)
	b.vals = append(b.vals, v)
	if b.index != nil {
		b.index[key] = len(b.keys) - 1
	} else if len(b.keys) > bagIndexAt {
		b.index = make(map[string]int, len(b.keys))
		for i, k := range b.keys {
			b.index[k] = i
		}
	}
}

// Get returns the value of key.
func (b *Bag) Get(key string) (any, bool) {
	if i := b.find(key); i >= 0 {
		return b.vals[i], true
	}
	return nil, false
}

// Keys returns the keys in insertion order.
func (b *Bag) Keys() []string { return b.keys }

// Len returns the number of keys.
func (b *Bag) Len() int { return len(b.keys) }

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// ---------------------------------------------------------------------------
// JSON text -> dynamic

// parseJSON parses text as one strict RFC 8259 JSON value (surrounding
// whitespace allowed). ok is false for anything else, including truncated
// text: parse_json then keeps the text as a dynamic string (ARCHITECTURE.md
// Decisions; parse_json: https://learn.microsoft.com/kusto/query/parse-json-function).
// Integers that fit 64 bits become long, other numbers real, as Kusto's
// dynamic model distinguishes long from real.
func parseJSON(text string) (v any, ok bool) {
	p := jsonParser{s: text}
	p.space()
	v, ok = p.value(0)
	if !ok {
		return nil, false
	}
	p.space()
	return v, p.i == len(p.s)
}

// maxJSONDepth bounds nesting so hostile input cannot exhaust the stack.
const maxJSONDepth = 1000

type jsonParser struct {
	s string
	i int
}

func (p *jsonParser) space() {
	for p.i < len(p.s) {
		switch p.s[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

func (p *jsonParser) value(depth int) (any, bool) {
	if p.i >= len(p.s) || depth > maxJSONDepth {
		return nil, false
	}
	switch c := p.s[p.i]; {
	case c == '{':
		return p.object(depth)
	case c == '[':
		return p.array(depth)
	case c == '"':
		return p.str()
	case c == '-' || (c >= '0' && c <= '9'):
		return p.number()
	case strings.HasPrefix(p.s[p.i:], "true"):
		p.i += 4
		return true, true
	case strings.HasPrefix(p.s[p.i:], "false"):
		p.i += 5
		return false, true
	case strings.HasPrefix(p.s[p.i:], "null"):
		p.i += 4
		return nil, true
	}
	return nil, false
}

func (p *jsonParser) object(depth int) (any, bool) {
	p.i++ // {
	b := newBag(4)
	p.space()
	if p.i < len(p.s) && p.s[p.i] == '}' {
		p.i++
		return b, true
	}
	for {
		p.space()
		if p.i >= len(p.s) || p.s[p.i] != '"' {
			return nil, false
		}
		k, ok := p.str()
		if !ok {
			return nil, false
		}
		p.space()
		if p.i >= len(p.s) || p.s[p.i] != ':' {
			return nil, false
		}
		p.i++
		p.space()
		v, ok := p.value(depth + 1)
		if !ok {
			return nil, false
		}
		b.Set(k.(string), v)
		p.space()
		if p.i >= len(p.s) {
			return nil, false
		}
		switch p.s[p.i] {
		case ',':
			p.i++
		case '}':
			p.i++
			return b, true
		default:
			return nil, false
		}
	}
}

func (p *jsonParser) array(depth int) (any, bool) {
	p.i++ // [
	arr := []any{}
	p.space()
	if p.i < len(p.s) && p.s[p.i] == ']' {
		p.i++
		return arr, true
	}
	for {
		p.space()
		v, ok := p.value(depth + 1)
		if !ok {
			return nil, false
		}
		arr = append(arr, v)
		p.space()
		if p.i >= len(p.s) {
			return nil, false
		}
		switch p.s[p.i] {
		case ',':
			p.i++
		case ']':
			p.i++
			return arr, true
		default:
			return nil, false
		}
	}
}

// str reads a JSON string starting at the opening quote.
func (p *jsonParser) str() (any, bool) {
	p.i++ // "
	start := p.i
	// Fast path: no escapes.
	for p.i < len(p.s) {
		c := p.s[p.i]
		if c == '"' {
			s := p.s[start:p.i]
			p.i++
			return s, true
		}
		if c == '\\' || c < 0x20 {
			break
		}
		p.i++
	}
	var b strings.Builder
	b.WriteString(p.s[start:p.i])
	for p.i < len(p.s) {
		c := p.s[p.i]
		switch {
		case c == '"':
			p.i++
			return b.String(), true
		case c < 0x20:
			return nil, false
		case c == '\\':
			if !p.escape(&b) {
				return nil, false
			}
		default:
			b.WriteByte(c)
			p.i++
		}
	}
	return nil, false
}

// escape decodes one backslash escape into b.
func (p *jsonParser) escape(b *strings.Builder) bool {
	if p.i+1 >= len(p.s) {
		return false
	}
	c := p.s[p.i+1]
	p.i += 2
	switch c {
	case '"', '\\', '/':
		b.WriteByte(c)
	case 'b':
		b.WriteByte('\b')
	case 'f':
		b.WriteByte('\f')
	case 'n':
		b.WriteByte('\n')
	case 'r':
		b.WriteByte('\r')
	case 't':
		b.WriteByte('\t')
	case 'u':
		r, ok := p.hex4()
		if !ok {
			return false
		}
		if utf16.IsSurrogate(r) {
			// A high surrogate followed by \uDC00-\uDFFF is one rune; a
			// lone surrogate decodes to U+FFFD, as encoding/json does.
			if p.i+1 < len(p.s) && p.s[p.i] == '\\' && p.s[p.i+1] == 'u' {
				save := p.i
				p.i += 2
				r2, ok := p.hex4()
				if ok {
					if dec := utf16.DecodeRune(r, r2); dec != utf8.RuneError {
						b.WriteRune(dec)
						return true
					}
				}
				p.i = save
			}
			r = utf8.RuneError
		}
		b.WriteRune(r)
	default:
		return false
	}
	return true
}

func (p *jsonParser) hex4() (rune, bool) {
	if p.i+4 > len(p.s) {
		return 0, false
	}
	n, err := strconv.ParseUint(p.s[p.i:p.i+4], 16, 32)
	if err != nil {
		return 0, false
	}
	p.i += 4
	return rune(n), true
}

// number reads a JSON number with the strict grammar
// -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func (p *jsonParser) number() (any, bool) {
	start := p.i
	if p.s[p.i] == '-' {
		p.i++
	}
	if p.i >= len(p.s) {
		return nil, false
	}
	if p.s[p.i] == '0' {
		p.i++
	} else if !p.digits() {
		return nil, false
	}
	integral := true
	if p.i < len(p.s) && p.s[p.i] == '.' {
		integral = false
		p.i++
		if !p.digits() {
			return nil, false
		}
	}
	if p.i < len(p.s) && (p.s[p.i] == 'e' || p.s[p.i] == 'E') {
		integral = false
		p.i++
		if p.i < len(p.s) && (p.s[p.i] == '+' || p.s[p.i] == '-') {
			p.i++
		}
		if !p.digits() {
			return nil, false
		}
	}
	text := p.s[start:p.i]
	if integral {
		if n, err := strconv.ParseInt(text, 10, 64); err == nil {
			return n, true
		}
	}
	f, err := strconv.ParseFloat(text, 64)
	if err != nil && !isRangeErr(err) {
		return nil, false
	}
	return f, true
}

func isRangeErr(err error) bool { return strings.Contains(err.Error(), "value out of range") }

func (p *jsonParser) digits() bool {
	start := p.i
	for p.i < len(p.s) && p.s[p.i] >= '0' && p.s[p.i] <= '9' {
		p.i++
	}
	return p.i > start
}

// ---------------------------------------------------------------------------
// dynamic -> JSON text

// dynamicJSON writes v as compact JSON: bag keys in their order, reals in
// Kusto's shortest form (118.0 prints as 118, as in the parse_json doc's
// example output), datetimes and timespans as strings, since JSON has no
// such types (dynamic: https://learn.microsoft.com/kusto/query/scalar-data-types/dynamic).
func dynamicJSON(v any) string {
	var b strings.Builder
	writeJSON(&b, v)
	return b.String()
}

func writeJSON(b *strings.Builder, v any) {
	switch x := v.(type) {
	case nil:
		b.WriteString("null")
	case bool:
		b.WriteString(strconv.FormatBool(x))
	case int64:
		b.WriteString(strconv.FormatInt(x, 10))
	case float64:
		if x == 0 {
			x = 0 // JSON text "-0" would read back as the long 0: print 0
		}
		s := formatReal(x)
		if s == "NaN" || strings.Contains(s, "Infinity") {
			writeJSONString(b, s)
		} else {
			b.WriteString(s)
		}
	case string:
		writeJSONString(b, x)
	case time.Time:
		writeJSONString(b, formatDatetime(x))
	case time.Duration:
		writeJSONString(b, formatTimespan(x))
	case []any:
		b.WriteByte('[')
		for i, e := range x {
			if i > 0 {
				b.WriteByte(',')
			}
			writeJSON(b, e)
		}
		b.WriteByte(']')
	case *Bag:
		b.WriteByte('{')
		for i, k := range x.keys {
			if i > 0 {
				b.WriteByte(',')
			}
			writeJSONString(b, k)
			b.WriteByte(':')
			writeJSON(b, x.vals[i])
		}
		b.WriteByte('}')
	default:
		writeJSONString(b, "?")
	}
}

const hexDigits = "0123456789abcdef"

// writeJSONString quotes s with JSON escapes, leaving <, > and & alone.
func writeJSONString(b *strings.Builder, s string) {
	b.WriteByte('"')
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' && c < utf8.RuneSelf {
			b.WriteByte(c)
			i++
			continue
		}
		switch c {
		case '"', '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		default:
			if c < 0x20 {
				b.WriteString(`\u00`)
				b.WriteByte(hexDigits[c>>4])
				b.WriteByte(hexDigits[c&0xf])
				i++
				continue
			}
			r, size := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && size == 1 {
				b.WriteRune(utf8.RuneError) // invalid UTF-8 becomes U+FFFD
			} else {
				b.WriteString(s[i : i+size])
			}
			i += size
			continue
		}
		i++
	}
	b.WriteByte('"')
}

// ---------------------------------------------------------------------------
// access

// dynIndex returns element i of an array (negative counts from the end:
// arr[-1] is the last element, per the dynamic page's accessor table), or
// null when v is not an array or i is out of range.
func dynIndex(v any, i int64) any {
	arr, ok := v.([]any)
	if !ok {
		return nil
	}
	if i < 0 {
		i += int64(len(arr))
	}
	if i < 0 || i >= int64(len(arr)) {
		return nil
	}
	return arr[i]
}

// dynMember returns member key of a bag, or null when v is not a bag (a
// dynamic string left by parse_json of invalid JSON has no members) or
// lacks the key.
func dynMember(v any, key string) any {
	b, ok := v.(*Bag)
	if !ok {
		return nil
	}
	m, _ := b.Get(key)
	return m
}

// dynamicEqual reports whether two dynamic values are the same value: the
// same JSON text, with numbers compared by value (1 and 1.0 are equal).
func dynamicEqual(a, b any) bool {
	if x, ok := dynNumber(a); ok {
		if y, ok := dynNumber(b); ok {
			return x == y
		}
		return false
	}
	return dynamicJSON(a) == dynamicJSON(b)
}

func dynNumber(v any) (float64, bool) {
	switch x := v.(type) {
	case int64:
		return float64(x), true
	case float64:
		return x, true
	}
	return 0, false
}
