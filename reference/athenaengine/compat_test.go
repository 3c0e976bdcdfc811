package athenaengine

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/ruleport/ruleport/reference/athenaengine/trinogrammar"
	"github.com/ruleport/ruleport/reference/logs"
)

// compatCase is one expression, evaluated as SELECT <expr>, and what Trino
// gives for it. Where the comment names a Trino docs page, the expression and
// its result are that page's example (trino.io/docs/current/functions/...,
// read from trinodb/trino docs/src/main/sphinx/functions/*.md); otherwise the
// result is worked out by hand from the page's prose or from the Trino source
// file named.
type compatCase struct {
	name, expr string
	want       any
	wantErr    string // non-empty: Trino fails the query; the error must contain this
}

func utc(y int, mo time.Month, d, h, mi, s, ms int) time.Time {
	return time.Date(y, mo, d, h, mi, s, ms*1e6, time.UTC)
}

// runCompat evaluates every case in one engine.
func runCompat(t *testing.T, opts Options, cases []compatCase) {
	t.Helper()
	e := newTestEngine(t, opts)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := eval(e, tc.expr)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("SELECT %s: error = %v, want one containing %q (got value %#v)", tc.expr, err, tc.wantErr, got)
				}
				return
			}
			if err != nil {
				t.Fatalf("SELECT %s: %v", tc.expr, err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("SELECT %s (-want +got):\n%s", tc.expr, diff)
			}
		})
	}
}

