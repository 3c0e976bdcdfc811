package logs

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/tidwall/gjson"
)

// This file is the second projection of a record: the row of the standard
// Athena CloudTrail table (shared/TARGETS.md §2, the Athena guide's
// "Create a table for CloudTrail logs in Athena using manual partitioning",
// https://docs.aws.amazon.com/athena/latest/ug/create-cloudtrail-table.html)
// as the table's JSON reader hands it to the query engine.
//
// How the reader treats each JSON value, with the source of each rule:
//   - Column and struct field names match JSON keys case-insensitively:
//     Trino's Hive JSON reader looks a key up lower-cased (Java's
//     toLowerCase: javaLower)
//     (trinodb/trino lib/trino-hive-formats/.../line/json/JsonDeserializer.java,
//     RowDecoder.getFieldPosition), as Hive's struct inspectors do. So
//     CloudTrail's "ARN" and "accountId" fill resources' arn and accountid.
//   - When a key occurs twice (in any letter case), the later value wins: the
//     same RowDecoder resets the field and decodes it again.
//   - A JSON null and an absent key are both SQL NULL (Decoder.decode writes
//     null for VALUE_NULL; unset fields get appendNull).
//   - A string column takes a JSON string's content and a number's or
//     boolean's token text as written ("4.0", "false"): the reader calls
//     parser.getText() on scalar tokens.
//   - A string column holding a JSON object or array takes the value's JSON
//     text. This is what makes the guide's DDL work at all: requestparameters,
//     responseelements, additionaleventdata and serviceeventdetails are
//     declared string and hold objects in every real log. Hive's own reader
//     does the same when complex fields are stringified
//     (apache/hive serde/.../json/HiveJsonReader.java, visitLeafNode: a
//     container node in a STRING column becomes node.toString(), Jackson's
//     compact text), and AWS support describes the DDL as "treating the whole
//     RequestParameter field as JSON string"
//     (https://repost.aws/questions/QUAckZuV7yQOa_6P5nAKxpjw). ruleport keeps
//     the text as written with insignificant whitespace removed (Go's
//     json.Compact). Unverified: whether Amazon's CloudTrailInputFormat also
//     rewrites number spellings or string escapes the way Jackson's tree
//     model would (4.0E0, \u00e9); CloudTrail writes compact JSON, on which
//     both readings agree.
//   - A struct or array column holding a scalar makes the record unreadable:
//     Trino's reader fails with "Invalid JSON: start of object expected", and
//     Athena fails the query (HIVE_BAD_DATA). ToAthena reads the value as
//     NULL instead and lists it in AthenaRow.Unreadable, for the caller to
//     report: real CloudTrail never writes such a record, and one such
//     record in a user's logs should not hide what the query does with the
//     rest.
//   - Keys the table does not declare are ignored.
//
// The partition column "timestamp" is not in the record: Athena reads it
// from the S3 path, which CloudTrail names after the day the file was
// DELIVERED (AWSLogs/<account>/CloudTrail/<region>/yyyy/MM/dd/). Real
// partitions therefore follow delivery time, up to ~15 minutes after the
// event, so an event at 23:59 can sit in the next day's partition. ruleport
// has no delivery time and derives the partition from eventTime in UTC; a
// query that restricts "timestamp" to the days of its window must allow a
// day of slack to be right on real data, and this projection cannot catch
// one that does not.

// AthenaKind is the kind of an Athena column type: ruleport's CloudTrail
// table uses only strings, structs and arrays.
type AthenaKind int

// The kinds of AthenaType.
const (
	AthenaString AthenaKind = iota
	AthenaStruct
	AthenaArray
)

// AthenaType is a Hive column type of the CloudTrail table.
type AthenaType struct {
	Kind AthenaKind
	// Fields are a struct's fields in declaration order.
	Fields []AthenaField
	// Elem is an array's element type.
	Elem *AthenaType
}

// AthenaField is a named column or struct field.
type AthenaField struct {
	Name string
	Type AthenaType
}

// String returns the type in Hive DDL syntax, e.g. array<struct<arn:string>>.
func (t AthenaType) String() string {
	switch t.Kind {
	case AthenaStruct:
		parts := make([]string, len(t.Fields))
		for i, f := range t.Fields {
			parts[i] = f.Name + ":" + f.Type.String()
		}
		return "struct<" + strings.Join(parts, ",") + ">"
	case AthenaArray:
		return "array<" + t.Elem.String() + ">"
	}
	return "string"
}

