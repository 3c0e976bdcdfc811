package logs

import (
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/tidwall/gjson"
)

// This file is the third projection of a record: the CloudWatch Logs event
// that CloudTrail would deliver to a log group, as CloudWatch Logs Insights
// sees it. Sources:
//   - system fields and JSON discovery: "Supported logs and discovered fields",
//     https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/CWL_AnalyzeLogData-discoverable-fields.html
//   - log stream naming: the default role policy in "Role policy document for
//     CloudTrail to use CloudWatch Logs for monitoring",
//     https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-required-policy-for-cloudwatch-logs.html
//     grants CreateLogStream on "<account>_CloudTrail_<region>*".

// LogEventFieldLimit is how many fields Logs Insights discovers in one JSON
// log event: "CloudWatch Logs Insights can extract a maximum of 200 log event
// fields from a JSON log" (discovered-fields page above). A query that reads
// a discovered field past the limit sees it missing, which is why generated
// queries read nested values through jsonParse(@message) instead.
const LogEventFieldLimit = 200

// LogEventGroup is the log group name ruleport gives every event's @log.
// Guess: CloudTrail's console used "CloudTrail/DefaultLogGroup" as the
// default group name; a real deployment names its own group, and no query
// the emitter writes reads @log.
const LogEventGroup = "CloudTrail/DefaultLogGroup"

// LogEvent is one CloudTrail record as a CloudWatch Logs event: the system
// fields Logs Insights generates and the fields it discovers in the JSON.
type LogEvent struct {
	// Message is @message: the record's JSON text, byte for byte.
	Message string
	// Timestamp is @timestamp. CloudTrail sets a delivered event's
	// timestamp to its delivery time, not eventTime; ruleport sets it to
	// eventTime (RFC 3339, or "2006-01-02 15:04:05.999999999" read as UTC,
	// as docs/ARCHITECTURE.md decides for TimeGenerated) so that a query's
	// time range and bin() see event time, the same instant every other
	// engine uses. A record without a parseable eventTime has the zero
	// time: it falls outside any bounded time range.
	Timestamp time.Time
	// IngestionTime is @ingestionTime.
	// Guess: equal to Timestamp, since fixture logs carry no delivery time.
	IngestionTime time.Time
	// LogStream is @logStream: "<recipientAccountId>_CloudTrail_<awsRegion>",
	// the stream CloudTrail creates per account and region.
	LogStream string
	// Log is @log, "<account-id>:<log-group-name>" per the discovered-fields
	// page, with LogEventGroup as the group name.
	Log string
	// Source and Index locate the record, as in Record.
	Source string
	Index  int

	// Discovery runs on the first call to Fields, FieldCount or Field:
	// generated queries read nested values through jsonParse(@message) and
	// most never touch a discovered field, so most events never pay for it.
	discovered bool
	fields     []LogEventField
	fieldCount int
}

// LogEventField is one discovered field: a JSON leaf named by its dotted
// path, array positions as numbers (userIdentity.arn,
// responseElements.instancesSet.items.0.instanceId). Value is a string, a
// float64 (Logs Insights numbers are doubles), a bool, or nil for JSON null.
type LogEventField struct {
	Name  string
	Value any
}

// Fields returns the discovered fields in document order, at most
// LogEventFieldLimit of them.
func (e *LogEvent) Fields() []LogEventField {
	e.discover()
	return e.fields
}

// FieldCount returns how many leaf fields the record holds, including those
// past the limit that Fields leaves out.
func (e *LogEvent) FieldCount() int {
	e.discover()
	return e.fieldCount
}

// Field returns the discovered field called name, and whether the event
// has it (a JSON null is had, with a nil value).
func (e *LogEvent) Field(name string) (any, bool) {
	e.discover()
	for i := range e.fields {
		if e.fields[i].Name == name {
			return e.fields[i].Value, true
		}
	}
	return nil, false
}

func (e *LogEvent) discover() {
	if e.discovered {
		return
	}
	e.discovered = true
	logEventWalk(e, "", gjson.Parse(e.Message))
}

