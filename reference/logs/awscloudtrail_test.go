package logs

import (
	"bufio"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/tidwall/gjson"
)

// rowWith returns the row ToAWSCloudTrail gives for a record that has none
// of the mapped fields (strings "", datetimes and bools nil, Type the
// constant), with set applied on top, keyed by column name.
func rowWith(set map[string]any) map[string]any {
	m := map[string]any{}
	for _, c := range AWSCloudTrailColumns {
		switch c.Type {
		case "string", "guid":
			m[c.Name] = ""
		default:
			m[c.Name] = nil
		}
	}
	m["Type"] = "AWSCloudTrail"
	for k, v := range set {
		if _, ok := m[k]; !ok {
			panic("rowWith: no column " + k)
		}
		m[k] = v
	}
	return m
}

func byName(row []any) map[string]any {
	m := map[string]any{}
	for i, c := range AWSCloudTrailColumns {
		m[c.Name] = row[i]
	}
	return m
}

func utc(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		panic(err)
	}
	return t.UTC()
}

// TestToAWSCloudTrail projects hand-written records. Every expected value
// is the rule of SEMANTICS.md §1 and ARCHITECTURE.md "Decisions" applied
// by hand to the record above it; the whole row is compared, so a column
// that should stay empty is checked too.
func TestToAWSCloudTrail(t *testing.T) {
	tests := []struct {
		name string
		raw  string
		want map[string]any
	}{{
		name: "IAM user RunInstances: nested objects become compact JSON text, keys in written order",
		raw: `{"eventVersion":"1.08","userIdentity":{"type":"IAMUser","principalId":"AIDAEXAMPLE",
			"arn":"arn:aws:iam::111122223333:user/jane@corp.example","accountId":"111122223333",
			"accessKeyId":"AKIAEXAMPLE","userName":"jane@corp.example"},
			"eventTime":"2026-03-02T01:00:00Z","eventSource":"ec2.amazonaws.com","eventName":"RunInstances",
			"awsRegion":"us-east-1","sourceIPAddress":"198.51.100.7","userAgent":"aws-cli/2.15.0",
			"requestParameters":{ "instanceType" : "p4d.24xlarge", "zeta": 1, "alpha": [1, 2] },
			"responseElements":{"instancesSet":{"items":[{"instanceId":"i-1","cpuOptions":{"coreCount":48,"threadsPerCore":2}}]}},
			"requestID":"req-1","eventID":"ev-1","readOnly":false,"eventType":"AwsApiCall","managementEvent":true,
			"recipientAccountId":"111122223333","eventCategory":"Management","apiVersion":"2016-11-15",
			"sharedEventID":"sh-1","vpcEndpointId":"vpce-1",
			"tlsDetails":{"tlsVersion":"TLSv1.3","cipherSuite":"TLS_AES_128_GCM_SHA256","clientProvidedHostHeader":"ec2.us-east-1.amazonaws.com"}}`,
		want: rowWith(map[string]any{
			"TimeGenerated": utc("2026-03-02T01:00:00Z"), "AwsEventId": "ev-1", "EventVersion": "1.08",
			"EventSource": "ec2.amazonaws.com", "EventTypeName": "AwsApiCall", "EventName": "RunInstances",
			"UserIdentityType": "IAMUser", "UserIdentityPrincipalid": "AIDAEXAMPLE",
			"UserIdentityArn": "arn:aws:iam::111122223333:user/jane@corp.example", "UserIdentityAccountId": "111122223333",
			"UserIdentityAccessKeyId": "AKIAEXAMPLE", "UserIdentityUserName": "jane@corp.example",
			"AWSRegion": "us-east-1", "SourceIpAddress": "198.51.100.7", "UserAgent": "aws-cli/2.15.0",
			"RequestParameters": `{"instanceType":"p4d.24xlarge","zeta":1,"alpha":[1,2]}`,
			"ResponseElements":  `{"instancesSet":{"items":[{"instanceId":"i-1","cpuOptions":{"coreCount":48,"threadsPerCore":2}}]}}`,
			"AwsRequestId_":     "req-1", "APIVersion": "2016-11-15", "ReadOnly": false, "RecipientAccountId": "111122223333",
			"SharedEventId": "sh-1", "VpcEndpointId": "vpce-1", "ManagementEvent": true, "Category": "Management",
			"TlsVersion": "TLSv1.3", "CipherSuite": "TLS_AES_128_GCM_SHA256",
			"ClientProvidedHostHeader": "ec2.us-east-1.amazonaws.com",
		}),
	}, {
		name: "AssumedRole has no userName: the role name is in SessionIssuerUserName only",
		raw: `{"userIdentity":{"type":"AssumedRole","principalId":"AROAEXAMPLE:botocore-session-1",
			"arn":"arn:aws:sts::111122223333:assumed-role/Admin/botocore-session-1","accountId":"111122223333",
			"accessKeyId":"ASIAEXAMPLE","sessionContext":{"sessionIssuer":{"type":"Role","principalId":"AROAEXAMPLE",
			"arn":"arn:aws:iam::111122223333:role/Admin","accountId":"111122223333","userName":"Admin"},
			"attributes":{"creationDate":"2026-03-02T00:55:10Z","mfaAuthenticated":"false"}},
			"invokedBy":"ec2.amazonaws.com"},"eventTime":"2026-03-02T01:00:00Z"}`,
		want: rowWith(map[string]any{
			"TimeGenerated": utc("2026-03-02T01:00:00Z"), "UserIdentityType": "AssumedRole",
			"UserIdentityPrincipalid": "AROAEXAMPLE:botocore-session-1",
			"UserIdentityArn":         "arn:aws:sts::111122223333:assumed-role/Admin/botocore-session-1",
			"UserIdentityAccountId":   "111122223333", "UserIdentityAccessKeyId": "ASIAEXAMPLE",
			"UserIdentityInvokedBy":   "ec2.amazonaws.com",
			"SessionMfaAuthenticated": false, "SessionCreationDate": utc("2026-03-02T00:55:10Z"),
			"SessionIssuerType": "Role", "SessionIssuerPrincipalId": "AROAEXAMPLE",
			"SessionIssuerArn": "arn:aws:iam::111122223333:role/Admin", "SessionIssuerAccountId": "111122223333",
			"SessionIssuerUserName": "Admin",
		}),
	}, {
		name: "root: ARN without a slash, mfaAuthenticated in capitals reads as true",
		raw: `{"userIdentity":{"type":"Root","principalId":"111122223333","arn":"arn:aws:iam::111122223333:root",
			"accountId":"111122223333","sessionContext":{"attributes":{"mfaAuthenticated":"TRUE"}}}}`,
		want: rowWith(map[string]any{
			"UserIdentityType": "Root", "UserIdentityPrincipalid": "111122223333",
			"UserIdentityArn": "arn:aws:iam::111122223333:root", "UserIdentityAccountId": "111122223333",
			"SessionMfaAuthenticated": true,
		}),
	}, {
		name: "failed call: null responseElements and absent userAgent and sourceIPAddress are empty; errorCode without errorMessage",
		raw:  `{"eventName":"RunInstances","errorCode":"Client.DryRunOperation","responseElements":null,"requestParameters":null}`,
		want: rowWith(map[string]any{"EventName": "RunInstances", "ErrorCode": "Client.DryRunOperation"}),
	}, {
		name: "empty object stays {}; resources keeps array text; a JSON string holding truncated JSON is kept as text, unquoted",
		raw: `{"responseElements": {}, "resources": [ {"accountId": "111122223333", "type": "AWS::EC2::Instance",
			"ARN": "arn:aws:ec2:us-east-1:111122223333:instance/i-1"} ],
			"additionalEventData": "{\"instancesSet\":{\"items\":[{\"cpuOptions\":{\"coreCou",
			"serviceEventDetails": "plain text", "errorMessage": ""}`,
		want: rowWith(map[string]any{
			"ResponseElements":    `{}`,
			"Resources":           `[{"accountId":"111122223333","type":"AWS::EC2::Instance","ARN":"arn:aws:ec2:us-east-1:111122223333:instance/i-1"}]`,
			"AdditionalEventData": `{"instancesSet":{"items":[{"cpuOptions":{"coreCou`,
			"ServiceEventDetails": "plain text",
		}),
	}, {
		name: "numbers, booleans and objects in string columns are their JSON text as written",
		raw: `{"eventName": 4, "errorMessage": 4.0, "userAgent": true, "sourceIPAddress": {"a": [1, 2]},
			"recipientAccountId": -1e3, "ec2RoleDelivery": "2.0", "networkDetails": {"protocol": "tcp"}}`,
		want: rowWith(map[string]any{
			"EventName": "4", "ErrorMessage": "4.0", "UserAgent": "true", "SourceIpAddress": `{"a":[1,2]}`,
			"RecipientAccountId": "-1e3", "EC2RoleDelivery": "2.0", "IpProtocol": `{"protocol":"tcp"}`,
		}),
	}, {
		name: "bool columns: only booleans and true/false strings count",
		raw:  `{"readOnly": "True", "managementEvent": "yes", "userIdentity": {"sessionContext": {"attributes": {"mfaAuthenticated": 1}}}}`,
		want: rowWith(map[string]any{"ReadOnly": true}),
	}, {
		name: "bool columns fold ASCII case only: FALſE (long s) is not false",
		raw:  `{"readOnly": "FALSE", "managementEvent": "FALſE"}`,
		want: rowWith(map[string]any{"ReadOnly": false}),
	}, {
		name: "datetime columns: Panther's form with a space reads as UTC; an unreadable time is null",
		raw: `{"eventTime": "2024-12-16 18:41:07.000000000",
			"userIdentity": {"sessionContext": {"attributes": {"creationDate": "redacted"}}}}`,
		want: rowWith(map[string]any{"TimeGenerated": utc("2024-12-16T18:41:07Z")}),
	}, {
		name: "a key written twice: the last counts, for plain fields and for objects, whole",
		raw: `{"eventName": "A", "eventName": "B", "userIdentity": {"type": "X", "userName": "first"},
			"userIdentity": {"type": "Y", "arn": "arn:second"}, "errorMessage": "x", "errorMessage": null}`,
		want: rowWith(map[string]any{"EventName": "B", "UserIdentityType": "Y", "UserIdentityArn": "arn:second"}),
	}, {
		name: "a key written twice inside an object: the last counts",
		raw:  `{"userIdentity": {"userName": "first", "userName": "second"}}`,
		want: rowWith(map[string]any{"UserIdentityUserName": "second"}),
	}, {
		name: "userIdentity that is not an object fills nothing",
		raw:  `{"userIdentity": "arn:aws:iam::111122223333:user/x", "tlsDetails": [1]}`,
		want: rowWith(nil),
	}, {
		name: "escapes: a string column is decoded, JSON text keeps the escapes as written",
		raw: `{"userAgent": "caf\u00e9\tx", "requestParameters": {"k": "caf\u00e9 \"q\""}, "identityStoreArn": "top-level is not userIdentity's",
			"userIdentity": {"identityStoreArn": "arn:aws:identitystore::111122223333:identitystore/d-1", "userId": "u-1"}}`,
		want: rowWith(map[string]any{
			"UserAgent": "café\tx", "RequestParameters": `{"k":"caf\u00e9 \"q\""}`,
			"UserIdentityStoreArn": "arn:aws:identitystore::111122223333:identitystore/d-1", "UserIdentityUserId": "u-1",
		}),
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			row, err := ToAWSCloudTrail([]byte(tt.raw))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, byName(row)); diff != "" {
				t.Errorf("row (-want +got):\n%s", diff)
			}
		})
	}
}