func athenaStr() AthenaType { return AthenaType{Kind: AthenaString} }

func athenaStructOf(fields ...AthenaField) AthenaType {
	return AthenaType{Kind: AthenaStruct, Fields: fields}
}

func athenaStrings(names ...string) []AthenaField {
	fields := make([]AthenaField, len(names))
	for i, n := range names {
		fields[i] = AthenaField{Name: n, Type: athenaStr()}
	}
	return fields
}

// AthenaPartition is the name of the table's partition column, which holds
// the day as yyyy/MM/dd and must be double-quoted in SQL.
const AthenaPartition = "timestamp"

// AthenaColumns are the columns of cloudtrail_logs in DDL order
// (shared/TARGETS.md §2), the partition column last, as Athena lists it.
var AthenaColumns = athenaColumns()

func athenaColumns() []AthenaField {
	issuer := athenaStructOf(athenaStrings("type", "principalid", "arn", "accountid", "username")...)
	session := athenaStructOf(
		AthenaField{"attributes", athenaStructOf(athenaStrings("mfaauthenticated", "creationdate")...)},
		AthenaField{"sessionissuer", issuer},
	)
	identity := athenaStructOf(append(
		athenaStrings("type", "principalid", "arn", "accountid", "invokedby", "accesskeyid", "username"),
		AthenaField{"sessioncontext", session})...)
	resource := athenaStructOf(athenaStrings("arn", "accountid", "type")...)
	cols := athenaStrings("eventversion")
	cols = append(cols, AthenaField{"useridentity", identity})
	cols = append(cols, athenaStrings("eventtime", "eventsource", "eventname", "awsregion",
		"sourceipaddress", "useragent", "errorcode", "errormessage", "requestparameters",
		"responseelements", "additionaleventdata", "requestid", "eventid", "readonly")...)
	cols = append(cols, AthenaField{"resources", AthenaType{Kind: AthenaArray, Elem: &resource}})
	cols = append(cols, athenaStrings("eventtype", "apiversion", "recipientaccountid",
		"serviceeventdetails", "sharedeventid", "vpcendpointid", AthenaPartition)...)
	return cols
}

// AthenaRow is one record as a row of cloudtrail_logs. Values holds one
// value per AthenaColumns entry, in that order: nil for NULL, a string, a
// map[string]any for a struct (every declared field present, nil when
// NULL), or a []any for an array (elements may be nil). These are the
// shapes DuckDB's Go appender takes for VARCHAR, STRUCT and LIST columns.
type AthenaRow struct {
	Values []any
	// Unreadable lists the values whose JSON shape the table cannot read
	// ("useridentity is a JSON string where the table declares a struct"),
	// each NULL in Values; see ToAthena.
	Unreadable []string
}

// Get returns the value at a dotted path of lower-case column and field
// names ("useridentity.sessioncontext.sessionissuer.arn"), nil when any step
// is NULL or not declared.
func (r AthenaRow) Get(path string) any {
	names := strings.Split(path, ".")
	var v any
	for i, c := range AthenaColumns {
		if c.Name == names[0] && i < len(r.Values) {
			v = r.Values[i]
		}
	}
	for _, n := range names[1:] {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[n]
	}
	return v
}

// ToAthena projects one CloudTrail record (a JSON object) into the row the
// Athena table reads from it; see the rules at the top of this file. The
// partition value is eventTime's UTC day as yyyy/MM/dd, NULL when eventTime
// is absent or not a time (RFC 3339, or "2024-12-16 18:41:07.000000000" read
// as UTC, the form docs/ARCHITECTURE.md accepts for TimeGenerated).
//
// A struct or array column (or a struct field, or an array element) whose
// JSON value has another shape, such as "userIdentity": "root" or
// "resources": {}, is NULL in the row and named in row.Unreadable: Athena
// itself fails the whole query on such a record (HIVE_BAD_DATA), which
// would leave ruleport nothing to compare; reading NULL is what KQL sees
// there (no member of a string is set) and the caller reports the
// difference. The error is for a record that is not a JSON object.
func ToAthena(raw []byte) (AthenaRow, error) {
	if !gjson.ValidBytes(raw) {
		return AthenaRow{}, fmt.Errorf("athena row: record is not valid JSON")
	}
	rec := gjson.ParseBytes(raw)
	if !rec.IsObject() {
		return AthenaRow{}, fmt.Errorf("athena row: record is a JSON %s, not an object", athenaKindOf(rec))
	}
	data := AthenaColumns[:len(AthenaColumns)-1]
	var d athenaDecoder
	vals := d.fields(rec, data, "")
	row := AthenaRow{Values: make([]any, len(AthenaColumns)), Unreadable: d.unreadable}
	for i, f := range data {
		row.Values[i] = vals[f.Name]
	}
	row.Values[len(AthenaColumns)-1] = athenaPartitionOf(row.Get("eventtime"))
	return row, nil
}

