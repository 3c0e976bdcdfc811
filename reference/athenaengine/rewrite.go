package athenaengine

import (
	"regexp"
	"sort"
	"strings"
	"unicode/utf8"
)

// The places where the layer edits the SQL text instead of defining a
// function: syntax, which no macro can replace. All but one only insert
// text, so every position maps back to the text as written (positionMap).
//
// 1. A timestamp literal with a time zone. In Trino,
// TIMESTAMP '2020-03-01 00:00:00 UTC' (datetime.md's own example) or
// TIMESTAMP '2026-03-02 01:00:00 +01:00' is a timestamp with time zone. In
// DuckDB a TIMESTAMP literal has no zone: a region or non-zero offset is an
// error, and an offset written without a space is silently dropped
// (2026-03-02 01:00:00+01:00 would be read as 01:00 UTC, an hour late). The
// rewrite inserts "TZ": TIMESTAMP '...' becomes TIMESTAMPTZ '...', which
// DuckDB reads with the zone (ICU), the same instant Trino denotes. Literals
// without a zone are left alone.
//
// 2. CAST and TRY_CAST to an integer type. DuckDB's integer casts disagree
// with Trino's in two ways that change which rows a detection keeps:
//
//   - From varchar, Trino parses with Java's Integer.parseInt /
//     Long.parseLong (trinodb/trino FromVarchar.toInteger, toBigint): an
//     optional sign and digits, nothing else. DuckDB also accepts "4.0",
//     "4.5" (rounded to 5), "1e2" and " 4 ". For CloudTrail's coreCount
//     written as 4.0, TRY_CAST(json_extract_scalar(...) AS integer) is NULL
//     in Athena and 4 in plain DuckDB; a translation that relies on it would
//     pass here and drop the row in Athena.
//   - From double, Trino rounds half away from zero (DoubleOperators
//     castToInteger calls MathFunctions.round: CAST(2.5e0 AS integer) = 3,
//     CAST(-2.5e0 AS integer) = -3); DuckDB rounds half to even (2).
//
// The rewrite wraps the operand, and nothing else:
//
//	CAST(x AS integer)      ->  CAST(__trino_int_arg(x) AS integer)
//	TRY_CAST(x AS bigint)   ->  TRY_CAST(__trino_int_arg(x) AS bigint)
//
// for the target types tinyint, smallint, integer, int and bigint. The
// macro (compat.go) passes a varchar through only when it is a Java integer
// literal and otherwise turns it into text no cast accepts, so CAST still
// fails and TRY_CAST still yields NULL; it rounds a double half away from
// zero, which makes the outer cast exact; it passes integers, booleans and
// NULL through. The outer cast keeps its own range check, so overflow still
// fails (CAST) or yields NULL (TRY_CAST) as in Trino.

// 3. CAST and TRY_CAST to JSON. Trino casts a value to JSON as the JSON
// value it is: a varchar becomes a JSON string (json.md: CAST('abc' AS
// JSON) is JSON '"abc"'), an array a JSON array, a number or boolean
// itself. DuckDB's cast of a varchar to JSON parses the text instead, and
// fails on text that is not JSON ("Malformed JSON"), which the emitter
// casts on purpose (parse_json of text that is not JSON is a dynamic
// string). The rewrite wraps the operand in __trino_json_arg, DuckDB's
// to_json, whose result the cast to JSON then keeps:
//
//	CAST(x AS JSON)  ->  CAST(__trino_json_arg(x) AS JSON)

// 4. CAST and TRY_CAST to ARRAY(JSON) and MAP(VARCHAR, JSON), Trino's
// partial casts of a JSON array or object (json.md, "Cast from JSON"). Two
// things differ in DuckDB: an array type is written JSON[], not
// ARRAY(JSON); and a JSON null inside the value becomes SQL NULL, where
// Trino keeps JSON 'null' (CAST(JSON '[null]' AS ARRAY(JSON)) is
// [JSON 'null']). Also, DuckDB reads a VARCHAR operand (json_extract's
// result here) with its own list and map syntax, so the operand is made
// JSON first. The rewrite replaces the type and wraps both sides:
//
//	CAST(x AS ARRAY(JSON))          ->  __trino_json_nulls(CAST(__trino_json_doc(x) AS JSON[]))
//	TRY_CAST(x AS MAP(VARCHAR, JSON)) ->  __trino_json_map_nulls(TRY_CAST(__trino_json_doc(x) AS MAP(VARCHAR, JSON)))
//
// 5. transform(array, lambda): Trino's name (array.md); DuckDB's function
// is list_transform, and a macro cannot take a lambda. "list_" is
// inserted before the name when a "(" follows it.
//
// Only 4 replaces text (the type name); a position inside the
// replacement maps to its start.

