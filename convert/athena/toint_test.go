package athena_test

import (
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestToIntOfJSON runs toint of a JSON member on the Athena engine for
// every shape a value can take. The wants follow docs/ARCHITECTURE.md
// Decisions, toint, by hand: numbers truncate toward zero and must fit 32
// bits; numeric text (white space U+0009..U+000D and space around a
// sign, digits, a fraction, an exponent) converts the same way; the JSON
// booleans are 1 and 0 but the strings "true" and "false" are null; other
// text, null, objects and arrays are null. Trino's CAST alone would also
// read "4d", "0x1p3" and "true"-as-text's neighbours differently.
func TestToIntOfJSON(t *testing.T) {
	tests := []struct {
		json string
		want any // int64, or nil for null
	}{
		{`4`, int64(4)},
		{`4.7`, int64(4)},
		{`-4.7`, int64(-4)},
		{`1e2`, int64(100)},
		{`2147483647`, int64(2147483647)},
		{`2147483648`, nil},
		{`"4"`, int64(4)},
		{`"4.5"`, int64(4)},
		{`" 4\n"`, int64(4)},
		{`"\t-4.5"`, int64(-4)},
		{`"1e2"`, int64(100)},
		{`"+4"`, int64(4)},
		{`".5"`, int64(0)},
		{`"4."`, int64(4)},
		{`"4d"`, nil},
		{`"0x1p3"`, nil},
		{`"\u00a04"`, nil},
		{`"\u00004"`, nil},
		{`"Infinity"`, nil},
		{`"NaN"`, nil},
		{`""`, nil},
		{`"four"`, nil},
		{`true`, int64(1)},
		{`false`, int64(0)},
		{`"true"`, nil},
		{`null`, nil},
		{`{}`, nil},
		{`[4]`, nil},
	}
	var recs []string
	for i, tt := range tests {
		recs = append(recs, fmt.Sprintf(`{"eventName":"E%02d","requestParameters":{"n":%s}}`, i, tt.json))
	}
	got := runRecords(t, `AWSCloudTrail | extend n = toint(parse_json(RequestParameters).n) | project EventName, n`, recs)
	byName := map[string]any{}
	for _, row := range got.Rows {
		byName[row[0].(string)] = row[1]
	}
	for i, tt := range tests {
		if d := cmp.Diff(tt.want, byName[fmt.Sprintf("E%02d", i)]); d != "" {
			t.Errorf("toint(%s) (-want +got):\n%s", tt.json, d)
		}
	}
}
