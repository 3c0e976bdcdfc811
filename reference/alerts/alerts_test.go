package alerts

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestEncodeValue(t *testing.T) {
	ts := time.Date(2026, 3, 2, 1, 0, 0, 0, time.FixedZone("x", 3600))
	tests := []struct {
		in   any
		want string
	}{
		{nil, `null`},
		{"a<b>", `"a<b>"`},
		{true, `true`},
		{int64(801), `801`},
		{int32(-4), `-4`},
		{801.0, `801`},
		{4.5, `4.5`},
		{json.Number("801"), `801`},
		{json.Number("801.0"), `801`},
		{ts, `"2026-03-02T00:00:00Z"`},
		{ts.Add(1500 * time.Millisecond), `"2026-03-02T00:00:01.5Z"`},
		{90 * time.Minute, `"01:30:00"`},
		{26*time.Hour + time.Millisecond, `"1.02:00:00.0010000"`},
		{map[string]any{"b": 1, "a": []any{"x"}}, `{"a":["x"],"b":1}`},
		{json.RawMessage(`{"b": 1, "a": 2}`), `{"a":2,"b":1}`},
	}
	for _, tt := range tests {
		if got := EncodeValue(tt.in); got != tt.want {
			t.Errorf("EncodeValue(%#v) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

func TestSortAndJSON(t *testing.T) {
	tab := Table{
		Columns: []string{"k", "n"},
		Rows: [][]any{
			{"b", int64(10)},
			{"a", int64(9)},
			{"b", int64(9)},
			{nil, int64(1)},
			{"a", 10.0},
		},
	}
	tab.Sort()
	want := "[\n" +
		`  {"k":null,"n":1},` + "\n" +
		`  {"k":"a","n":9},` + "\n" +
		`  {"k":"a","n":10},` + "\n" +
		`  {"k":"b","n":9},` + "\n" +
		`  {"k":"b","n":10}` + "\n" +
		"]\n"
	if diff := cmp.Diff(want, string(tab.JSON())); diff != "" {
		t.Errorf("JSON (-want +got):\n%s", diff)
	}
	if got := string(Table{Columns: []string{"k"}}.JSON()); got != "[]\n" {
		t.Errorf("empty table JSON = %q, want %q", got, "[]\n")
	}
}

func TestFromJSONRoundTrip(t *testing.T) {
	in := `[{"b":"x","a":801},{"a":2.5,"b":null}]`
	tab, err := FromJSON([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"b", "a"}, tab.Columns); diff != "" {
		t.Errorf("columns (-want +got):\n%s", diff)
	}
	want := "[\n  {\"b\":\"x\",\"a\":801},\n  {\"b\":null,\"a\":2.5}\n]\n"
	if diff := cmp.Diff(want, string(tab.JSON())); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
	for _, bad := range []string{`{}`, `[1]`, `[{"a":1},{"b":1}]`, `[{"a":1,"a":2}]`, `[{"a":1},{"a":1,"b":2}]`} {
		if _, err := FromJSON([]byte(bad)); err == nil {
			t.Errorf("FromJSON(%s) succeeded, want an error", bad)
		}
	}
}

func TestCompare(t *testing.T) {
	want := Table{Columns: []string{"a", "b"}, Rows: [][]any{{"x", int64(1)}, {"x", int64(1)}, {"", int64(2)}}}
	same := Table{Columns: []string{"b", "a"}, Rows: [][]any{{2.0, ""}, {int64(1), "x"}, {json.Number("1"), "x"}}}
	if d := Compare(want, same, Options{}); !d.Empty() {
		t.Errorf("equal tables differ:\n%s", d)
	}
	// A duplicate row is not absorbed by its twin: multiset comparison.
	short := Table{Columns: []string{"a", "b"}, Rows: [][]any{{"x", int64(1)}, {"", int64(2)}}}
	d := Compare(want, short, Options{})
	if diff := cmp.Diff([]string{`{"a":"x","b":1}`}, d.Missing); diff != "" || len(d.Extra) != 0 {
		t.Errorf("missing duplicate not reported: %s", d)
	}
	nulls := Table{Columns: []string{"a", "b"}, Rows: [][]any{{"x", int64(1)}, {"x", int64(1)}, {nil, int64(2)}}}
	if d := Compare(want, nulls, Options{}); d.Empty() {
		t.Error(`null and "" compare equal without NullEqualsEmpty`)
	}
	if d := Compare(want, nulls, Options{NullEqualsEmpty: true}); !d.Empty() {
		t.Errorf(`null and "" differ with NullEqualsEmpty:\n%s`, d)
	}
	other := Table{Columns: []string{"a", "c"}}
	if d := Compare(want, other, Options{}); d.Columns == "" {
		t.Error("column mismatch not reported")
	}
	wantText := "- {\"a\":\"x\",\"b\":1}\n"
	if got := d.String(); got != wantText {
		t.Errorf("String() = %q, want %q", got, wantText)
	}
}
