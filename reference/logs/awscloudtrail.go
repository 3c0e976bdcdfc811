package logs

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"time"

	"github.com/tidwall/gjson"
)

// Column is one column of a row projection.
type Column struct {
	// Name is the column's name, case-sensitive.
	Name string
	// Type is the column's KQL type: string, datetime, bool or guid here.
	Type string
	// Source is the dotted path of the CloudTrail record field the column
	// is filled from, or "" when no record field fills it.
	Source string
}

// AWSCloudTrailColumns are the columns of Sentinel's AWSCloudTrail table in
// the order of ../shared/schema/AWSCloudTrail.columns.json, which
// convert/schema embeds (a test in this package checks that the two
// agree). ToAWSCloudTrail fills a row aligned to this slice.
//
// The mapping follows SEMANTICS.md §1 and the "Decisions" section of
// docs/ARCHITECTURE.md. Microsoft does not publish the connector's
// mapping; the sources are a reading of column names and sample rows.
// Columns without a source hold "" (strings, the guid TenantId) except
// Type, which is the constant "AWSCloudTrail".
var AWSCloudTrailColumns = []Column{
	{"TimeGenerated", "datetime", "eventTime"},
	{"AwsEventId", "string", "eventID"},
	{"EventVersion", "string", "eventVersion"},
	{"EventSource", "string", "eventSource"},
	{"EventTypeName", "string", "eventType"},
	{"EventName", "string", "eventName"},
	{"UserIdentityType", "string", "userIdentity.type"},
	{"UserIdentityPrincipalid", "string", "userIdentity.principalId"},
	{"UserIdentityArn", "string", "userIdentity.arn"},
	{"UserIdentityAccountId", "string", "userIdentity.accountId"},
	{"UserIdentityInvokedBy", "string", "userIdentity.invokedBy"},
	{"UserIdentityAccessKeyId", "string", "userIdentity.accessKeyId"},
	{"UserIdentityUserName", "string", "userIdentity.userName"},
	{"SessionMfaAuthenticated", "bool", "userIdentity.sessionContext.attributes.mfaAuthenticated"},
	{"SessionCreationDate", "datetime", "userIdentity.sessionContext.attributes.creationDate"},
	{"SessionIssuerType", "string", "userIdentity.sessionContext.sessionIssuer.type"},
	{"SessionIssuerPrincipalId", "string", "userIdentity.sessionContext.sessionIssuer.principalId"},
	{"SessionIssuerArn", "string", "userIdentity.sessionContext.sessionIssuer.arn"},
	{"SessionIssuerAccountId", "string", "userIdentity.sessionContext.sessionIssuer.accountId"},
	{"SessionIssuerUserName", "string", "userIdentity.sessionContext.sessionIssuer.userName"},
	{"AWSRegion", "string", "awsRegion"},
	{"SourceIpAddress", "string", "sourceIPAddress"},
	{"UserAgent", "string", "userAgent"},
	{"ErrorCode", "string", "errorCode"},
	{"ErrorMessage", "string", "errorMessage"},
	{"RequestParameters", "string", "requestParameters"},
	{"ResponseElements", "string", "responseElements"},
	{"AdditionalEventData", "string", "additionalEventData"},
	{"Resources", "string", "resources"},
	{"AwsRequestId_", "string", "requestID"},
	{"APIVersion", "string", "apiVersion"},
	{"ReadOnly", "bool", "readOnly"},
	{"RecipientAccountId", "string", "recipientAccountId"},
	{"ServiceEventDetails", "string", "serviceEventDetails"},
	{"SharedEventId", "string", "sharedEventID"},
	{"VpcEndpointId", "string", "vpcEndpointId"},
	{"ManagementEvent", "bool", "managementEvent"},
	{"Category", "string", "eventCategory"},
	{"OperationName", "string", ""},
	{"Type", "string", ""},
	{"TlsVersion", "string", "tlsDetails.tlsVersion"},
	{"CipherSuite", "string", "tlsDetails.cipherSuite"},
	{"ClientProvidedHostHeader", "string", "tlsDetails.clientProvidedHostHeader"},
	{"EC2RoleDelivery", "string", "ec2RoleDelivery"},
	// The schema file marks this source with a question mark: no
	// CloudTrail record seen so far has a networkDetails field.
	{"IpProtocol", "string", "networkDetails"},
	{"SourcePort", "string", ""},
	{"DestinationPort", "string", ""},
	{"CidrIp", "string", ""},
	{"UserIdentityStoreArn", "string", "userIdentity.identityStoreArn"},
	{"UserIdentityUserId", "string", "userIdentity.userId"},
	{"TenantId", "guid", ""},
	{"SourceSystem", "string", ""},
}

