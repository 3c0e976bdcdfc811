package conformance

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tidwall/gjson"

	"github.com/ruleport/ruleport/convert/rule"
	"github.com/ruleport/ruleport/reference/alerts"
	"github.com/ruleport/ruleport/reference/logs"
)

// The documented differences the corpus comparison allows, each where the
// engine's target says so, and nothing else:
//
//   - Athena (convert/athena's known differences): a column whose
//     CloudTrail field the Athena table does not have (managementEvent,
//     eventCategory, tlsDetails, ...: the SQL says "is not in the Athena
//     table", also under a join's suffixed name); Resources output as it
//     is (the table's lower-case keys); object and array text, which
//     json_parse writes with sorted keys and Java's numbers; the order of
//     make_set's and make_list's elements, which Kusto leaves undefined;
//     a record whose keys the table reads ignoring case.
//   - Logs Insights, only when the emitter gave the rule the note:
//     bool-output (true and false shown as 1 and 0), dynamic-scalar (a
//     list or map in an output column shown as its JSON text; a
//     JSON boolean read as text is 1 or 0, so records whose nested fields
//     hold booleans or numbers with a fraction or exponent are left out),
//     nested-json-text and dynamic-scalar (object text written again by
//     jsonStringify: the same records left out, and those with a key
//     written twice in a nested field, whose text jsonStringify shortens).

var (
	notInTable = regexp.MustCompile(`/\* \S+ is not in the Athena table \*/ AS "([^"]+)"`)
	nativeOut  = regexp.MustCompile(`json_format\(CAST\("[^"]+" AS JSON\)\) AS "([^"]+)"`)
	// renamed is a column passed on under another name (a join's right
	// column with a suffix, project-rename): a column the table lacks
	// stays empty under its new name.
	renamed = regexp.MustCompile(`(?:COALESCE\()?(?:\b[lr]\.)?"([^"]+)"(?:, '')?\)? AS "([^"]+)"`)
	// dynamicOut is how the Athena SQL outputs a dynamic column: as
	// varchar, a JSON string as its content, anything else as its JSON
	// text (convert/athena's known differences: "a dynamic output column
	// is varchar").
	// collected is a make_set or make_list column of the Athena SQL:
	// Kusto leaves the order of its elements undefined (the KQL
	// interpreter keeps the order of first appearance, array_agg its
	// own), so its elements compare in sorted order.
	collected  = regexp.MustCompile(`array_agg\(.*? AS JSON\), json_parse\('\[\]'\)\) AS "([^"]+)"`)
	dynamicOut = regexp.MustCompile(`COALESCE\(json_extract_scalar\("[^"]+", '\$'\), NULLIF\(json_format\("[^"]+"\), 'null'\)\) AS "([^"]+)"`)
)

// corpusCompare runs the KQL interpreter and engine on recs at now and
// returns how engine differs beyond the documented differences, "" when
// it does not.
func corpusCompare(t testing.TB, r *rule.Rule, engine string, recs [][]byte, now time.Time) string {
	t.Helper()
	yard, err := Prepare(KQL, r, now)
	if err != nil {
		t.Fatal(err)
	}
	job, err := Prepare(engine, r, now)
	if err != nil {
		t.Fatal(err)
	}
	switch {
	case engine == Athena:
		recs = withoutKeyCase(recs)
	case hasNote(job.Notes, "[dynamic-scalar]"), hasNote(job.Notes, "[nested-json-text]"):
		recs = withoutJSONScalarTypes(recs)
	}
	want, werr := yard.Run(context.Background(), &logs.SliceSource{Records: recs, Name: "records"})
	got, gerr := job.Run(context.Background(), &logs.SliceSource{Records: recs, Name: "records"})
	if werr != nil || gerr != nil {
		if (werr == nil) != (gerr == nil) {
			return fmt.Sprintf("kql error: %v; %s error: %v", werr, engine, gerr)
		}
		return ""
	}
	want, got = tolerate(job, want), tolerate(job, got)
	if d := alerts.Compare(want, got, alerts.Options{NullEqualsEmpty: job.NullEqualsEmpty}); !d.Empty() {
		return fmt.Sprintf("(-kql +%s)\n%s", engine, d)
	}
	return ""
}