// sqlToken is one lexical token of the SQL text: its kind and byte span.
type sqlToken struct {
	kind       byte // 'w' word, 'q' quoted identifier, 's' string, 'n' number, 'p' punctuation
	start, end int
}

// lexSQL splits SQL into tokens, dropping whitespace and comments. It never
// fails: an unterminated string or comment runs to the end of the text, and
// DuckDB reports it when the query runs.
func lexSQL(src string) []sqlToken {
	var toks []sqlToken
	for i := 0; i < len(src); {
		c := src[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f':
			i++
		case c == '-' && strings.HasPrefix(src[i:], "--"):
			if j := strings.IndexByte(src[i:], '\n'); j >= 0 {
				i += j
			} else {
				i = len(src)
			}
		case c == '/' && strings.HasPrefix(src[i:], "/*"):
			if j := strings.Index(src[i+2:], "*/"); j >= 0 {
				i += j + 4
			} else {
				i = len(src)
			}
		case c == '\'' || c == '"':
			j := quotedEnd(src, i)
			kind := byte('s')
			if c == '"' {
				kind = 'q'
			}
			toks = append(toks, sqlToken{kind, i, j})
			i = j
		case isWordStart(c):
			j := i + 1
			for j < len(src) && isWordPart(src[j]) {
				j++
			}
			toks = append(toks, sqlToken{'w', i, j})
			i = j
		case c >= '0' && c <= '9' || c == '.' && i+1 < len(src) && src[i+1] >= '0' && src[i+1] <= '9':
			j := i + 1
			for j < len(src) && (isWordPart(src[j]) || src[j] == '.') {
				j++
			}
			toks = append(toks, sqlToken{'n', i, j})
			i = j
		default:
			_, size := utf8.DecodeRuneInString(src[i:])
			toks = append(toks, sqlToken{'p', i, i + size})
			i += size
		}
	}
	return toks
}

// quotedEnd returns the end of the quoted token starting at i; a doubled
// quote character inside is an escaped quote, in Trino and in DuckDB.
func quotedEnd(src string, i int) int {
	q := src[i]
	for j := i + 1; j < len(src); j++ {
		if src[j] != q {
			continue
		}
		if j+1 < len(src) && src[j+1] == q {
			j++
			continue
		}
		return j + 1
	}
	return len(src)
}

func isWordStart(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= 0x80
}

func isWordPart(c byte) bool {
	return isWordStart(c) || c >= '0' && c <= '9' || c == '$'
}

// integerTypes are the cast targets whose semantics the rewrite repairs.
var integerTypes = map[string]bool{"tinyint": true, "smallint": true, "integer": true, "int": true, "bigint": true}

// edit replaces the del bytes at a byte offset of the original SQL by
// text (an insertion when del is 0).
type edit struct {
	at   int
	text string
	del  int
}

// timestampLiteral splits the text of a Trino timestamp literal into the
// date and optional time, and what follows them: the zone, if any.
var timestampLiteral = regexp.MustCompile(`^\s*[+-]?\d+-\d{1,2}-\d{1,2}(?:[ T]\d{1,2}:\d{1,2}(?::\d{1,2}(?:\.\d*)?)?)?\s*(.*?)\s*$`)

// hasZone reports whether a timestamp literal's text names a zone.
func hasZone(text string) bool {
	m := timestampLiteral.FindStringSubmatch(text)
	return m != nil && m[1] != ""
}