// AWSCloudTrailIndex maps each column name of AWSCloudTrailColumns to its
// position in a row.
var AWSCloudTrailIndex = indexColumns(AWSCloudTrailColumns)

// awsCloudTrailType is the constant of the Type column.
const awsCloudTrailType = "AWSCloudTrail"

// awsCloudTrailTree is AWSCloudTrailColumns' sources as a tree of keys, so
// that ToAWSCloudTrail fills a row in one pass over the record.
var awsCloudTrailTree, awsCloudTrailNodes = buildTree(AWSCloudTrailColumns)

func indexColumns(cols []Column) map[string]int {
	m := make(map[string]int, len(cols))
	for i, c := range cols {
		m[c.Name] = i
	}
	return m
}

// ToAWSCloudTrail projects one CloudTrail record (a JSON object) to a row
// of the AWSCloudTrail table, aligned to AWSCloudTrailColumns. Values are:
//
//   - string and guid columns: a string, never nil. An absent field or a
//     JSON null is ""; a JSON string is its content; a number or boolean
//     is its JSON text as written ("4", "4.0", "true"); an object or array
//     (requestParameters, responseElements, additionalEventData,
//     resources, serviceEventDetails, or any other field that holds one)
//     is its compact JSON text, keys in the order written. A field that
//     holds a JSON string there, as logs that keep the value as text do,
//     is the string's content, possibly truncated JSON, kept as text.
//   - datetime columns: a time.Time in UTC, or nil when the field is
//     absent or not a time (see EventTime for the forms read).
//   - bool columns: true or false for JSON booleans and for the strings
//     "true" and "false" in any letter case, else nil.
//
// When a key appears twice in one object, the last one counts, as in
// every other projection: Trino's JSON table reader decodes the field
// again (athena.go), and JSON parsers that build maps (Jackson,
// System.Text.Json's property lookup, JavaScript's JSON.parse) keep the
// last value (docs/ARCHITECTURE.md, Decisions). An object value replaces
// the earlier one whole: no field of the first leaks into the row. The
// error says why raw is not a JSON object.
func ToAWSCloudTrail(raw []byte) ([]any, error) {
	if err := checkObject(raw); err != nil {
		return nil, err
	}
	row := make([]any, len(AWSCloudTrailColumns))
	for i, c := range AWSCloudTrailColumns {
		if c.Type == "string" || c.Type == "guid" {
			row[i] = ""
		}
	}
	row[AWSCloudTrailIndex["Type"]] = awsCloudTrailType
	last := make([]gjson.Result, awsCloudTrailNodes)
	fill(row, last, gjson.ParseBytes(raw), awsCloudTrailTree)
	return row, nil
}

// checkObject returns an error unless raw is one valid JSON object.
func checkObject(raw []byte) error {
	t := bytes.TrimLeft(raw, " \t\r\n")
	if len(t) == 0 || t[0] != '{' {
		return errors.New("not a JSON object")
	}
	if !gjson.ValidBytes(t) {
		var v json.RawMessage
		if err := json.Unmarshal(t, &v); err != nil {
			return errors.New("invalid JSON: " + err.Error())
		}
		return errors.New("invalid JSON")
	}
	return nil
}

// node is one key of the source tree: a column (col >= 0) or an object
// whose keys lead to columns.
type node struct {
	id       int // index into the per-row scratch slice
	col      int
	keys     map[string]*node
	children []*node // keys' nodes in a fixed order
}

