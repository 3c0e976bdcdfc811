package athena_test

import (
	"strings"
	"testing"

	"github.com/ruleport/ruleport/reference/alerts"
)

// TestColumnsDifferingInCase: KQL keeps Type (AWSCloudTrail's constant
// column) and a computed type apart; Trino's identifiers ignore case, so
// the SQL renames the later one in its CTEs (type_2, or type_3 where the
// query has a type_2 of its own) and the final SELECT names it type again.
// Worked out from the records: only the Group record passes the filter,
// and every row's Type is the table's constant AWSCloudTrail.
func TestColumnsDifferingInCase(t *testing.T) {
	recs := []string{
		`{"eventName":"g","requestParameters":{"t":"Group"}}`,
		`{"eventName":"u","requestParameters":{"t":"User"}}`,
	}
	tests := []struct {
		name, query string
		cols        []string
		want        [][]any
		renamed     string // the SQL's name for the computed type
	}{
		{"filter and output", `AWSCloudTrail | extend type = tostring(parse_json(RequestParameters).t)
			| where type == "Group" | project EventName, Type, type`,
			[]string{"EventName", "Type", "type"}, [][]any{{"g", "AWSCloudTrail", "Group"}}, `"type_2"`},
		{"a type_2 of its own", `AWSCloudTrail | extend type = tostring(parse_json(RequestParameters).t), type_2 = "x"
			| where type == "Group" | project EventName, Type, type, type_2`,
			[]string{"EventName", "Type", "type", "type_2"}, [][]any{{"g", "AWSCloudTrail", "Group", "x"}}, `"type_3"`},
		{"group keys", `AWSCloudTrail | extend type = tostring(parse_json(RequestParameters).t)
			| summarize n = count() by Type, type`,
			[]string{"Type", "type", "n"}, [][]any{{"AWSCloudTrail", "Group", int64(1)}, {"AWSCloudTrail", "User", int64(1)}}, `"type_2"`},
		{"a dynamic type, as in the S3 ACL rules", `AWSCloudTrail | extend type = parse_json(RequestParameters).t
			| where type == "Group" | project EventName, Type, t = tostring(type)`,
			[]string{"EventName", "Type", "t"}, [][]any{{"g", "AWSCloudTrail", "Group"}}, `"type_2"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			compareBoth(t, tc.query, recs, alerts.Table{Columns: tc.cols, Rows: tc.want})
			if sql := emitQuery(t, tc.query); !strings.Contains(sql, tc.renamed) {
				t.Errorf("the SQL has no column %s:\n%s", tc.renamed, sql)
			}
		})
	}
}
