package athena_test

import (
	"testing"

	"github.com/ruleport/ruleport/reference/alerts"
)

// pickRecords: for 10.0.0.1 and bucket x two events tie on the earliest
// time, for 10.0.0.2 no event has a time, 10.0.0.3 has one event.
var pickRecords = []string{
	`{"eventTime":"2026-03-02T01:00:00Z","sourceIPAddress":"10.0.0.1","eventName":"A","userAgent":"u1","requestParameters":{"b":"x"}}`,
	`{"eventTime":"2026-03-02T01:00:00Z","sourceIPAddress":"10.0.0.1","eventName":"B","userAgent":"u0","requestParameters":{"b":"x"}}`,
	`{"eventTime":"2026-03-02T02:00:00Z","sourceIPAddress":"10.0.0.1","eventName":"C","userAgent":"u9","requestParameters":{"b":"x"}}`,
	`{"sourceIPAddress":"10.0.0.2","eventName":"D","userAgent":"u2","requestParameters":{"b":"y"}}`,
	`{"sourceIPAddress":"10.0.0.2","eventName":"D","userAgent":"u3","requestParameters":{"b":"y"}}`,
	`{"eventTime":"2026-03-02T03:00:00Z","sourceIPAddress":"10.0.0.3","eventName":"E","userAgent":"u4","requestParameters":{}}`,
}

// TestPick pins arg_min and arg_max (plan.Pick) on the Athena engine and
// the KQL interpreter, against rows worked out by hand: the row with the
// least (greatest) time; of rows that tie, the one whose returned values
// are greatest in order (EventName B above A, so B's user agent u0 comes
// with it; where EventName ties, u3 above u2); where every time is null,
// one of those rows all the same, with a null time; "*" returns every
// column but the keys and the target; other aggregates of the summarize
// (dcount) are the group's.
func TestPick(t *testing.T) {
	const in = `AWSCloudTrail | extend b = tostring(parse_json(RequestParameters).b)
		| project TimeGenerated, SourceIpAddress, b, EventName, UserAgent `
	tests := []struct {
		name, query string
		cols        []string
		want        [][]any
	}{
		{"arg_min with * and dcount", in + `| summarize first = arg_min(TimeGenerated, *), n = dcount(EventName) by SourceIpAddress, b`,
			[]string{"SourceIpAddress", "b", "first", "EventName", "UserAgent", "n"}, [][]any{
				{"10.0.0.1", "x", "2026-03-02T01:00:00Z", "B", "u0", int64(3)},
				{"10.0.0.2", "y", nil, "D", "u3", int64(1)},
				{"10.0.0.3", "", "2026-03-02T03:00:00Z", "E", "u4", int64(1)},
			}},
		{"arg_max of one column", in + `| summarize last = arg_max(TimeGenerated, EventName) by SourceIpAddress`,
			[]string{"SourceIpAddress", "last", "EventName"}, [][]any{
				{"10.0.0.1", "2026-03-02T02:00:00Z", "C"},
				{"10.0.0.2", nil, "D"},
				{"10.0.0.3", "2026-03-02T03:00:00Z", "E"},
			}},
		{"a returned column pruned still breaks ties", in + `| summarize first = arg_min(TimeGenerated, *) by SourceIpAddress
			| project SourceIpAddress, UserAgent`,
			[]string{"SourceIpAddress", "UserAgent"}, [][]any{
				{"10.0.0.1", "u0"}, {"10.0.0.2", "u3"}, {"10.0.0.3", "u4"},
			}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			compareBoth(t, tc.query, pickRecords, alerts.Table{Columns: tc.cols, Rows: tc.want})
		})
	}
}