func buildTree(cols []Column) (*node, int) {
	n := 1
	root := &node{col: -1, keys: map[string]*node{}}
	for i, c := range cols {
		if c.Source == "" {
			continue
		}
		cur := root
		parts := strings.Split(c.Source, ".")
		for j, key := range parts {
			next := cur.keys[key]
			if next == nil {
				next = &node{id: n, col: -1}
				n++
				if j < len(parts)-1 {
					next.keys = map[string]*node{}
				}
				cur.keys[key] = next
				cur.children = append(cur.children, next)
			}
			cur = next
		}
		cur.col = i
	}
	return root, n
}

// fill walks one object of the record and sets the columns its keys lead
// to. A key's last occurrence is the one used: the first pass notes it in
// last (indexed by node id), the second fills from it.
func fill(row []any, last []gjson.Result, obj gjson.Result, n *node) {
	obj.ForEach(func(k, v gjson.Result) bool {
		if child := n.keys[k.Str]; child != nil {
			last[child.id] = v
		}
		return true
	})
	for _, child := range n.children {
		v := last[child.id]
		if !v.Exists() {
			continue
		}
		switch {
		case child.col >= 0:
			row[child.col] = convert(v, AWSCloudTrailColumns[child.col].Type)
		case v.IsObject():
			fill(row, last, v, child)
		}
	}
}

// convert turns one field's value into a column value of type typ.
func convert(v gjson.Result, typ string) any {
	switch typ {
	case "datetime":
		if v.Type != gjson.String {
			return nil
		}
		if t, ok := parseTime(v.Str); ok {
			return t
		}
		return nil
	case "bool":
		switch {
		case v.Type == gjson.True:
			return true
		case v.Type == gjson.False:
			return false
		case v.Type == gjson.String && asciiEqualFold(v.Str, "true"):
			return true
		case v.Type == gjson.String && asciiEqualFold(v.Str, "false"):
			return false
		}
		return nil
	}
	return stringValue(v)
}

// asciiEqualFold compares ignoring the case of ASCII letters only: "any
// case" of "false" is not "falſe", which strings.EqualFold would accept.
func asciiEqualFold(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		x, y := a[i], b[i]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}

// stringValue is the text a string column holds for a field's value.
func stringValue(v gjson.Result) string {
	switch v.Type {
	case gjson.Null:
		return ""
	case gjson.String:
		return v.Str
	case gjson.JSON:
		return compact(v.Raw)
	}
	return v.Raw // a number or boolean, as written
}

// compact removes the insignificant white space of a JSON value, keeping
// key order and escapes as written.
func compact(raw string) string {
	if !strings.ContainsAny(raw, " \t\r\n") {
		return raw
	}
	var b bytes.Buffer
	if err := json.Compact(&b, []byte(raw)); err != nil {
		return raw // cannot happen: the record was validated
	}
	return b.String()
}

// EventTime returns the record's eventTime, in UTC, and whether it is
// present and readable. It is what the engines filter windows on and what
// TimeGenerated holds. The forms read are RFC 3339
// ("2026-03-02T01:00:00Z", with any fraction and offset) and the form with
// a space that Panther's test records use ("2024-12-16 18:41:07.000000000",
// with or without fraction and trailing Z), read as UTC.
func EventTime(raw []byte) (time.Time, bool) {
	var v gjson.Result
	gjson.ParseBytes(raw).ForEach(func(k, val gjson.Result) bool {
		if k.Str == "eventTime" {
			v = val // the last occurrence counts, as in ToAWSCloudTrail
		}
		return true
	})
	if v.Type != gjson.String {
		return time.Time{}, false
	}
	return parseTime(v.Str)
}

// parseTime reads the datetime forms EventTime documents.
func parseTime(s string) (time.Time, bool) {
	layouts := []string{time.RFC3339, "2006-01-02 15:04:05Z07:00", "2006-01-02 15:04:05"}
	if len(s) > 10 && s[10] == ' ' {
		layouts = layouts[1:]
	} else {
		layouts = layouts[:1]
	}
	for _, l := range layouts {
		// time.Parse reads a fraction after the seconds even when the
		// layout has none, and a layout without a zone reads UTC.
		if t, err := time.Parse(l, s); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}
