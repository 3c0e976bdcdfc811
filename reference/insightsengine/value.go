package insightsengine

import (
	"bytes"
	"encoding/json"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/tidwall/gjson"
)

// Values. A value is nil (a missing field: Logs Insights has one notion of
// "no value", which ispresent and coalesce test), a string, a float64
// (Logs Insights numbers are doubles), a bool (what comparisons and
// ispresent return), a time.Time (@timestamp, bin, fromMillis), a
// *jsonValue (a map or list from jsonParse), a []any (a list literal such
// as [300,400,500]), or, inside function arguments only, a period or a
// *regexp.Regexp.
//
// Guess: a field assigned a null value (fields coalesce(a, b) as c with
// both missing) is the same as a missing field: ispresent(c) is false. The
// documents know one "null" (coalesce returns "the first non-null value")
// and one test for presence.

// jsonValue is an object or array from jsonParse. It keeps the JSON text
// and reads members on access, so a query that reads three members of a
// large record does not build the whole tree. Keys keep their document
// order (jsonStringify writes them back as the log had them); a key that
// appears twice reads its last value, as JSON parsers commonly do.
type jsonValue struct{ r gjson.Result }

func (j *jsonValue) isObject() bool { return j.r.IsObject() }

// get reads an object member, nil when absent or when j is an array.
func (j *jsonValue) get(key string) any {
	if !j.r.IsObject() {
		return nil
	}
	var found gjson.Result
	j.r.ForEach(func(k, v gjson.Result) bool {
		if k.Str == key {
			found = v
		}
		return true
	})
	return fromGJSON(found)
}

// at reads an array element, nil when out of range or when j is an object.
func (j *jsonValue) at(i int) any {
	if !j.r.IsArray() {
		return nil
	}
	var found gjson.Result
	n := 0
	j.r.ForEach(func(_, v gjson.Result) bool {
		if n == i {
			found = v
			return false
		}
		n++
		return true
	})
	return fromGJSON(found)
}

// elems returns an array's elements, nil for an object.
func (j *jsonValue) elems() []any {
	if !j.r.IsArray() {
		return nil
	}
	var list []any
	j.r.ForEach(func(_, v gjson.Result) bool {
		list = append(list, fromGJSON(v))
		return true
	})
	return list
}

// decodeJSON reads JSON text into a value. It reports false for text that
// is not exactly one JSON value.
func decodeJSON(s string) (any, bool) {
	if !gjson.Valid(s) {
		return nil, false
	}
	return fromGJSON(gjson.Parse(s)), true
}

// fromGJSON converts one parsed JSON value; a missing one is nil.
func fromGJSON(r gjson.Result) any {
	switch r.Type {
	case gjson.String:
		return r.Str
	case gjson.Number:
		f, err := strconv.ParseFloat(r.Raw, 64)
		if err != nil {
			return r.Raw // out of a double's range: keep the text
		}
		return f
	case gjson.True, gjson.False:
		return r.Bool()
	case gjson.JSON:
		return &jsonValue{r}
	}
	return nil
}

// encodeJSON writes a value as compact JSON, object keys in their order.
func encodeJSON(v any) string {
	var b bytes.Buffer
	writeJSON(&b, v)
	return b.String()
}

func writeJSON(b *bytes.Buffer, v any) {
	switch v := v.(type) {
	case *jsonValue:
		if v.isObject() {
			writeObject(b, v)
			return
		}
		b.WriteByte('[')
		first := true
		v.r.ForEach(func(_, e gjson.Result) bool {
			if !first {
				b.WriteByte(',')
			}
			first = false
			writeJSON(b, fromGJSON(e))
			return true
		})
		b.WriteByte(']')
	case []any:
		b.WriteByte('[')
		for i, e := range v {
			if i > 0 {
				b.WriteByte(',')
			}
			writeJSON(b, e)
		}
		b.WriteByte(']')
	case float64:
		b.WriteString(formatNumber(v))
	case time.Time:
		writeJSON(b, v.UTC().Format(time.RFC3339Nano))
	default:
		enc := json.NewEncoder(b)
		enc.SetEscapeHTML(false)
		_ = enc.Encode(v)
		b.Truncate(b.Len() - 1) // Encode's newline
	}
}

