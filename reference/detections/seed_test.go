package detections

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/tidwall/gjson"

	"github.com/ruleport/ruleport/reference/alerts"
	"github.com/ruleport/ruleport/reference/logs"
)

// The records of these tests are built from one RunInstances record:
// IAM user alice, source IP 198.51.100.7, account 111122223333, user
// agent aws-cli/2.15.0, at 2026-03-02T01:00:00Z, launching one instance
// of 401 cores x 2 threads = 802 (just over the threshold of 800). Each
// case changes what it pins, and works out the alerts by hand.

const (
	ip   = "198.51.100.7"
	acct = "111122223333"
	ua   = "aws-cli/2.15.0"
	t0   = "2026-03-02T01:00:00Z"
)

// rec returns the base record with fields replaced; a nil value removes
// the field. Values are marshalled with encoding/json, so raw JSON text
// (4.0, a duplicate key) goes in as json.RawMessage.
func rec(fields map[string]any) string {
	m := map[string]any{
		"eventVersion":       "1.08",
		"eventTime":          t0,
		"eventSource":        "ec2.amazonaws.com",
		"eventName":          "RunInstances",
		"awsRegion":          "us-east-1",
		"sourceIPAddress":    ip,
		"userAgent":          ua,
		"recipientAccountId": acct,
		"userIdentity":       user("alice"),
		"responseElements":   cpu("401", "2"),
	}
	for k, v := range fields {
		if v == nil {
			delete(m, k)
		} else {
			m[k] = v
		}
	}
	b, err := json.Marshal(m)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// user is an IAM user's identity.
func user(name string) map[string]any {
	return map[string]any{"type": "IAMUser", "principalId": "AIDAEXAMPLE", "arn": userArn(name),
		"accountId": acct, "userName": name}
}

func userArn(name string) string { return "arn:aws:iam::111122223333:user/" + name }

// cpu is a responseElements whose items[0] has the given coreCount and
// threadsPerCore JSON text; "" leaves the key out.
func cpu(core, threads string) json.RawMessage {
	var opts []string
	if core != "" {
		opts = append(opts, `"coreCount":`+core)
	}
	if threads != "" {
		opts = append(opts, `"threadsPerCore":`+threads)
	}
	return json.RawMessage(`{"instancesSet":{"items":[{"instanceId":"i-1","cpuOptions":{` +
		strings.Join(opts, ",") + `}}]}}`)
}

func ts(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		panic(err)
	}
	return t.UTC()
}

// alert is one output row for the base identity fields, changed by name.
func alert(name, upn, arn string, start, end string, total int64) []any {
	return []any{ip, acct, name, upn, arn, ua, ts(start), ts(end), total}
}

// userAlert is the row of a single base-shaped event by IAM user name.
func userAlert(name string, total int64) []any {
	return alert(name, "", userArn(name), t0, t0, total)
}

type seedCase struct {
	name    string
	records []string
	window  logs.Window
	want    [][]any
}

func runSeedCases(t *testing.T, tests []seedCase) {
	t.Helper()
	d, ok := Lookup("9e457dc4-81f0-4d25-bc37-a5fa4a17946a")
	if !ok {
		t.Fatal("seed detection not registered")
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := &logs.SliceSource{Name: "case"}
			for _, r := range tt.records {
				src.Records = append(src.Records, []byte(r))
			}
			got, err := d.Run(src, tt.window)
			if err != nil {
				t.Fatal(err)
			}
			// The order of want is put right with the canonical sort,
			// so the comparison also checks that Run sorts.
			want := alerts.Table{Columns: seedColumns, Rows: tt.want}
			want.Sort()
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("alerts (-want +got):\n%s", diff)
			}
		})
	}
}

// TestSeedEventName: =~ folds ASCII case only; the rule does not look at
// eventSource.
func TestSeedEventName(t *testing.T) {
	named := func(who, eventName string) string {
		return rec(map[string]any{"userIdentity": user(who), "eventName": eventName})
	}
	runSeedCases(t, []seedCase{{
		name: "letter cases",
		records: []string{
			named("e1", "runinstances"),   // alerts
			named("e2", "RUNINSTANCES"),   // alerts
			named("e3", "RunInstance"),    // another name
			named("e4", "RunInstances "),  // trailing space: another name
			named("e5", "RunInſtances"),   // long s: not ASCII, not folded
			named("e6", "StartInstances"), // another name
			rec(map[string]any{"userIdentity": user("e7"), "eventSource": "lightsail.amazonaws.com"}), // alerts
		},
		want: [][]any{userAlert("e1", 802), userAlert("e2", 802), userAlert("e7", 802)},
	}})
}

