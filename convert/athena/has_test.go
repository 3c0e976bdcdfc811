package athena_test

import (
	"testing"

	"github.com/ruleport/ruleport/reference/alerts"
)

// hasRecords hold requestParameters.s, the text searched, and .p, a
// pattern read per row; eventName names the record.
var hasRecords = []string{
	`{"eventName":"policy","requestParameters":{"s":"{\"Action\":[\"iam:*\",\"cloudformation:*\"]}"}}`,
	`{"eventName":"phrase","requestParameters":{"s":"iam:PassRole,cloudformation:CreateStack"}}`,
	`{"eventName":"inside","requestParameters":{"s":"xiam:*"}}`,
	`{"eventName":"star","requestParameters":{"s":"* "}}`,
	`{"eventName":"accent","requestParameters":{"s":"éiam:Get"}}`,
	`{"eventName":"upper","requestParameters":{"s":"IAM:PASSROLE"}}`,
	`{"eventName":"dot","requestParameters":{"s":"axb","p":"a.b"}}`,
	`{"eventName":"dot2","requestParameters":{"s":"a.b c","p":"a.b"}}`,
	`{"eventName":"quote","requestParameters":{"s":"q x\\Ey q","p":"x\\Ey"}}`,
	`{"eventName":"empty","requestParameters":{"s":"abc","p":""}}`,
	`{"eventName":"account","requestParameters":{"s":"arn:aws:kms:us-east-1:123456789012:key/abc","p":"123456789012"}}`,
	`{"eventName":"account2","requestParameters":{"s":"arn:aws:kms:us-east-1:1234567890123:key","p":"123456789012"}}`,
	`{"eventName":"fold","requestParameters":{"s":"x abc y","p":"ABC"}}`,
	`{"eventName":"accent2","requestParameters":{"s":"éabc","p":"abc"}}`,
}

// TestHas pins has with any pattern (plan.MatchOp: an occurrence counts
// where the pattern's letter or digit edges are not next to another
// letter or digit, by Unicode) on the Athena engine and the KQL
// interpreter, against rows worked out by hand: "iam:*" needs a term
// boundary before "iam" only; "*" is a plain substring; "iam:PassRole" is
// a phrase of whole terms; é is a letter, so "éiam:Get" has no term
// "iam:Get"; "" is in every value; a pattern read per row is matched as
// text, never as a regular expression ("a.b" is not in "axb"), a \E in it
// included; has ignores the case of A-Z, has_cs does not.
func TestHas(t *testing.T) {
	const s = `AWSCloudTrail | extend s = tostring(parse_json(RequestParameters).s), p = tostring(parse_json(RequestParameters).p) `
	tests := []struct {
		name, query string
		cols        []string
		want        [][]any
	}{
		{"constant patterns", s + `| where EventName in ("policy", "phrase", "inside", "star", "accent", "upper")
			| project EventName, a = s has "iam:*", b = s has "iam:PassRole", c = s has "*", d = s has "cloudformation:*",
				e = s has "", f = s has "iam:Get", g = s has_cs "iam:PassRole", h = s !has "iam:*"`,
			[]string{"EventName", "a", "b", "c", "d", "e", "f", "g", "h"}, [][]any{
				{"policy", true, false, true, true, true, false, false, false},
				{"phrase", false, true, false, false, true, false, true, true},
				{"inside", false, false, true, false, true, false, false, true},
				{"star", false, false, true, false, true, false, false, true},
				{"accent", false, false, false, false, true, false, false, true},
				{"upper", false, true, false, false, true, false, false, true},
			}},
		{"patterns read per row", s + `| where EventName in ("dot", "dot2", "quote", "empty", "account", "account2", "fold", "accent2")
			| project EventName, h = s has p, i = s has_cs p, j = s !has p`,
			[]string{"EventName", "h", "i", "j"}, [][]any{
				{"dot", false, false, true}, {"dot2", true, true, false},
				{"quote", true, true, false}, {"empty", true, true, false},
				{"account", true, true, false}, {"account2", false, false, true},
				{"fold", true, false, false}, {"accent2", false, false, true},
			}},
		{"has_any of phrases and symbols", s + `| where s has_any ("bank statement", "PO#", "iam:*") | project EventName`,
			[]string{"EventName"}, [][]any{{"policy"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			compareBoth(t, tc.query, hasRecords, alerts.Table{Columns: tc.cols, Rows: tc.want})
		})
	}
}
