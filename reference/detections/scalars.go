package detections

// KQL's scalar semantics, written over gjson values of a raw CloudTrail
// record. They are written again here, rather than shared with the KQL
// engine or the projection, so that the reference stays independent.
// Sources: SEMANTICS.md §2 and the "Decisions" section of
// docs/ARCHITECTURE.md, with the Microsoft pages cited at each function.

import (
	"bytes"
	"encoding/json"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/tidwall/gjson"
)

// field walks an object path in a record: every step must be an object,
// and the last occurrence of a key counts, as in the AWSCloudTrail
// projection and KQL's parse_json (docs/ARCHITECTURE.md, Decisions:
// duplicate keys). It returns a Result that does not exist when the path
// breaks.
func field(v gjson.Result, path ...string) gjson.Result {
	for _, key := range path {
		if !v.IsObject() {
			return gjson.Result{}
		}
		var last gjson.Result
		v.ForEach(func(k, val gjson.Result) bool {
			if k.Str == key {
				last = val
			}
			return true
		})
		v = last
	}
	return v
}

// column is the text of an AWSCloudTrail string column filled from a
// record field (SEMANTICS.md §1 and the Decisions): absent or null is "",
// a string is its content, a number or boolean its JSON text as written,
// an object or array its compact JSON text.
func column(v gjson.Result) string {
	return tostring(v)
}

// tostring is KQL's tostring() of a dynamic value: null is "", a string
// is itself, anything else its JSON text
// (learn.microsoft.com/kusto/query/tostring-function). Numbers keep the
// text they were written with: whether KQL prints the real 4.0 as "4" is
// not documented, and the seed rule never prints a number.
func tostring(v gjson.Result) string {
	switch v.Type {
	case gjson.Null:
		return ""
	case gjson.String:
		return v.Str
	case gjson.JSON:
		if !strings.ContainsAny(v.Raw, " \t\r\n") {
			return v.Raw
		}
		var b bytes.Buffer
		if json.Compact(&b, []byte(v.Raw)) != nil {
			return v.Raw
		}
		return b.String()
	}
	return v.Raw
}

// parseJSONColumn is parse_json(C) for the string column C filled from
// the record field v. The column's text is v's compact JSON when v is an
// object, array, number or boolean, so parsing it gives v back. When v is
// a JSON string, its content is parsed: text that is not valid JSON
// (truncated, say) becomes a dynamic string, on which every member access
// is null, and "" becomes null (Decisions: parse_json; also
// learn.microsoft.com/kusto/query/parse-json-function). Both come back
// here as a Result that is not an object or array, which member and
// element treat as null.
func parseJSONColumn(v gjson.Result) gjson.Result {
	if v.Type != gjson.String {
		return v
	}
	if !gjson.Valid(v.Str) {
		return gjson.Result{}
	}
	return gjson.Parse(v.Str)
}

// member is d.key on a dynamic value: null unless d is a property bag.
func member(d gjson.Result, key string) gjson.Result {
	return field(d, key)
}

// element is d[i] on a dynamic value: null unless d is an array with an
// element at i. Negative i counts from the end.
func element(d gjson.Result, i int) gjson.Result {
	if !d.IsArray() {
		return gjson.Result{}
	}
	arr := d.Array()
	if i < 0 {
		i += len(arr)
	}
	if i < 0 || i >= len(arr) {
		return gjson.Result{}
	}
	return arr[i]
}

// toint is KQL's toint() of a dynamic value, as the Decisions fix it: an
// integer converts if it fits in 32 bits; a real is truncated toward zero
// (learn.microsoft.com/kusto/query/toint-function: toint(2.3) is 2); a
// string is read as a number when it is numeric text (isNumericText) and
// then converted the same way; true is 1 and false 0; anything else, and
// any value out of the 32-bit range, is null (ok false).
func toint(v gjson.Result) (int64, bool) {
	switch v.Type {
	case gjson.True:
		return 1, true
	case gjson.False:
		return 0, true
	case gjson.Number:
		return numberToInt(v.Raw)
	case gjson.String:
		s := strings.Trim(v.Str, numberSpace)
		if !isNumericText(s) {
			return 0, false
		}
		return numberToInt(strings.TrimPrefix(s, "+"))
	}
	return 0, false
}

