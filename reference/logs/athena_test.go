package logs

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestAthenaColumnsMatchDDL compares the table with the DDL of
// shared/TARGETS.md §2 (the Athena guide's CloudTrail table), copied here by
// hand with its spaces removed.
func TestAthenaColumnsMatchDDL(t *testing.T) {
	want := []string{
		"eventversion string",
		"useridentity struct<type:string,principalid:string,arn:string,accountid:string," +
			"invokedby:string,accesskeyid:string,username:string," +
			"sessioncontext:struct<attributes:struct<mfaauthenticated:string,creationdate:string>," +
			"sessionissuer:struct<type:string,principalid:string,arn:string,accountid:string,username:string>>>",
		"eventtime string", "eventsource string", "eventname string", "awsregion string",
		"sourceipaddress string", "useragent string", "errorcode string", "errormessage string",
		"requestparameters string", "responseelements string", "additionaleventdata string",
		"requestid string", "eventid string", "readonly string",
		"resources array<struct<arn:string,accountid:string,type:string>>",
		"eventtype string", "apiversion string", "recipientaccountid string",
		"serviceeventdetails string", "sharedeventid string", "vpcendpointid string",
		"timestamp string",
	}
	var got []string
	for _, c := range AthenaColumns {
		got = append(got, c.Name+" "+c.Type.String())
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("AthenaColumns (-want +got):\n%s", diff)
	}
}

// TestToAthenaValues pins how each kind of JSON value reaches a column. The
// expectations follow the rules in athena.go's header comment, worked out by
// hand for each record.
func TestToAthenaValues(t *testing.T) {
	tests := []struct {
		name, record, path string
		want               any
	}{
		{"string column", `{"eventName":"RunInstances"}`, "eventname", "RunInstances"},
		{"key matched case-insensitively", `{"EVENTNAME":"RunInstances"}`, "eventname", "RunInstances"},
		{"later duplicate wins", `{"eventName":"a","eventname":"b"}`, "eventname", "b"},
		{"absent is null", `{}`, "eventname", nil},
		{"json null is null", `{"eventName":null}`, "eventname", nil},
		{"empty string stays empty", `{"errorMessage":""}`, "errormessage", ""},
		{"boolean token text", `{"readOnly":false}`, "readonly", "false"},
		{"number token as written", `{"eventVersion":1.08}`, "eventversion", "1.08"},
		{"number keeps its spelling", `{"eventVersion":1.0}`, "eventversion", "1.0"},
		{"object as compact json text",
			`{"requestParameters": {"instanceType": "m5.large", "ids": [1, 2]}}`,
			"requestparameters", `{"instanceType":"m5.large","ids":[1,2]}`},
		{"object keeps key order and escapes", `{"additionalEventData":{"z":1,"a":"\u00e9"}}`,
			"additionaleventdata", `{"z":1,"a":"\u00e9"}`},
		{"empty object", `{"responseElements":{}}`, "responseelements", "{}"},
		{"array as json text", `{"requestParameters":[]}`, "requestparameters", "[]"},
		{"null object is null", `{"responseElements":null}`, "responseelements", nil},
		// A log that already holds the value as text, possibly truncated:
		// the string's content, as for any string column.
		{"json string holding truncated json", `{"responseElements":"{\"a\":1"}`, "responseelements", `{"a":1`},
		{"struct field", `{"userIdentity":{"type":"IAMUser","userName":"jane"}}`, "useridentity.username", "jane"},
		{"struct field case-insensitive", `{"userIdentity":{"principalId":"AIDA1"}}`, "useridentity.principalid", "AIDA1"},
		{"nested struct", `{"userIdentity":{"sessionContext":{"sessionIssuer":{"userName":"role1"}}}}`,
			"useridentity.sessioncontext.sessionissuer.username", "role1"},
		{"nested attributes", `{"userIdentity":{"sessionContext":{"attributes":{"mfaAuthenticated":"true"}}}}`,
			"useridentity.sessioncontext.attributes.mfaauthenticated", "true"},
		{"missing struct is null", `{}`, "useridentity", nil},
		{"struct field of null struct", `{"userIdentity":null}`, "useridentity.arn", nil},
		{"undeclared struct field ignored", `{"userIdentity":{"onBehalfOf":{"userId":"x"}}}`, "useridentity.onbehalfof", nil},
		{"eventtime as written", `{"eventTime":"2026-03-02T01:00:00Z"}`, "eventtime", "2026-03-02T01:00:00Z"},
		{"eventtime number as text", `{"eventTime":1700000000}`, "eventtime", "1700000000"},
		{"partition from utc day", `{"eventTime":"2026-03-02T01:00:00Z"}`, "timestamp", "2026/03/02"},
		// 23:30 at -02:00 is 01:30 UTC the next day.
		{"partition after offset", `{"eventTime":"2026-03-02T23:30:00-02:00"}`, "timestamp", "2026/03/03"},
		{"partition of space form", `{"eventTime":"2024-12-16 18:41:07.000000000"}`, "timestamp", "2024/12/16"},
		// The partition follows EventTime's reading: the space form with a
		// zone is a time, RFC 3339 without one is not.
		{"partition of space form with offset", `{"eventTime":"2024-12-16 23:41:07-01:00"}`, "timestamp", "2024/12/17"},
		{"no partition without a zone", `{"eventTime":"2026-03-02T01:00:00"}`, "timestamp", nil},
		{"partition year end", `{"eventTime":"2025-12-31T23:59:59Z"}`, "timestamp", "2025/12/31"},
		{"no partition without time", `{}`, "timestamp", nil},
		{"no partition for date only", `{"eventTime":"2026-03-02"}`, "timestamp", nil},
		{"no partition for number", `{"eventTime":1700000000}`, "timestamp", nil},
		// "timestamp" is a partition column: the record's own key is not read.
		{"record key timestamp ignored", `{"timestamp":"x","eventTime":"2026-03-02T01:00:00Z"}`, "timestamp", "2026/03/02"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			row, err := ToAthena([]byte(tc.record))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, row.Get(tc.path)); diff != "" {
				t.Errorf("%s of %s (-want +got):\n%s", tc.path, tc.record, diff)
			}
		})
	}
}