// tolerate rewrites a table, KQL's or the engine's, so that the engine's
// documented differences compare equal.
func tolerate(job *Job, t alerts.Table) alerts.Table {
	drop, dynamic, unordered := map[string]bool{}, map[string]bool{}, map[string]bool{}
	canonJSON, boolNum, listText := false, false, false
	switch job.Engine {
	case Athena:
		for _, re := range []*regexp.Regexp{notInTable, nativeOut} {
			for _, m := range re.FindAllStringSubmatch(job.Text, -1) {
				drop[m[1]] = true
			}
		}
		for again := true; again; {
			again = false
			for _, m := range renamed.FindAllStringSubmatch(job.Text, -1) {
				if drop[m[1]] && !drop[m[2]] {
					drop[m[2]], again = true, true
				}
			}
		}
		for _, m := range dynamicOut.FindAllStringSubmatch(job.Text, -1) {
			dynamic[m[1]] = true
		}
		for _, m := range collected.FindAllStringSubmatch(job.Text, -1) {
			unordered[m[1]] = true
		}
		canonJSON = true
	case CloudWatch:
		for _, n := range job.Notes {
			switch {
			case strings.HasSuffix(n.Msg, "[bool-output]"):
				boolNum = true
			case strings.HasSuffix(n.Msg, "[dynamic-scalar]"):
				// Also a list or map in an output column, which Logs
				// Insights returns as its JSON text (GetQueryResults
				// gives every value as a string).
				canonJSON, boolNum, listText = true, true, true
			case strings.HasSuffix(n.Msg, "[nested-json-text]"):
				canonJSON, boolNum = true, true
			}
		}
	}
	var keep []string
	for _, c := range t.Columns {
		if !drop[c] {
			keep = append(keep, c)
		}
	}
	out, err := t.Project(keep)
	if err != nil {
		panic(err) // the columns come from t itself
	}
	for _, row := range out.Rows {
		for i, v := range row {
			if dynamic[out.Columns[i]] {
				v = dynamicText(v)
			}
			if listText {
				v = containerText(v)
			}
			v = tolerateValue(v, canonJSON, boolNum)
			if unordered[out.Columns[i]] {
				v = sortedArray(v)
			}
			row[i] = v
		}
	}
	return out
}

// dynamicText is a value of a dynamic output column as the Athena SQL
// shows it, so that KQL's and Athena's compare: KQL's object or array
// (JSON) as its text, a number as a float64 and Athena's number text as
// that float64 (4 and 4.0 are one number), a bool as its text. A string
// stays a string.
func dynamicText(v any) any {
	switch x := v.(type) {
	case json.RawMessage:
		return string(x)
	case map[string]any, []any:
		b, _ := json.Marshal(x) // a hand-written expectation (want.json)
		return string(b)
	case int64:
		return float64(x)
	case bool:
		return strconv.FormatBool(x)
	case string:
		var n float64
		if gjson.Valid(x) && gjson.Parse(x).Type == gjson.Number && json.Unmarshal([]byte(x), &n) == nil {
			return n
		}
	}
	return v
}

// containerText is a JSON array or object value as its JSON text; any
// other value is returned as it is.
func containerText(v any) any {
	switch x := v.(type) {
	case json.RawMessage:
		if t := gjson.ParseBytes(x); t.IsArray() || t.IsObject() {
			return string(x)
		}
	case map[string]any, []any:
		b, _ := json.Marshal(x)
		return string(b)
	}
	return v
}

// tolerateValue maps one value as tolerate says.
func tolerateValue(v any, canonJSON, boolNum bool) any {
	switch x := v.(type) {
	case bool:
		if boolNum {
			if x {
				return float64(1)
			}
			return float64(0)
		}
	case string:
		if boolNum && (x == "true" || x == "false") {
			return map[string]string{"true": "1", "false": "0"}[x]
		}
		if canonJSON && (strings.HasPrefix(x, "{") || strings.HasPrefix(x, "[")) {
			var j any
			if json.Unmarshal([]byte(x), &j) == nil {
				b, _ := json.Marshal(j) // maps sort their keys; the last duplicate won
				return string(b)
			}
		}
	}
	return v
}

// withoutKeyCase leaves out the records that spell a key of the Athena
// table in another letter case than CloudTrail does ("principalid" for
// principalId): Athena's JSON reader reads them, KQL does not.
func withoutKeyCase(recs [][]byte) [][]byte {
	var out [][]byte
	for _, r := range recs {
		if !hasKeyCase(gjson.ParseBytes(r), canonicalKeys) {
			out = append(out, r)
		}
	}
	return out
}

