package insightsengine

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestStatsCommand quotes docStats; expected rows are worked by hand.
func TestStatsCommand(t *testing.T) {
	// Two-stats example: message lengths are the record texts' lengths
	// (strlen counts code points; these records are ASCII), summed per
	// 5-minute bin, then max/min/avg across bins.
	r1, r2, r3 := minute(1, `"p":"aa"`), minute(3, `"p":"bbbbbb"`), minute(7, `"p":"c"`)
	bin0 := float64(len(r1)+len(r2)) / 1024 / 1024 // 00:00 bin
	bin5 := float64(len(r3)) / 1024 / 1024         // 00:05 bin
	sessions := []string{
		`{"session_id":"s1","client_platform":"ios","client_ip":"10.0.0.1"}`,
		`{"session_id":"s1","client_platform":"ios","client_ip":"10.0.0.2"}`,
		`{"session_id":"s1","client_platform":"ios","client_ip":"10.0.0.2"}`,
		`{"session_id":"s2","client_platform":"ios","client_ip":"10.0.0.3"}`,
		`{"session_id":"s3","client_platform":"web","client_ip":"10.0.0.4"}`,
		`{"session_id":"s3","client_platform":"web","client_ip":"10.0.0.5"}`,
	}
	runCases(t, []queryCase{{
		name:    docStats + " stats avg (f1) by f2: a space before the parenthesis",
		query:   "stats avg (f1) by f2",
		records: []string{`{"f1":1,"f2":"a"}`, `{"f1":"3","f2":"a"}`, `{"f1":10,"f2":"b"}`, `{"f2":"b"}`},
		want:    table(cols("f2", "avg (f1)"), []any{"a", 2.0}, []any{"b", 10.0}),
	}, {
		name: docStats + " filter @message like /Exception/ | stats count(*) as exceptionCount by bin(1h) | sort exceptionCount desc",
		query: "filter @message like /Exception/ | stats count(*) as exceptionCount by bin(1h)\n" +
			"| sort exceptionCount desc",
		records: []string{
			`{"eventTime":"2026-03-02T01:10:00Z","m":"Exception A"}`, `{"eventTime":"2026-03-02T01:50:00Z","m":"Exception B"}`,
			`{"eventTime":"2026-03-02T02:00:00Z","m":"Exception C"}`, `{"eventTime":"2026-03-02T02:30:00Z","m":"fine"}`,
		},
		want: table(cols("bin(1h)", "exceptionCount"),
			[]any{ts("2026-03-02T01:00:00Z"), 2.0}, []any{ts("2026-03-02T02:00:00Z"), 1.0}),
	}, {
		name: docStats + " the two-stats example: total volume per 5-minute bin, then peak, min and average",
		query: "FIELDS strlen(@message) AS message_length\n" +
			"| STATS sum(message_length)/1024/1024 as logs_mb BY bin(5m)\n" +
			"| STATS max(logs_mb) AS peak_ingest_mb,\n        min(logs_mb) AS min_ingest_mb,\n        avg(logs_mb) AS avg_ingest_mb",
		records: []string{r1, r2, r3},
		want:    table(cols("peak_ingest_mb", "min_ingest_mb", "avg_ingest_mb"), []any{max(bin0, bin5), min(bin0, bin5), (bin0 + bin5) / 2}),
	}, {
		// Sessions with more than one IP: s1 (2 IPs, 3 requests) on ios and
		// s3 (2 IPs, 2 requests) on web; s2 has one IP.
		name: docStats + " count_distinct, filter between two stats, sum(requests) / count(*)",
		query: "STATS count_distinct(client_ip) AS session_ips,\n      count(*) AS requests BY session_id, client_platform\n" +
			"| FILTER session_ips > 1\n" +
			"| STATS count(*) AS multiple_ip_sessions,\n        sum(requests) / count(*) AS avg_session_requests BY client_platform",
		records: sessions,
		want: table(cols("client_platform", "multiple_ip_sessions", "avg_session_requests"),
			[]any{"ios", 1.0, 3.0}, []any{"web", 1.0, 2.0}),
	}, {
		name: docStats + " BY BIN(5m) as @t, then dateceil(@t, 10m) in the second stats",
		query: "FIELDS strlen(@message) AS message_length\n" +
			"| STATS sum(message_length) AS b BY BIN(5m) as @t\n" +
			"| STATS max(b) AS peak BY dateceil(@t, 10m)",
		records: []string{r1, r2, r3},
		// The 00:00 bin is on a 10-minute boundary and stays; the 00:05
		// bin rounds up to 00:10.
		want: table(cols("dateceil(@t, 10m)", "peak"),
			[]any{ts("2026-03-02T00:00:00Z"), float64(len(r1) + len(r2))},
			[]any{ts("2026-03-02T00:10:00Z"), float64(len(r3))}),
	}, {
		name: docStats + " max(@timestamp) as @t propagates the time to a second stats",
		query: "FIELDS strlen(@message) AS message_length\n" +
			" | STATS sum(message_length) AS ingested_bytes, max(@timestamp) as @t BY @logStream\n" +
			" | STATS avg(ingested_bytes) BY dateceil(@t, 5m)",
		records: []string{minute(1, `"recipientAccountId":"1","awsRegion":"a"`), minute(2, `"recipientAccountId":"2","awsRegion":"a"`)},
		want: table(cols("dateceil(@t, 5m)", "avg(ingested_bytes)"),
			[]any{ts("2026-03-02T00:05:00Z"), float64(len(minute(1, `"recipientAccountId":"1","awsRegion":"a"`)))}),
	}, {
		name:    docStats + " count(fieldName) counts records that include the field; count() all",
		query:   "stats count() as all, count(x) as withX, count(*) as star",
		records: []string{`{"x":1}`, `{"x":""}`, `{"y":1}`},
		want:    table(cols("all", "withX", "star"), []any{3.0, 2.0, 3.0}),
	}, {
		name:    "hand: min and max of timestamps, strings and numbers; guess: sum of nothing is null",
		query:   "stats min(@timestamp) as first, max(@timestamp) as last, min(s) as lo, max(n) as hi, sum(missing) as none",
		records: []string{minute(5, `"s":"b","n":"10"`), minute(2, `"s":"a","n":9`), minute(9, `"s":"c"`)},
		want:    table(cols("first", "last", "lo", "hi", "none"), []any{at(2), at(9), "a", "10", nil}),
	}, {
		name:    docStats + " earliest and latest take the value from the earliest and latest event",
		query:   "stats earliest(v) as e, latest(v) as l, sortsFirst(v) as sf, sortsLast(v) as sl",
		records: []string{minute(5, `"v":"mid"`), minute(1, `"v":"zz-first"`), minute(9, `"v":"aa-last"`), minute(12, "")},
		want:    table(cols("e", "l", "sf", "sl"), []any{"zz-first", "aa-last", "aa-last", "zz-first"}),
	}, {
		name:    "guess: pct is the nearest-rank percentile; stddev is the sample deviation",
		query:   "stats pct(d, 50) as p50, pct(d, 95) as p95, stddev(d) as sd",
		records: []string{`{"d":1}`, `{"d":2}`, `{"d":3}`, `{"d":4}`},
		// ranks: ceil(0.5*4) = 2 -> 2; ceil(0.95*4) = 4 -> 4; mean 2.5,
		// squared deviations 2.25+0.25+0.25+2.25 = 5, 5/3, sqrt.
		want: table(cols("p50", "p95", "sd"), []any{2.0, 4.0, 1.2909944487358056}),
	}, {
		name:    "hand: a missing by value is its own group; keys differing in case are distinct",
		query:   "stats count(*) as n by ua",
		records: []string{`{"ua":"A"}`, `{"ua":"a"}`, `{}`, `{"ua":"A"}`, `{"ua":null}`},
		want:    table(cols("ua", "n"), []any{"A", 2.0}, []any{"a", 1.0}, []any{nil, 2.0}),
	}, {
		name:    docSyntax + " stats avg(f1) as myAvgF1 | sort myAvgF1 desc",
		query:   "stats avg(f1) as myAvgF1 by g | sort myAvgF1 desc | limit 1",
		records: []string{`{"f1":1,"g":"a"}`, `{"f1":5,"g":"b"}`},
		want:    table(cols("g", "myAvgF1"), []any{"b", 5.0}),
	}, {
		name:    "guess: fields after stats add columns to its output",
		query:   "stats sum(n) as total by g | fields total * 2 as double",
		records: []string{`{"n":1,"g":"a"}`, `{"n":2,"g":"a"}`},
		want:    table(cols("g", "total", "double"), []any{"a", 3.0, 6.0}),
	}})
}

