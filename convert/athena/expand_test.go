package athena_test

import (
	"fmt"
	"testing"

	"github.com/ruleport/ruleport/convert/kql"
	"github.com/ruleport/ruleport/reference/alerts"
	"github.com/ruleport/ruleport/reference/kqlengine"
	"github.com/ruleport/ruleport/reference/logs"
)

// expandRecords are one record per shape of requestParameters.v, named by
// eventName, with a and b for parallel expansion.
var expandRecords = []string{
	`{"eventName":"arr","requestParameters":{"v":[1,"a",{"b":2},null]}}`,
	`{"eventName":"obj","requestParameters":{"v":{"p":1,"q":"x"}}}`,
	`{"eventName":"null","requestParameters":{"v":null}}`,
	`{"eventName":"missing","requestParameters":{}}`,
	`{"eventName":"emptyarr","requestParameters":{"v":[]}}`,
	`{"eventName":"emptyobj","requestParameters":{"v":{}}}`,
	`{"eventName":"str","requestParameters":{"v":"s"}}`,
	`{"eventName":"num","requestParameters":{"v":5}}`,
	`{"eventName":"text","requestParameters":"{\"v\":[\"t1\",\"t2\"]}"}`,
	`{"eventName":"typed","requestParameters":{"v":[1,"a",2.5,3,true,null]}}`,
	`{"eventName":"zip","requestParameters":{"a":[1,2,3],"b":["x"]}}`,
	`{"eventName":"zipbag","requestParameters":{"a":{"k":1},"b":[1,2]}}`,
	`{"eventName":"zipnone","requestParameters":{"a":[],"b":{}}}`,
}