// athenaDecoder reads a record into the table's types and notes the
// values whose shape the table cannot read.
type athenaDecoder struct {
	unreadable []string
}

// fields reads an object's members into the declared fields, matching
// keys case-insensitively (javaLower), the last occurrence winning.
func (d *athenaDecoder) fields(obj gjson.Result, fields []AthenaField, path string) map[string]any {
	out := make(map[string]any, len(fields))
	for _, f := range fields {
		out[f.Name] = nil
	}
	obj.ForEach(func(key, value gjson.Result) bool {
		name := javaLower(key.String())
		for _, f := range fields {
			if f.Name == name {
				out[f.Name] = d.value(value, f.Type, path+f.Name)
				break
			}
		}
		return true
	})
	return out
}

// javaLower lower-cases a key as Java's String.toLowerCase(Locale.ROOT),
// which Trino's JSON reader uses: as Go's strings.ToLower, except that İ
// (U+0130) becomes i and a combining dot (U+0307), two characters, where
// Go gives a plain i. So "USERİDENTİTY" is not the column useridentity.
func javaLower(s string) string {
	if strings.ContainsRune(s, 'İ') {
		s = strings.ReplaceAll(s, "İ", "i\u0307")
	}
	return strings.ToLower(s)
}

// unreadableShape notes a value of the wrong shape, which reads as NULL.
func (d *athenaDecoder) unreadableShape(path string, v gjson.Result, want string) any {
	d.unreadable = append(d.unreadable, fmt.Sprintf("%s is a JSON %s where the table declares %s", path, athenaKindOf(v), want))
	return nil
}

// value reads one value as type t; path names it in Unreadable.
func (d *athenaDecoder) value(v gjson.Result, t AthenaType, path string) any {
	if v.Type == gjson.Null {
		return nil
	}
	switch t.Kind {
	case AthenaStruct:
		if !v.IsObject() {
			return d.unreadableShape(path, v, "a struct")
		}
		return d.fields(v, t.Fields, path+".")
	case AthenaArray:
		if !v.IsArray() {
			return d.unreadableShape(path, v, "an array")
		}
		elems := []any{}
		v.ForEach(func(_, e gjson.Result) bool {
			elems = append(elems, d.value(e, *t.Elem, path+"[]"))
			return true
		})
		return elems
	}
	switch v.Type {
	case gjson.String:
		return v.String()
	case gjson.JSON:
		return compactJSON(v.Raw)
	}
	// Numbers and booleans: the token as written.
	return v.Raw
}

// compactJSON is json.Compact of valid JSON text: the text with the
// whitespace between tokens removed. CloudTrail writes compact JSON, so the
// text is first scanned for whitespace outside strings, and only text that
// has some is compacted (json.Compact changes nothing else: no escapes, no
// number spellings).
func compactJSON(raw string) string {
	inString := false
	for i := 0; i < len(raw); i++ {
		switch c := raw[i]; {
		case inString && c == '\\':
			i++ // the escaped character cannot end the string
		case c == '"':
			inString = !inString
		case !inString && (c == ' ' || c == '\t' || c == '\n' || c == '\r'):
			var b bytes.Buffer
			if err := json.Compact(&b, []byte(raw)); err != nil {
				return raw // cannot happen: the record was validated
			}
			return b.String()
		}
	}
	return raw
}

func athenaKindOf(v gjson.Result) string {
	switch {
	case v.IsObject():
		return "object"
	case v.IsArray():
		return "array"
	case v.Type == gjson.String:
		return "string"
	case v.Type == gjson.Number:
		return "number"
	case v.Type == gjson.Null:
		return "null"
	}
	return "boolean"
}

// athenaPartitionOf returns the yyyy/MM/dd partition of an eventtime value,
// the UTC day of the time EventTime reads from it.
func athenaPartitionOf(eventTime any) any {
	s, ok := eventTime.(string)
	if !ok {
		return nil
	}
	t, ok := parseTime(s)
	if !ok {
		return nil
	}
	return t.Format("2006/01/02")
}