// TestSeedErrorMessage: isempty(ErrorMessage) keeps absent, null and "";
// " " and any text, even "0", are not empty; errorCode is not looked at.
func TestSeedErrorMessage(t *testing.T) {
	with := func(who string, f map[string]any) string {
		f["userIdentity"] = user(who)
		return rec(f)
	}
	runSeedCases(t, []seedCase{{
		name: "error message forms",
		records: []string{
			with("m1", map[string]any{}),                                         // absent: alerts
			with("m2", map[string]any{"errorMessage": ""}),                       // alerts
			with("m3", map[string]any{"errorMessage": " "}),                      // not empty
			with("m4", map[string]any{"errorMessage": "You are not authorized"}), // not empty
			with("m5", map[string]any{"errorCode": "Client.DryRunOperation"}),    // alerts
			with("m6", map[string]any{"errorMessage": json.RawMessage("null")}),  // null is "": alerts
			with("m7", map[string]any{"errorMessage": json.RawMessage("0")}),     // "0"
		},
		want: [][]any{userAlert("m1", 802), userAlert("m2", 802), userAlert("m5", 802), userAlert("m6", 802)},
	}})
}

// TestSeedResponseElements: only items[0] counts; shapes without it, and
// JSON text that does not parse, give a null core and drop the event.
func TestSeedResponseElements(t *testing.T) {
	with := func(who string, re any) string {
		return rec(map[string]any{"userIdentity": user(who), "responseElements": re})
	}
	twoItems := func(first, second string) json.RawMessage {
		return json.RawMessage(`{"instancesSet":{"items":[{"cpuOptions":` + first + `},{"cpuOptions":` + second + `}]}}`)
	}
	runSeedCases(t, []seedCase{{
		name: "shapes",
		records: []string{
			with("r1", json.RawMessage("null")),
			with("r2", json.RawMessage("{}")),
			with("r3", json.RawMessage(`{"instancesSet":{"items":[]}}`)),
			// items[0] is 1x1 = 1; the 500x2 of items[1] does not count.
			with("r4a", twoItems(`{"coreCount":1,"threadsPerCore":1}`, `{"coreCount":500,"threadsPerCore":2}`)),
			// items[0] is 401x2 = 802: alerts; items[1] adds nothing.
			with("r4b", twoItems(`{"coreCount":401,"threadsPerCore":2}`, `{"coreCount":1,"threadsPerCore":1}`)),
			// Truncated JSON text: parse_json gives a string, members null.
			with("r5", `{"instancesSet":{"items":[{"cpuOptions":{"coreCount":401,"threadsPerCore":2}}]`),
			// Whole JSON text in a string: parsed, 802, alerts.
			with("r6", `{"instancesSet":{"items":[{"cpuOptions":{"coreCount":401,"threadsPerCore":2}}]}}`),
			// items is a bag, not an array: items[0] is null.
			with("r7", json.RawMessage(`{"instancesSet":{"items":{"0":{"cpuOptions":{"coreCount":401,"threadsPerCore":2}}}}}`)),
			with("r8", ""),
		},
		want: [][]any{userAlert("r4b", 802), userAlert("r6", 802)},
	}})
}

