package logs

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"time"
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
	// IngestionTime is @ingestionTime. Guess: equal to Timestamp, since
	// fixture logs carry no delivery time.
	IngestionTime time.Time
	// LogStream is @logStream: "<recipientAccountId>_CloudTrail_<awsRegion>",
	// the stream CloudTrail creates per account and region.
	LogStream string
	// Log is @log, "<account-id>:<log-group-name>" per the discovered-fields
	// page, with LogEventGroup as the group name.
	Log string
	// Fields are the discovered fields in document order, at most
	// LogEventFieldLimit of them.
	Fields []LogEventField
	// FieldCount is how many leaf fields the record holds, including those
	// past the limit that Fields leaves out.
	FieldCount int
	// Source and Index locate the record, as in Record.
	Source string
	Index  int
}

// LogEventField is one discovered field: a JSON leaf named by its dotted
// path, array positions as numbers (userIdentity.arn,
// responseElements.instancesSet.items.0.instanceId). Value is a string, a
// float64 (Logs Insights numbers are doubles), a bool, or nil for JSON null.
type LogEventField struct {
	Name  string
	Value any
}

// Field returns the discovered field called name, and whether the event
// has it (a JSON null is had, with a nil value).
func (e *LogEvent) Field(name string) (any, bool) {
	for i := range e.Fields {
		if e.Fields[i].Name == name {
			return e.Fields[i].Value, true
		}
	}
	return nil, false
}

// ToLogEvent projects a record into the log event CloudWatch Logs would
// hold for it. It fails when the record is not one JSON object.
//
// Discovery walks the JSON in document order, depth first, and keeps the
// first LogEventFieldLimit leaves. Guess: the documents give the limit but
// not which fields survive it; document order is the reading that
// opentelemetry-collector-contrib issue #26697 relies on when it proposes
// moving rarely-queried attributes "to the bottom" of EMF entries so the
// 200-field cut falls on them. Also guesses, each pinned in event_test.go:
// a JSON null is a leaf (it counts toward the limit, with a nil value); an
// empty object or array has no leaf and yields no field; objects and arrays
// themselves are not fields; a name starting with "@" gets a second "@", as
// the page says for discovered names.
func ToLogEvent(rec Record) (LogEvent, error) {
	ev := LogEvent{Message: string(rec.Raw), Source: rec.Source, Index: rec.Index}
	w := logEventWalker{dec: json.NewDecoder(bytes.NewReader(rec.Raw)), ev: &ev}
	w.dec.UseNumber()
	if err := w.walkRecord(); err != nil {
		return LogEvent{}, fmt.Errorf("%s: %w", logEventWhere(rec), err)
	}
	ev.IngestionTime = ev.Timestamp
	ev.LogStream = w.account + "_CloudTrail_" + w.region
	ev.Log = w.account + ":" + LogEventGroup
	return ev, nil
}

func logEventWhere(rec Record) string {
	if rec.Source == "" {
		return fmt.Sprintf("record %d", rec.Index)
	}
	return fmt.Sprintf("%s:%d", rec.Source, rec.Index)
}

// logEventWalker flattens one record while it streams through the decoder,
// so nothing but the kept fields is allocated.
type logEventWalker struct {
	dec     *json.Decoder
	ev      *LogEvent
	account string
	region  string
}

func (w *logEventWalker) walkRecord() error {
	tok, err := w.dec.Token()
	if err != nil {
		return fmt.Errorf("record is not JSON: %w", err)
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return errors.New("record is not a JSON object")
	}
	if err := w.walkObject(""); err != nil {
		return fmt.Errorf("record is not valid JSON: %w", err)
	}
	if _, err := w.dec.Token(); err != io.EOF {
		return errors.New("record has text after its JSON object")
	}
	return nil
}

// walkObject reads the members of an object whose '{' was consumed.
func (w *logEventWalker) walkObject(prefix string) error {
	for w.dec.More() {
		tok, err := w.dec.Token()
		if err != nil {
			return err
		}
		key, _ := tok.(string)
		name := key
		if prefix != "" {
			name = prefix + "." + key
		}
		if err := w.walkValue(name, prefix == "" && key != ""); err != nil {
			return err
		}
	}
	_, err := w.dec.Token() // the closing '}'
	return err
}

// walkValue reads one value named name; top says it is a member of the
// record itself, where eventTime, recipientAccountId and awsRegion live.
func (w *logEventWalker) walkValue(name string, top bool) error {
	tok, err := w.dec.Token()
	if err != nil {
		return err
	}
	switch t := tok.(type) {
	case json.Delim:
		if t == '{' {
			return w.walkObject(name)
		}
		for i := 0; w.dec.More(); i++ {
			if err := w.walkValue(name+"."+strconv.Itoa(i), false); err != nil {
				return err
			}
		}
		_, err := w.dec.Token() // the closing ']'
		return err
	case json.Number:
		f, err := strconv.ParseFloat(string(t), 64)
		if err != nil {
			// Out of a double's range: keep the text rather than lose it.
			w.leaf(name, string(t))
			return nil
		}
		w.leaf(name, f)
	case string:
		if top {
			w.topString(name, t)
		}
		w.leaf(name, t)
	default: // bool or nil
		w.leaf(name, t)
	}
	return nil
}

func (w *logEventWalker) topString(key, s string) {
	switch key {
	case "eventTime":
		w.ev.Timestamp = logEventParseTime(s)
	case "recipientAccountId":
		w.account = s
	case "awsRegion":
		w.region = s
	}
}

func (w *logEventWalker) leaf(name string, v any) {
	w.ev.FieldCount++
	if len(w.ev.Fields) >= LogEventFieldLimit {
		return
	}
	if len(name) > 0 && name[0] == '@' {
		name = "@" + name
	}
	w.ev.Fields = append(w.ev.Fields, LogEventField{Name: name, Value: v})
}

// logEventParseTime reads eventTime as docs/ARCHITECTURE.md decides for
// TimeGenerated: RFC 3339, or "2024-12-16 18:41:07.000000000" as UTC;
// anything else is the zero time.
func logEventParseTime(s string) time.Time {
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t.UTC()
	}
	if t, err := time.ParseInLocation("2006-01-02 15:04:05.999999999", s, time.UTC); err == nil {
		return t
	}
	return time.Time{}
}
