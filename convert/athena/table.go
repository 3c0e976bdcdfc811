package athena

import (
	"strings"
)

// The CloudTrail table every emitted query reads: the Athena guide's DDL
// with partition projection ("Create the table for CloudTrail logs in
// Athena using partition projection",
// https://docs.aws.amazon.com/athena/latest/ug/create-cloudtrail-table-partition-projection.html),
// as fixed in shared/TARGETS.md §2.

// DefaultTable is the table name queries read when Options.Table is "".
const DefaultTable = "cloudtrail_logs"

// Column is one top-level column of the CloudTrail table, in DDL order,
// with its Hive type.
type Column struct {
	Name, Type string
}

// structType spells a Hive struct of string fields.
func structType(fields ...string) string {
	parts := make([]string, len(fields))
	for i, f := range fields {
		if strings.Contains(f, ":") {
			parts[i] = f
		} else {
			parts[i] = f + ":string"
		}
	}
	return "struct<" + strings.Join(parts, ",") + ">"
}

// Columns are the table's columns, in the DDL's order.
var Columns = []Column{
	{"eventversion", "string"},
	{"useridentity", structType("type", "principalid", "arn", "accountid", "invokedby", "accesskeyid", "username",
		"sessioncontext:"+structType(
			"attributes:"+structType("mfaauthenticated", "creationdate"),
			"sessionissuer:"+structType("type", "principalid", "arn", "accountid", "username")))},
	{"eventtime", "string"},
	{"eventsource", "string"},
	{"eventname", "string"},
	{"awsregion", "string"},
	{"sourceipaddress", "string"},
	{"useragent", "string"},
	{"errorcode", "string"},
	{"errormessage", "string"},
	{"requestparameters", "string"},
	{"responseelements", "string"},
	{"additionaleventdata", "string"},
	{"requestid", "string"},
	{"eventid", "string"},
	{"readonly", "string"},
	{"resources", "array<" + structType("arn", "accountid", "type") + ">"},
	{"eventtype", "string"},
	{"apiversion", "string"},
	{"recipientaccountid", "string"},
	{"serviceeventdetails", "string"},
	{"sharedeventid", "string"},
	{"vpcendpointid", "string"},
}

// PartitionColumn is the partition key: the day CloudTrail delivered the
// file, yyyy/MM/dd, read from the S3 path by partition projection.
const PartitionColumn = "timestamp"

// Projection are the table properties of partition projection, in the
// guide's order; LocationTemplate's ${timestamp} is filled by Athena.
var Projection = [][2]string{
	{"projection.enabled", "true"},
	{"projection.timestamp.format", "yyyy/MM/dd"},
	{"projection.timestamp.interval", "1"},
	{"projection.timestamp.interval.unit", "DAYS"},
	{"projection.timestamp.range", "2020/01/01,NOW"},
	{"projection.timestamp.type", "date"},
}

// SerDe, InputFormat and OutputFormat are the table's storage classes.
const (
	SerDe        = "org.apache.hive.hcatalog.data.JsonSerDe"
	InputFormat  = "com.amazon.emr.cloudtrail.CloudTrailInputFormat"
	OutputFormat = "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat"
)

// Location is the S3 prefix of one account's and region's trail.
func Location(bucket, account, region string) string {
	return "s3://" + bucket + "/AWSLogs/" + account + "/CloudTrail/" + region
}

// TableDDL returns the CREATE EXTERNAL TABLE statement of the CloudTrail
// table (TARGETS.md §2) with the placeholders BUCKET, ACCOUNT and REGION in
// its locations, for documentation and `ruleport convert --out`.
func TableDDL() string {
	return tableDDL(DefaultTable, Location("BUCKET", "ACCOUNT", "REGION"))
}

func tableDDL(table, location string) string {
	var b strings.Builder
	b.WriteString("CREATE EXTERNAL TABLE " + table + " (\n")
	for i, c := range Columns {
		b.WriteString("  " + c.Name + " " + c.Type)
		if i < len(Columns)-1 {
			b.WriteByte(',')
		}
		b.WriteByte('\n')
	}
	b.WriteString(")\n")
	b.WriteString("PARTITIONED BY (`" + PartitionColumn + "` string)\n")
	b.WriteString("ROW FORMAT SERDE '" + SerDe + "'\n")
	b.WriteString("STORED AS INPUTFORMAT '" + InputFormat + "'\n")
	b.WriteString("OUTPUTFORMAT '" + OutputFormat + "'\n")
	b.WriteString("LOCATION '" + location + "'\n")
	b.WriteString("TBLPROPERTIES (\n")
	for _, p := range Projection {
		b.WriteString("  '" + p[0] + "'='" + p[1] + "',\n")
	}
	b.WriteString("  'storage.location.template'='" + location + "/${" + PartitionColumn + "}'\n")
	b.WriteString(")\n")
	return b.String()
}

// fieldPath maps a CloudTrail field path of the schema
// ("userIdentity.sessionContext.sessionIssuer.userName") to the table's
// column or struct field ("useridentity.sessioncontext.sessionissuer.username"):
// the table's names are the record's keys lower-cased, which is how the
// JSON SerDe matches them. ok is false when the table has no such field.
func fieldPath(source string) (string, bool) {
	parts := strings.Split(strings.ToLower(source), ".")
	typ := ""
	for _, c := range Columns {
		if c.Name == parts[0] {
			typ = c.Type
		}
	}
	if typ == "" {
		return "", false
	}
	for _, p := range parts[1:] {
		var ok bool
		if typ, ok = structField(typ, p); !ok {
			return "", false
		}
	}
	return strings.Join(parts, "."), true
}

// structField returns the type of field name inside the Hive struct type
// typ.
func structField(typ, name string) (string, bool) {
	if !strings.HasPrefix(typ, "struct<") {
		return "", false
	}
	body := typ[len("struct<") : len(typ)-1]
	depth, start := 0, 0
	for i := 0; i <= len(body); i++ {
		if i < len(body) {
			switch body[i] {
			case '<':
				depth++
				continue
			case '>':
				depth--
				continue
			case ',':
				if depth > 0 {
					continue
				}
			default:
				continue
			}
		}
		field := body[start:i]
		start = i + 1
		if n, t, ok := strings.Cut(field, ":"); ok && n == name {
			return t, true
		}
	}
	return "", false
}
