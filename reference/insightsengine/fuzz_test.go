package insightsengine

import (
	"path/filepath"
	"testing"

	"github.com/rogpeppe/go-internal/txtar"
	"github.com/ruleport/ruleport/reference/logs"
)

// fuzzSeeds are queries from the tests and the documentation.
var fuzzSeeds = []string{
	"fields @timestamp, @message | sort @timestamp desc | limit 20",
	"fields `foo-bar`, action, abs(f3-f4)",
	"fields concat(Operation, '-', StatusCode) as opStatus",
	"filter (range>3000 and accountId=123456789012)",
	`fields f1, f2, f3 | filter f1 =~ /^(?i)Exception$/`,
	`fields f1 | filter statusCode not like /2\d\d/`,
	`fields @timestamp, @message | filter Type not in ["foo","bar",1]`,
	"stats avg (f1) by f2",
	"filter @message like /Exception/ | stats count(*) as exceptionCount by bin(1h) | sort exceptionCount desc",
	"FIELDS strlen(@message) AS message_length\n| STATS sum(message_length)/1024/1024 as logs_mb BY bin(5m)\n| STATS max(logs_mb) AS peak_ingest_mb",
	"STATS sum(message_length) AS b BY BIN(5m) as @t | STATS max(b) AS peak BY dateceil(@t, 10m)",
	`parse @message "[*] * The error was: *" as level, config, exception`,
	`parse @message /\[(?<level>\S+)\]\s+(?<config>\{.*\})\s+The error was: (?<exception>\S+)/`,
	"fields @timestamp, server | sort @timestamp desc | dedup server | limit 5",
	`PARSE m "* [*] *" as a, b, c | FILTER b IN ["ERROR", "INFO"] | DISPLAY c, b = "ERROR" as isError`,
	"fields jsonParse(@message) as m | filter m.users[1].action = \"PutData\" | fields m.`user.id`",
	"fields jsonParse(api.request.data).startTime as startTime",
	"filter toMillis(@timestamp) >= (now() * 1000 - 7200000)",
	"fields ltrim(\"xyZxyfooxyZ\",\"xyZ\"), substr(\"xyZfooxyZ\",3, 3), 2 ^ 3, 10 % 3, -x, !ispresent(y)",
	"fields isIpInSubnet(ip, \"192.0.2.0/24\"), if(a > 1, \"x\", \"y\"), case(a = 1, 2, 3)",
	"fields a\n# | filter b\n| limit 20",
	"stats pct(d, 95), stddev(d), earliest(v), latest(v), sortsFirst(v), count_distinct(v)",
}

// FuzzParse checks that no query text makes Parse panic, and that a query
// that parses also runs without panicking.
func FuzzParse(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	paths, _ := filepath.Glob("testdata/*.txtar")
	for _, p := range paths {
		if a, err := txtar.ParseFile(p); err == nil {
			for _, file := range a.Files {
				if file.Name == "query.insights" {
					f.Add(string(file.Data))
				}
			}
		}
	}
	records := [][]byte{
		[]byte(`{"eventTime":"2026-03-02T01:00:00Z","a":2,"m":"t [ERROR] x","users":[{"action":"PutData"}],"s":"4.5"}`),
		[]byte(`{"eventTime":"2026-03-02T02:00:00Z","a":"x","d":[1,{"k":null}]}`),
		[]byte(`{}`),
	}
	f.Fuzz(func(t *testing.T, query string) {
		q, err := Parse(query)
		if err != nil {
			return
		}
		src := &logs.SliceSource{Records: records}
		_, _ = q.Run(src, Options{End: ts("2026-03-03T00:00:00Z")})
	})
}
