package athenaengine

import (
	"cmp"
	"errors"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
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

// jsonParse returns the canonical text of the JSON value s.
func jsonParse(s string) (string, error) {
	out, err := appendCanonical(nil, s)
	return string(out), err
}

// appendCanonical appends the canonical text of the JSON value s to dst.
func appendCanonical(dst []byte, s string) ([]byte, error) {
	c := canonWriter{p: jsonStream{s: s}, out: dst}
	tok, err := c.p.next()
	if err != nil || tok == jEOF {
		return dst, errNotJSON
	}
	if err := c.value(tok, 0); err != nil {
		return dst, errNotJSON
	}
	if tok, err := c.p.next(); err != nil || tok != jEOF {
		return dst, errNotJSON
	}
	return c.out, nil
}

// maxJSONDepth bounds nesting, as Jackson's StreamReadConstraints do
// (1000 by default since Jackson 2.15).
const maxJSONDepth = 1000

// canonWriter writes canonical JSON as it reads the text, without
// building a tree: a value's canonical text goes straight to out, and an
// object whose keys are not already in order (or repeat) has its members'
// texts, canonical already, put in order and deduplicated in place when it
// closes. An object written with sorted keys costs nothing more.
type canonWriter struct {
	p   jsonStream
	out []byte
	// members holds the members read so far of every object still open,
	// innermost last.
	members []member
	// scratch is where an object's members are put in order.
	scratch []byte
}

// member is one object member already written to out.
type member struct {
	key        string
	start, end int // `"key":value` in out, without the comma before it
}

// value writes the value that starts with tok.
func (c *canonWriter) value(tok jsonTok, depth int) error {
	if depth > maxJSONDepth {
		return errNotJSON
	}
	switch tok {
	case jStartObject:
		return c.object(depth)
	case jStartArray:
		return c.array(depth)
	case jString:
		c.out = appendQuoted(c.out, c.p.text)
	case jNumber:
		c.out = append(c.out, javaNumber(c.p.text)...)
	case jTrue, jFalse, jNull:
		c.out = append(c.out, c.p.text...)
	default:
		return errNotJSON
	}
	return nil
}

// object writes an object whose "{" was just read.
func (c *canonWriter) object(depth int) error {
	open := len(c.out)
	c.out = append(c.out, '{')
	base := len(c.members)
	inOrder := true
	for {
		t, err := c.p.next()
		if err != nil {
			return err
		}
		if t == jEndObject {
			break
		}
		key := c.p.text // t is jField: the value's token is pending
		vt, err := c.p.next()
		if err != nil {
			return err
		}
		if n := len(c.members); n > base {
			c.out = append(c.out, ',')
			inOrder = inOrder && javaCompare(c.members[n-1].key, key) < 0
		}
		start := len(c.out)
		c.out = append(appendQuoted(c.out, key), ':')
		if err := c.value(vt, depth+1); err != nil {
			return err
		}
		c.members = append(c.members, member{key, start, len(c.out)})
	}
	if !inOrder {
		c.reorder(open+1, c.members[base:])
	}
	c.members = c.members[:base]
	c.out = append(c.out, '}')
	return nil
}

// reorder rewrites out from from on as the members sorted by key, each key
// once with its last value (the last of duplicate keys wins, as a Java
// map's put).
func (c *canonWriter) reorder(from int, ms []member) {
	slices.SortStableFunc(ms, func(a, b member) int { return javaCompare(a.key, b.key) })
	c.scratch = c.scratch[:0]
	for i, m := range ms {
		if i+1 < len(ms) && ms[i+1].key == m.key {
			continue // a later value of the same key follows
		}
		if len(c.scratch) > 0 {
			c.scratch = append(c.scratch, ',')
		}
		c.scratch = append(c.scratch, c.out[m.start:m.end]...)
	}
	c.out = append(c.out[:from], c.scratch...)
}

// array writes an array whose "[" was just read.
func (c *canonWriter) array(depth int) error {
	c.out = append(c.out, '[')
	for i := 0; ; i++ {
		t, err := c.p.next()
		if err != nil {
			return err
		}
		if t == jEndArray {
			break
		}
		if i > 0 {
			c.out = append(c.out, ',')
		}
		if err := c.value(t, depth+1); err != nil {
			return err
		}
	}
	c.out = append(c.out, ']')
	return nil
}

// javaCompare orders strings as Java's String.compareTo: by UTF-16 code
// units. That is byte order except where the first difference is between
// a character above U+FFFF and one in U+E000..U+FFFF, so only a first
// difference at a non-ASCII byte takes the slow way.
func javaCompare(a, b string) int {
	n := min(len(a), len(b))
	i := 0
	for i < n && a[i] == b[i] {
		i++
	}
	if i == n {
		return cmp.Compare(len(a), len(b))
	}
	if a[i] < utf8.RuneSelf && b[i] < utf8.RuneSelf {
		return cmp.Compare(a[i], b[i])
	}
	return slices.Compare(utf16.Encode([]rune(a)), utf16.Encode([]rune(b)))
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
