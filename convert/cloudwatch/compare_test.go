package cloudwatch_test

import (
	"testing"

	"github.com/ruleport/ruleport/convert/cloudwatch"
)

// compareRecords hold requestParameters.a in every shape a dynamic value
// takes, named by eventName, and n, a number or nothing.
var compareRecords = []string{
	rec("0100", `"eventName":"missing","requestParameters":{"b":1}`),
	rec("0100", `"eventName":"str","requestParameters":{"a":"foo","n":5}`),
	rec("0100", `"eventName":"arr","requestParameters":{"a":["all"]}`),
	rec("0100", `"eventName":"arr2","requestParameters":{"a":[ "all", "111122223333" ]}`),
	rec("0100", `"eventName":"num","requestParameters":{"a":3}`),
	rec("0100", `"eventName":"bag","requestParameters":{"a":{"k":"v"}}`),
}

// TestDynamicComparisons pins docs/ARCHITECTURE.md's decision for == and
// != (and in) between a dynamic value and a string, and KQL's null rules
// for == and != (plan.Compare), on the Logs Insights engine and the KQL
// interpreter, against rows worked out by hand: the dynamic value is
// read as tostring() reads it, a list's or map's compact JSON text
// included; a missing value is null, and then == is false and != true
// (https://learn.microsoft.com/kusto/query/scalar-data-types/null-values),
// where Logs Insights' = and != are both false on a missing field.
func TestDynamicComparisons(t *testing.T) {
	const a = `AWSCloudTrail | extend a = parse_json(RequestParameters).a, n = toint(parse_json(RequestParameters).n) `
	cases := []constructCase{
		{
			name:  "a list equals its JSON text",
			query: a + `| where a == '["all"]' | project EventName`,
			want:  `[{"EventName":"arr"}]`,
		},
		{
			name:  "!= holds for a missing value and for every other shape",
			query: a + `| where a != '["all"]' | project EventName`,
			want:  `[{"EventName":"missing"},{"EventName":"str"},{"EventName":"arr2"},{"EventName":"num"},{"EventName":"bag"}]`,
		},
		{
			name:  "a map's text, a number's text",
			query: a + `| where a == '{"k":"v"}' or a == "3" | project EventName`,
			want:  `[{"EventName":"bag"},{"EventName":"num"}]`,
		},
		{
			name:  "!= against scalar text holds for lists, maps and missing values",
			query: a + `| where a != "foo" | project EventName`,
			want:  `[{"EventName":"missing"},{"EventName":"arr"},{"EventName":"arr2"},{"EventName":"num"},{"EventName":"bag"}]`,
		},
		{
			name:  "not of ==",
			query: a + `| where not(a == "foo") | project EventName`,
			want:  `[{"EventName":"missing"},{"EventName":"arr"},{"EventName":"arr2"},{"EventName":"num"},{"EventName":"bag"}]`,
		},
		{
			name:  "a missing number: != is true, == false",
			query: a + `| project EventName, ne = iff(n != 5, "y", "n"), eq = iff(n == 5, "y", "n")`,
			want: `[{"EventName":"missing","ne":"y","eq":"n"},{"EventName":"str","ne":"n","eq":"y"},
				{"EventName":"arr","ne":"y","eq":"n"},{"EventName":"arr2","ne":"y","eq":"n"},
				{"EventName":"num","ne":"y","eq":"n"},{"EventName":"bag","ne":"y","eq":"n"}]`,
			notes: []string{cloudwatch.NoteToIntFloor},
		},
		{
			name:  "in and !in",
			query: a + `| where a in ("3", '["all"]') or a !in ("foo", '{"k":"v"}', "3", '["all"]') | project EventName`,
			want:  `[{"EventName":"missing"},{"EventName":"arr"},{"EventName":"arr2"},{"EventName":"num"}]`,
		},
	}
	for _, tc := range cases {
		tc.records = compareRecords
		if tc.notes == nil {
			tc.notes = []string{cloudwatch.NoteDynamicScalar}
		}
		t.Run(tc.name, func(t *testing.T) { runConstruct(t, tc) })
	}
}
