package athenaengine

import (
	"errors"
	"math"
	"sort"
	"strconv"
	"strings"
	"unicode/utf16"
)

// Trino's json_parse, in Go. Trino reads the text with Jackson into Java
// maps and lists and writes it back with a mapper that orders map entries
// by key (trinodb/trino JsonFunctions.jsonParse:
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
//   - strings are written with Jackson's escapes (quoteJSON).
// Text that is not one strict JSON value fails, as Jackson's parser does.
// DuckDB's own JSON functions keep duplicate keys and the written order,
// which made json_extract_scalar(json_parse(x), ...) read the first of two
// duplicate keys where Athena reads the last.

var errNotJSON = errors.New("Cannot convert value to JSON")

// jsonNode is a parsed JSON value: an object (keys and vals), an array
// (vals), or a scalar token with its text.
type jsonNode struct {
	tok  jsonTok
	text string
	keys []string
	vals []*jsonNode
}

// jsonParse returns the canonical text of the JSON value s.
func jsonParse(s string) (string, error) {
	p := newJSONStream(s)
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

// maxJSONDepth bounds nesting, as Jackson's StreamReadConstraints do
// (1000 by default since Jackson 2.15).
const maxJSONDepth = 1000

// tree reads the value that starts with tok.
func (p *jsonStream) tree(tok jsonTok, depth int) (*jsonNode, error) {
	if depth > maxJSONDepth {
		return nil, errNotJSON
	}
	n := &jsonNode{tok: tok, text: p.text}
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
func (n *jsonNode) write(b *strings.Builder) {
	switch n.tok {
	case jStartObject:
		order := make([]int, len(n.keys))
		for i := range order {
			order[i] = i
		}
		sort.Slice(order, func(i, j int) bool { return javaLess(n.keys[order[i]], n.keys[order[j]]) })
		b.WriteByte('{')
		for i, k := range order {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(quoteJSON(n.keys[k]))
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
		b.WriteString(quoteJSON(n.text))
	case jNumber:
		b.WriteString(javaNumber(n.text))
	default:
		b.WriteString(n.text)
	}
}

// javaLess orders strings as Java's String.compareTo: by UTF-16 code
// units, which differs from Go's byte order for characters above U+FFFF
// against U+E000..U+FFFF.
func javaLess(a, b string) bool {
	ua, ub := utf16.Encode([]rune(a)), utf16.Encode([]rune(b))
	for i := 0; i < len(ua) && i < len(ub); i++ {
		if ua[i] != ub[i] {
			return ua[i] < ub[i]
		}
	}
	return len(ua) < len(ub)
}

// javaNumber is the text Jackson writes for a JSON number it read into a
// Java object: an integer as its digits, anything else as a double.
func javaNumber(s string) string {
	if !strings.ContainsAny(s, ".eE") {
		if s == "-0" {
			return "0"
		}
		return s
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil && !math.IsInf(f, 0) {
		return s // cannot happen: the tokenizer read a JSON number
	}
	return javaDouble(f)
}

// javaDouble writes f as Java's Double.toString: plain notation with at
// least one fraction digit from 10^-3 up to 10^7, else d.dddE±n.
func javaDouble(f float64) string {
	switch {
	case math.IsInf(f, 1):
		return `"Infinity"`
	case math.IsInf(f, -1):
		return `"-Infinity"`
	case f == 0:
		if math.Signbit(f) {
			return "-0.0"
		}
		return "0.0"
	}
	if a := math.Abs(f); a >= 1e-3 && a < 1e7 {
		s := strconv.FormatFloat(f, 'f', -1, 64)
		if !strings.Contains(s, ".") {
			s += ".0"
		}
		return s
	}
	e := strconv.FormatFloat(f, 'e', -1, 64) // -d.ddde±XX
	mant, exp, _ := strings.Cut(e, "e")
	if !strings.Contains(mant, ".") {
		mant += ".0"
	}
	n, _ := strconv.Atoi(exp)
	return mant + "E" + strconv.Itoa(n)
}
