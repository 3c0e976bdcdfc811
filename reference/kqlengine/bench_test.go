package kqlengine

import (
	"fmt"
	"testing"
	"time"

	"github.com/ruleport/ruleport/fixtures"
	"github.com/ruleport/ruleport/reference/logs"
)

// benchRecords builds n CloudTrail records for the seed rule: RunInstances
// launches with a full instancesSet item (the response elements are a few
// kilobytes, as real ones are), by 50 users over 7 hours, plus one
// DescribeInstances call in every four records, which the first where drops.
func benchRecords(n int) [][]byte {
	recs := make([][]byte, n)
	base := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	for i := range recs {
		at := base.Add(time.Duration(i/50%420) * time.Minute).Format(time.RFC3339)
		name := "RunInstances"
		if i%4 == 3 {
			name = "DescribeInstances"
		}
		user := fmt.Sprintf("user%02d@corp.example", i%50)
		recs[i] = []byte(fmt.Sprintf(`{"eventVersion":"1.08","userIdentity":{"type":"IAMUser","principalId":"AIDA%06d",`+
			`"arn":"arn:aws:iam::111122223333:user/%s","accountId":"111122223333","accessKeyId":"AKIA%06d","userName":"%s"},`+
			`"eventTime":"%s","eventSource":"ec2.amazonaws.com","eventName":"%s","awsRegion":"us-east-1",`+
			`"sourceIPAddress":"198.51.100.%d","userAgent":"aws-cli/2.15.30 Python/3.11.8 Linux/6.1.0 exe/x86_64",`+
			`"requestParameters":{"instancesSet":{"items":[{"imageId":"ami-0abcdef1234567890","minCount":1,"maxCount":1}]},`+
			`"instanceType":"p4d.24xlarge","blockDeviceMapping":{},"monitoring":{"enabled":false},"disableApiTermination":false},`+
			`"responseElements":{"requestId":"r-%d","reservationId":"r-0123456789abcdef0","ownerId":"111122223333","groupSet":{},`+
			`"instancesSet":{"items":[{"instanceId":"i-%017d","imageId":"ami-0abcdef1234567890","instanceState":{"code":0,"name":"pending"},`+
			`"privateDnsName":"ip-10-0-0-1.ec2.internal","amiLaunchIndex":0,"productCodes":{},"instanceType":"p4d.24xlarge",`+
			`"launchTime":1772409600000,"placement":{"availabilityZone":"us-east-1a","tenancy":"default"},"monitoring":{"state":"disabled"},`+
			`"subnetId":"subnet-0123456789abcdef0","vpcId":"vpc-0123456789abcdef0","privateIpAddress":"10.0.0.1",`+
			`"stateReason":{"code":"pending","message":"pending"},"architecture":"x86_64","rootDeviceType":"ebs","rootDeviceName":"/dev/xvda",`+
			`"blockDeviceMapping":{},"virtualizationType":"hvm","hypervisor":"xen","groupSet":{"items":[{"groupId":"sg-0123456789abcdef0","groupName":"default"}]},`+
			`"sourceDestCheck":true,"networkInterfaceSet":{"items":[{"networkInterfaceId":"eni-0123456789abcdef0","subnetId":"subnet-0123456789abcdef0",`+
			`"vpcId":"vpc-0123456789abcdef0","ownerId":"111122223333","status":"in-use","macAddress":"0a:00:00:00:00:01",`+
			`"privateIpAddress":"10.0.0.1","sourceDestCheck":true,"interfaceType":"interface"}]},"ebsOptimized":false,"enaSupport":true,`+
			`"cpuOptions":{"coreCount":%d,"threadsPerCore":2},"capacityReservationSpecification":{"capacityReservationPreference":"open"},`+
			`"hibernationOptions":{"configured":false},"enclaveOptions":{"enabled":false},"metadataOptions":{"state":"pending","httpTokens":"optional"}}]}},`+
			`"requestID":"req-%d","eventID":"evt-%d","readOnly":false,"eventType":"AwsApiCall","managementEvent":true,`+
			`"recipientAccountId":"111122223333","eventCategory":"Management"}`,
			i, user, i, user, at, name, i%50, i, i, 8+i%5*8, i, i))
	}
	return recs
}

// BenchmarkSeed measures the seed rule over CloudTrail records, from raw
// JSON to sorted alerts: projection, window, where, five parse_json calls
// per row and the summarize. It reports records per second.
func BenchmarkSeed(b *testing.B) {
	r := loadRuleQuery(b, fixtures.SeedRulePath)
	q := parseQuery(b, r.Query)
	recs := benchRecords(20000)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		got, err := Run(q, &logs.SliceSource{Records: recs}, Options{})
		if err != nil {
			b.Fatal(err)
		}
		if len(got.Rows) == 0 {
			b.Fatal("the benchmark records raise no alert")
		}
	}
	b.ReportMetric(float64(len(recs))*float64(b.N)/b.Elapsed().Seconds(), "records/s")
}

// BenchmarkSeedRows is BenchmarkSeed on rows already projected: the
// engine's own cost, without JSON decoding of the records.
func BenchmarkSeedRows(b *testing.B) {
	r := loadRuleQuery(b, fixtures.SeedRulePath)
	q := parseQuery(b, r.Query)
	cols, err := AWSCloudTrailColumns()
	if err != nil {
		b.Fatal(err)
	}
	tab := &Table{Columns: cols}
	for _, rec := range benchRecords(20000) {
		raw, err := logs.ToAWSCloudTrail(rec)
		if err != nil {
			b.Fatal(err)
		}
		row, err := cloudTrailRow(cols, raw)
		if err != nil {
			b.Fatal(err)
		}
		tab.Rows = append(tab.Rows, row)
	}
	tables := map[string]*Table{AWSCloudTrail: tab}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := RunTables(q, tables, Options{}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(tab.Rows))*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}