// TestMvExpand pins mv-expand's semantics (plan.MvExpand, from
// https://learn.microsoft.com/kusto/query/mv-expand-operator) on the
// Athena engine and on the KQL interpreter, each against rows worked out
// by hand from the page: an array's elements in order; a bag's properties
// as single-property bags; null (or missing) as one null row; an empty
// array or bag as no row; a scalar as itself (an older version of the
// page: "If the value in a row is not an array, the row is kept as is");
// with_itemindex from 0; limit per input row; to typeof(T) casting
// without parsing (another type is null, "" for a string); several items
// in parallel, the shorter padded with null.
func TestMvExpand(t *testing.T) {
	tests := []struct {
		name, query string
		cols        []string
		want        [][]any
	}{
		{"shapes", `AWSCloudTrail | where EventName !startswith "z" and EventName != "typed"
			| extend v = parse_json(RequestParameters).v | mv-expand v | project EventName, t = tostring(v)`,
			[]string{"EventName", "t"}, [][]any{
				{"arr", "1"}, {"arr", "a"}, {"arr", `{"b":2}`}, {"arr", ""},
				{"obj", `{"p":1}`}, {"obj", `{"q":"x"}`},
				{"null", ""}, {"missing", ""},
				{"str", "s"}, {"num", "5"},
				{"text", "t1"}, {"text", "t2"},
			}},
		{"null stays null", `AWSCloudTrail | where EventName in ("arr", "null")
			| extend v = parse_json(RequestParameters).v | mv-expand v | where isnull(v) | project EventName`,
			[]string{"EventName"}, [][]any{{"arr"}, {"null"}}},
		{"member of an element", `AWSCloudTrail | where EventName in ("arr", "obj")
			| extend v = parse_json(RequestParameters).v | mv-expand v
			| extend b = toint(v.b), q = tostring(v.q) | where isnotnull(b) or isnotempty(q) | project EventName, b, q`,
			[]string{"EventName", "b", "q"}, [][]any{{"arr", int64(2), ""}, {"obj", nil, "x"}}},
		{"index and limit", `AWSCloudTrail | where EventName in ("arr", "obj", "null", "str")
			| extend v = parse_json(RequestParameters).v | mv-expand with_itemindex=i v limit 2
			| project EventName, t = tostring(v), i`,
			[]string{"EventName", "t", "i"}, [][]any{
				{"arr", "1", int64(0)}, {"arr", "a", int64(1)},
				{"obj", `{"p":1}`, int64(0)}, {"obj", `{"q":"x"}`, int64(1)},
				{"null", "", int64(0)}, {"str", "s", int64(0)},
			}},
		{"to typeof(long)", `AWSCloudTrail | where EventName == "typed"
			| extend v = parse_json(RequestParameters).v | mv-expand v to typeof(long) | project EventName, v`,
			[]string{"EventName", "v"}, [][]any{
				{"typed", int64(1)}, {"typed", nil}, {"typed", nil}, {"typed", int64(3)}, {"typed", nil}, {"typed", nil},
			}},
		{"to typeof(string)", `AWSCloudTrail | where EventName == "typed"
			| extend v = parse_json(RequestParameters).v | mv-expand v to typeof(string) | project EventName, v`,
			[]string{"EventName", "v"}, [][]any{
				{"typed", ""}, {"typed", "a"}, {"typed", ""}, {"typed", ""}, {"typed", ""}, {"typed", ""},
			}},
		{"to typeof(bool) and real", `AWSCloudTrail | where EventName == "typed"
			| extend v = parse_json(RequestParameters).v, w = parse_json(RequestParameters).v
			| mv-expand v to typeof(bool), w to typeof(real) | project EventName, v, w`,
			[]string{"EventName", "v", "w"}, [][]any{
				{"typed", nil, 1.0}, {"typed", nil, nil}, {"typed", nil, 2.5}, {"typed", nil, 3.0}, {"typed", true, nil}, {"typed", nil, nil},
			}},
		{"parallel", `AWSCloudTrail | where EventName startswith "zip"
			| extend a = parse_json(RequestParameters).a, b = parse_json(RequestParameters).b
			| mv-expand with_itemindex=i a, b | project EventName, ta = tostring(a), tb = tostring(b), i`,
			[]string{"EventName", "ta", "tb", "i"}, [][]any{
				{"zip", "1", "x", int64(0)}, {"zip", "2", "", int64(1)}, {"zip", "3", "", int64(2)},
				{"zipbag", `{"k":1}`, "1", int64(0)}, {"zipbag", "", "2", int64(1)},
			}},
		{"parallel limit", `AWSCloudTrail | where EventName == "zip"
			| extend a = parse_json(RequestParameters).a, b = parse_json(RequestParameters).b
			| mv-expand a, b limit 2 | summarize n = count()`,
			[]string{"n"}, [][]any{{int64(2)}}},
		{"after summarize", `AWSCloudTrail | where EventName in ("arr", "str")
			| summarize s = make_set(EventName) | mv-expand s | project s = tostring(s)`,
			[]string{"s"}, [][]any{{"arr"}, {"str"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			want := alerts.Table{Columns: tc.cols, Rows: tc.want}
			compareBoth(t, tc.query, expandRecords, want)
		})
	}
}

// compareBoth runs query on the Athena engine and the KQL interpreter
// over recs and compares each with want.
func compareBoth(t *testing.T, query string, recs []string, want alerts.Table) {
	t.Helper()
	for _, engine := range []string{"athena", "kql"} {
		var got alerts.Table
		if engine == "athena" {
			got = runRecords(t, query, recs)
		} else {
			got = runKQL(t, query, recs)
		}
		if d := alerts.Compare(want, got, alerts.Options{}); !d.Empty() {
			t.Errorf("%s (-want +got):\n%s", engine, d)
			if engine == "athena" {
				t.Log(emitQuery(t, query))
			}
		}
	}
}

// runKQL runs query on the KQL interpreter, every record in scope.
func runKQL(t *testing.T, query string, recs []string) alerts.Table {
	t.Helper()
	q, errs := kql.Parse(query)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	src := &logs.SliceSource{}
	for _, r := range recs {
		src.Records = append(src.Records, []byte(r))
	}
	got, err := kqlengine.Run(q, src, kqlengine.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return got
}

// joinRecords are policy creations and attachments, named by eventName.
var joinRecords = []string{
	`{"eventName":"Create","eventTime":"2026-03-02T01:00:00Z","sourceIPAddress":"10.0.0.1","requestParameters":{"policyName":"p1"}}`,
	`{"eventName":"Create","eventTime":"2026-03-02T02:00:00Z","sourceIPAddress":"10.0.0.2","requestParameters":{"policyName":"p1"}}`,
	`{"eventName":"Create","eventTime":"2026-03-02T03:00:00Z","sourceIPAddress":"10.0.0.3","requestParameters":{"policyName":"p2"}}`,
	`{"eventName":"Create","eventTime":"2026-03-02T04:00:00Z","sourceIPAddress":"10.0.0.4","requestParameters":{}}`,
	`{"eventName":"Create","sourceIPAddress":"10.0.0.5","requestParameters":{"policyName":"p3"}}`,
	`{"eventName":"Attach","eventTime":"2026-03-02T05:00:00Z","sourceIPAddress":"10.0.1.1","requestParameters":{"policyName":"p1"}}`,
	`{"eventName":"Attach","eventTime":"2026-03-02T06:00:00Z","sourceIPAddress":"10.0.1.2","requestParameters":{"policyName":"p1"}}`,
	`{"eventName":"Attach","eventTime":"2026-03-02T07:00:00Z","sourceIPAddress":"10.0.1.3","requestParameters":{}}`,
	`{"eventName":"Attach","sourceIPAddress":"10.0.1.4","requestParameters":{"policyName":"p3"}}`,
}

// TestJoin pins join's semantics (plan.Join, from
// https://learn.microsoft.com/kusto/query/join-operator) on both engines,
// against rows worked out by hand: inner returns every matching pair;
// leftouter also each left row without a match, its right strings "" and
// other right columns null; "" is a key like any other; a null key (a
// missing eventTime) matches nothing; innerunique on a side unique on the
// keys is inner; a right column whose name the left has gets a suffix.
func TestJoin(t *testing.T) {
	const creates = `AWSCloudTrail | where EventName == "Create" | extend P = tostring(parse_json(RequestParameters).policyName) | project P, Src = SourceIpAddress, T = TimeGenerated`
	const attaches = `AWSCloudTrail | where EventName == "Attach" | extend P = tostring(parse_json(RequestParameters).policyName) | project P, Src = SourceIpAddress, T = TimeGenerated`
	at := func(h int) string { return fmt.Sprintf("2026-03-02T%02d:00:00Z", h) }
	tests := []struct {
		name, query string
		cols        []string
		want        [][]any
	}{
		{"inner", creates + " | join kind=inner (" + attaches + ") on P | project P, Src, Src1",
			[]string{"P", "Src", "Src1"}, [][]any{
				{"p1", "10.0.0.1", "10.0.1.1"}, {"p1", "10.0.0.1", "10.0.1.2"},
				{"p1", "10.0.0.2", "10.0.1.1"}, {"p1", "10.0.0.2", "10.0.1.2"},
				{"", "10.0.0.4", "10.0.1.3"}, {"p3", "10.0.0.5", "10.0.1.4"},
			}},
		{"leftouter", creates + " | join kind=leftouter (" + attaches + " | summarize n = count(), Last = max(T) by P) on P | project Src, P, P1, n, Last",
			[]string{"Src", "P", "P1", "n", "Last"}, [][]any{
				{"10.0.0.1", "p1", "p1", int64(2), at(6)}, {"10.0.0.2", "p1", "p1", int64(2), at(6)},
				{"10.0.0.3", "p2", "", nil, nil}, {"10.0.0.4", "", "", int64(1), at(7)},
				{"10.0.0.5", "p3", "p3", int64(1), nil},
			}},
		{"null keys match nothing", creates + " | join kind=inner (" + attaches + ") on T | project Src, Src1",
			[]string{"Src", "Src1"}, [][]any{}},
		{"left right keys", creates + " | join kind=inner (" + attaches + " | project Q = P, A = Src) on $left.P == $right.Q | where P == \"p3\" | project Src, A",
			[]string{"Src", "A"}, [][]any{{"10.0.0.5", "10.0.1.4"}}},
		{"innerunique on a distinct side", creates + " | distinct P | join (" + attaches + ") on P | project P, Src",
			[]string{"P", "Src"}, [][]any{{"p1", "10.0.1.1"}, {"p1", "10.0.1.2"}, {"", "10.0.1.3"}, {"p3", "10.0.1.4"}}},
		{"all columns named", creates + " | summarize n = count() by P | join kind=inner (" + attaches + " | summarize n = count() by P) on P",
			[]string{"P", "n", "P1", "n1"}, [][]any{{"p1", int64(2), "p1", int64(2)}, {"", int64(1), "", int64(1)}, {"p3", int64(1), "p3", int64(1)}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			compareBoth(t, tc.query, joinRecords, alerts.Table{Columns: tc.cols, Rows: tc.want})
		})
	}
}

// TestJoinKeepsResources: Resources passes a join as the table's array
// (plan.Join keeps its Origin), so parse_json(Resources)[0].ARN still
// reads CloudTrail's ARN key after it; a leftouter join pads the right
// side's copy with "", whose ARN is "". Worked out from the records.
func TestJoinKeepsResources(t *testing.T) {
	recs := []string{
		`{"eventName":"A","resources":[{"ARN":"arn:aws:s3:::one","accountId":"1","type":"AWS::S3::Bucket"}]}`,
		`{"eventName":"B","resources":[{"ARN":"arn:aws:s3:::two","accountId":"1","type":"AWS::S3::Bucket"}]}`,
	}
	const right = `AWSCloudTrail | where EventName == "A" | project EventName, R2 = Resources`
	for _, kind := range []string{"inner", "leftouter"} {
		t.Run(kind, func(t *testing.T) {
			query := `AWSCloudTrail | project EventName, Resources | join kind=` + kind + ` (` + right + `) on EventName
				| project EventName, a = tostring(parse_json(Resources)[0].ARN), b = tostring(parse_json(R2)[0].ARN)`
			want := alerts.Table{Columns: []string{"EventName", "a", "b"}, Rows: [][]any{{"A", "arn:aws:s3:::one", "arn:aws:s3:::one"}}}
			if kind == "leftouter" {
				want.Rows = append(want.Rows, []any{"B", "arn:aws:s3:::two", ""})
			}
			compareBoth(t, query, recs, want)
		})
	}
}