// numberToInt converts the text of a number to a 32-bit int.
func numberToInt(s string) (int64, bool) {
	if !strings.ContainsAny(s, ".eE") {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n < math.MinInt32 || n > math.MaxInt32 {
			return 0, false
		}
		return n, true
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil && !isRangeErr(err) {
		return 0, false
	}
	f = math.Trunc(f)
	if math.IsNaN(f) || f < math.MinInt32 || f > math.MaxInt32 {
		return 0, false
	}
	return int64(f), true
}

func isRangeErr(err error) bool {
	ne, ok := err.(*strconv.NumError)
	return ok && ne.Err == strconv.ErrRange
}

// numberSpace is the white space a numeric text may have around it: what
// .NET's NumberStyles.AllowLeadingWhite and AllowTrailingWhite allow
// (U+0009 to U+000D and U+0020), no other space.
const numberSpace = "\t\n\v\f\r "

// isNumericText reports whether s, its white space trimmed, is numeric
// text as the Decisions define it for toint: an optional sign, digits with
// an optional fraction (or a fraction alone), an optional exponent. It is
// the shape of .NET's NumberStyles.Float; Microsoft's docs only show
// toint("123"), so the choice is written down in docs/ARCHITECTURE.md.
// Hexadecimal, "Infinity", "NaN", thousands separators and other spaces
// are not numbers.
func isNumericText(s string) bool {
	i := 0
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		i++
	}
	digits := func() int {
		n := 0
		for ; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
			n++
		}
		return n
	}
	n := digits()
	if i < len(s) && s[i] == '.' {
		i++
		n += digits()
	}
	if n == 0 {
		return false
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		if digits() == 0 {
			return false
		}
	}
	return i == len(s)
}

// equalsFold is KQL's =~. Microsoft's page for it says case-insensitive
// operators fold ASCII letters only ("Case-insensitive operators are
// currently supported only for ASCII-text",
// learn.microsoft.com/kusto/query/equals-operator), so "ſ" (long s) is
// not "s" here, although Go's strings.EqualFold would say it is.
func equalsFold(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		if lowerASCII(a[i]) != lowerASCII(b[i]) {
			return false
		}
	}
	return true
}

func lowerASCII(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// splitLast is tostring(split(s, sep)[-1]): the piece after the last sep,
// or s itself when sep does not occur; split("", sep) is [""]
// (learn.microsoft.com/kusto/query/split-function).
func splitLast(s, sep string) string {
	if i := strings.LastIndex(s, sep); i >= 0 {
		return s[i+len(sep):]
	}
	return s
}

// splitAt is tostring(split(s, sep, i)[0]): the three-argument split
// returns an array holding only piece i, or an empty array when there is
// no piece i; [0] of the empty array is null, which tostring makes ""
// (learn.microsoft.com/kusto/query/split-function: split("aaa_bbb_ccc",
// "_", 1) is ["bbb"]).
func splitAt(s, sep string, i int) string {
	pieces := strings.Split(s, sep)
	if i < 0 || i >= len(pieces) {
		return ""
	}
	return pieces[i]
}

// hoursDiff is datetime_diff('hour', end, start): the number of hour
// boundaries from start to end, floor(end/1h) - floor(start/1h), never the
// elapsed hours (learn.microsoft.com/kusto/query/datetime-diff-function:
// datetime_diff('hour', 2017-10-31 01:00, 2017-10-30 23:59) is 2).
func hoursDiff(end, start time.Time) int64 {
	return floorDiv(end.Unix(), 3600) - floorDiv(start.Unix(), 3600)
}

// floorDiv divides rounding toward minus infinity, so that times before
// 1970 fall in the right hour.
func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}