// TestSeedCoreCount: each group holds an 800 event (200 cores x 4) and a
// variant event at threadsPerCore 1, so it alerts exactly when toint of
// the variant's coreCount is a number above 0: 800 + toint(v) > 800.
func TestSeedCoreCount(t *testing.T) {
	group := func(label, core string) []string {
		return []string{
			rec(map[string]any{"userIdentity": user(label), "responseElements": cpu("200", "4")}),
			rec(map[string]any{"userIdentity": user(label), "responseElements": cpu(core, "1")}),
		}
	}
	var records []string
	for _, v := range []struct{ label, core string }{
		{"c-4", `4`}, {"c-4.0", `4.0`}, {"c-4.7", `4.7`}, {"c-s4", `"4"`}, {"c-s4.5", `"4.5"`},
		{"c-true", `true`}, {"c-null", `null`}, {"c-missing", ``}, {"c-abc", `"abc"`},
		{"c-neg", `-4.7`}, {"c-big", `2147483648`}, {"c-obj", `{"n":4}`},
	} {
		records = append(records, group(v.label, v.core)...)
	}
	runSeedCases(t, []seedCase{{
		name:    "coreCount forms",
		records: records,
		want: [][]any{
			userAlert("c-4", 804), userAlert("c-4.0", 804), userAlert("c-4.7", 804), // 4.0 and 4.7 truncate to 4
			userAlert("c-s4", 804), userAlert("c-s4.5", 804), // "4" and "4.5" read as numbers
			userAlert("c-true", 801), // toint(true) = 1
			// c-null, c-missing, c-abc, c-big, c-obj: core null, event dropped, 800.
			// c-neg: toint(-4.7) = -4, 796.
		},
	}, {
		name: "threadsPerCore forms",
		records: []string{
			// Missing: 900 x null is null; the only total is null: no alert.
			rec(map[string]any{"userIdentity": user("t-missing"), "responseElements": cpu("900", "")}),
			// The null product is skipped; 401 x 2 = 802 remains: alerts.
			rec(map[string]any{"userIdentity": user("t-plus"), "responseElements": cpu("900", "")}),
			rec(map[string]any{"userIdentity": user("t-plus"), "responseElements": cpu("401", "2")}),
			// "2" reads as 2: 802, alerts.
			rec(map[string]any{"userIdentity": user("t-string"), "responseElements": cpu("401", `"2"`)}),
			// 900 x 0 = 0.
			rec(map[string]any{"userIdentity": user("t-zero"), "responseElements": cpu("900", "0")}),
		},
		want: [][]any{userAlert("t-plus", 802), userAlert("t-string", 802)},
	}})
}

// TestSeedIdentity works out AccountName and AccountUPNSuffix for each
// identity shape of SEMANTICS.md §3. Every event is 802 and alone in its
// group.
func TestSeedIdentity(t *testing.T) {
	withIdentity := func(id map[string]any, extra map[string]any) string {
		f := map[string]any{"userIdentity": id}
		for k, v := range extra {
			f[k] = v
		}
		return rec(f)
	}
	assumed := "arn:aws:sts::111122223333:assumed-role/Admin/sess-1"
	root := "arn:aws:iam::111122223333:root"
	instance := "arn:aws:ec2:us-east-1:111122223333:instance/i-0abc"
	service := map[string]any{"type": "AWSService", "invokedBy": "autoscaling.amazonaws.com"}
	row := func(name, upn, arn, agent string) []any {
		return []any{ip, acct, name, upn, arn, agent, ts(t0), ts(t0), int64(802)}
	}
	named := func(name string, principal string) map[string]any {
		u := user(name)
		u["principalId"] = principal
		return u
	}
	runSeedCases(t, []seedCase{{
		name: "identities",
		records: []string{
			// AssumedRole has no userName: the session name after the
			// last "/" of the ARN.
			withIdentity(map[string]any{"type": "AssumedRole", "principalId": "AROAEXAMPLE:sess-1", "arn": assumed,
				"sessionContext": map[string]any{"sessionIssuer": map[string]any{"userName": "Admin"}}}, nil),
			// Root: the ARN has no "/", so the whole ARN is the name.
			withIdentity(map[string]any{"type": "Root", "principalId": acct, "arn": root}, nil),
			// No ARN: resources[0].ARN stands in, and names the account.
			withIdentity(service, map[string]any{"resources": []any{map[string]any{"ARN": instance}}}),
			// No ARN and no resources: everything is "".
			withIdentity(service, map[string]any{"userAgent": "ua-none"}),
			// The member is "ARN", case-sensitive: "arn" is not it.
			withIdentity(service, map[string]any{"userAgent": "ua-lower", "resources": []any{map[string]any{"arn": instance}}}),
			// == is case-sensitive: "Anonymous" wins over the user name,
			// "anonymous" does not.
			withIdentity(named("bob", "Anonymous"), nil),
			withIdentity(named("carol", "anonymous"), nil),
			// Names with "@": both parts come from the name before the
			// first extend of the pair changes it.
			withIdentity(user("a@b"), nil),
			withIdentity(user("a@b@c"), nil),
			withIdentity(user("@x"), nil),
			withIdentity(user("x@"), nil),
			// No userName: the ARN's last part, with its "@".
			withIdentity(map[string]any{"type": "AssumedRole", "arn": "arn:aws:sts::111122223333:assumed-role/R/jane@corp.example"}, nil),
		},
		want: [][]any{
			row("sess-1", "", assumed, ua),
			row(root, "", root, ua),
			row("i-0abc", "", instance, ua),
			row("", "", "", "ua-none"),
			row("", "", "", "ua-lower"),
			row("Anonymous", "", userArn("bob"), ua),
			row("carol", "", userArn("carol"), ua),
			row("a", "b", userArn("a@b"), ua),
			row("a", "b", userArn("a@b@c"), ua),
			row("", "x", userArn("@x"), ua),
			row("x", "", userArn("x@"), ua),
			row("jane", "corp.example", "arn:aws:sts::111122223333:assumed-role/R/jane@corp.example", ua),
		},
	}})
}