// writeObject writes a map once per key: a key written twice in the log
// is one member of the map, with its last value (what get reads), at the
// place it first appeared, as a JSON parser that builds a map keeps it.
func writeObject(b *bytes.Buffer, v *jsonValue) {
	var keys []string
	last := map[string]gjson.Result{}
	v.r.ForEach(func(k, e gjson.Result) bool {
		if _, seen := last[k.Str]; !seen {
			keys = append(keys, k.Str)
		}
		last[k.Str] = e
		return true
	})
	b.WriteByte('{')
	for i, k := range keys {
		if i > 0 {
			b.WriteByte(',')
		}
		writeJSON(b, k)
		b.WriteByte(':')
		writeJSON(b, fromGJSON(last[k]))
	}
	b.WriteByte('}')
}

func isStructure(v any) bool {
	switch v.(type) {
	case *jsonValue, []any:
		return true
	}
	return false
}

var numberText = regexp.MustCompile(`^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?$`)

// toNumber converts a value for arithmetic and numeric functions. A
// string converts when it is a decimal number (the documented queries do
// arithmetic and comparisons on fields that parse extracted as text, such
// as statusCode >= 400).
// Guess: a boolean is 1 or 0, the values the documents show for ispresent
// in results; a timestamp is not a number (toMillis converts it), nor is a
// map or list.
func toNumber(v any) (float64, bool) {
	switch v := v.(type) {
	case float64:
		return v, true
	case bool:
		if v {
			return 1, true
		}
		return 0, true
	case string:
		if !numberText.MatchString(v) {
			return 0, false
		}
		f, err := strconv.ParseFloat(v, 64)
		return f, err == nil
	}
	return 0, false
}

// toText converts a value for string functions. "Maps and lists are
// treated as null for string, number, and datetime functions" (Structure
// types, CWL_QuerySyntax-operations-functions.html).
// Guess: numbers print in shortest form, booleans as 1 and 0 (as results
// show them), timestamps in RFC 3339.
func toText(v any) (string, bool) {
	switch v := v.(type) {
	case string:
		return v, true
	case float64:
		return formatNumber(v), true
	case bool:
		if v {
			return "1", true
		}
		return "0", true
	case time.Time:
		return v.UTC().Format(time.RFC3339Nano), true
	}
	return "", false
}

func formatNumber(f float64) string {
	if f == math.Trunc(f) && math.Abs(f) < 1e21 {
		return strconv.FormatFloat(f, 'f', -1, 64)
	}
	return strconv.FormatFloat(f, 'g', -1, 64)
}

// truthy decides whether filter keeps an event.
// Guess: true and any non-zero number keep it, since isempty and
// strcontains return 1 or 0 and are used as conditions; anything else,
// null included, drops it.
func truthy(v any) bool {
	switch v := v.(type) {
	case bool:
		return v
	case float64:
		return v != 0 && !math.IsNaN(v)
	}
	return false
}

// compare applies a comparison operator. The documents say comparison
// operators "accept all data types as arguments and return a Boolean
// result", and that comparing a map or list to anything is false; the
// filter page matches statusCode in [300,400,500] on text, so a number
// against a string that holds a number compares numerically. The rest is
// pinned in TestMissingFieldSemantics and TestCompare.
// Guess: a missing value makes every comparison false (so x != 5 drops
// events without x), since comparisons return a Boolean, never null.
// Guess: two timestamps compare in time; two strings compare as text, even
// when both hold numbers; any other pair (a number and other text, a
// timestamp and anything but a timestamp, which published guides say
// matches nothing) is unordered: only != holds.
func compare(op string, a, b any) bool {
	if a == nil || b == nil || isStructure(a) || isStructure(b) {
		return false
	}
	c, ok := order(a, b)
	if !ok {
		return op == "!=" // unordered values differ, and nothing else holds
	}
	switch op {
	case "=":
		return c == 0
	case "!=":
		return c != 0
	case "<":
		return c < 0
	case "<=":
		return c <= 0
	case ">":
		return c > 0
	case ">=":
		return c >= 0
	}
	return false
}

// order compares two non-null, non-structure values for comparisons and
// min/max; ok is false when they cannot be ordered: a timestamp against
// anything but a timestamp, or a number against text that is not a number.
func order(a, b any) (int, bool) {
	ta, aTime := a.(time.Time)
	tb, bTime := b.(time.Time)
	switch {
	case aTime && bTime:
		return ta.Compare(tb), true
	case aTime || bTime:
		return 0, false
	}
	_, aText := a.(string)
	_, bText := b.(string)
	if aText && bText {
		return strings.Compare(a.(string), b.(string)), true
	}
	x, ok1 := toNumber(a)
	y, ok2 := toNumber(b)
	if !ok1 || !ok2 {
		return 0, false
	}
	return cmpFloat(x, y), true
}