// TestToAthenaResources pins the array of structs: CloudTrail's "ARN" and
// "accountId" keys fill arn and accountid, a null element stays a NULL
// element, an empty array stays empty (not NULL).
func TestToAthenaResources(t *testing.T) {
	tests := []struct {
		name, record string
		want         any
	}{
		{"two resources and a null",
			`{"resources":[{"ARN":"arn:aws:ec2:us-east-1:111122223333:instance/i-1","accountId":"111122223333","type":"AWS::EC2::Instance"},null,{"type":"AWS::S3::Bucket"}]}`,
			[]any{
				map[string]any{"arn": "arn:aws:ec2:us-east-1:111122223333:instance/i-1", "accountid": "111122223333", "type": "AWS::EC2::Instance"},
				nil,
				map[string]any{"arn": nil, "accountid": nil, "type": "AWS::S3::Bucket"},
			}},
		{"empty", `{"resources":[]}`, []any{}},
		{"absent", `{}`, nil},
		{"null", `{"resources":null}`, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			row, err := ToAthena([]byte(tc.record))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, row.Get("resources")); diff != "" {
				t.Errorf("resources (-want +got):\n%s", diff)
			}
		})
	}
}

// TestToAthenaWholeRow checks every column of one assumed-role record, so
// that no column is silently shifted: Values follows AthenaColumns.
func TestToAthenaWholeRow(t *testing.T) {
	raw := `{"eventVersion":"1.08","userIdentity":{"type":"AssumedRole","principalId":"AROAEXAMPLE:jane",` +
		`"arn":"arn:aws:sts::111122223333:assumed-role/Admin/jane","accountId":"111122223333","accessKeyId":"ASIAEXAMPLE",` +
		`"sessionContext":{"sessionIssuer":{"type":"Role","principalId":"AROAEXAMPLE","arn":"arn:aws:iam::111122223333:role/Admin",` +
		`"accountId":"111122223333","userName":"Admin"},"attributes":{"creationDate":"2026-03-02T00:00:00Z","mfaAuthenticated":"false"}}},` +
		`"eventTime":"2026-03-02T01:00:00Z","eventSource":"ec2.amazonaws.com","eventName":"RunInstances","awsRegion":"us-east-1",` +
		`"sourceIPAddress":"198.51.100.7","userAgent":"aws-cli/2","requestParameters":{"instanceType":"p4d.24xlarge"},` +
		`"responseElements":{"instancesSet":{"items":[{"cpuOptions":{"coreCount":48,"threadsPerCore":2}}]}},` +
		`"requestID":"r-1","eventID":"e-1","readOnly":false,"eventType":"AwsApiCall","managementEvent":true,` +
		`"recipientAccountId":"111122223333","eventCategory":"Management"}`
	row, err := ToAthena([]byte(raw))
	if err != nil {
		t.Fatal(err)
	}
	identity := map[string]any{
		"type": "AssumedRole", "principalid": "AROAEXAMPLE:jane",
		"arn": "arn:aws:sts::111122223333:assumed-role/Admin/jane", "accountid": "111122223333",
		"invokedby": nil, "accesskeyid": "ASIAEXAMPLE", "username": nil,
		"sessioncontext": map[string]any{
			"attributes": map[string]any{"mfaauthenticated": "false", "creationdate": "2026-03-02T00:00:00Z"},
			"sessionissuer": map[string]any{"type": "Role", "principalid": "AROAEXAMPLE",
				"arn": "arn:aws:iam::111122223333:role/Admin", "accountid": "111122223333", "username": "Admin"},
		},
	}
	want := []any{
		"1.08", identity, "2026-03-02T01:00:00Z", "ec2.amazonaws.com", "RunInstances", "us-east-1",
		"198.51.100.7", "aws-cli/2", nil, nil, `{"instanceType":"p4d.24xlarge"}`,
		`{"instancesSet":{"items":[{"cpuOptions":{"coreCount":48,"threadsPerCore":2}}]}}`, nil,
		"r-1", "e-1", "false", nil, "AwsApiCall", nil, "111122223333", nil, nil, nil, "2026/03/02",
	}
	if diff := cmp.Diff(want, row.Values); diff != "" {
		t.Errorf("row (-want +got):\n%s", diff)
	}
}

