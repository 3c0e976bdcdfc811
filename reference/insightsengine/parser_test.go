package insightsengine

import (
	"errors"
	"go/build"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/rogpeppe/go-internal/txtar"
	"github.com/ruleport/ruleport/reference/logs"
)

// TestParseErrors: every problem is reported at its line and column in the
// query, and parsing goes on after a broken command. Positions are counted
// by hand (columns are 1-based bytes).
func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, query, want string
	}{
		{"empty", "", "1:1: empty query"},
		{"only a comment", "# nothing", "1:1: empty query"},
		{"missing items", "fields", `1:7: expected an expression, found end of query`},
		{"trailing pipe", "fields a |", "1:11: expected a command after |"},
		{"unknown command", "fields a | wat b", `1:12: unknown command "wat"`},
		{"two problems, two commands", "fields a b | filter x ==",
			"1:10: expected | or end of query, found \"b\"\n1:24: expected an expression, found \"=\""},
		{"position on a later line", "fields a\n| filter x like 5", "2:17: like and =~ need a string or a regular expression in slashes, found \"5\""},
		{"unterminated string", `filter x = "abc`, "1:12: unterminated string"},
		{"unterminated regex", `filter x like /abc`, "1:15: unterminated regular expression"},
		{"unterminated backticks", "fields `a-b", "1:8: unterminated quoted name"},
		{"regex flags", `filter x like /abc/i`, `1:20: flags after a regular expression ("i") are not supported: write (?i) inside the slashes`},
		{"bad regex", `filter x like /(a/`, "1:15: bad regular expression: error parsing regexp: missing closing ): `(a`"},
		{"illegal character", "fields a ; b", `1:10: unexpected character ';'`},
		{"unknown function", "fields foo(a)", `1:8: unknown function "foo"`},
		{"arity", "fields toupper(a, b)", "1:8: toupper takes at most 1 arguments, found 2"},
		{"star outside count", "fields sum(*)", "1:8: only count takes *"},
		{"unknown time unit", "stats count(*) by bin(5x)", `1:23: unknown time unit "x" in "5x"`},
		{"bin needs a period", "stats count(*) by bin(5)", "1:23: bin needs a time period such as 5m or 1h here"},
		{"guess: number literals have no exponent", "fields 1e3", `1:8: unknown time unit "e3" in "1e3"`},
		{"period too large", "stats count(*) by bin(100001d)", `1:23: the time period "100001d" is too large`},
		{"period elsewhere", "fields 5m", "1:8: a time period is only valid as an argument of bin, datefloor or dateceil"},
		{"regex elsewhere", "fields /abc/", "1:8: a regular expression is only valid after like or =~"},
		{"aggregate outside stats", "fields sum(a)", "1:8: sum is an aggregate function; use it in stats"},
		{"stats without aggregate", "stats a by b", `1:7: "a" has no aggregate function; stats needs one in every item`},
		{"field outside aggregate", "stats count(*) + a", "1:18: a is outside an aggregate function; group by it with by instead"},
		{"limit zero", "limit 0", `1:7: limit needs a whole number from 1 to 10000, found "0"`},
		{"limit too large", "limit 10001", `1:7: limit needs a whole number from 1 to 10000, found "10001"`},
		{"glob count", `parse @message "a=* b=*" as a`, "1:16: the glob pattern has 2 wildcards but 1 names follow as"},
		{"glob with invalid UTF-8 (found by FuzzParse)", "parse @message \"a=*\xff\" as a", "1:16: bad glob pattern: error parsing regexp: invalid UTF-8: `\xff`"},
		{"glob without as", `parse @message "a=*"`, "1:21: a glob pattern needs as and one name per *"},
		{"regex without a named group", `parse @message /a(b)/`, "1:16: a regular expression in parse needs a named group such as (?<name>...)"},
		{"dangling dot", "fields a.", `1:10: expected a name after ".", found end of query`},
		{"keyword as field", "fields and", `1:8: unexpected keyword "and"`},
		{"not without like or in", "filter a not b", `1:14: expected like or in after not, found "b"`},
		// From docStats: "A query can have a maximum of two stats commands."
		{"three stats", "stats count(*) as a by b | stats count(*) as c by a | stats count(*) as d by c",
			"1:55: a query can have at most two stats commands"},
		// docStats: "If you use a sort or limit command, it must appear after
		// the second stats command."
		{"sort before the second stats", "stats count(*) as c by b | sort c | stats count(*) as n by c",
			"1:28: sort and limit must come after the second stats command"},
		// docStats: "the following query is not valid because the @message
		// field won't be available after the first stats aggregation."
		{"documented invalid reference to @message",
			"FIELDS @message\n| STATS SUM(Fault) by Operation\n# You can only reference `SUM(Fault)` or Operation at this point\n| STATS MAX(strlen(@message)) AS MaxMessageSize # Invalid reference to @message",
			"4:20: @message is not available after stats, which kept only: Operation, SUM(Fault)"},
		// docStats: "you can't use bin in the second stats command without
		// using the first stats command to propagate the timestamp field".
		{"documented invalid bin in the second stats",
			"FIELDS strlen(@message) AS message_length\n | STATS sum(message_length) AS ingested_bytes BY @logStream\n | STATS avg(ingested_bytes) BY bin(5m) # Invalid reference to @timestamp field",
			"3:33: bin reads @timestamp, which the previous stats did not keep"},
		{"earliest after stats needs @timestamp", "stats count(*) as c by b | stats earliest(c)",
			"1:34: earliest reads @timestamp, which the previous stats did not keep"},
		// docDedup: "The only query command that you can use in a query after
		// the dedup command is limit."
		{"sort after dedup", "dedup a | sort a", "1:11: only limit can follow dedup"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse(tc.query)
			if diff := cmp.Diff(tc.want, errText(err)); diff != "" {
				t.Errorf("Parse(%q) (-want +got):\n%s", tc.query, diff)
			}
			var list ErrorList
			if err != nil && !errors.As(err, &list) {
				t.Errorf("Parse(%q) error is %T, want ErrorList", tc.query, err)
			}
		})
	}
}