// TestToAWSCloudTrailErrors checks the input ToAWSCloudTrail refuses.
func TestToAWSCloudTrailErrors(t *testing.T) {
	tests := []struct{ raw, want string }{
		{``, "not a JSON object"},
		{`[{"eventName":"A"}]`, "not a JSON object"},
		{`"text"`, "not a JSON object"},
		{`{"eventName":`, "invalid JSON: unexpected end of JSON input"},
		{`{"a":1} {"b":2}`, "invalid JSON: invalid character '{' after top-level value"},
	}
	for _, tt := range tests {
		_, err := ToAWSCloudTrail([]byte(tt.raw))
		got := "<nil>"
		if err != nil {
			got = err.Error()
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("ToAWSCloudTrail(%q) error (-want +got):\n%s", tt.raw, diff)
		}
	}
}

// TestEventTime covers the datetime forms: RFC 3339 with fraction and
// offset (converted to UTC by hand: 02:00+01:00 is 01:00Z), the Panther
// forms with a space, and what is not read.
func TestEventTime(t *testing.T) {
	tests := []struct {
		raw  string
		want time.Time // zero: not read
	}{
		{`{"eventTime":"2026-03-02T01:00:00Z"}`, utc("2026-03-02T01:00:00Z")},
		{`{"eventTime":"2026-03-02T01:00:00.123Z"}`, utc("2026-03-02T01:00:00.123Z")},
		{`{"eventTime":"2026-03-02T02:00:00+01:00"}`, utc("2026-03-02T01:00:00Z")},
		{`{"eventTime":"2024-12-16 18:41:07.000000000"}`, utc("2024-12-16T18:41:07Z")},
		{`{"eventTime":"2024-12-16 18:41:07.5"}`, utc("2024-12-16T18:41:07.5Z")},
		{`{"eventTime":"2024-12-16 18:41:07"}`, utc("2024-12-16T18:41:07Z")},
		{`{"eventTime":"2024-12-16 18:41:07Z"}`, utc("2024-12-16T18:41:07Z")},
		{`{"eventTime":"2026-03-02T01:00:00"}`, time.Time{}}, // RFC 3339 needs a zone
		{`{"eventTime":"2026-03-02"}`, time.Time{}},
		{`{"eventTime":"redacted"}`, time.Time{}},
		{`{"eventTime":"..."}`, time.Time{}},
		{`{"eventTime":1734374467000}`, time.Time{}},
		{`{"eventTime":null}`, time.Time{}},
		{`{}`, time.Time{}},
		{`{"x":{"eventTime":"2026-03-02T01:00:00Z"}}`, time.Time{}}, // only the top-level field
		// A key written twice: the last counts (Decisions).
		{`{"eventTime":"2026-03-02T01:00:00Z","eventTime":"2026-03-02T05:00:00Z"}`, utc("2026-03-02T05:00:00Z")},
		{`{"eventTime":"2026-03-02T01:00:00Z","eventTime":null}`, time.Time{}},
	}
	for _, tt := range tests {
		got, ok := EventTime([]byte(tt.raw))
		if ok != !tt.want.IsZero() || !got.Equal(tt.want) || (ok && got.Location() != time.UTC) {
			t.Errorf("EventTime(%s) = %v, %v; want %v", tt.raw, got, ok, tt.want)
		}
	}
}

// TestPublicRecords projects every public record of testdata/cloudtrail.
// The counts were taken with a separate Python script over the same files
// (json.loads of each line's "event"): 501 records, 484 with a string
// eventTime, of which "..." and "redacted" are not times, leaving 482.
func TestPublicRecords(t *testing.T) {
	files, _ := filepath.Glob("testdata/cloudtrail/*.jsonl")
	var n, timed int
	for _, file := range files {
		f, err := os.Open(file)
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(f)
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			ev := gjson.GetBytes(sc.Bytes(), "event")
			row, err := ToAWSCloudTrail([]byte(ev.Raw))
			if err != nil {
				t.Fatalf("%s: %v", file, err)
			}
			n++
			if row[AWSCloudTrailIndex["TimeGenerated"]] != nil {
				timed++
			}
		}
		f.Close()
	}
	if diff := cmp.Diff([2]int{501, 482}, [2]int{n, timed}); diff != "" {
		t.Errorf("[records, with TimeGenerated] (-want +got):\n%s", diff)
	}
}