// TestToAthenaErrors: records that are not JSON objects fail with a
// message that says so; none panics.
func TestToAthenaErrors(t *testing.T) {
	tests := []struct{ name, record, want string }{
		{"not json", `{"eventName":`, "not valid JSON"},
		{"not an object", `[1,2]`, "record is a JSON array, not an object"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ToAthena([]byte(tc.record))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("ToAthena(%s) error = %v, want it to contain %q", tc.record, err, tc.want)
			}
		})
	}
}

// TestToAthenaUnreadable: a struct or array value of another shape, which
// Athena fails the query on, reads as NULL and is listed; the rest of the
// record is read.
func TestToAthenaUnreadable(t *testing.T) {
	tests := []struct {
		name, record string
		path         string // a value to check
		want         any
		unreadable   []string
	}{
		{"struct holds a string", `{"userIdentity":"root","eventName":"E"}`, "eventname", "E",
			[]string{"useridentity is a JSON string where the table declares a struct"}},
		{"nested struct holds a number", `{"userIdentity":{"arn":"a","sessionContext":{"attributes":3}}}`, "useridentity.arn", "a",
			[]string{"useridentity.sessioncontext.attributes is a JSON number where the table declares a struct"}},
		{"array holds an object", `{"resources":{"ARN":"x"}}`, "resources", nil,
			[]string{"resources is a JSON object where the table declares an array"}},
		{"array element holds a string", `{"resources":["arn:x",{"ARN":"y"}]}`, "resources",
			[]any{nil, map[string]any{"arn": "y", "accountid": nil, "type": nil}},
			[]string{"resources[] is a JSON string where the table declares a struct"}},
		// Java lower-cases İ to i and a combining dot: not the column.
		{"dotted capital I is not i", `{"userİdentity":{"arn":"a"}}`, "useridentity", nil, nil},
		{"Kelvin sign is k", `{"userIdentity":{"accessKeyId":"A","acces\u0073\u212Aeyid":"B"}}`, "useridentity.accesskeyid", "B", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			row, err := ToAthena([]byte(tc.record))
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tc.want, row.Get(tc.path)); d != "" {
				t.Errorf("%s (-want +got):\n%s", tc.path, d)
			}
			if d := cmp.Diff(tc.unreadable, row.Unreadable); d != "" {
				t.Errorf("unreadable (-want +got):\n%s", d)
			}
		})
	}
}

func FuzzToAthena(f *testing.F) {
	f.Add([]byte(`{"eventName":"RunInstances","resources":[{"ARN":"a"}],"userIdentity":{"arn":"x"}}`))
	f.Add([]byte(`{"requestParameters":{"a":[1,{"b":null}]},"eventTime":"2026-03-02T01:00:00Z"}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, raw []byte) {
		row, err := ToAthena(raw)
		if err == nil && len(row.Values) != len(AthenaColumns) {
			t.Fatalf("%d values for %d columns", len(row.Values), len(AthenaColumns))
		}
	})
}
