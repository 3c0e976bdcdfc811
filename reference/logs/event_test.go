package logs

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestToLogEventSystemFields(t *testing.T) {
	// Expected values worked out by hand from the record text and the rules
	// written in event.go's doc comments.
	raw := `{"eventTime":"2026-03-02T01:00:00+01:00","awsRegion":"eu-west-1","recipientAccountId":"111122223333","eventName":"RunInstances"}`
	ev, err := ToLogEvent(Record{Raw: []byte(raw), Source: "a.json", Index: 3})
	if err != nil {
		t.Fatal(err)
	}
	want := LogEvent{
		Message:       raw,
		Timestamp:     time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC),
		IngestionTime: time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC),
		LogStream:     "111122223333_CloudTrail_eu-west-1",
		Log:           "111122223333:CloudTrail/DefaultLogGroup",
		Source:        "a.json",
		Index:         3,
	}
	if diff := cmp.Diff(want, ev, cmpopts.IgnoreUnexported(LogEvent{})); diff != "" {
		t.Errorf("ToLogEvent (-want +got):\n%s", diff)
	}
	wantFields := []LogEventField{
		{"eventTime", "2026-03-02T01:00:00+01:00"},
		{"awsRegion", "eu-west-1"},
		{"recipientAccountId", "111122223333"},
		{"eventName", "RunInstances"},
	}
	if diff := cmp.Diff(wantFields, ev.Fields()); diff != "" {
		t.Errorf("Fields (-want +got):\n%s", diff)
	}
	if ev.FieldCount() != 4 {
		t.Errorf("FieldCount = %d, want 4", ev.FieldCount())
	}
}

func TestToLogEventTimestamp(t *testing.T) {
	tests := []struct {
		name, eventTime string
		want            time.Time
	}{
		{"rfc3339 utc", `"2026-03-02T01:00:00Z"`, time.Date(2026, 3, 2, 1, 0, 0, 0, time.UTC)},
		{"rfc3339 fraction", `"2026-03-02T01:00:00.250Z"`, time.Date(2026, 3, 2, 1, 0, 0, 250e6, time.UTC)},
		{"offset moves to utc", `"2026-03-02T01:00:00-02:00"`, time.Date(2026, 3, 2, 3, 0, 0, 0, time.UTC)},
		// The form Panther's test events carry (shared/cloudtrail README).
		{"space form read as utc", `"2024-12-16 18:41:07.000000000"`, time.Date(2024, 12, 16, 18, 41, 7, 0, time.UTC)},
		// The space form with a zone, which TimeGenerated reads (EventTime).
		{"space form with Z", `"2024-12-16 18:41:07Z"`, time.Date(2024, 12, 16, 18, 41, 7, 0, time.UTC)},
		{"space form with offset", `"2024-12-16 18:41:07+01:00"`, time.Date(2024, 12, 16, 17, 41, 7, 0, time.UTC)},
		{"rfc3339 needs a zone", `"2026-03-02T01:00:00"`, time.Time{}},
		// A key written twice counts by its last value, null too.
		{"last of two", `"2026-03-02T01:00:00Z","eventTime":"2026-03-02T05:00:00Z"`, time.Date(2026, 3, 2, 5, 0, 0, 0, time.UTC)},
		{"last is null", `"2026-03-02T01:00:00Z","eventTime":null`, time.Time{}},
		{"date only is unparseable", `"2026-03-02"`, time.Time{}},
		{"number is not a time", `1700000000`, time.Time{}},
		{"null", `null`, time.Time{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ev, err := ToLogEvent(Record{Raw: []byte(`{"eventTime":` + tc.eventTime + `}`)})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, ev.Timestamp); diff != "" {
				t.Errorf("@timestamp (-want +got):\n%s", diff)
			}
		})
	}
	ev, err := ToLogEvent(Record{Raw: []byte(`{"eventName":"x"}`)})
	if err != nil {
		t.Fatal(err)
	}
	if !ev.Timestamp.IsZero() {
		t.Errorf("absent eventTime: @timestamp = %v, want the zero time", ev.Timestamp)
	}
}

