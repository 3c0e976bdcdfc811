package cloudwatch_test

import (
	"testing"

	"github.com/ruleport/ruleport/convert/cloudwatch"
)

// hasRecords hold requestParameters.s, the text searched; eventName names
// the record.
var hasRecords = []string{
	rec("0100", `"eventName":"policy","requestParameters":{"s":"{\"Action\":[\"iam:*\",\"cloudformation:*\"]}"}`),
	rec("0100", `"eventName":"phrase","requestParameters":{"s":"iam:PassRole,cloudformation:CreateStack"}`),
	rec("0100", `"eventName":"inside","requestParameters":{"s":"xiam:*"}`),
	rec("0100", `"eventName":"star","requestParameters":{"s":"* "}`),
	rec("0100", `"eventName":"upper","requestParameters":{"s":"IAM:PASSROLE"}`),
}

// TestHas pins has with any constant pattern (plan.MatchOp) on the Logs
// Insights engine and the KQL interpreter, against rows worked out by
// hand: "iam:*" needs a term boundary before "iam" only, "*" is a plain
// substring, "iam:PassRole" a phrase of whole terms, "" is in every value,
// has ignores the case of A-Z and has_cs does not. The pattern bounds
// terms by ASCII letters and digits, which the has-term note says; a
// letter beyond ASCII next to the term is the pinned gap.
func TestHas(t *testing.T) {
	const s = `AWSCloudTrail | extend s = tostring(parse_json(RequestParameters).s) `
	cases := []constructCase{
		{
			name:    `"iam:*" after a non-letter`,
			query:   s + `| where s has "iam:*" | project EventName`,
			records: hasRecords,
			want:    `[{"EventName":"policy"}]`,
			notes:   []string{cloudwatch.NoteHasTerm},
		},
		{
			name:    `"*" wherever it is`,
			query:   s + `| where s has "*" | project EventName`,
			records: hasRecords,
			want:    `[{"EventName":"policy"},{"EventName":"inside"},{"EventName":"star"}]`,
		},
		{
			name:    "a phrase of whole terms, case ignored or not",
			query:   s + `| project EventName, b = iff(s has "iam:PassRole", "y", "n"), g = iff(s has_cs "iam:PassRole", "y", "n")`,
			records: hasRecords,
			want: `[{"EventName":"policy","b":"n","g":"n"},{"EventName":"phrase","b":"y","g":"y"},
				{"EventName":"inside","b":"n","g":"n"},{"EventName":"star","b":"n","g":"n"},{"EventName":"upper","b":"y","g":"n"}]`,
			notes: []string{cloudwatch.NoteHasTerm},
		},
		{
			name:    "!has and the empty pattern",
			query:   s + `| where s !has "cloudformation:*" and s has "" | project EventName`,
			records: hasRecords,
			want:    `[{"EventName":"phrase"},{"EventName":"inside"},{"EventName":"star"},{"EventName":"upper"}]`,
			notes:   []string{cloudwatch.NoteHasTerm},
		},
		{
			name:    "a letter beyond ASCII before the term",
			query:   s + `| where s has "iam:Get" | project EventName`,
			records: []string{rec("0100", `"eventName":"accent","requestParameters":{"s":"éiam:Get"}`)},
			// é is a letter: KQL sees the term éiam, not iam.
			want:  `[]`,
			gap:   `[{"EventName":"accent"}]`,
			note:  cloudwatch.NoteHasTerm,
			notes: []string{cloudwatch.NoteHasTerm},
		},
	}
	for _, tc := range cases {
		if tc.notes == nil {
			tc.notes = []string{cloudwatch.NoteDynamicScalar}
		} else {
			tc.notes = append(tc.notes, cloudwatch.NoteDynamicScalar)
		}
		t.Run(tc.name, func(t *testing.T) { runConstruct(t, tc) })
	}
}