// ToLogEvent projects a record into the log event CloudWatch Logs would
// hold for it. It fails when the record is not one JSON object.
//
// Discovery walks the JSON in document order, depth first, and keeps the
// first LogEventFieldLimit leaves; a name starting with "@" gets a second
// "@", as the discovered-fields page says. Each choice is pinned in
// event_test.go.
// Guess: the documents give the limit but not which fields survive it;
// document order is the reading that opentelemetry-collector-contrib issue
// #26697 relies on when it proposes moving rarely-queried attributes "to
// the bottom" of EMF entries so that the 200-field cut falls on them.
// Guess: a JSON null is a leaf (it counts toward the limit, with a nil
// value); an empty object or array has no leaf and yields no field;
// objects and arrays themselves are not fields. The page's examples only
// ever name leaves.
func ToLogEvent(rec Record) (LogEvent, error) {
	ev := LogEvent{Message: string(rec.Raw), Source: rec.Source, Index: rec.Index}
	if !gjson.Valid(ev.Message) {
		var v json.RawMessage
		err := json.Unmarshal(rec.Raw, &v)
		return LogEvent{}, fmt.Errorf("%s: record is not valid JSON: %v", logEventWhere(rec), err)
	}
	root := gjson.Parse(ev.Message)
	if !root.IsObject() {
		return LogEvent{}, fmt.Errorf("%s: record is not a JSON object", logEventWhere(rec))
	}
	var account, region string
	// A key written twice counts by its last value (Decisions), null too.
	root.ForEach(func(key, value gjson.Result) bool {
		str := ""
		if value.Type == gjson.String {
			str = value.Str
		}
		switch key.Str {
		case "eventTime":
			ev.Timestamp = logEventParseTime(str)
		case "recipientAccountId":
			account = str
		case "awsRegion":
			region = str
		}
		return true
	})
	ev.IngestionTime = ev.Timestamp
	ev.LogStream = account + "_CloudTrail_" + region
	ev.Log = account + ":" + LogEventGroup
	return ev, nil
}

func logEventWhere(rec Record) string {
	if rec.Source == "" {
		return fmt.Sprintf("record %d", rec.Index)
	}
	return fmt.Sprintf("%s:%d", rec.Source, rec.Index)
}

// logEventWalk flattens the members of an object or array into dotted
// fields, in document order.
func logEventWalk(ev *LogEvent, prefix string, v gjson.Result) {
	i := 0
	v.ForEach(func(key, value gjson.Result) bool {
		name := key.Str
		if v.IsArray() {
			name = strconv.Itoa(i)
			i++
		}
		if prefix != "" {
			name = prefix + "." + name
		}
		switch value.Type {
		case gjson.JSON:
			logEventWalk(ev, name, value)
		case gjson.String:
			logEventLeaf(ev, name, value.Str)
		case gjson.Number:
			f, err := strconv.ParseFloat(value.Raw, 64)
			if err != nil {
				// Out of a double's range: keep the text rather than lose it.
				logEventLeaf(ev, name, value.Raw)
			} else {
				logEventLeaf(ev, name, f)
			}
		case gjson.True, gjson.False:
			logEventLeaf(ev, name, value.Bool())
		default:
			logEventLeaf(ev, name, nil)
		}
		return true
	})
}

func logEventLeaf(ev *LogEvent, name string, v any) {
	ev.fieldCount++
	if len(ev.fields) >= LogEventFieldLimit {
		return
	}
	if len(name) > 0 && name[0] == '@' {
		name = "@" + name
	}
	ev.fields = append(ev.fields, LogEventField{Name: name, Value: v})
}

// logEventParseTime reads eventTime as docs/ARCHITECTURE.md decides for
// TimeGenerated (parseTime, which EventTime uses): RFC 3339, or the form
// with a space read as UTC; anything else is the zero time.
func logEventParseTime(s string) time.Time {
	t, _ := parseTime(s)
	return t
}