func TestToLogEventDiscovery(t *testing.T) {
	tests := []struct {
		name string
		raw  string
		want []LogEventField
	}{
		{
			// The discovered-fields page's own example: userIdentity.type and
			// requestParameters.instancesSet.items.0.instanceId.
			name: "dotted paths and array positions",
			raw:  `{"userIdentity":{"type":"IAMUser"},"requestParameters":{"instancesSet":{"items":[{"instanceId":"i-abcde123"}]}}}`,
			want: []LogEventField{
				{"userIdentity.type", "IAMUser"},
				{"requestParameters.instancesSet.items.0.instanceId", "i-abcde123"},
			},
		},
		{
			name: "numbers are doubles, booleans and null stay",
			raw:  `{"n":4,"f":4.5,"big":123456789012,"b":true,"z":null,"s":"4"}`,
			want: []LogEventField{
				{"n", 4.0}, {"f", 4.5}, {"big", 123456789012.0}, {"b", true}, {"z", nil}, {"s", "4"},
			},
		},
		{
			name: "empty object and array yield no field",
			raw:  `{"a":{},"b":[],"c":[[],{"d":1}]}`,
			want: []LogEventField{{"c.1.d", 1.0}},
		},
		{
			name: "document order, not key order",
			raw:  `{"z":1,"a":{"y":2,"b":3}}`,
			want: []LogEventField{{"z", 1.0}, {"a.y", 2.0}, {"a.b", 3.0}},
		},
		{
			name: "a name starting with @ gets another @",
			raw:  `{"@example.com":"x","k":{"@v":1}}`,
			want: []LogEventField{{"@@example.com", "x"}, {"k.@v", 1.0}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ev, err := ToLogEvent(Record{Raw: []byte(tc.raw)})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, ev.Fields()); diff != "" {
				t.Errorf("fields (-want +got):\n%s", diff)
			}
		})
	}
}