// rewrite returns the SQL with both rewrites applied, and the map from
// positions in the result back to positions in src.
func rewrite(src string) (string, positionMap) {
	toks := lexSQL(src)
	var edits []edit
	for i := 0; i+1 < len(toks); i++ {
		if toks[i].kind != 'w' {
			continue
		}
		word := strings.ToLower(src[toks[i].start:toks[i].end])
		next := toks[i+1]
		if word == "timestamp" && next.kind == 's' && hasZone(strings.TrimSuffix(src[next.start+1:next.end], "'")) {
			edits = append(edits, edit{at: toks[i].end, text: "TZ"})
			continue
		}
		if word == "transform" && src[next.start:next.end] == "(" {
			edits = append(edits, edit{at: toks[i].start, text: "list_"})
			continue
		}
		if (word != "cast" && word != "try_cast") || src[next.start:next.end] != "(" {
			continue
		}
		as, closing := castParts(src, toks, i+1)
		if as < 0 || as+1 == closing {
			continue
		}
		target := strings.Join(strings.Fields(strings.ToLower(src[toks[as+1].start:toks[closing-1].end])), "")
		wrap := "__trino_int_arg("
		switch {
		case integerTypes[target]:
		case target == "json":
			wrap = "__trino_json_arg("
		case target == "array(json)":
			edits = append(edits, jsonCastEdits(toks, i, as, closing, "__trino_json_nulls(", "JSON[]")...)
			continue
		case target == "map(varchar,json)":
			edits = append(edits, jsonCastEdits(toks, i, as, closing, "__trino_json_map_nulls(", "")...)
			continue
		default:
			continue
		}
		edits = append(edits,
			edit{at: toks[i+1].end, text: wrap},
			edit{at: toks[as-1].end, text: ")"})
	}
	return applyEdits(src, edits)
}

// jsonCastEdits are the edits of rewrite 4 for the cast whose keyword is
// toks[kw]: outer wraps the cast, the operand becomes JSON, and the
// target type is replaced by typ unless typ is "".
func jsonCastEdits(toks []sqlToken, kw, as, closing int, outer, typ string) []edit {
	edits := []edit{
		{at: toks[kw].start, text: outer},
		{at: toks[kw+1].end, text: "__trino_json_doc("},
		{at: toks[as-1].end, text: ")"},
	}
	if typ != "" {
		start, end := toks[as+1].start, toks[closing-1].end
		edits = append(edits, edit{at: start, text: typ, del: end - start})
	}
	return append(edits, edit{at: toks[closing].end, text: ")"})
}

// castParts finds, for the "(" at toks[open], the index of the AS keyword
// at the parentheses' own depth (the last one, since the operand may hold
// nested casts) and of the matching ")". It returns -1, -1 when the
// parentheses do not close or hold no AS after an operand.
func castParts(src string, toks []sqlToken, open int) (as, closing int) {
	depth, as := 0, -1
	for j := open; j < len(toks); j++ {
		t := toks[j]
		if t.kind != 'p' && t.kind != 'w' {
			continue
		}
		switch text := src[t.start:t.end]; {
		case text == "(" || text == "[":
			depth++
		case text == ")" || text == "]":
			depth--
			if depth == 0 {
				if as <= open+1 {
					return -1, -1
				}
				return as, j
			}
		case depth == 1 && t.kind == 'w' && strings.EqualFold(text, "as"):
			as = j
		}
	}
	return -1, -1
}

// positionMap maps byte offsets of rewritten SQL back to the original.
type positionMap []edit

// applyEdits performs the insertions (sorted by offset; two at the same
// offset keep their order) and records them for positionMap.
func applyEdits(src string, edits []edit) (string, positionMap) {
	sort.SliceStable(edits, func(i, j int) bool { return edits[i].at < edits[j].at })
	var b strings.Builder
	last := 0
	for _, e := range edits {
		b.WriteString(src[last:e.at])
		b.WriteString(e.text)
		last = e.at + e.del
	}
	b.WriteString(src[last:])
	return b.String(), positionMap(edits)
}

// original returns the offset in the original SQL of byte offset pos in the
// rewritten SQL. A position inside inserted or replacing text maps to where
// the text was put.
func (m positionMap) original(pos int) int {
	shift := 0
	for _, e := range m {
		start := e.at + shift
		if pos < start {
			break
		}
		if pos < start+len(e.text) {
			return e.at
		}
		shift += len(e.text) - e.del
	}
	return pos - shift
}

// lineCol turns a byte offset of src into a 1-based line and a 1-based
// column counted in characters, as an editor shows them.
func lineCol(src string, off int) (line, col int) {
	if off > len(src) {
		off = len(src)
	}
	before := src[:off]
	line = strings.Count(before, "\n") + 1
	lineStart := strings.LastIndexByte(before, '\n') + 1
	return line, utf8.RuneCountInString(before[lineStart:]) + 1
}