func newTestEngine(t testing.TB, opts Options) *Engine {
	t.Helper()
	e, err := New(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	return e
}

// eval runs SELECT expr over an empty table and returns the one value.
func eval(e *Engine, expr string) (any, error) {
	tab, err := e.Run(context.Background(), "SELECT "+expr, &logs.SliceSource{})
	if err != nil {
		return nil, err
	}
	if len(tab.Rows) != 1 || len(tab.Rows[0]) != 1 {
		return nil, fmt.Errorf("want one value, got %v", tab.Rows)
	}
	return tab.Rows[0][0], nil
}

var compatDateDiffCases = []compatCase{
	// datetime.md, date_diff examples.
	{"doc seconds", `date_diff('second', TIMESTAMP '2020-03-01 00:00:00', TIMESTAMP '2020-03-02 00:00:00')`, int64(86400), ""},
	{"doc hours with zone", `date_diff('hour', TIMESTAMP '2020-03-01 00:00:00 UTC', TIMESTAMP '2020-03-02 00:00:00 UTC')`, int64(24), ""},
	{"doc days", `date_diff('day', DATE '2020-03-01', DATE '2020-03-02')`, int64(1), ""},
	{"doc seconds with fraction", `date_diff('second', TIMESTAMP '2020-06-01 12:30:45.000000000', TIMESTAMP '2020-06-02 12:30:45.123456789')`, int64(86400), ""},
	{"doc milliseconds", `date_diff('millisecond', TIMESTAMP '2020-06-01 12:30:45.000000000', TIMESTAMP '2020-06-02 12:30:45.123456789')`, int64(86400123), ""},
	// Whole elapsed units, not boundaries (shared/TARGETS.md §3): 00:30 to
	// 08:29 is 7 h 59 min, so 7; DuckDB's own date_diff says 8.
	{"elapsed not boundaries", `date_diff('hour', TIMESTAMP '2026-03-02 00:30:00 UTC', TIMESTAMP '2026-03-02 08:29:00 UTC')`, int64(7), ""},
	{"elapsed negative truncates toward zero", `date_diff('hour', TIMESTAMP '2026-03-02 08:29:00 UTC', TIMESTAMP '2026-03-02 00:30:00 UTC')`, int64(-7), ""},
	{"two minutes across midnight", `date_diff('hour', TIMESTAMP '2026-03-02 23:59:00 UTC', TIMESTAMP '2026-03-03 00:01:00 UTC')`, int64(0), ""},
	// The seed rule's faithful form (shared/SEMANTICS.md §2): boundaries
	// crossed through date_trunc. 00:30 -> 08:29 crosses 8.
	{"boundaries via date_trunc", `date_diff('hour', date_trunc('hour', TIMESTAMP '2026-03-02 00:30:00 UTC'), date_trunc('hour', TIMESTAMP '2026-03-02 08:29:00 UTC'))`, int64(8), ""},
}

func TestCompatDateDiff(t *testing.T) { runCompat(t, Options{}, compatDateDiffCases) }

var compatDateTruncCases = []compatCase{
	// datetime.md, date_trunc examples and the unit table (input
	// 2001-08-22 03:04:05.321).
	{"doc day", `date_trunc('day', TIMESTAMP '2022-10-20 05:10:00')`, utc(2022, 10, 20, 0, 0, 0, 0), ""},
	{"doc month", `date_trunc('month', TIMESTAMP '2022-10-20 05:10:00')`, utc(2022, 10, 1, 0, 0, 0, 0), ""},
	{"doc year", `date_trunc('year', TIMESTAMP '2022-10-20 05:10:00')`, utc(2022, 1, 1, 0, 0, 0, 0), ""},
	{"doc table hour", `date_trunc('hour', TIMESTAMP '2001-08-22 03:04:05.321')`, utc(2001, 8, 22, 3, 0, 0, 0), ""},
	{"doc table second", `date_trunc('second', TIMESTAMP '2001-08-22 03:04:05.321')`, utc(2001, 8, 22, 3, 4, 5, 0), ""},
	{"doc table week", `date_trunc('week', TIMESTAMP '2001-08-22 03:04:05.321')`, utc(2001, 8, 20, 0, 0, 0, 0), ""},
	{"doc table quarter", `date_trunc('quarter', TIMESTAMP '2001-08-22 03:04:05.321')`, utc(2001, 7, 1, 0, 0, 0, 0), ""},
	{"with time zone", `date_trunc('hour', TIMESTAMP '2026-03-02 08:29:59 UTC')`, utc(2026, 3, 2, 8, 0, 0, 0), ""},
	// "[same as input]": a date stays a date (DuckDB alone returns a timestamp).
	{"date stays date", `typeof(date_trunc('month', DATE '2022-10-20'))`, "DATE", ""},
}

func TestCompatDateTrunc(t *testing.T) { runCompat(t, Options{}, compatDateTruncCases) }

var compatDateAddCases = []compatCase{
	// datetime.md, date_add examples and the operator table.
	{"doc seconds", `date_add('second', 86, TIMESTAMP '2020-03-01 00:00:00')`, utc(2020, 3, 1, 0, 1, 26, 0), ""},
	{"doc hours", `date_add('hour', 9, TIMESTAMP '2020-03-01 00:00:00')`, utc(2020, 3, 1, 9, 0, 0, 0), ""},
	{"doc minus a day", `date_add('day', -1, TIMESTAMP '2020-03-01 00:00:00 UTC')`, utc(2020, 2, 29, 0, 0, 0, 0), ""},
	// "[same as input]": a date stays a date; quarter is three months.
	{"date stays date", `typeof(date_add('day', 1, DATE '2020-03-01'))`, "DATE", ""},
	{"quarter", `date_add('quarter', 1, TIMESTAMP '2020-11-30 00:00:00')`, utc(2021, 2, 28, 0, 0, 0, 0), ""},
	{"unknown unit", `date_add('fortnight', 1, TIMESTAMP '2020-03-01 00:00:00')`, nil, "not a valid unit"},
	{"doc month clamps", `TIMESTAMP '2012-10-31 01:00' + INTERVAL '1' MONTH`, utc(2012, 11, 30, 1, 0, 0, 0), ""},
	{"doc 29 hours", `TIMESTAMP '2012-08-08 01:00' + INTERVAL '29' HOUR`, utc(2012, 8, 9, 6, 0, 0, 0), ""},
	{"doc minus 29 hours", `TIMESTAMP '2012-08-08 01:00' - INTERVAL '29' HOUR`, utc(2012, 8, 6, 20, 0, 0, 0), ""},
}

func TestCompatDateAdd(t *testing.T) { runCompat(t, Options{}, compatDateAddCases) }

var compatISO8601AndUnixTimeCases = []compatCase{
	// datetime.md, from_iso8601_timestamp examples; the page's session
	// zone is America/Vancouver, Athena's (and this engine's) is UTC.
	{"doc date only", `from_iso8601_timestamp('2020-05-11')`, utc(2020, 5, 11, 0, 0, 0, 0), ""},
	{"doc no zone", `from_iso8601_timestamp('2020-05-11T11:15:05')`, utc(2020, 5, 11, 11, 15, 5, 0), ""},
	{"doc offset", `from_iso8601_timestamp('2020-05-11T11:15:05.055+01:00')`, utc(2020, 5, 11, 10, 15, 5, 55), ""},
	{"cloudtrail form", `from_iso8601_timestamp('2026-03-02T01:00:00Z')`, utc(2026, 3, 2, 1, 0, 0, 0), ""},
	// timestamp(3): digits past the millisecond are dropped.
	{"millisecond precision", `from_iso8601_timestamp('2026-03-02T01:00:00.123999Z')`, utc(2026, 3, 2, 1, 0, 0, 123), ""},
	{"comma fraction and hour only", `from_iso8601_timestamp('2026-03-02T01,5Z')`, utc(2026, 3, 2, 1, 0, 0, 500), ""},
	{"offset without colon", `from_iso8601_timestamp('2026-03-02T01:00:00-0230')`, utc(2026, 3, 2, 3, 30, 0, 0), ""},
	{"ordinal date", `from_iso8601_timestamp('2020-123')`, utc(2020, 5, 2, 0, 0, 0, 0), ""},
	{"week date", `from_iso8601_timestamp('2020-W10')`, utc(2020, 3, 2, 0, 0, 0, 0), ""},
	// Joda's ISO parser has no space separator: Athena fails the query
	// on Panther's "2024-12-16 18:41:07" form, which DuckDB's cast reads.
	{"space separator fails", `from_iso8601_timestamp('2024-12-16 18:41:07.000000000')`, nil, "invalid format"},
	{"try makes it null", `try(from_iso8601_timestamp('2024-12-16 18:41:07'))`, nil, ""},
	{"no such day", `try(from_iso8601_timestamp('2026-02-30'))`, nil, ""},
	{"null in null out", `from_iso8601_timestamp(NULL)`, nil, ""},
	// from_unixtime: seconds since 1970-01-01 00:00:00 UTC (datetime.md
	// prose); to_unixtime is its inverse.
	{"from_unixtime epoch", `from_unixtime(0)`, utc(1970, 1, 1, 0, 0, 0, 0), ""},
	{"from_unixtime fraction", `from_unixtime(1772413200.5)`, utc(2026, 3, 2, 1, 0, 0, 500), ""},
	{"to_unixtime", `to_unixtime(from_iso8601_timestamp('2026-03-02T01:00:00.500Z'))`, 1772413200.5, ""},
}

func TestCompatISO8601AndUnixTime(t *testing.T) {
	runCompat(t, Options{}, compatISO8601AndUnixTimeCases)
}

var compatFormattingCases = []compatCase{
	// datetime.md, date_format example.
	{"doc date_format", `date_format(TIMESTAMP '2022-10-20 05:10:00', '%m-%d-%Y %H')`, "10-20-2022 05", ""},
	// The partition value, yyyy/MM/dd, both ways.
	{"partition via date_format", `date_format(TIMESTAMP '2026-03-02 01:00:00 UTC', '%Y/%m/%d')`, "2026/03/02", ""},
	{"partition via format_datetime", `format_datetime(TIMESTAMP '2026-03-02 01:00:00 UTC', 'yyyy/MM/dd')`, "2026/03/02", ""},
	// MySQL specifiers from the table on datetime.md, worked by hand for
	// Friday 2026-01-02 13:05:09.042.
	{"mysql names", `date_format(TIMESTAMP '2026-01-02 13:05:09.042', '%a %b %W %M %c %e %j')`, "Fri Jan Friday January 1 2 002", ""},
	{"mysql clock", `date_format(TIMESTAMP '2026-01-02 13:05:09.042', '%h %I %i %k %l %p %r %S %s %T %f %%')`,
		"01 01 05 13 1 PM 01:05:09 PM 09 09 13:05:09 042000 %", ""},
	{"mysql unsupported", `date_format(TIMESTAMP '2026-01-02 13:05:09', '%D')`, nil, "not supported"},
	{"joda letters", `format_datetime(TIMESTAMP '2026-01-02 13:05:09.042', 'EEE EEEE MMM MMMM d D H h m s SSS a yy')`,
		"Fri Friday Jan January 2 2 13 1 5 9 042 PM 26", ""},
	// Joda's DateTimeFormat javadoc: text in quotes is literal, '' is a
	// quote ("'o''clock'").
	{"joda quoting", `format_datetime(TIMESTAMP '2026-01-02 13:05:09', 'yyyy-MM-dd''T''HH:mm:ss, hh ''o''''clock'' a')`,
		"2026-01-02T13:05:09, 01 o'clock PM", ""},
}

func TestCompatFormatting(t *testing.T) { runCompat(t, Options{}, compatFormattingCases) }

// store is JsonExtract.java's javadoc document; its listed results are
// the expectations below.
const store = `'{"store":{"book":[{"category":"reference","author":"Nigel Rees","title":"Sayings of the Century","price":8.95,` +
	`"contributors":[["Adam","Levine"],["Bob","Strong"]]},{"category":"fiction","author":"Evelyn Waugh",` +
	`"title":"Sword of Honour","price":12.99,"isbn":"0-553-21311-3","last_owner":null}],"bicycle":{"color":"red","price":19.95}}}'`

var compatJSONCases = []compatCase{
	// json.md: json_extract_scalar('[1, 2, 3]', '$[2]'): zero-based, so 3.
	{"doc array index", `json_extract_scalar('[1, 2, 3]', '$[2]')`, "3", ""},
	{"doc author", `json_extract_scalar(` + store + `, '$.store.book[0].author')`, "Nigel Rees", ""},
	{"javadoc number", `json_extract_scalar(` + store + `, '$.store.bicycle.price')`, "19.95", ""},
	{"javadoc missing", `json_extract_scalar(` + store + `, '$.store.book[0].isbn')`, nil, ""},
	{"javadoc json null", `json_extract_scalar(` + store + `, '$.store.book[1].last_owner')`, nil, ""},
	{"javadoc nested arrays", `json_extract_scalar(` + store + `, '$.store.book[0].contributors[0][1]')`, "Levine", ""},
	{"javadoc brackets", `json_extract_scalar(` + store + `, '$["store"]["book"][0]["author"]')`, "Nigel Rees", ""},
	{"object is null", `json_extract_scalar(` + store + `, '$.store.bicycle')`, nil, ""},
	{"json.md unquoted bracket", `json_extract_scalar(` + store + `, '$.store[bicycle].color')`, "red", ""},
	// prestodb/presto#20916: values before the point where the text
	// stops being JSON are returned; text after the value is never read.
	{"truncated object", `json_extract_scalar('{"k1":"v1"', '$.k1')`, "v1", ""},
	{"truncated array", `json_extract_scalar('["a", "b",', '$[1]')`, "b", ""},
	{"garbage after object", `json_extract_scalar('{"k1":"v1"}abc', '$.k1')`, "v1", ""},
	{"garbage after array", `json_extract_scalar('["a", "b"]xyz', '$[1]')`, "b", ""},
	// A cut before the value is reached is NULL.
	{"truncated before value", `json_extract_scalar('{"a":{"b":1,"c":', '$.d')`, nil, ""},
	{"not json", `json_extract_scalar('platform', '$.a')`, nil, ""},
	// CloudTrail's responseElements, cut inside the second item.
	{"cloudtrail truncated", `json_extract_scalar('{"instancesSet":{"items":[{"cpuOptions":{"coreCount":4,"threadsPerCore":2}},{"cpu', '$.instancesSet.items[0].cpuOptions.coreCount')`, "4", ""},
	{"number spelling kept", `json_extract_scalar('{"c":4.0}', '$.c')`, "4.0", ""},
	{"boolean text", `json_extract_scalar('{"c":true}', '$.c')`, "true", ""},
	{"invalid path", `json_extract_scalar('{}', 'a.b')`, nil, "invalid JSON path"},
	// json_extract returns JSON text (javadoc's "json values" list).
	{"json_extract string", `json_extract(` + store + `, '$.store.book[0].author')`, `"Nigel Rees"`, ""},
	{"json_extract object", `json_extract(` + store + `, '$.store.bicycle')`, `{"color":"red","price":19.95}`, ""},
	{"json_extract array", `json_extract(` + store + `, '$.store.book[0].contributors[0]')`, `["Adam","Levine"]`, ""},
	{"json_extract null", `json_extract(` + store + `, '$.store.book[1].last_owner')`, "null", ""},
	{"json_extract missing", `json_extract(` + store + `, '$.store.book[0].isbn')`, nil, ""},
	// json.md: json_parse('[1, 2, 3]') is JSON '[1,2,3]'; json_format
	// prints it back.
	{"doc json_parse", `json_format(json_parse('[1, 2, 3]'))`, "[1,2,3]", ""},
	{"doc json_parse string", `json_format(json_parse('"abc"'))`, `"abc"`, ""},
	// JsonFunctions.jsonParse: INVALID_FUNCTION_ARGUMENT "Cannot convert
	// value to JSON: '...'".
	{"json_parse invalid", `json_parse('{"a":1')`, nil, "Cannot convert value to JSON"},
	{"try json_parse invalid", `try(json_parse('{"a":1')) IS NULL`, true, ""},
	// json.md: "Casting from VARCHAR ... CAST('abc' AS JSON) -- JSON '"abc"'";
	// an array becomes a JSON array, a boolean or number itself.
	{"doc cast varchar to json", `json_format(CAST('abc' AS JSON))`, `"abc"`, ""},
	{"cast text that is not json", `json_format(TRY_CAST('x' AS JSON))`, `"x"`, ""},
	{"doc cast array to json", `json_format(CAST(ARRAY[1, 23, 456] AS JSON))`, `[1,23,456]`, ""},
	{"doc cast boolean to json", `json_format(CAST(true AS JSON))`, `true`, ""},
	{"cast json to json", `json_format(CAST(json_parse('{"b":1}') AS JSON))`, `{"b":1}`, ""},
	{"json_parse trailing text", `try(json_parse('{"a":1} x')) IS NULL`, true, ""},
	// jsonParse reads into Java maps (a duplicate key's later value
	// replaces the earlier one) and writes with ORDER_MAP_ENTRIES_BY_KEYS:
	// worked out from that code, see jsonparse.go.
	{"json_parse last duplicate wins", `json_extract_scalar(json_parse('{"a":1,"a":2}'), '$.a')`, "2", ""},
	{"json_parse nested duplicate", `json_extract_scalar(json_parse('{"i":[{"c":{"n":4,"n":8}}]}'), '$.i[0].c.n')`, "8", ""},
	{"json_parse sorts keys", `json_format(json_parse('{"b":1,"a":{"d":true,"c":null}}'))`, `{"a":{"c":null,"d":true},"b":1}`, ""},
	// Doubles as Double.toString writes them: 1e2 is 100.0, 4.70 is 4.7,
	// 1e10 is 1.0E10, 0.0001 is 1.0E-4; integers keep their digits.
	{"json_parse numbers", `json_format(json_parse('[1e2,4.70,1e10,0.0001,-0,12345678901234567890,-2.5]'))`,
		`[100.0,4.7,1.0E10,1.0E-4,0,12345678901234567890,-2.5]`, ""},
}

func TestCompatJSON(t *testing.T) { runCompat(t, Options{}, compatJSONCases) }

var compatStringsAndArraysCases = []compatCase{
	// string.md prose: "Field indexes start with 1. If the index is larger
	// than the number of fields, then null is returned."
	{"split_part first", `split_part('jane@corp.example', '@', 1)`, "jane", ""},
	{"split_part second", `split_part('a@b@c', '@', 2)`, "b", ""},
	{"split_part past end", `split_part('jane', '@', 2)`, nil, ""},
	{"split_part empty field", `split_part('x@', '@', 2)`, "", ""},
	{"split_part leading", `split_part('@x', '@', 1)`, "", ""},
	// StringFunctions.splitPart: checkCondition(index > 0, "Index must be
	// greater than zero").
	{"split_part zero index", `split_part('a@b', '@', 0)`, nil, "Index must be greater than zero"},
	{"split array", `split('a/b/c', '/')`, []any{"a", "b", "c"}, ""},
	{"split no delimiter", `split('root', '/')`, []any{"root"}, ""},
	{"split empty", `split('', '/')`, []any{""}, ""},
	// array.md prose: element_at is 1-based, NULL past the end, negative
	// counts from the last element.
	{"element_at last", `element_at(split('arn:aws:iam::111122223333:user/dev/jane', '/'), -1)`, "jane", ""},
	{"element_at first", `element_at(ARRAY['a', 'b', 'c'], 1)`, "a", ""},
	{"element_at past end", `element_at(ARRAY['a', 'b', 'c'], 4)`, nil, ""},
	{"element_at before start", `element_at(ARRAY['a', 'b', 'c'], -4)`, nil, ""},
	{"element_at zero", `element_at(ARRAY['a', 'b', 'c'], 0)`, nil, "SQL array indices start at 1"},
	{"cardinality", `cardinality(ARRAY[1, 2, 3])`, int64(3), ""},
	// strpos: "Positions start with 1. If not found, 0 is returned."
	{"strpos found", `strpos('jane@corp', '@')`, int64(5), ""},
	{"strpos missing", `strpos('jane', '@')`, int64(0), ""},
	{"lower", `lower('RunInstances')`, "runinstances", ""},
	// regexp.md examples.
	{"doc regexp_like", `regexp_like('1a 2b 14m', '\d+b')`, true, ""},
	{"doc regexp_extract", `regexp_extract('1a 2b 14m', '\d+')`, "1", ""},
	{"doc regexp_extract group", `regexp_extract('1a 2b 14m', '(\d+)([a-z]+)', 2)`, "a", ""},
	{"regexp_extract no match is null", `regexp_extract('abc', '\d+')`, nil, ""},
	{"doc regexp_extract_all", `regexp_extract_all('1a 2b 14m', '\d+')`, []any{"1", "2", "14"}, ""},
	{"doc regexp_extract_all group", `regexp_extract_all('1a 2b 14m', '(\d+)([a-z]+)', 2)`, []any{"a", "b", "m"}, ""},
	{"doc regexp_count", `regexp_count('1a 2b 14m', '\s*[a-z]+\s*')`, int64(3), ""},
	{"doc regexp_replace remove", `regexp_replace('1a 2b 14m', '\d+[ab] ')`, "14m", ""},
	{"doc regexp_replace groups", `regexp_replace('1a 2b 14m', '(\d+)([ab]) ', '3c$2 ')`, "3ca 3cb 14m", ""},
	{"regexp_replace escaped dollar", `regexp_replace('a1', '(\d)', '\$$1')`, "a$1", ""},
	{"doc regexp_split", `regexp_split('1a 2b 14m', '\s*[a-z]+\s*')`, []any{"1", "2", "14", ""}, ""},
	{"coalesce", `COALESCE(NULL, '', 'x')`, "", ""},
}

func TestCompatStringsAndArrays(t *testing.T) { runCompat(t, Options{}, compatStringsAndArraysCases) }

var compatNumbersCases = []compatCase{
	// math.md: "/ Division (integer division performs truncation)".
	{"integer division", `7 / 2`, int64(3), ""},
	{"integer division negative", `-7 / 2`, int64(-3), ""},
	{"double division", `7e0 / 2`, 3.5, ""},
	{"modulus", `-7 % 2`, int64(-1), ""},
	// math.md: truncate(x) "rounded to integer by dropping digits after
	// decimal point".
	{"truncate", `truncate(4.7e0)`, 4.0, ""},
	{"truncate negative", `truncate(-4.7e0)`, -4.0, ""},
	// Casts to integer: a decimal or double rounds half away from zero
	// (DecimalCasts, DoubleOperators.castToInteger -> MathFunctions.round).
	{"cast decimal rounds", `CAST(2.56 AS integer)`, int64(3), ""},
	{"cast double half up", `CAST(2.5e0 AS integer)`, int64(3), ""},
	{"cast double half away from zero", `CAST(-2.5e0 AS integer)`, int64(-3), ""},
	{"cast double to bigint", `CAST(0.5e0 AS bigint)`, int64(1), ""},
	// From varchar: Integer.parseInt (FromVarchar.toInteger).
	{"cast varchar", `CAST('4' AS integer)`, int64(4), ""},
	{"cast varchar sign", `CAST('+4' AS integer)`, int64(4), ""},
	{"cast varchar decimal fails", `CAST('4.0' AS integer)`, nil, "not an integer: 4.0"},
	{"try_cast varchar decimal", `TRY_CAST('4.5' AS integer)`, nil, ""},
	{"try_cast varchar spaces", `TRY_CAST(' 4' AS integer)`, nil, ""},
	{"try_cast varchar exponent", `TRY_CAST('1e2' AS integer)`, nil, ""},
	{"try_cast overflow", `TRY_CAST('99999999999' AS integer)`, nil, ""},
	{"cast overflow fails", `CAST(3e10 AS integer)`, nil, "out of range"},
	{"nested casts", `TRY_CAST(CAST('7' AS bigint) AS integer)`, int64(7), ""},
	// shared/SEMANTICS.md §2's toint: truncate first, then cast.
	{"toint form", `TRY_CAST(truncate(TRY_CAST('4.7' AS double)) AS integer)`, int64(4), ""},
	{"toint form negative", `TRY_CAST(truncate(TRY_CAST('-4.7' AS double)) AS integer)`, int64(-4), ""},
	{"toint form junk", `TRY_CAST(truncate(TRY_CAST('four' AS double)) AS integer)`, nil, ""},
	{"bigint product", `CAST(48 AS bigint) * 2`, int64(96), ""},
}

func TestCompatNumbers(t *testing.T) { runCompat(t, Options{}, compatNumbersCases) }

// TestCompatTryDocExample is conditional.md's TRY example over its shipping
// table (the first three rows; the page's fourth row, 490 / 225 = 19, does
// not add up).
func TestCompatTryDocExample(t *testing.T) {
	e := newTestEngine(t, Options{})
	const shipping = `(VALUES ('California', '94131', 25, 100), ('California', 'P332a', 5, 72),
		('California', '94025', 0, 155), ('New Jersey', '08544', 225, 490)) AS shipping(origin_state, origin_zip, packages, total_cost)`
	tests := []struct {
		query string
		want  [][]any
	}{
		// "NULL values with TRY": 08544 is printed 08544 on the page; as a
		// bigint it is 8544.
		{"SELECT TRY(CAST(origin_zip AS BIGINT)) FROM " + shipping, [][]any{{nil}, {int64(8544)}, {int64(94025)}, {int64(94131)}}},
		{"SELECT COALESCE(TRY(total_cost / packages), 0) AS per_package FROM " + shipping + " WHERE packages < 100",
			[][]any{{int64(0)}, {int64(4)}, {int64(14)}}},
	}
	for _, tc := range tests {
		got, err := e.Run(context.Background(), tc.query, &logs.SliceSource{})
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(tc.want, got.Rows); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tc.query, diff)
		}
	}
	// "Query failure without TRY": CAST fails on P332a.
	if _, err := e.Run(context.Background(), "SELECT CAST(origin_zip AS BIGINT) FROM "+shipping, &logs.SliceSource{}); err == nil {
		t.Error("CAST('P332a' AS BIGINT) succeeded; Trino fails the query")
	}
}