func TestToLogEventFieldLimit(t *testing.T) {
	// 199 top-level leaves, then an array of two: the array's first element
	// is leaf 200 (kept), its second is leaf 201 (cut), and so is "after".
	var b strings.Builder
	b.WriteString("{")
	for i := 0; i < 199; i++ {
		fmt.Fprintf(&b, `"a%d":%d,`, i, i)
	}
	b.WriteString(`"x":{"y":["kept","cut"]},"after":"cut"}`)
	ev, err := ToLogEvent(Record{Raw: []byte(b.String())})
	if err != nil {
		t.Fatal(err)
	}
	type result struct {
		Kept, Count   int
		Y0, Y1, After bool
		Last          LogEventField
	}
	_, y0 := ev.Field("x.y.0")
	_, y1 := ev.Field("x.y.1")
	_, after := ev.Field("after")
	fields := ev.Fields()
	got := result{len(fields), ev.FieldCount(), y0, y1, after, fields[len(fields)-1]}
	want := result{Kept: 200, Count: 202, Y0: true, Y1: false, After: false, Last: LogEventField{"x.y.0", "kept"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("limit (-want +got):\n%s", diff)
	}
}

// panther142 is the "Multiple vulnerable AMIs Launched" RunInstances event
// from github.com/panther-labs/panther-analysis @ daa10c888566,
// rules/aws_cloudtrail_rules/aws_ec2_vulnerable_xz_image_launched.yml
// (Apache-2.0), line 142 of shared/cloudtrail/panther/panther_cloudtrail_tests.jsonl.
const panther142 = `{"awsRegion":"us-west-2","eventCategory":"Management","eventID":"762b9172-6148-4c76-aee4-f6fc0fd140af","eventName":"RunInstances","eventSource":"ec2.amazonaws.com","eventTime":"2024-04-02 16:46:24.000000000","eventType":"AwsApiCall","eventVersion":"1.09","managementEvent":true,"readOnly":false,"recipientAccountId":"123456789012","requestID":"a71ca9b3-be94-4e22-95c5-e93b2280306c","requestParameters":{"blockDeviceMapping":{"items":[{"deviceName":"/dev/sda1","ebs":{"deleteOnTermination":true,"encrypted":false,"iops":3000,"snapshotId":"snap-00000000000000000","throughput":125,"volumeSize":6,"volumeType":"gp3"}}]},"clientToken":"8945829d-0ef6-470d-bbfd-ea5bb2d82fdb","disableApiStop":false,"disableApiTermination":false,"ebsOptimized":true,"instanceType":"t3a.nano","instancesSet":{"items":[{"imageId":"ami-092e3b17e435e5e58","keyName":"a-key","maxCount":2,"minCount":2}]},"monitoring":{"enabled":false},"networkInterfaceSet":{"items":[{"associatePublicIpAddress":true,"deviceIndex":0,"groupSet":{"items":[{"groupId":"sg-00000000000000000"}]},"subnetId":"subnet-00000000000000000"}]},"privateDnsNameOptions":{"enableResourceNameDnsAAAARecord":false,"enableResourceNameDnsARecord":false,"hostnameType":"ip-name"},"tagSpecificationSet":{"items":[{"resourceType":"instance","tags":[{"key":"Name","value":"test"}]}]}},"responseElements":{"groupSet":{},"instancesSet":{"items":[{"amiLaunchIndex":0,"architecture":"x86_64","blockDeviceMapping":{},"capacityReservationSpecification":{"capacityReservationPreference":"open"},"clientToken":"8945829d-0ef6-470d-bbfd-ea5bb2d82fdb","cpuOptions":{"coreCount":1,"threadsPerCore":2},"currentInstanceBootMode":"legacy-bios","ebsOptimized":true,"enaSupport":true,"enclaveOptions":{"enabled":false},"groupSet":{"items":[{"groupId":"sg-00000000000000000","groupName":"ssh"}]},"hypervisor":"xen","imageId":"ami-092e3b17e435e5e58","instanceId":"i-00000000000000000","instanceState":{"code":0,"name":"pending"},"instanceType":"t3a.nano","keyName":"a-key","launchTime":1712076384000,"maintenanceOptions":{"autoRecovery":"default"},"metadataOptions":{"httpEndpoint":"enabled","httpProtocolIpv4":"enabled","httpProtocolIpv6":"disabled","httpPutResponseHopLimit":1,"httpTokens":"optional","instanceMetadataTags":"disabled","state":"pending"},"monitoring":{"state":"disabled"},"networkInterfaceSet":{"items":[{"attachment":{"attachTime":1712076384000,"attachmentId":"eni-attach-00000000000000000","deleteOnTermination":true,"deviceIndex":0,"networkCardIndex":0,"status":"attaching"},"groupSet":{"items":[{"groupId":"sg-00000000000000000","groupName":"ssh"}]},"interfaceType":"interface","ipv6AddressesSet":{},"macAddress":"06:18:9b:64:05:2b","networkInterfaceId":"eni-00000000000000000","ownerId":"123456789012","privateDnsName":"ip-10-0-0-4.us-west-2.compute.internal","privateIpAddress":"10.0.0.4","privateIpAddressesSet":{"item":[{"primary":true,"privateDnsName":"ip-10-0-0-4.us-west-2.compute.internal","privateIpAddress":"10.0.0.4"}]},"sourceDestCheck":true,"status":"in-use","subnetId":"subnet-00000000000000000","tagSet":{},"vpcId":"vpc-00000000000000000"}]},"placement":{"availabilityZone":"us-west-2b","tenancy":"default"},"privateDnsName":"ip-10-0-0-4.us-west-2.compute.internal","privateDnsNameOptions":{"enableResourceNameDnsAAAARecord":false,"enableResourceNameDnsARecord":false,"hostnameType":"ip-name"},"privateIpAddress":"10.0.0.4","productCodes":{},"rootDeviceName":"/dev/sda1","rootDeviceType":"ebs","sourceDestCheck":true,"stateReason":{"code":"pending","message":"pending"},"subnetId":"subnet-00000000000000000","tagSet":{"items":[{"key":"Name","value":"test"}]},"virtualizationType":"hvm","vpcId":"vpc-00000000000000000"},{"amiLaunchIndex":1,"architecture":"x86_64","blockDeviceMapping":{},"capacityReservationSpecification":{"capacityReservationPreference":"open"},"clientToken":"8945829d-0ef6-470d-bbfd-ea5bb2d82fdb","cpuOptions":{"coreCount":1,"threadsPerCore":2},"currentInstanceBootMode":"legacy-bios","ebsOptimized":true,"enaSupport":true,"enclaveOptions":{"enabled":false},"groupSet":{"items":[{"groupId":"sg-00000000000000000","groupName":"ssh"}]},"hypervisor":"xen","imageId":"ami-020a359780bc6f835","instanceId":"i-00000000000000001","instanceState":{"code":0,"name":"pending"},"instanceType":"t3a.nano","keyName":"a-key","launchTime":1712076384000,"maintenanceOptions":{"autoRecovery":"default"},"metadataOptions":{"httpEndpoint":"enabled","httpProtocolIpv4":"enabled","httpProtocolIpv6":"disabled","httpPutResponseHopLimit":1,"httpTokens":"optional","instanceMetadataTags":"disabled","state":"pending"},"monitoring":{"state":"disabled"},"networkInterfaceSet":{"items":[{"attachment":{"attachTime":1712076384000,"attachmentId":"eni-attach-00000000000000000","deleteOnTermination":true,"deviceIndex":0,"networkCardIndex":0,"status":"attaching"},"groupSet":{"items":[{"groupId":"sg-00000000000000000","groupName":"ssh"}]},"interfaceType":"interface","ipv6AddressesSet":{},"macAddress":"06:b3:32:47:a8:c5","networkInterfaceId":"eni-00000000000000000","ownerId":"123456789012","privateDnsName":"ip-10-0-0-5.us-west-2.compute.internal","privateIpAddress":"10.0.0.5","privateIpAddressesSet":{"item":[{"primary":true,"privateDnsName":"ip-10-0-0-5.us-west-2.compute.internal","privateIpAddress":"10.0.0.5"}]},"sourceDestCheck":true,"status":"in-use","subnetId":"subnet-00000000000000000","tagSet":{},"vpcId":"vpc-00000000000000000"}]},"placement":{"availabilityZone":"us-west-2b","tenancy":"default"},"privateDnsName":"ip-10-0-0-5.us-west-2.compute.internal","privateDnsNameOptions":{"enableResourceNameDnsAAAARecord":false,"enableResourceNameDnsARecord":false,"hostnameType":"ip-name"},"privateIpAddress":"10.0.0.5","productCodes":{},"rootDeviceName":"/dev/sda1","rootDeviceType":"ebs","sourceDestCheck":true,"stateReason":{"code":"pending","message":"pending"},"subnetId":"subnet-00000000000000000","tagSet":{"items":[{"key":"Name","value":"test"}]},"virtualizationType":"hvm","vpcId":"vpc-00000000000000000"}]},"ownerId":"123456789012","requestId":"a71ca9b3-be94-4e22-95c5-e93b2280306c","reservationId":"r-00000000000000000"},"sessionCredentialFromConsole":true,"sourceIPAddress":"1.2.3.4","tlsDetails":{"cipherSuite":"TLS_AES_128_GCM_SHA256","clientProvidedHostHeader":"ec2.us-west-2.amazonaws.com","tlsVersion":"TLSv1.3"},"userAgent":"Mozilla/5.0 (Macintosh; Intel Mac OS X 10.15; rv:124.0) Gecko/20100101 Firefox/124.0","userIdentity":{"accessKeyId":"ASIASXP6SDP2MBQCDGHR","accountId":"123456789012","arn":"arn:aws:sts::123456789012:assumed-role/ARole/user.name","principalId":"00000000000000000:user.name","sessionContext":{"attributes":{"creationDate":"2024-04-02T16:09:04Z","mfaAuthenticated":"false"},"sessionIssuer":{"accountId":"123456789012","arn":"arn:aws:iam::123456789012:role/aws-reserved/sso.amazonaws.com/us-west-2/ARole","principalId":"00000000000000000","type":"Role","userName":"ARole"}},"type":"AssumedRole"}}`

func TestToLogEventRealRunInstances(t *testing.T) {
	ev, err := ToLogEvent(Record{Raw: []byte(panther142), Source: "panther.jsonl", Index: 142})
	if err != nil {
		t.Fatal(err)
	}
	// Expected figures computed independently with jq:
	//   [paths(type != "object" and type != "array")] | length        -> 195
	//   index of responseElements.instancesSet.items.1.cpuOptions.coreCount -> 111
	//   its value -> 1; .userIdentity.type is the last leaf (index 194)
	type result struct {
		Count, Kept int
		Stream      string
		Time        time.Time
		CoreAt111   LogEventField
		Last        LogEventField
	}
	fields := ev.Fields()
	got := result{ev.FieldCount(), len(fields), ev.LogStream, ev.Timestamp, fields[111], fields[len(fields)-1]}
	want := result{
		Count: 195, Kept: 195,
		Stream:    "123456789012_CloudTrail_us-west-2",
		Time:      time.Date(2024, 4, 2, 16, 46, 24, 0, time.UTC),
		CoreAt111: LogEventField{"responseElements.instancesSet.items.1.cpuOptions.coreCount", 1.0},
		Last:      LogEventField{"userIdentity.type", "AssumedRole"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("RunInstances event (-want +got):\n%s", diff)
	}
}

func TestToLogEventErrors(t *testing.T) {
	tests := []struct{ raw, want string }{
		{`[1,2]`, "f.json:2: record is not a JSON object"},
		{`"text"`, "f.json:2: record is not a JSON object"},
		{``, "f.json:2: record is not valid JSON: unexpected end of JSON input"},
		{`{"a":1} {"b":2}`, "f.json:2: record is not valid JSON: invalid character '{' after top-level value"},
		{`{"a":[1,}`, "f.json:2: record is not valid JSON: invalid character '}' looking for beginning of value"},
	}
	for _, tc := range tests {
		_, err := ToLogEvent(Record{Raw: []byte(tc.raw), Source: "f.json", Index: 2})
		got := ""
		if err != nil {
			got = err.Error()
		}
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("ToLogEvent(%q) error (-want +got):\n%s", tc.raw, diff)
		}
	}
}