func cmpFloat(x, y float64) int {
	switch {
	case x < y:
		return -1
	case x > y:
		return 1
	}
	return 0
}

// groupKey encodes a value so that values Logs Insights treats as equal
// share a key: for stats groups, count_distinct and dedup.
// Guess: a number and a string holding that number are different keys, as
// are 1 and true: grouping keeps values as the log wrote them.
func groupKey(v any) string {
	switch v := v.(type) {
	case nil:
		return "n"
	case string:
		return "s" + v
	case float64:
		return "f" + formatNumber(v)
	case bool:
		return "b" + strconv.FormatBool(v)
	case time.Time:
		return "t" + strconv.FormatInt(v.UnixNano(), 10)
	}
	return "j" + encodeJSON(v)
}

// outputValue is how a value appears in the result table: booleans as 1
// or 0 (the documents say a field set from ispresent "equals 0 or 1"),
// maps and lists as their JSON text, everything else unchanged.
func outputValue(v any) any {
	switch v := v.(type) {
	case bool:
		if v {
			return 1.0
		}
		return 0.0
	case *jsonValue, []any:
		return encodeJSON(v)
	}
	return v
}

// naturalCompare orders two values the way the sort command does
// ascending, per https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/CWL_QuerySyntax-Sort.html:
// "All non-number values come before all number values. Number values are
// values that include only numbers", and non-number values are split into
// runs of digits and runs of other characters, "non-numeric portions by
// their Unicode values, and ... numeric portions by their length first and
// then by their numerical value". The page's worked example is pinned in
// TestNaturalSort; its "01" before "1" needs numbers equal in value to fall
// back to their text, and its "2345_" before "@" shows a digit run
// compared with another run by Unicode.
// Guess: a missing value sorts before everything, so that desc puts it
// last and top-N queries skip it; a timestamp is the number of its epoch
// milliseconds.
func naturalCompare(a, b any) int {
	if a == nil || b == nil {
		return boolRank(a != nil) - boolRank(b != nil)
	}
	x, aNum := sortNumber(a)
	y, bNum := sortNumber(b)
	switch {
	case aNum && bNum:
		if c := cmpFloat(x, y); c != 0 {
			return c
		}
		return strings.Compare(sortText(a), sortText(b))
	case aNum != bNum:
		return boolRank(aNum) - boolRank(bNum)
	}
	return compareChunks(sortText(a), sortText(b))
}

func boolRank(b bool) int {
	if b {
		return 1
	}
	return 0
}

func sortNumber(v any) (float64, bool) {
	switch v := v.(type) {
	case time.Time:
		return float64(v.UnixMilli()), true
	case float64, bool:
		return toNumber(v)
	case string:
		if isDigits(strings.TrimPrefix(v, "-")) {
			return toNumber(v)
		}
	}
	return 0, false
}

// isDigits reports whether s is one or more digits with at most one
// decimal point between them.
func isDigits(s string) bool {
	if s == "" {
		return false
	}
	dot := false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case isDigit(c):
		case c == '.' && !dot && i > 0 && i < len(s)-1:
			dot = true
		default:
			return false
		}
	}
	return true
}

func sortText(v any) string {
	if s, ok := toText(v); ok {
		return s
	}
	return encodeJSON(v)
}

func compareChunks(a, b string) int {
	for a != "" && b != "" {
		ca, ra := nextChunk(a)
		cb, rb := nextChunk(b)
		if c := compareChunk(ca, cb); c != 0 {
			return c
		}
		a, b = ra, rb
	}
	return len(a) - len(b)
}

// nextChunk splits off the leading run of digits or of non-digits.
func nextChunk(s string) (chunk, rest string) {
	digits := isDigit(s[0])
	i := 1
	for i < len(s) && isDigit(s[i]) == digits {
		i++
	}
	return s[:i], s[i:]
}

func compareChunk(a, b string) int {
	if isDigit(a[0]) && isDigit(b[0]) {
		if len(a) != len(b) {
			return len(a) - len(b)
		}
	}
	return strings.Compare(a, b)
}