// canonicalKeys are CloudTrail's spellings of the keys the Athena table
// declares, by lower-case name; a nil value is a leaf, a map the keys of
// an object below it.
var canonicalKeys = map[string]any{
	"eventversion": "eventVersion", "eventtime": "eventTime", "eventsource": "eventSource", "eventname": "eventName",
	"awsregion": "awsRegion", "sourceipaddress": "sourceIPAddress", "useragent": "userAgent", "errorcode": "errorCode",
	"errormessage": "errorMessage", "requestparameters": "requestParameters", "responseelements": "responseElements",
	"additionaleventdata": "additionalEventData", "requestid": "requestID", "eventid": "eventID", "readonly": "readOnly",
	"eventtype": "eventType", "apiversion": "apiVersion", "recipientaccountid": "recipientAccountId",
	"serviceeventdetails": "serviceEventDetails", "sharedeventid": "sharedEventID", "vpcendpointid": "vpcEndpointId",
	"useridentity": map[string]any{"": "userIdentity", "type": "type", "principalid": "principalId", "arn": "arn",
		"accountid": "accountId", "invokedby": "invokedBy", "accesskeyid": "accessKeyId", "username": "userName",
		"sessioncontext": map[string]any{"": "sessionContext",
			"attributes":    map[string]any{"": "attributes", "mfaauthenticated": "mfaAuthenticated", "creationdate": "creationDate"},
			"sessionissuer": map[string]any{"": "sessionIssuer", "type": "type", "principalid": "principalId", "arn": "arn", "accountid": "accountId", "username": "userName"}}},
	"resources": map[string]any{"": "resources", "arn": "ARN", "accountid": "accountId", "type": "type"},
}

// hasKeyCase reports whether obj (or an object below it that keys leads
// to, array elements included) spells a declared key otherwise.
func hasKeyCase(obj gjson.Result, keys map[string]any) bool {
	found := false
	obj.ForEach(func(k, v gjson.Result) bool {
		spec, ok := keys[strings.ToLower(k.Str)]
		if !ok {
			return true
		}
		spelling, sub := spec, map[string]any(nil)
		if m, isMap := spec.(map[string]any); isMap {
			spelling, sub = m[""], m
		}
		if k.Str != spelling {
			found = true
			return false
		}
		switch {
		case sub == nil:
		case v.IsArray():
			v.ForEach(func(_, e gjson.Result) bool {
				found = e.IsObject() && hasKeyCase(e, sub)
				return !found
			})
		case v.IsObject():
			found = hasKeyCase(v, sub)
		}
		return !found
	})
	return found
}

// withoutJSONScalarTypes leaves out the records whose nested fields hold a
// JSON boolean or a number with a fraction or an exponent, which Logs
// Insights reads as 1 or 0 and in shortest form where KQL's tostring
// gives true, false and the number as written (note dynamic-scalar), or a
// key written twice, which jsonStringify writes once (nested-json-text).
func withoutJSONScalarTypes(recs [][]byte) [][]byte {
	var out [][]byte
	for _, r := range recs {
		rec, odd := gjson.ParseBytes(r), false
		for _, f := range []string{"requestParameters", "responseElements", "additionalEventData", "serviceEventDetails", "resources"} {
			v := rec.Get(f)
			if v.Type == gjson.String && gjson.Valid(v.Str) {
				v = gjson.Parse(v.Str)
			}
			odd = odd || hasScalarType(v)
		}
		if !odd {
			out = append(out, r)
		}
	}
	return out
}

// hasScalarType reports whether v holds a boolean, a number with a
// fraction or an exponent, or an object with a key written twice.
func hasScalarType(v gjson.Result) bool {
	switch v.Type {
	case gjson.True, gjson.False:
		return true
	case gjson.Number:
		return strings.ContainsAny(v.Raw, ".eE")
	case gjson.JSON:
		found, keys := false, map[string]bool{}
		v.ForEach(func(k, e gjson.Result) bool {
			found = keys[k.Str] && v.IsObject() || hasScalarType(e)
			keys[k.Str] = true
			return !found
		})
		return found
	}
	return false
}

// sortedArray is a JSON array's text with its elements sorted by their
// JSON text; anything else is returned as it is.
func sortedArray(v any) any {
	s, ok := v.(string)
	var arr []json.RawMessage
	if !ok || json.Unmarshal([]byte(s), &arr) != nil {
		return v
	}
	items := make([]string, len(arr))
	for i, a := range arr {
		items[i] = string(a)
	}
	sort.Strings(items)
	return "[" + strings.Join(items, ",") + "]"
}
