package athena_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestDynamicOutputColumns: a dynamic value in an output column is shown
// as KQL shows it: a JSON string as its content (split(...)[0] of
// "jane@corp" is jane, not "\"jane\""), a missing piece as null, an object
// as its JSON text. A number is its text in Athena's varchar column where
// KQL keeps the number (the package's known differences).
func TestDynamicOutputColumns(t *testing.T) {
	got := runRecords(t, `AWSCloudTrail
		| extend Name = split(UserAgent, "@")[0], Missing = split(UserAgent, "@")[5],
		  Obj = parse_json(RequestParameters).o, Num = parse_json(RequestParameters).n, Nul = parse_json(RequestParameters).z
		| project EventName, Name, Missing, Obj, Num, Nul`,
		[]string{`{"eventName":"E","userAgent":"jane@corp","requestParameters":{"o":{"b":1},"n":4,"z":null}}`})
	want := [][]any{{"E", "jane", nil, `{"b":1}`, "4", nil}}
	if d := cmp.Diff(want, got.Rows); d != "" {
		t.Errorf("(-want +got)\n%s", d)
	}
}
