package athena_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ruleport/ruleport/convert/athena"
	"github.com/ruleport/ruleport/reference/logs"
)

// targetsDDL is the CREATE TABLE of shared/TARGETS.md §2, as written there.
const targetsDDL = `CREATE EXTERNAL TABLE cloudtrail_logs (
  eventversion string,
  useridentity struct<type:string, principalid:string, arn:string, accountid:string,
    invokedby:string, accesskeyid:string, username:string,
    sessioncontext:struct<attributes:struct<mfaauthenticated:string, creationdate:string>,
      sessionissuer:struct<type:string, principalid:string, arn:string, accountid:string, username:string>>>,
  eventtime string, eventsource string, eventname string, awsregion string,
  sourceipaddress string, useragent string, errorcode string, errormessage string,
  requestparameters string, responseelements string, additionaleventdata string,
  requestid string, eventid string, readonly string,
  resources array<struct<arn:string, accountid:string, type:string>>,
  eventtype string, apiversion string, recipientaccountid string,
  serviceeventdetails string, sharedeventid string, vpcendpointid string)
PARTITIONED BY (` + "`timestamp`" + ` string)
ROW FORMAT SERDE 'org.apache.hive.hcatalog.data.JsonSerDe'
STORED AS INPUTFORMAT 'com.amazon.emr.cloudtrail.CloudTrailInputFormat'
OUTPUTFORMAT 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat'
LOCATION 's3://BUCKET/AWSLogs/ACCOUNT/CloudTrail/REGION'
TBLPROPERTIES ('projection.enabled'='true', 'projection.timestamp.format'='yyyy/MM/dd',
  'projection.timestamp.interval'='1', 'projection.timestamp.interval.unit'='DAYS',
  'projection.timestamp.range'='2020/01/01,NOW', 'projection.timestamp.type'='date',
  'storage.location.template'='s3://BUCKET/AWSLogs/ACCOUNT/CloudTrail/REGION/${timestamp}')
`

// squash removes white space, which the two texts lay out differently.
func squash(s string) string { return regexp.MustCompile(`\s+`).ReplaceAllString(s, "") }

// TestTableDDL: TableDDL is TARGETS.md's statement, up to white space.
func TestTableDDL(t *testing.T) {
	if d := cmp.Diff(squash(targetsDDL), squash(athena.TableDDL())); d != "" {
		t.Errorf("TableDDL differs from TARGETS.md §2 (-want +got):\n%s\n%s", d, athena.TableDDL())
	}
}

// TestColumnsMatchProjection: the table the SQL is written against is the
// one the Athena engine loads (reference/logs' projection of a record),
// column for column and type for type.
func TestColumnsMatchProjection(t *testing.T) {
	var want, got []string
	for _, c := range logs.AthenaColumns {
		want = append(want, c.Name+" "+strings.ReplaceAll(c.Type.String(), " ", ""))
	}
	for _, c := range athena.Columns {
		got = append(got, c.Name+" "+c.Type)
	}
	got = append(got, athena.PartitionColumn+" string")
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("(-reference/logs +convert/athena):\n%s", d)
	}
}
