package athenaengine

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// jsonDocs are inputs on which the fast JSON code could plausibly part
// from the old (jsonold_test.go): each exercises a fast path's edge.
var jsonDocs = []string{
	`{"b":1,"a":{"d":true,"c":null}}`,
	`{"a":1,"a":2}`,
	`{"b":1,"a":2,"b":3,"a":{"y":1,"x":2},"c":[{"k":1,"j":2}]}`,
	`{"a":"x","a":"y","a":"z"}`,
	`{"":1,"a":2,"":3}`,
	`{"ab":1,"a":2,"abc":3,"b":4}`,
	// Java orders UTF-16 units: U+FF5E sorts after U+1F600 (a surrogate,
	// 0xD83D), where UTF-8 byte order puts it before.
	`{"\uff5e":1,"😀":2,"a":3,"é":4,"\ue000":5}`,
	`{"😀b":1,"😀a":2,"～":3}`,
	`{"é":1,"e":2,"É":3}`,
	// Escapes: short, \u, pairs, lone halves, escaped quotes in keys.
	`{"a\"b":1,"a\\b":2,"a/b":"\/","t":"\t\n\r\b\f","u":"\u0001\u001f\u007f\u00e9"}`,
	`["\ud83d\ude00","\ud83d","\ude00x","\ud83dx","\ud83d\u0041"]`,
	`{"k\u0000":1,"k":2}`,
	"[\"a\u2028b\"]",
	// Invalid UTF-8 in strings and keys: each bad byte is U+FFFD.
	"[\"a\xffb\",\"\xc3\",\"\xe2\x82\"]",
	"{\"k\xff\":1,\"k\":2}",
	"[\"\xf0\x9f\x98\x80\xed\xa0\x80\"]",
	// Numbers.
	`[0,-0,1,-1,1.0,1e2,1E+2,1e-7,0.001,1e7,1.5e300,1e400,-1e400,12345678901234567890,4.70,-2.5,1e-400]`,
	`[01]`, `[1.]`, `[-]`, `[.5]`, `[1e]`, `[+1]`,
	// Literals and whitespace.
	` { "a" : [ true , false , null ] } `, "\t[1]\r\n", `truex`, `[truex]`, `nul`, `[true,]`,
	// Structure errors and cut documents.
	``, ` `, `{`, `[`, `{"a":1`, `{"a":1,}`, `{"a" 1}`, `{"a":1]`, `[1}`, `{"a":1} x`, `1 2`, `12x`, `"abc`,
	`{"a":"b"}}`, `[[]]]`, `{,}`, `{"a":1,,"b":2}`, `{'a':1}`, `{/*c*/"a":1}`, "[\"x\ty\"]", `["\x"]`, `["\u12"]`,
	// Scalars at the top.
	`"abc"`, `12`, `-0`, `1.5`, `true`, `null`, `""`,
	// Empty containers.
	`{}`, `[]`, `{"a":{},"b":[]}`, `[{},[],{"z":{}}]`,
}

// nested returns n arrays nested around a 1.
func nested(n int) string {
	return strings.Repeat("[", n) + "1" + strings.Repeat("]", n)
}

// TestJSONMatchesOld holds json_parse, json_extract_scalar, json_extract
// and the string quoting to the old code's answers (jsonold_test.go),
// which compat_test.go pinned against Trino's documentation.
func TestJSONMatchesOld(t *testing.T) {
	docs := append(append([]string{}, jsonDocs...), nested(1000), nested(1001),
		`{"x":`+nested(999)+`}`, `{"x":`+nested(1000)+`}`)
	paths := []string{"$", "$.a", "$.b", "$[0]", "$[1]", "$.a.c", `$["a\"b"]`, "$.k", "$[0][0]", "$.x"}
	for _, doc := range docs {
		compareJSON(t, doc, paths)
	}
}

// compareJSON compares every function on doc, with each path.
func compareJSON(t *testing.T, doc string, paths []string) {
	t.Helper()
	type result struct {
		Out string
		Err bool
	}
	got, gerr := jsonParse(doc)
	want, werr := oldJSONParse(doc)
	if diff := cmp.Diff(result{want, werr != nil}, result{got, gerr != nil}); diff != "" {
		t.Errorf("json_parse(%q) (-old +new):\n%s", doc, diff)
	}
	if diff := cmp.Diff(oldQuoteJSON(doc), quoteJSON(doc)); diff != "" {
		t.Errorf("quoteJSON(%q) (-old +new):\n%s", doc, diff)
	}
	for _, text := range paths {
		p, err := parseJSONPath(text)
		if err != nil {
			t.Fatalf("path %s: %v", text, err)
		}
		type extracted struct {
			Scalar, JSON     string
			ScalarOK, JSONOK bool
		}
		var w, g extracted
		w.Scalar, w.ScalarOK = oldExtractScalar(doc, p)
		w.JSON, w.JSONOK = oldExtractJSON(doc, p)
		g.Scalar, g.ScalarOK = extractScalar(doc, p)
		g.JSON, g.JSONOK = extractJSON(doc, p)
		if diff := cmp.Diff(w, g); diff != "" {
			t.Errorf("extract(%q, %s) (-old +new):\n%s", doc, text, diff)
		}
	}
}

// TestJavaCompare pins the UTF-16 order on the pairs where it is not
// byte order, worked out from the code units: U+FF5E is FF5E, U+1F600
// is D83D DE00, so U+1F600 sorts first; é (00E9) after e (0065).
func TestJavaCompare(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"😀", "～", -1},
		{"～", "😀", 1},
		{"\ue000", "😀", 1},
		{"\ud7ff", "😀", -1},
		{"a😀", "a～", -1},
		{"e", "é", -1},
		{"ab", "abc", -1},
		{"abc", "ab", 1},
		{"", "", 0},
		{"é", "é", 0},
		{"B", "a", -1},
	}
	for _, tc := range tests {
		if got := javaCompare(tc.a, tc.b); got != tc.want {
			t.Errorf("javaCompare(%q, %q) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
	}
}

// FuzzJSONMatchesOld compares the fast and the old code on any input.
func FuzzJSONMatchesOld(f *testing.F) {
	for _, doc := range jsonDocs {
		f.Add(doc, "$.a")
	}
	f.Fuzz(func(t *testing.T, doc, path string) {
		if _, err := parseJSONPath(path); err != nil {
			path = "$"
		}
		compareJSON(t, doc, []string{path})
	})
}
