package athena_test

import (
	"testing"

	"github.com/ruleport/ruleport/reference/alerts"
)

// compareRecords hold requestParameters.a in every shape a dynamic value
// takes, named by eventName, and n, a number or nothing.
var compareRecords = []string{
	`{"eventName":"missing","requestParameters":{"b":1}}`,
	`{"eventName":"null","requestParameters":{"a":null}}`,
	`{"eventName":"str","requestParameters":{"a":"foo","n":5}}`,
	`{"eventName":"arr","requestParameters":{"a":["all"]}}`,
	`{"eventName":"arr2","requestParameters":{"a":[ "all", "111122223333" ]}}`,
	`{"eventName":"num","requestParameters":{"a":3}}`,
	`{"eventName":"bool","requestParameters":{"a":true}}`,
	`{"eventName":"bag","requestParameters":{"a":{"k":"v"}}}`,
}

// TestDynamicComparisons pins docs/ARCHITECTURE.md's decision for == and
// != (and in) between a dynamic value and a string, and KQL's null rules
// for == and != (plan.Compare), on the Athena engine and on the KQL
// interpreter, against rows worked out by hand: the dynamic value is read
// as tostring() reads it, an array's or bag's compact JSON text included
// (["all"] == '["all"]', the test of AWS_SSMPubliclyExposed); a null or
// missing value is null, and then == is false and != true
// (https://learn.microsoft.com/kusto/query/scalar-data-types/null-values:
// "Applying the equality operator to a null value and a non-null value
// yields bool(false)"), where SQL's = and <> would be NULL.
func TestDynamicComparisons(t *testing.T) {
	const a = `AWSCloudTrail | extend a = parse_json(RequestParameters).a, n = toint(parse_json(RequestParameters).n) `
	tests := []struct {
		name, query string
		cols        []string
		want        [][]any
	}{
		{"equal to a JSON text", a + `| where a == '["all"]' | project EventName`,
			[]string{"EventName"}, [][]any{{"arr"}}},
		{"not equal to a JSON text", a + `| where a != '["all"]' | project EventName`,
			[]string{"EventName"}, [][]any{{"missing"}, {"null"}, {"str"}, {"arr2"}, {"num"}, {"bool"}, {"bag"}}},
		{"a bag's text", a + `| where a == '{"k":"v"}' | project EventName`,
			[]string{"EventName"}, [][]any{{"bag"}}},
		{"scalars' text", a + `| where a == "foo" or a == "3" or a == "true" | project EventName`,
			[]string{"EventName"}, [][]any{{"str"}, {"num"}, {"bool"}}},
		{"values of == and !=", a + `| project EventName, eq = a == "foo", ne = a != "foo", neq = n == 5, nne = n != 5`,
			[]string{"EventName", "eq", "ne", "neq", "nne"}, [][]any{
				{"missing", false, true, false, true}, {"null", false, true, false, true},
				{"str", true, false, true, false}, {"arr", false, true, false, true},
				{"arr2", false, true, false, true}, {"num", false, true, false, true},
				{"bool", false, true, false, true}, {"bag", false, true, false, true},
			}},
		{"not of ==", a + `| where not(a == "foo") | project EventName`,
			[]string{"EventName"}, [][]any{{"missing"}, {"null"}, {"arr"}, {"arr2"}, {"num"}, {"bool"}, {"bag"}}},
		{"in and !in", a + `| project EventName, i = a in ("3", '["all"]'), o = a !in ("foo", "true")`,
			[]string{"EventName", "i", "o"}, [][]any{
				{"missing", false, true}, {"null", false, true}, {"str", false, false}, {"arr", true, true},
				{"arr2", false, true}, {"num", true, true}, {"bool", false, false}, {"bag", false, true},
			}},
		// Two nulls: == and != are null, so where drops the row either
		// way and isnull() sees it.
		{"two nulls", a + `| extend b = parse_json(RequestParameters).b | where EventName in ("null", "missing")
			| project EventName, e = isnull(n == toint(b)), f = isnull(n != toint(b))`,
			[]string{"EventName", "e", "f"}, [][]any{{"missing", false, false}, {"null", true, true}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			compareBoth(t, tc.query, compareRecords, alerts.Table{Columns: tc.cols, Rows: tc.want})
		})
	}
}