// TestParseCommand quotes docParse and the older single-page guide's parse
// examples (awsdocs/amazon-cloudwatch-logs-user-guide CWL_QuerySyntax.md).
func TestParseCommand(t *testing.T) {
	// @message is a record's JSON, so the documented examples parse a
	// field holding the documented log line ("Parsing from specific
	// fields" on docParse).
	const line = `{"line":"25 May 2019 10:24:39,474 [ERROR] {foo=2, bar=data} The error was: DataIntegrityException"}`
	errorRow := []any{"ERROR", "{foo=2, bar=data}", "DataIntegrityException"}
	runCases(t, []queryCase{{
		name:    `awsdocs CWL_QuerySyntax.md: parse "[*] * The error was: *" as level, config, exception gives ERROR, {foo=2, bar=data}, DataIntegrityException`,
		query:   `parse line "[*] * The error was: *" as level, config, exception | fields level, config, exception`,
		records: []string{line},
		want:    table(cols("level", "config", "exception"), errorRow),
	}, {
		name:    "same page, the regular-expression form of the same extraction",
		query:   `parse line /\[(?<level>\S+)\]\s+(?<config>\{.*\})\s+The error was: (?<exception>\S+)/ | fields level, config, exception`,
		records: []string{line},
		want:    table(cols("level", "config", "exception"), errorRow),
	}, {
		name:    docParse + " parse @message /(?<NetworkInterface>eni-.*?) / | display NetworkInterface",
		query:   `parse flow /(?<NetworkInterface>eni-.*?) / | display NetworkInterface`,
		records: []string{`{"flow":"2 123456789010 eni-1235b8ca123456789 172.31.16.139 172.31.16.21 20641 22 6 20 4249 1418530010 1418530070 ACCEPT OK"}`},
		want:    table(cols("NetworkInterface"), []any{"eni-1235b8ca123456789"}),
	}, {
		name:    docParse + ` "If a log event doesn't match the specified pattern, you still see it in the results, but without the extracted fields"`,
		query:   `fields id | parse line "user=*," as user | fields user`,
		records: []string{`{"id":1,"line":"user=ann, ok"}`, `{"id":2,"line":"no user here"}`, `{"id":3}`},
		want:    table(cols("id", "user"), []any{1.0, "ann"}, []any{2.0, nil}, []any{3.0, nil}),
	}, {
		name:    docParse + " a non-matching parse makes an earlier value of the field null",
		query:   `parse a /(?<x>\d+)/ | parse b /(?<x>[a-z]+)/ | fields x`,
		records: []string{`{"a":"12","b":"34"}`},
		want:    table(cols("x"), []any{nil}),
	}, {
		name:    docParse + ` chained parse: parse @message "url=*" as url | parse url "/api/*/users/*" as apiVersion, userId`,
		query:   `parse req "url=*" as url | parse url "/api/*/users/*" as apiVersion, userId | display apiVersion, userId`,
		records: []string{`{"req":"GET url=/api/v2/users/42"}`},
		want:    table(cols("apiVersion", "userId"), []any{"v2", "42"}),
	}, {
		name:    docParse + " parse from a structured (JSON) field: userAgent",
		query:   `parse userAgent "Mozilla/* (*) */*" as version, os, engine, engineVersion | stats count(*) by os`,
		records: []string{`{"userAgent":"Mozilla/5.0 (Linux) Gecko/2010"}`, `{"userAgent":"aws-cli/2"}`},
		want:    table(cols("os", "count(*)"), []any{"Linux", 1.0}, []any{nil, 1.0}),
	}, {
		name:    "SEMANTICS.md §2 split(s, \"/\")[-1] as parse s /(?<last>[^\\/]*)$/",
		query:   `parse s /(?<last>[^\/]*)$/ | fields s, last`,
		records: []string{`{"s":"arn:aws:iam::1:user/a/b"}`, `{"s":"root"}`, `{"s":""}`},
		want:    table(cols("s", "last"), []any{"arn:aws:iam::1:user/a/b", "b"}, []any{"root", "root"}, []any{"", ""}),
	}})
}

