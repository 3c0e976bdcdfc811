package cloudwatch_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/ruleport/ruleport/convert"
	"github.com/ruleport/ruleport/convert/cloudwatch"
	"github.com/ruleport/ruleport/convert/kql"
	"github.com/ruleport/ruleport/convert/plan"
	"github.com/ruleport/ruleport/convert/schema"
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

// TestHasRuntimePattern: a pattern read per row has no regular expression
// Logs Insights could build, so the target refuses it, naming has.
func TestHasRuntimePattern(t *testing.T) {
	const query = `AWSCloudTrail | where UserAgent has EventName`
	q, errs := kql.Parse(query)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	p, errs := plan.Lower(q, query, schema.Lookup)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	_, _, err := cloudwatch.Emit(p, cloudwatch.Options{})
	el, ok := err.(kql.ErrorList)
	if !ok || len(el) != 1 {
		t.Fatalf("Emit gives %v, want one error", err)
	}
	d := el.Diagnostics("r.yaml", func(kql.Pos) convert.Pos { return convert.Pos{Line: 1, Col: 1} })
	if !errors.Is(d, convert.ErrUnsupported) || !strings.Contains(el[0].Msg, "unsupported has with a pattern that is not a constant string") {
		t.Errorf("error %v, want an unsupported has", err)
	}
	if want := kql.Pos(strings.Index(query, "has")); el[0].Pos != want {
		t.Errorf("error at %d, want %d (has)", el[0].Pos, want)
	}
}