// TestSeedThreshold: totalgpu > 800 is strict, and sums across events.
func TestSeedThreshold(t *testing.T) {
	by := func(who, core, threads string) string {
		return rec(map[string]any{"userIdentity": user(who), "responseElements": cpu(core, threads)})
	}
	runSeedCases(t, []seedCase{{
		name: "totals",
		records: []string{
			by("exact800", "400", "2"),                         // 800: no alert
			by("exact801", "801", "1"),                         // 801: alerts
			by("sum801", "400", "1"), by("sum801", "401", "1"), // 400 + 401 = 801: alerts
		},
		want: [][]any{userAlert("exact801", 801), userAlert("sum801", 801)},
	}})
}

// TestSeedSpans: datetime_diff('hour', end, Start) < 8 counts hour
// boundaries. Each group has events of 401 x 1, so two make 802.
func TestSeedSpans(t *testing.T) {
	at := func(who, when string) string {
		return rec(map[string]any{"userIdentity": user(who), "eventTime": when, "responseElements": cpu("401", "1")})
	}
	span := func(who, start, end string) []string { return []string{at(who, start), at(who, end)} }
	var records []string
	for _, s := range [][]string{
		span("s1", "2026-03-02T00:30:00Z", "2026-03-02T08:29:00Z"), // 8 boundaries (7h59m elapsed): no
		span("s2", "2026-03-02T00:00:00Z", "2026-03-02T07:59:59Z"), // 7: alerts
		span("s3", "2026-03-02T00:00:00Z", "2026-03-02T08:00:00Z"), // 8: no
		span("s4", "2026-03-02T23:59:00Z", "2026-03-03T00:01:00Z"), // 1: alerts
		span("s5", "2026-01-31T23:30:00Z", "2026-02-01T06:10:00Z"), // 7 across a month: alerts
		span("s6", "2025-12-31T22:00:00Z", "2026-01-01T06:00:00Z"), // 8 across a year: no
		// Out of order: min and max, not first and last; 401+401+401.
		{at("s7", "2026-03-02T03:00:00Z"), at("s7", "2026-03-02T01:00:00Z"), at("s7", "2026-03-02T02:00:00Z")},
		// Panther's time form is UTC: 01:00 to 02:00.
		span("s8", "2026-03-02 01:00:00.000000000", "2026-03-02T02:00:00Z"),
	} {
		records = append(records, s...)
	}
	runSeedCases(t, []seedCase{{
		name:    "spans",
		records: records,
		want: [][]any{
			alert("s2", "", userArn("s2"), "2026-03-02T00:00:00Z", "2026-03-02T07:59:59Z", 802),
			alert("s4", "", userArn("s4"), "2026-03-02T23:59:00Z", "2026-03-03T00:01:00Z", 802),
			alert("s5", "", userArn("s5"), "2026-01-31T23:30:00Z", "2026-02-01T06:10:00Z", 802),
			alert("s7", "", userArn("s7"), "2026-03-02T01:00:00Z", "2026-03-02T03:00:00Z", 1203),
			alert("s8", "", userArn("s8"), "2026-03-02T01:00:00Z", "2026-03-02T02:00:00Z", 802),
		},
	}})
}

// TestSeedGroupKeys: absent and "" are the same key; keys differing only
// in case are different groups. Events are 401 x 1.
func TestSeedGroupKeys(t *testing.T) {
	half := func(f map[string]any) string {
		f["responseElements"] = cpu("401", "1")
		return rec(f)
	}
	runSeedCases(t, []seedCase{{
		name: "keys",
		records: []string{
			// Absent and "" source IP and user agent: one group, 802.
			half(map[string]any{"userIdentity": user("k1"), "sourceIPAddress": nil, "userAgent": nil}),
			half(map[string]any{"userIdentity": user("k1"), "sourceIPAddress": "", "userAgent": ""}),
			// User agents that differ in case: two groups of 401.
			half(map[string]any{"userIdentity": user("k2"), "userAgent": "AWS-CLI"}),
			half(map[string]any{"userIdentity": user("k2"), "userAgent": "aws-cli"}),
		},
		want: [][]any{{"", acct, "k1", "", userArn("k1"), "", ts(t0), ts(t0), int64(802)}},
	}})
}