// compatNow is the pinned clock of compatCurrentTimestampCases.
var compatNow = utc(2026, 3, 3, 0, 0, 0, 0)

var compatCurrentTimestampCases = []compatCase{
	{"pinned", `current_timestamp`, compatNow, ""},
	{"pinned now()", `now()`, compatNow, ""},
	{"with precision", `current_timestamp(3)`, compatNow, ""},
	{"window start", `current_timestamp - INTERVAL '1' DAY`, utc(2026, 3, 2, 0, 0, 0, 0), ""},
	{"partition of yesterday", `date_format(current_timestamp - INTERVAL '1' DAY, '%Y/%m/%d')`, "2026/03/02", ""},
}

func TestCompatCurrentTimestamp(t *testing.T) {
	runCompat(t, Options{Now: compatNow}, compatCurrentTimestampCases)
}

// TestCompatKnownGaps pins what DuckDB answers where Trino differs and the
// layer does not repair it (package documentation). If one of these starts
// to fail, DuckDB changed: update the documentation with the test.
var compatKnownGapsCases = []compatCase{
	// Trino: "Query failed: Division by zero" (conditional.md).
	{"integer division by zero is null", `155 / 0`, nil, ""},
	// Trino: Infinity (Java double arithmetic).
	{"double division by zero is null", `1e0 / 0`, nil, ""},
	// Trino: '1.0E20' (Java's Double.toString).
	{"double to varchar spelling", `CAST(1e20 AS varchar)`, "1e+20", ""},
}

func TestCompatKnownGaps(t *testing.T) { runCompat(t, Options{}, compatKnownGapsCases) }

// TestCompatCasesAreTrinoSQL: the expressions above are Trino's, not
// DuckDB's; each SELECT must pass Trino's grammar, or a case could pass
// here on syntax Athena rejects.
func TestCompatCasesAreTrinoSQL(t *testing.T) {
	var sqls []string
	for _, cases := range [][]compatCase{compatDateDiffCases, compatDateTruncCases, compatDateAddCases,
		compatISO8601AndUnixTimeCases, compatFormattingCases, compatJSONCases, compatStringsAndArraysCases,
		compatNumbersCases, compatCurrentTimestampCases, compatKnownGapsCases, compatExpandCases} {
		for _, c := range cases {
			sqls = append(sqls, "SELECT "+c.expr)
		}
	}
	errs, err := trinogrammar.CheckAll(context.Background(), sqls)
	if err != nil {
		t.Fatal(err)
	}
	for i, err := range errs {
		if err != nil {
			t.Errorf("%s\n%v", sqls[i], err)
		}
	}
}