// TestUnsupported: documented constructs this engine does not run are
// positioned errors that wrap ErrUnsupported, never wrong answers.
func TestUnsupported(t *testing.T) {
	tests := []struct{ query, want string }{
		{"pattern @message", "1:1: the pattern command is not supported by ruleport's Logs Insights engine"},
		{"fields a | unnest a into b", "1:12: the unnest command is not supported by ruleport's Logs Insights engine"},
		{"filterIndex region = 'x'", "1:1: the filterindex command is not supported by ruleport's Logs Insights engine"},
		{"parse @message logfmt as lf", "1:16: parse logfmt mode is not supported by ruleport's Logs Insights engine"},
		{`parse @message /(?<ip>\d+)/ multi`, "1:29: parse multi-match mode is not supported by ruleport's Logs Insights engine"},
		{`fields split(a, ",")`, "1:8: the function split is not supported by ruleport's Logs Insights engine"},
		{`fields base64decode(a)`, "1:8: the function base64decode is not supported by ruleport's Logs Insights engine"},
	}
	for _, tc := range tests {
		_, err := Parse(tc.query)
		if diff := cmp.Diff(tc.want, errText(err)); diff != "" {
			t.Errorf("Parse(%q) (-want +got):\n%s", tc.query, diff)
		}
		if !errors.Is(err, ErrUnsupported) {
			t.Errorf("Parse(%q): error does not wrap ErrUnsupported", tc.query)
		}
	}
}

// TestColumns pins which columns a query returns and in what order.
func TestColumns(t *testing.T) {
	tests := []struct {
		query string
		want  []string
	}{
		{"filter a = 1", []string{"@timestamp", "@message"}},
		{"fields a, b as c | fields a, d", []string{"a", "c", "d"}},
		{"fields a | display b, c", []string{"b", "c"}},
		{"fields a | stats count(*) by b, bin(1h)", []string{"b", "bin(1h)", "count(*)"}},
		{"stats count(*) as n by b | fields n + 1 as m", []string{"b", "n", "m"}},
		{"display a | stats count(*) as n", []string{"n"}},
		{"stats count(*) as n | display n", []string{"n"}},
		{"fields `a.b`, x.`c.d`, sum", []string{"a.b", "x.c.d", "sum"}},
		{"STATS count(*) AS n BY g", []string{"g", "n"}},
	}
	for _, tc := range tests {
		q, err := Parse(tc.query)
		if err != nil {
			t.Errorf("Parse(%q): %v", tc.query, err)
			continue
		}
		if diff := cmp.Diff(tc.want, q.Columns()); diff != "" {
			t.Errorf("columns of %q (-want +got):\n%s", tc.query, diff)
		}
	}
}

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

// TestLayering: the engine takes query text, as CloudWatch would, and must
// not import the compiler that writes that text (docs/ARCHITECTURE.md).
func TestLayering(t *testing.T) {
	pkg, err := build.ImportDir(".", 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, imp := range append(append(pkg.Imports, pkg.TestImports...), pkg.XTestImports...) {
		if strings.HasPrefix(imp, "github.com/ruleport/ruleport/convert") {
			t.Errorf("insightsengine imports %s", imp)
		}
	}
}