// TestSortLimitDedupDisplay quotes docSort, docLimit, docDedup and
// docDisplay. The result table is always put in canonical order, so order
// shows through limit and dedup, which keep the first rows.
func TestSortLimitDedupDisplay(t *testing.T) {
	var pairs []string
	var top [][]any
	for i := 1; i <= 17; i++ { // packets i*10 from 10.0.0.i; the top 15 are i = 3..17
		pairs = append(pairs, fmt.Sprintf(`{"srcAddr":"10.0.0.%d","dstAddr":"10.0.1.1","packets":%d}`, i, i*10))
		if i >= 3 {
			top = append(top, []any{fmt.Sprintf("10.0.0.%d", i), "10.0.1.1", float64(i * 10)})
		}
	}
	natural := []string{`{"v":"0"}`, `{"v":"A"}`, `{"v":"5A"}`, `{"v":"111A"}`, `{"v":"!:"}`, `{"v":"3"}`}
	servers := []string{
		minute(1, `"server":"a","severity":"low","message":"old a"`),
		minute(5, `"server":"a","severity":"high","message":"new a"`),
		minute(3, `"server":"b","severity":"low","message":"only b"`),
		minute(2, `"severity":"low","message":"no server 1"`),
		minute(4, `"severity":"low","message":"no server 2"`),
	}
	runCases(t, []queryCase{{
		name:    docSort + " the VPC top-15 example",
		query:   "stats sum(packets) as packetsTransferred by srcAddr, dstAddr\n    | sort packetsTransferred  desc\n    | limit 15",
		records: pairs,
		want:    table(cols("srcAddr", "dstAddr", "packetsTransferred"), top...),
	}, {
		name:    docSort + " ascending: non-number values first, in the page's order (!:, 5A, 111A, A, 0, 3)",
		query:   "fields v | sort v asc | limit 3",
		records: natural,
		want:    table(cols("v"), []any{"!:"}, []any{"5A"}, []any{"111A"}),
	}, {
		name:    docSort + " descending is the reverse",
		query:   "fields v | sort v desc | limit 2",
		records: natural,
		want:    table(cols("v"), []any{"3"}, []any{"0"}),
	}, {
		name:    "hand: several sort keys, each with its direction",
		query:   "fields a, b | sort a asc, b desc | limit 2",
		records: []string{`{"a":1,"b":1}`, `{"a":1,"b":2}`, `{"a":2,"b":9}`, `{"a":0,"b":0}`},
		want:    table(cols("a", "b"), []any{0.0, 0.0}, []any{1.0, 2.0}),
	}, {
		name:    docLimit + " limit 25 after sort @timestamp desc keeps the 25 most recent",
		query:   "fields @timestamp | sort @timestamp desc | limit 2",
		records: []string{minute(1, ""), minute(3, ""), minute(2, "")},
		want:    table(cols("@timestamp"), []any{at(3)}, []any{at(2)}),
	}, {
		name:    "guess: limit without sort keeps the most recent events, like dedup's default order",
		query:   "fields @timestamp | limit 1",
		records: []string{minute(1, ""), minute(3, ""), minute(2, "")},
		want:    table(cols("@timestamp"), []any{at(3)}),
	}, {
		name:    docDedup + " fields @timestamp, server, severity, message | sort @timestamp desc | dedup server; null servers are retained",
		query:   "fields @timestamp, server, severity, message \n| sort @timestamp desc \n| dedup server",
		records: servers,
		want: table(cols("@timestamp", "server", "severity", "message"),
			[]any{at(5), "a", "high", "new a"}, []any{at(3), "b", "low", "only b"},
			[]any{at(2), nil, "low", "no server 1"}, []any{at(4), nil, "low", "no server 2"}),
	}, {
		name:    docDedup + " without sort, dedup uses the default descending @timestamp order",
		query:   "fields message | dedup server | limit 10",
		records: servers[:3],
		want:    table(cols("message"), []any{"new a"}, []any{"only b"}),
	}, {
		name: "awsdocs CWL_QuerySyntax.md display example: parse, filter loggingType = \"ERROR\", display loggingMessage",
		query: "fields @message\n    | parse m \"[*] *\" as loggingType, loggingMessage\n" +
			"    | filter loggingType = \"ERROR\"\n    | display loggingMessage",
		records: []string{`{"m":"[ERROR] disk full"}`, `{"m":"[INFO] all good"}`},
		want:    table(cols("loggingMessage"), []any{"disk full"}),
	}, {
		name:    docParse + ` DISPLAY loggingMessage, loggingType = "ERROR" as isError; booleans show as 1 or 0`,
		query:   `PARSE m "* [*] *" as loggingTime, loggingType, loggingMessage | FILTER loggingType IN ["ERROR", "INFO"] | DISPLAY loggingMessage, loggingType = "ERROR" as isError`,
		records: []string{`{"m":"t1 [ERROR] bad"}`, `{"m":"t2 [INFO] ok"}`, `{"m":"t3 [DEBUG] x"}`},
		want:    table(cols("loggingMessage", "isError"), []any{"bad", 1.0}, []any{"ok", 0.0}),
	}, {
		name:    "awsdocs CWL_QuerySyntax.md: with several display commands only the last one's fields are used",
		query:   "display a | display b",
		records: []string{`{"a":1,"b":2}`},
		want:    table(cols("b"), []any{2.0}),
	}})
}

