package cloudwatch_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/ruleport/ruleport/convert/cloudwatch"
	"github.com/ruleport/ruleport/convert/kql"
	"github.com/ruleport/ruleport/convert/plan"
	"github.com/ruleport/ruleport/convert/schema"
)

// TestUnsupported: what Logs Insights cannot say is a positioned error of
// kind kql.ErrUnsupported naming the construct, never a query that
// answers something else.
func TestUnsupported(t *testing.T) {
	tests := []struct {
		name, query string
		at          string // the error's position: the first occurrence of this text
		msg         string // a part of the message
	}{
		{"collecting aggregate", `AWSCloudTrail | summarize s = make_set(EventName) by UserAgent`,
			"make_set", "aggregate make_set"},
		{"split on a column", `AWSCloudTrail | extend p = tostring(split(UserAgent, EventName)[0])`,
			"split(", "split with a delimiter that is not a constant"},
		{"split from the end on a long delimiter", `AWSCloudTrail | extend p = tostring(split(UserAgent, "::")[-1])`,
			"split(", "an index from the end with a delimiter of more than one character"},
		{"calendar datetime_diff", `AWSCloudTrail | summarize a = min(TimeGenerated), b = max(TimeGenerated) by EventName
			| extend d = datetime_diff('month', b, a)`, "datetime_diff", "datetime_diff in months"},
		{"a third stats", `AWSCloudTrail | summarize c = count() by EventName, UserAgent | summarize c2 = count() by EventName
			| summarize c3 = count()`, "summarize c3", "a third summarize"},
		{"integer division", `AWSCloudTrail | extend x = toint(parse_json(RequestParameters).a) / 2`,
			"/ 2", "integer division"},
		{"take beyond the limit", `AWSCloudTrail | take 20000`, "take", "take or top of 20000 rows"},
		{"take before a second stats", `AWSCloudTrail | summarize c = count() by EventName | take 5 | summarize n = count()`,
			"take", "sort, top or take before a second summarize"},
		{"timespan output", `AWSCloudTrail | summarize a = min(TimeGenerated), b = max(TimeGenerated) by EventName
			| extend d = b - a`, "extend d", "output column d of type timespan"},
		{"index from the end of a JSON array", `AWSCloudTrail | extend x = tostring(parse_json(Resources)[-1].ARN)`,
			"parse_json", "an index from the end (-1)"},
		{"contains with a column pattern", `AWSCloudTrail | where UserAgent contains EventName`,
			"contains EventName", "contains with a pattern that is not a constant string"},
		{"has with a column pattern", `AWSCloudTrail | where UserAgent has EventName`,
			"has EventName", "has with a pattern that is not a constant string"},
		// The plan lowers these; Logs Insights has no faithful form.
		{"arg_min", `AWSCloudTrail | summarize f = arg_min(TimeGenerated, *) by EventName`,
			"arg_min", "aggregate arg_min"},
		{"mv-expand", `AWSCloudTrail | extend s = parse_json(RequestParameters).s | mv-expand s`,
			"mv-expand", "operator mv-expand"},
		{"legacy mvexpand", `AWSCloudTrail | extend s = parse_json(RequestParameters).s | mvexpand s`,
			"mvexpand", "operator mvexpand"},
		{"join", `AWSCloudTrail | join kind=inner (AWSCloudTrail | project EventName, U = UserAgent) on EventName`,
			"join", "operator join"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			q, errs := kql.Parse(tc.query)
			if len(errs) > 0 {
				t.Fatal(errs)
			}
			p, errs := plan.Lower(q, tc.query, schema.Lookup)
			if len(errs) > 0 {
				t.Fatalf("the plan refuses the query: %v", errs)
			}
			text, notes, err := cloudwatch.Emit(p, cloudwatch.Options{})
			if err == nil {
				t.Fatalf("no error; query:\n%s", text)
			}
			if text != "" || notes != nil {
				t.Errorf("a query or notes came with the error")
			}
			var el kql.ErrorList
			if !errors.As(err, &el) || len(el) == 0 {
				t.Fatalf("error %T %v, want a kql.ErrorList", err, err)
			}
			e := el[0]
			if e.Kind != kql.ErrUnsupported {
				t.Errorf("kind %v, want ErrUnsupported", e.Kind)
			}
			if !strings.Contains(e.Msg, tc.msg) || !strings.HasPrefix(e.Msg, "cloudwatch: unsupported ") {
				t.Errorf("message %q, want one starting with cloudwatch: unsupported and holding %q", e.Msg, tc.msg)
			}
			if want := kql.Pos(strings.Index(tc.query, tc.at)); e.Pos != want {
				t.Errorf("error at offset %d (%q), want %d (%q)", e.Pos, tc.query[max(e.Pos, 0):], want, tc.at)
			}
		})
	}
}