// TestSeedWindow: Start <= eventTime < End; a record without a time is in
// the unbounded window only, and then adds to the total but not to the
// times.
func TestSeedWindow(t *testing.T) {
	at := func(who, when string, core string) string {
		f := map[string]any{"userIdentity": user(who), "responseElements": cpu(core, "2")}
		if when == "" {
			f["eventTime"] = nil
		} else {
			f["eventTime"] = when
		}
		return rec(f)
	}
	day := logs.Window{Start: ts("2026-03-02T00:00:00Z"), End: ts("2026-03-03T00:00:00Z")}
	runSeedCases(t, []seedCase{{
		name:   "bounded",
		window: day,
		records: []string{
			at("w-start", "2026-03-02T00:00:00Z", "401"),  // at Start: in, alerts
			at("w-end", "2026-03-03T00:00:00Z", "401"),    // at End: out
			at("w-before", "2026-03-01T23:59:59Z", "401"), // out
			at("w-notime", "", "401"),                     // no time: out
			// 201 x 2 = 402 each; 23:00 is in, End is out: 402, no alert.
			// Both together would be 804 within 1 hour boundary: an alert.
			at("w-mixed", "2026-03-02T23:00:00Z", "201"), at("w-mixed", "2026-03-03T00:00:00Z", "201"),
		},
		want: [][]any{alert("w-start", "", userArn("w-start"), "2026-03-02T00:00:00Z", "2026-03-02T00:00:00Z", 802)},
	}, {
		name: "unbounded",
		records: []string{
			// Alone without a time: Start is null, datetime_diff null: no.
			at("u-notime", "", "401"),
			// 201 x 2 twice = 804; Start and end from the timed event.
			at("u-mixed", "", "201"), at("u-mixed", t0, "201"),
		},
		want: [][]any{userAlert("u-mixed", 804)},
	}})
}

// TestSeedBadInput: a record that is not a JSON object, and an error of
// the source, stop the run with a positioned error.
func TestSeedBadInput(t *testing.T) {
	d, _ := Lookup("9e457dc4-81f0-4d25-bc37-a5fa4a17946a")
	for _, bad := range []string{"not json", "[1]", `{"a":`} {
		src := &logs.SliceSource{Name: "in.json", Records: [][]byte{[]byte(rec(nil)), []byte(bad)}}
		_, err := d.Run(src, logs.Window{})
		if diff := cmp.Diff("in.json:2: not a JSON object", errString(err)); diff != "" {
			t.Errorf("Run on %q: error (-want +got):\n%s", bad, diff)
		}
	}
	boom := errors.New("in.json:7: invalid JSON: boom")
	_, err := d.Run(failingSource{boom}, logs.Window{})
	if !errors.Is(err, boom) {
		t.Errorf("Run returned %v, want the source's error", err)
	}
}

type failingSource struct{ err error }

func (f failingSource) Next() (logs.Record, error) { return logs.Record{}, f.err }

func errString(err error) string {
	if err == nil {
		return "<nil>"
	}
	return err.Error()
}