// TestDiscoveredFields quotes docDiscover.
func TestDiscoveredFields(t *testing.T) {
	// The page's example event, verbatim except for whitespace. Its
	// eventTime "2014-03-06T21: 22: 54Z" (spaces and all) is not a time, so
	// @timestamp is missing.
	const pageEvent = `{"eventVersion":"1.0","userIdentity":{"type":"IAMUser","principalId":"EX_PRINCIPAL_ID","arn":"arn: aws: iam: : 123456789012: user/Alice","accessKeyId":"EXAMPLE_KEY_ID","accountId":"123456789012","userName":"Alice"},"eventTime":"2014-03-06T21: 22: 54Z","eventSource":"ec2.amazonaws.com","eventName":"StartInstances","awsRegion":"us-east-2","sourceIPAddress":"192.0.2.255","userAgent":"ec2-api-tools1.6.12.2","requestParameters":{"instancesSet":{"items":[{"instanceId":"i-abcde123"}]}},"responseElements":{"instancesSet":{"items":[{"instanceId":"i-abcde123","currentState":{"code":0,"name":"pending"},"previousState":{"code":80,"name":"stopped"}}]}}}`
	other := strings.Replace(pageEvent, `"items":[{"instanceId":"i-abcde123"}]`, `"items":[{"instanceId":"i-other"}]`, 1)
	// A record whose recipientAccountId comes after 250 other leaves, as in
	// a RunInstances record with many instances: discovery stops at 200.
	var tags strings.Builder
	for i := 0; i < 250; i++ {
		fmt.Fprintf(&tags, `{"k":"t%d"},`, i)
	}
	big := `{"eventName":"RunInstances","requestParameters":{"tags":[` + strings.TrimSuffix(tags.String(), ",") + `]},"recipientAccountId":"111122223333"}`
	runCases(t, []queryCase{{
		name:    docDiscover + ` filter requestParameters.instancesSet.items.0.instanceId="i-abcde123"`,
		query:   "fields @timestamp, @message\n| filter requestParameters.instancesSet.items.0.instanceId=\"i-abcde123\"\n| sort @timestamp desc",
		records: []string{pageEvent, other},
		want:    table(cols("@timestamp", "@message"), []any{nil, pageEvent}),
	}, {
		name:    docDiscover + " userIdentity.type",
		query:   "fields userIdentity.type",
		records: []string{pageEvent},
		want:    table(cols("userIdentity.type"), []any{"IAMUser"}),
	}, {
		name:    docDiscover + ` "api.request.data.startTime returns no results" when data is a JSON-encoded string`,
		query:   "fields api.request.data.startTime as direct, jsonParse(api.request.data).startTime as parsed",
		records: []string{`{"api":{"request":{"data":"{\"startTime\":1234,\"endTime\":5678}"}}}`},
		want:    table(cols("direct", "parsed"), []any{nil, 1234.0}),
	}, {
		// Leaf 1 is eventName, so tags.0.k .. tags.198.k are leaves 2..200:
		// tags.198.k is the last field kept, tags.199.k the first cut.
		name:    docDiscover + ` "a maximum of 200 log event fields": a field past the limit is missing; jsonParse(@message) still reads it`,
		query:   "fields recipientAccountId as discovered, jsonParse(@message).recipientAccountId as parsed, requestParameters.tags.198.k as last_kept, requestParameters.tags.199.k as first_cut",
		records: []string{big},
		want:    table(cols("discovered", "parsed", "last_kept", "first_cut"), []any{nil, "111122223333", "t198", nil}),
	}})
}

// TestTimeRange pins Options: Start <= @timestamp < End; an event without
// @timestamp takes part only in an unbounded run.
func TestTimeRange(t *testing.T) {
	recs := source(minute(0, `"id":"start"`), minute(30, `"id":"inside"`), minute(59, `"id":"end"`), `{"id":"no time"}`)
	tests := []struct {
		name string
		opt  Options
		want []string
	}{
		{"unbounded", Options{}, []string{"end", "inside", "no time", "start"}},
		{"[00:00, 00:59)", Options{Start: ts("2026-03-02T00:00:00Z"), End: ts("2026-03-02T00:59:00Z")}, []string{"inside", "start"}},
		{"open start", Options{End: ts("2026-03-02T00:30:00Z")}, []string{"start"}},
		{"open end", Options{Start: ts("2026-03-02T00:30:00Z")}, []string{"end", "inside"}},
	}
	for _, tc := range tests {
		recs := *recs
		got, err := Run("fields id", &recs, tc.opt)
		if err != nil {
			t.Fatal(err)
		}
		var want [][]any
		for _, id := range tc.want {
			want = append(want, []any{id})
		}
		if diff := cmp.Diff(table(cols("id"), want...), got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tc.name, diff)
		}
	}
}
