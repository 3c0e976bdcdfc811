package athenaengine

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Trino's json_extract_scalar and json_extract on varchar, modelled on
// trinodb/trino core/trino-main/.../operator/scalar/JsonExtract.java and
// JsonPathTokenizer.java. DuckDB's json functions cannot stand in: they
// reject any invalid document, while Trino's extractor walks the text with
// a streaming Jackson parser and returns as soon as it reaches the value,
// so text after the value is never read. That is the behaviour
// prestodb/presto#20916 reports ("JSON_EXTRACT_SCALAR returns values
// extracted from invalid JSON": json_extract_scalar('{"k1":"v1"', '$.k1')
// is 'v1'; a maintainer answered "Yes that's the idea"), and it matters for
// CloudTrail, which truncates oversized responseElements. The rules, as the
// Java code has them:
//   - A parse error met before the value is reached makes the result NULL.
//   - An object is searched field by field for the key (exact, case-
//     sensitive); the first match wins; other fields' values are skipped,
//     which still tokenises (and so validates) them.
//   - An array is indexed by the segment read as a Java int (a segment that
//     is not one, or a negative one, never matches: NULL).
//   - A scalar met while path segments remain is NULL, as is a missing key or
//     an index past the end.
//   - json_extract_scalar returns NULL for JSON null, objects and arrays,
//     and the text of a string (unescaped), number (as written) or boolean.

// jsonPath is a parsed Trino JSONPath: the segments after "$".
type jsonPath []string

// parseJSONPath follows JsonPathTokenizer: "$", then ".name" (letters,
// digits, "_" and ":"), "[name]" (letters, digits, "_") or ["quoted"]
// (with \" and \\ escapes) segments.
func parseJSONPath(path string) (jsonPath, error) {
	bad := fmt.Errorf("invalid JSON path: '%s'", path)
	if !strings.HasPrefix(path, "$") {
		return nil, bad
	}
	segs := jsonPath{}
	for i := 1; i < len(path); {
		switch path[i] {
		case '.':
			j := scanSegment(path, i+1, true)
			if j == i+1 {
				return nil, bad
			}
			segs, i = append(segs, path[i+1:j]), j
		case '[':
			seg, j, ok := scanSubscript(path, i+1)
			if !ok || j >= len(path) || path[j] != ']' {
				return nil, bad
			}
			segs, i = append(segs, seg), j+1
		default:
			return nil, bad
		}
	}
	return segs, nil
}

// scanSegment returns the end of an unquoted segment starting at i.
func scanSegment(path string, i int, colonOK bool) int {
	for i < len(path) {
		r, size := utf8.DecodeRuneInString(path[i:])
		if !(r == '_' || colonOK && r == ':' || unicode.IsLetter(r) || unicode.IsDigit(r)) {
			break
		}
		i += size
	}
	return i
}

// scanSubscript reads a bracketed subscript's content starting at i and
// returns it with the offset of the expected "]".
func scanSubscript(path string, i int) (string, int, bool) {
	if i < len(path) && path[i] == '"' {
		var b strings.Builder
		for j := i + 1; j < len(path); j++ {
			switch c := path[j]; {
			case c == '"':
				return b.String(), j + 1, true
			case c == '\\':
				if j+1 >= len(path) || path[j+1] != '"' && path[j+1] != '\\' {
					return "", 0, false
				}
				j++
				b.WriteByte(path[j])
			default:
				b.WriteByte(c)
			}
		}
		return "", 0, false
	}
	j := scanSegment(path, i, false)
	return path[i:j], j, j > i
}

// errStop ends a walk whose result is NULL without being an error.
var errStop = errors.New("no value")

// extractScalar is json_extract_scalar(doc, path); ok is false for NULL.
func extractScalar(doc string, path jsonPath) (string, bool) {
	p := newJSONStream(doc)
	tok, err := p.next()
	if err != nil || tok == jEOF {
		return "", false
	}
	tok, err = walk(p, tok, path)
	if err != nil {
		return "", false
	}
	switch tok {
	case jString, jNumber, jTrue, jFalse:
		return p.text, true
	}
	return "", false
}

// extractJSON is json_extract(doc, path): the value's JSON text, compact.
// Unlike the scalar form it reads the whole value, so a value cut short is
// NULL. Unverified detail: Jackson re-serialises numbers, so Trino may
// respell a float (1e2 as 100.0); ruleport keeps the text as written.
func extractJSON(doc string, path jsonPath) (string, bool) {
	p := newJSONStream(doc)
	tok, err := p.next()
	if err != nil || tok == jEOF {
		return "", false
	}
	if tok, err = walk(p, tok, path); err != nil {
		return "", false
	}
	out, err := p.copyValue(tok, nil)
	if err != nil {
		return "", false
	}
	return string(out), true
}

// walk follows path from the value whose first token is tok and returns the
// first token of the value it names, the stream positioned on it.
func walk(p *jsonStream, tok jsonTok, path jsonPath) (jsonTok, error) {
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
func (p *jsonStream) findField(key string) (jsonTok, error) {
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
func (p *jsonStream) findIndex(index int) (jsonTok, error) {
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

// javaParseInt is Integer.parseInt for ASCII input, -1 when it fails, as
// ObjectFieldJsonExtractor's tryParseInt.
func javaParseInt(s string) int {
	if s == "" || s == "+" || s == "-" {
		return -1
	}
	n, err := strconv.ParseInt(s, 10, 32)
	if err != nil {
		return -1
	}
	return int(n)
}