// seedQuery is the query of ../shared/seed/SuspiciousAWSEC2Compute
// ResourceDeployments.yaml, copied by hand.
const seedQuery = `// Retrieve AWS CloudTrail events generated within the last day
AWSCloudTrail
// Filter events related to instance creation
| where EventName =~ "RunInstances"
// Exclude events with error messages
| where isempty(ErrorMessage)
// Extract the event source type
| extend EventSourceSplit = split(EventSource, ".")
| extend Type = tostring(EventSourceSplit[0])
// Extract instance-related details from the event data
| extend instance = tostring(parse_json(RequestParameters).instanceType),platform = tostring(parse_json(ResponseElements).instancesSet.items[0].platform)
// Determine the operating system platform
| extend OSplatform = iff(isempty(platform), tostring("Linux"), platform),CPU = tostring(parse_json(ResponseElements).instancesSet.items[0].cpuOptions),core = toint(parse_json(ResponseElements).instancesSet.items[0].cpuOptions.coreCount),corThread = toint(parse_json(ResponseElements).instancesSet.items[0].cpuOptions.threadsPerCore),InstanceId = tostring(parse_json(ResponseElements).instancesSet.items[0].instanceId)
// Filter out instances with empty core values
| where isnotempty(core)
// Calculate the total compute based on core and thread counts
| extend totalCorecompute = core * corThread
| extend UserIdentityArn = iif(isempty(UserIdentityArn), tostring(parse_json(Resources)[0].ARN), UserIdentityArn)
| extend UserName = tostring(split(UserIdentityArn, '/')[-1])
| extend AccountName = case( UserIdentityPrincipalid == "Anonymous", "Anonymous", isempty(UserIdentityUserName), UserName, UserIdentityUserName)
| extend AccountName = iif(AccountName contains "@", tostring(split(AccountName, '@', 0)[0]), AccountName),
  AccountUPNSuffix = iif(AccountName contains "@", tostring(split(AccountName, '@', 1)[0]), "")
// Summarize relevant information for analysis
| summarize Start= min(TimeGenerated),
  end=   max(TimeGenerated),
  totalgpu= sum(totalCorecompute)
  by SourceIpAddress, RecipientAccountId, AccountName, AccountUPNSuffix, UserIdentityArn, UserAgent
// Filter results based on total GPU compute and time duration
| where totalgpu > 800
| where datetime_diff('hour', end, Start) < 8
`

// TestSeedStepsQuoteTheQuery checks that every line of the query, except
// its own comments, appears as a comment in seed.go: each step names the
// KQL line it mirrors.
func TestSeedStepsQuoteTheQuery(t *testing.T) {
	src, err := os.ReadFile("seed.go")
	if err != nil {
		t.Fatal(err)
	}
	var comments []string
	for _, l := range strings.Split(string(src), "\n") {
		if c, ok := strings.CutPrefix(strings.TrimSpace(l), "// "); ok {
			comments = append(comments, strings.TrimSpace(c))
		}
	}
	var missing []string
	for _, l := range strings.Split(seedQuery, "\n") {
		l = strings.TrimSpace(l)
		if l == "" || strings.HasPrefix(l, "//") {
			continue
		}
		found := false
		for _, c := range comments {
			found = found || c == l
		}
		if !found {
			missing = append(missing, l)
		}
	}
	if len(missing) > 0 {
		t.Errorf("query lines no comment of seed.go quotes:\n%s", strings.Join(missing, "\n"))
	}
}

// TestRegistry checks Lookup and All.
func TestRegistry(t *testing.T) {
	for _, id := range []string{"9e457dc4-81f0-4d25-bc37-a5fa4a17946a", "9E457DC4-81F0-4D25-BC37-A5FA4A17946A"} {
		d, ok := Lookup(id)
		if !ok || d.Name != "Suspicious AWS EC2 Compute Resource Deployments" {
			t.Errorf("Lookup(%s) = %v, %v", id, d, ok)
		}
	}
	if _, ok := Lookup("00000000-0000-0000-0000-000000000000"); ok {
		t.Error("Lookup of an unknown id succeeded")
	}
	var ids []string
	for _, d := range All() {
		ids = append(ids, d.RuleID)
	}
	if diff := cmp.Diff([]string{"9e457dc4-81f0-4d25-bc37-a5fa4a17946a"}, ids); diff != "" {
		t.Errorf("All (-want +got):\n%s", diff)
	}
	want := []string{"SourceIpAddress", "RecipientAccountId", "AccountName", "AccountUPNSuffix",
		"UserIdentityArn", "UserAgent", "Start", "end", "totalgpu"}
	if diff := cmp.Diff(want, seed.Columns); diff != "" {
		t.Errorf("Columns (-want +got):\n%s", diff)
	}
}

// TestSeedPublicRecords runs the detection over the 501 public records
// (copies kept for the readers' tests). Their README says none reaches
// the threshold: its RunInstances records launch 2x1, 1x1 and 1x2 cores,
// so there is no alert, and no record may break the run.
func TestSeedPublicRecords(t *testing.T) {
	files, _ := filepath.Glob("../logs/testdata/cloudtrail/*.jsonl")
	src := &logs.SliceSource{Name: "public"}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
			src.Records = append(src.Records, []byte(gjson.Get(line, "event").Raw))
		}
	}
	if len(src.Records) != 501 {
		t.Fatalf("read %d public records, want 501", len(src.Records))
	}
	got, err := seed.Run(src, logs.Window{})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(alerts.Table{Columns: seedColumns}, got); diff != "" {
		t.Errorf("alerts (-want +got):\n%s", diff)
	}
}
