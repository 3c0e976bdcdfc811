package athenaengine

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestParseJSONPath follows JsonPathTokenizer.java rule by rule.
func TestParseJSONPath(t *testing.T) {
	tests := []struct {
		path string
		want jsonPath // nil: invalid
	}{
		{"$", jsonPath{}},
		{"$.a.b[0].c", jsonPath{"a", "b", "0", "c"}},
		{`$["store"]["book name"]`, jsonPath{"store", "book name"}},
		{"$.store[book]", jsonPath{"store", "book"}},
		{`$["a\"b\\c"]`, jsonPath{`a"b\c`}},
		{"$.ns:key", jsonPath{"ns:key"}}, // ':' is allowed after a dot only
		{"$.é_1", jsonPath{"é_1"}},       // Character.isLetterOrDigit
		{"", nil},
		{"a.b", nil},
		{"$.", nil},
		{"$..a", nil},
		{"$[]", nil},
		{"$[a:b]", nil},
		{`$["a\n"]`, nil}, // only \" and \\ escape
		{`$["a`, nil},
		{"$[0", nil},
		{"$.a-b", nil},
		{"$ .a", nil},
	}
	for _, tc := range tests {
		got, err := parseJSONPath(tc.path)
		if tc.want == nil {
			if err == nil {
				t.Errorf("parseJSONPath(%q) = %q, want an error", tc.path, got)
			}
			continue
		}
		if err != nil {
			t.Errorf("parseJSONPath(%q): %v", tc.path, err)
			continue
		}
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("parseJSONPath(%q) (-want +got):\n%s", tc.path, diff)
		}
	}
}

// TestExtractScalar pins the streaming rules of jsonpath.go's comment. A
// nil want is NULL. Expectations are worked out from JsonExtract.java and
// Jackson's parser as described in jsonstream.go.
func TestExtractScalar(t *testing.T) {
	str := func(s string) *string { return &s }
	tests := []struct {
		name, doc, path string
		want            *string
	}{
		{"root scalar", `"abc"`, "$", str("abc")},
		{"root number", `12`, "$", str("12")},
		{"root object is not scalar", `{}`, "$", nil},
		{"empty document", ``, "$.a", nil},
		{"blank document", "  \n", "$", nil},
		{"unicode escape", `{"a":"\u00e9\n"}`, "$.a", str("é\n")},
		{"surrogate pair", `{"a":"\ud83d\ude00"}`, "$.a", str("😀")},
		{"first duplicate wins", `{"a":1,"a":2}`, "$.a", str("1")},
		{"keys are case-sensitive", `{"A":1}`, "$.a", nil},
		{"index on object is a key", `{"0":"zero"}`, "$[0]", str("zero")},
		{"key on array never matches", `["x"]`, "$.a", nil},
		{"negative index (quoted: unquoted is a bad path)", `["x"]`, `$["-1"]`, nil},
		{"quoted index reads as int", `["x","y"]`, `$["1"]`, str("y")},
		{"index past end", `["x"]`, "$[1]", nil},
		{"scalar with path left", `{"a":"s"}`, "$.a.b", nil},
		{"null", `{"a":null}`, "$.a", nil},
		{"false", `{"a":false}`, "$.a", str("false")},
		{"exponent as written", `{"a":1E+2}`, "$.a", str("1E+2")},
		{"negative zero", `{"a":-0}`, "$.a", str("-0")},
		{"skips nested values", `{"x":{"y":[1,{"z":"]"}]},"a":"found"}`, "$.a", str("found")},
		// Errors before the value make NULL; after it, nothing is read.
		{"bad value skipped over", `{"x":tru,"a":1}`, "$.a", nil},
		{"leading zero", `{"a":01}`, "$.a", nil},
		{"trailing comma before target", `{"x":1,,"a":1}`, "$.a", nil},
		{"single quotes", `{'a':1}`, "$.a", nil},
		{"comment", `{/*c*/"a":1}`, "$.a", nil},
		{"control character in string", "{\"a\":\"x\ty\"}", "$.a", nil},
		{"bad escape", `{"a":"\x"}`, "$.a", nil},
		{"literal run-on", `{"a":truex}`, "$.a", nil},
		{"unterminated string value", `{"a":"abc`, "$.a", nil},
		{"missing colon", `{"a" 1}`, "$.a", nil},
		{"number cut at end", `{"a":12`, "$.a", str("12")},
		{"fraction cut", `{"a":1.`, "$.a", nil},
		{"cut inside later field", `{"a":"v","b":"w`, "$.a", str("v")},
		{"garbage right after number", `{"a":12x}`, "$.a", str("12")},
		{"root number then garbage", `12x`, "$", nil},
		{"mismatched close after value", `{"a":1]`, "$.a", str("1")},
		{"mismatched close before value", `{"x":[1},"a":1}`, "$.a", nil},
		{"value after cut array", `[1,2`, "$[1]", str("2")},
		{"cut before index", `[1,`, "$[1]", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path, err := parseJSONPath(tc.path)
			if err != nil {
				t.Fatal(err)
			}
			var got *string
			if v, ok := extractScalar(tc.doc, path); ok {
				got = &v
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("json_extract_scalar(%s, %s) (-want +got):\n%s", tc.doc, tc.path, diff)
			}
		})
	}
}

func TestExtractJSON(t *testing.T) {
	tests := []struct {
		name, doc, path, want string
		ok                    bool
	}{
		{"compacts", `{"a": { "b" : [1, "x", null, true] } }`, "$.a", `{"b":[1,"x",null,true]}`, true},
		{"escapes again", `{"a":"q\"\\\u0001é"}`, "$.a", `"q\"\\\u0001é"`, true},
		{"empty containers", `{"a":[{},[]]}`, "$.a", `[{},[]]`, true},
		{"whole value needed", `{"a":[1,2`, "$.a", ``, false},
		{"scalar before cut", `{"a":1,"b"`, "$.a", `1`, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path, _ := parseJSONPath(tc.path)
			got, ok := extractJSON(tc.doc, path)
			if ok != tc.ok || got != tc.want {
				t.Errorf("json_extract(%s, %s) = %q, %v; want %q, %v", tc.doc, tc.path, got, ok, tc.want, tc.ok)
			}
		})
	}
}

func FuzzExtract(f *testing.F) {
	f.Add(`{"instancesSet":{"items":[{"cpuOptions":{"coreCount":4}}]}}`, "$.instancesSet.items[0].cpuOptions.coreCount")
	f.Add(`["a", "b",`, "$[1]")
	f.Fuzz(func(t *testing.T, doc, path string) {
		p, err := parseJSONPath(path)
		if err != nil {
			return
		}
		extractScalar(doc, p)
		extractJSON(doc, p)
	})
}
