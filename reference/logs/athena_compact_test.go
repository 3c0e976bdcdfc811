package logs

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// compactRef is what compactJSON stands for: encoding/json's Compact,
// whose documentation says it elides insignificant space and nothing else,
// and the text as it is when Compact refuses it.
func compactRef(raw string) string {
	var b bytes.Buffer
	if err := json.Compact(&b, []byte(raw)); err != nil {
		return raw
	}
	return b.String()
}

// TestCompactJSON: compactJSON's scan for whitespace outside strings must
// never skip text json.Compact would change, nor change text it keeps.
func TestCompactJSON(t *testing.T) {
	tests := []struct{ in, want string }{
		{`{"a":1}`, `{"a":1}`},
		{`{ "a" : [ 1 , 2 ] }`, `{"a":[1,2]}`},
		{"{\"a\":\n\t1\r}", `{"a":1}`},
		{`{"a b":"c d"}`, `{"a b":"c d"}`},       // spaces inside strings stay
		{`{"a\" b":"c\\"}`, `{"a\" b":"c\\"}`},   // an escaped quote does not end the string
		{`{"a\\":" b"}`, `{"a\\":" b"}`},         // an escaped backslash does not escape the quote
		{`{"a\\" :1}`, `{"a\\":1}`},              // space after a string that ends in a backslash
		{`["<&>","\u2028"]`, `["<&>","\u2028"]`}, // no HTML escaping
		{"[\"\u2028\"]", "[\"\u2028\"]"},         // nor of the line separator itself
		{`[1e2,-0.0,1E+2]`, `[1e2,-0.0,1E+2]`},   // numbers as written
		{`[]`, `[]`},
	}
	for _, tc := range tests {
		got := compactJSON(tc.in)
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("compactJSON(%q) (-want +got):\n%s", tc.in, diff)
		}
		if diff := cmp.Diff(compactRef(tc.in), got); diff != "" {
			t.Errorf("compactJSON(%q) against json.Compact (-want +got):\n%s", tc.in, diff)
		}
	}
}

// FuzzCompactJSON compares compactJSON with json.Compact on valid JSON
// (the only input ToAthena gives it).
func FuzzCompactJSON(f *testing.F) {
	f.Add(`{"a": [1, "b c", {"d\"": null}]}`)
	f.Add(`{"a\\":" "}`)
	f.Fuzz(func(t *testing.T, in string) {
		if !json.Valid([]byte(in)) {
			return
		}
		if got, want := compactJSON(in), compactRef(in); got != want {
			t.Errorf("compactJSON(%q) = %q, json.Compact gives %q", in, got, want)
		}
	})
}
