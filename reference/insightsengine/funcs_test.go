package insightsengine

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// funcCase evaluates expr on record and expects want. doc quotes the
// documentation the expectation comes from, or says "hand" with the
// reasoning when the documents give no result.
type funcCase struct {
	doc    string
	expr   string
	record string
	want   any
}

func runFuncCases(t *testing.T, cases []funcCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.expr, func(t *testing.T) {
			record := tc.record
			if record == "" {
				record = `{}`
			}
			if diff := cmp.Diff(tc.want, eval(t, tc.expr, record)); diff != "" {
				t.Errorf("%s\n%s (-want +got):\n%s", tc.doc, tc.expr, diff)
			}
		})
	}
}

// Arithmetic operators, docOps: "2 ^ 3 returns 8", "10 % 3 returns 1".
func TestArithmetic(t *testing.T) {
	runFuncCases(t, []funcCase{
		{docOps + ` "2 ^ 3 returns 8"`, `2 ^ 3`, "", 8.0},
		{docOps + ` "10 % 3 returns 1"`, `10 % 3`, "", 1.0},
		{"hand: precedence * before +", `1 + 2 * 3`, "", 7.0},
		{"hand: ^ is right-associative, 2^(3^2)", `2 ^ 3 ^ 2`, "", 512.0},
		{"hand: unary minus", `-(3 - 5)`, "", 2.0},
		{"hand: a field parsed as text takes part as a number", `n * 2`, `{"n":"21"}`, 42.0},
		{"guess: a missing operand gives null", `missing + 1`, "", nil},
		{"guess: text that is not a number gives null", `s + 1`, `{"s":"abc"}`, nil},
		{"guess: division by zero gives null", `1 / 0`, "", nil},
		{"hand: division is not integer division", `7 / 2`, "", 3.5},
	})
}

// Numeric operators, docOps table: abs, ceil, floor, greatest, least, log,
// round, sqrt, toNumber, toInt, toLong, toDouble. The page gives no
// example results, so expectations are worked by hand from the
// descriptions.
func TestNumericFunctions(t *testing.T) {
	runFuncCases(t, []funcCase{
		{"hand: Absolute value", `abs(-3.5)`, "", 3.5},
		{"hand: Round to ceiling", `ceil(4.1)`, "", 5.0},
		{"hand: Round to floor", `floor(4.7)`, "", 4.0},
		{"hand: floor of a negative number goes down", `floor(-4.2)`, "", -5.0},
		{"hand: floor reads text holding a number (SEMANTICS.md toint row)", `floor(s)`, `{"s":"4.5"}`, 4.0},
		{"hand: Returns the largest value", `greatest(1, 7, 3)`, "", 7.0},
		{"hand: Returns the smallest value", `least(4, -2, 9)`, "", -2.0},
		{"guess: greatest skips missing values", `greatest(missing, 2)`, "", 2.0},
		{"hand: Natural log of e^2", `round(log(7.38905609893065) * 1000) / 1000`, "", 2.0},
		{"guess: log of 0 is null", `log(0)`, "", nil},
		{"hand: Square root", `sqrt(16)`, "", 4.0},
		{"hand: With one argument, rounds to the nearest integer", `round(2.5)`, "", 3.0},
		{"hand: With two arguments, rounds to d decimal places", `round(3.14159, 2)`, "", 3.14},
		{"hand: toNumber converts a string field value", `toNumber(s)`, `{"s":"12.5"}`, 12.5},
		{"guess: toInt truncates toward zero (ARCHITECTURE toint)", `toInt(-4.7)`, "", -4.0},
		{"guess: toInt outside 32 bits is null", `toInt(3000000000)`, "", nil},
		{"hand: toLong holds 64 bits", `toLong(3000000000)`, "", 3000000000.0},
		{"guess: toInt of non-numeric text is null", `toInt(s)`, `{"s":"four"}`, nil},
		{"guess: a rounding that overflows is null", `round(2, 400)`, "", nil},
		{"hand: substr far past the end is empty", `substr("abc", n)`, `{"n":1e300}`, ""},
		{"hand: substr with a huge length runs to the end", `substr("abc", 1, n)`, `{"n":1e300}`, "bc"},
		{"guess: fromMillis past year 9999 is null", `fromMillis(n)`, `{"n":1e300}`, nil},
	})
}

// Datetime functions, docOps.
func TestDatetimeFunctions(t *testing.T) {
	const at = `{"eventTime":"2026-03-02T13:47:12.345Z"}`
	runFuncCases(t, []funcCase{
		{docOps + ` toMillis(@timestamp) "converts the timestamp 2022-01-14T13:18:031.000-08:00 to 1642195111000" (the page's seconds field has a typo; 13:18:31-08:00 is 21:18:31Z)`,
			`toMillis(@timestamp)`, `{"eventTime":"2022-01-14T13:18:31.000-08:00"}`, 1642195111000.0},
		{docOps + ` fromMillis "Interprets the input field as the number of milliseconds since the Unix epoch"`,
			`fromMillis(1642195111000)`, "", ts("2022-01-14T21:18:31Z")},
		{docOps + ` "datefloor(@timestamp, 1h) truncates all values of @timestamp to the bottom of the hour"`,
			`datefloor(@timestamp, 1h)`, at, ts("2026-03-02T13:00:00Z")},
		{docOps + ` "dateceil(@timestamp, 1h) truncates all values of @timestamp to the top of the hour"`,
			`dateceil(@timestamp, 1h)`, at, ts("2026-03-02T14:00:00Z")},
		{"guess: dateceil of a time on the boundary stays", `dateceil(@timestamp, 1h)`, `{"eventTime":"2026-03-02T13:00:00Z"}`, ts("2026-03-02T13:00:00Z")},
		{docOps + ` "bin(5m) rounds the value of @timestamp to the nearest 5 minutes" and then truncates`,
			`bin(5m)`, at, ts("2026-03-02T13:45:00Z")},
		{docOps + ` "if you specify bin(300s), CloudWatch Logs actually implements this as 60 seconds"`,
			`bin(300s)`, at, ts("2026-03-02T13:47:00Z")},
		{docOps + ` "the caps for s and m are 60, and the cap for h is 24": 90m runs as 60m`,
			`bin(90m)`, at, ts("2026-03-02T13:00:00Z")},
		{docStats + ` units list: "both hr and hrs work to specify hours"`, `bin(2hrs)`, at, ts("2026-03-02T12:00:00Z")},
		{"hand: 1d truncates to midnight UTC", `bin(1d)`, at, ts("2026-03-02T00:00:00Z")},
		{"guess: weeks start on Monday (2026-03-02 is a Monday)", `bin(1w)`, `{"eventTime":"2026-03-08T23:00:00Z"}`, ts("2026-03-02T00:00:00Z")},
		{"guess: months are calendar months", `bin(1mo)`, at, ts("2026-03-01T00:00:00Z")},
		{"guess: quarters start in January, April, July, October", `bin(1q)`, `{"eventTime":"2026-05-20T00:00:00Z"}`, ts("2026-04-01T00:00:00Z")},
		{"hand: 1y truncates to January 1st", `datefloor(@timestamp, 1y)`, at, ts("2026-01-01T00:00:00Z")},
		{"hand: 100ms", `bin(100ms)`, at, ts("2026-03-02T13:47:12.300Z")},
		{"guess: toMillis of anything but a timestamp is null", `toMillis(s)`, `{"s":"2026-03-02T13:47:12Z"}`, nil},
		{"guess: bin of an event without @timestamp is null", `bin(1h)`, `{}`, nil},
	})
}

// now() is "the time that the query processing was started, in epoch
// seconds"; docOps shows it filtering the last two hours.
func TestNow(t *testing.T) {
	// now() is at column 33: "filter " is 7 bytes, "toMillis(@timestamp)" 20, " >= (" 5.
	q := `filter toMillis(@timestamp) >= (now() * 1000 - 7200000) | fields eventName`
	recs := source(
		`{"eventTime":"2026-03-02T09:59:59Z","eventName":"old"}`,
		`{"eventTime":"2026-03-02T10:00:00Z","eventName":"two hours ago"}`,
		`{"eventTime":"2026-03-02T11:30:00Z","eventName":"recent"}`,
	)
	got, err := Run(q, recs, Options{End: ts("2026-03-02T12:00:00Z")})
	if err != nil {
		t.Fatal(err)
	}
	want := table(cols("eventName"), []any{"two hours ago"}, []any{"recent"})
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("now() (-want +got):\n%s", diff)
	}
	_, err = Run(q, source(), Options{})
	if diff := cmp.Diff("1:33: now() needs the end of the query's time range (Options.End)", errText(err)); diff != "" {
		t.Errorf("now() without End (-want +got):\n%s", diff)
	}
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// General functions, docOps: ispresent "Returns true if the field exists",
// coalesce "Returns the first non-null value from the list", if and case.
// In results a boolean shows as 1 or 0: docSyntax says of fields ispresent
// as isRes, "The value of isRes equals 0 or 1".
func TestGeneralFunctions(t *testing.T) {
	runFuncCases(t, []funcCase{
		{docOps + " ispresent, field exists", `ispresent(a)`, `{"a":"x"}`, 1.0},
		{docOps + " ispresent, field missing", `ispresent(a)`, `{"b":"x"}`, 0.0},
		{"hand: an empty string exists", `ispresent(a)`, `{"a":""}`, 1.0},
		{"guess: a JSON null is no value", `ispresent(a)`, `{"a":null}`, 0.0},
		{docOps + " coalesce first non-null", `coalesce(a, b, c)`, `{"b":"second","c":"third"}`, "second"},
		{"hand: coalesce keeps an empty string, which is not null", `coalesce(a, b)`, `{"a":"","b":"x"}`, ""},
		{"hand: coalesce of all missing is null", `coalesce(a, b)`, `{}`, nil},
		{docOps + " if returns trueValue if the condition is true", `if(n > 1, "big", "small")`, `{"n":5}`, "big"},
		{docOps + " if returns falseValue otherwise", `if(n > 1, "big", "small")`, `{"n":0}`, "small"},
		{docOps + " case: value for the first true condition", `case(n = 1, "one", n = 2, "two", "many")`, `{"n":2}`, "two"},
		{docOps + " case: the default when no condition is true", `case(n = 1, "one", n = 2, "two", "many")`, `{"n":3}`, "many"},
		{"hand: case without default and no true condition is null", `case(n = 1, "one")`, `{"n":3}`, nil},
		{docOps + " isNumeric", `isNumeric(d)`, `{"d":"12.5"}`, 1.0},
		{docOps + " isNumeric of text", `isNumeric(d)`, `{"d":"12ms"}`, 0.0},
		{"hand: unmask returns its argument (no data protection here)", `unmask(@logStream)`, `{"recipientAccountId":"1","awsRegion":"r"}`, "1_CloudTrail_r"},
	})
}

// String functions, docOps, with the page's own examples. Two versions of
// the page give different trim examples; both are quoted.
func TestStringFunctions(t *testing.T) {
	runFuncCases(t, []funcCase{
		{docOps + ` "ltrim("xyZxyfooxyZ","xyZ") returns "fooxyZ""`, `ltrim("xyZxyfooxyZ","xyZ")`, "", "fooxyZ"},
		{docOps + ` "rtrim("xyZfooxyxyZ","xyZ") returns "xyZfoo""`, `rtrim("xyZfooxyxyZ","xyZ")`, "", "xyZfoo"},
		{docOps + ` "trim("xyZxyfooxyxyZ","xyZ") returns "foo""`, `trim("xyZxyfooxyxyZ","xyZ")`, "", "foo"},
		{"awsdocs/amazon-cloudwatch-logs-user-guide CWL_QuerySyntax.md: ltrim(\"xyZfooxyZ\",\"xyZ\") returns \"fooxyZ\"", `ltrim("xyZfooxyZ","xyZ")`, "", "fooxyZ"},
		{"same page: rtrim(\"xyZfooxyZ\",\"xyZ\") returns \"xyZfoo\"", `rtrim("xyZfooxyZ","xyZ")`, "", "xyZfoo"},
		{"same page: trim(\"xyZfooxyZ\",\"xyZ\") returns \"foo\"", `trim("xyZfooxyZ","xyZ")`, "", "foo"},
		{docOps + " ltrim with one argument removes white space", `ltrim("  a b ")`, "", "a b "},
		{docOps + " with a second argument it does not remove white space", `trim(" xa ", "x")`, "", " xa "},
		{docOps + ` "substr("xyZfooxyZ",3, 3) returns "foo""`, `substr("xyZfooxyZ",3, 3)`, "", "foo"},
		{docOps + " substr to the end of the string", `substr("xyZfooxyZ", 3)`, "", "fooxyZ"},
		{"awsdocs CWL_QuerySyntax.md: replace(\"foo\",\"o\",\"0\") returns \"f00\"", `replace("foo","o","0")`, "", "f00"},
		{docOps + ` replace(logGroup,"smoke_test","Smoke")`, `replace(logGroup,"smoke_test","Smoke")`, `{"logGroup":"smoke_test-1"}`, "Smoke-1"},
		{docOps + " strlen: length in Unicode code points", `strlen("héllo")`, "", 5.0},
		{docOps + " toupper", `toupper("RunInstances")`, "", "RUNINSTANCES"},
		{docOps + " tolower", `tolower("RunInstances")`, "", "runinstances"},
		{docOps + " concat", `concat(Operation, '-', StatusCode)`, `{"Operation":"Put","StatusCode":200}`, "Put-200"},
		{docOps + ` isempty "Returns 1 if the field is missing"`, `isempty(x)`, `{}`, 1.0},
		{docOps + ` isempty "or is an empty string"`, `isempty(x)`, `{"x":""}`, 1.0},
		{"hand: isempty of a blank string is 0 (SEMANTICS.md: \" \" is not empty)", `isempty(x)`, `{"x":" "}`, 0.0},
		{docOps + ` isblank "contains only white space"`, `isblank(x)`, `{"x":" \t"}`, 1.0},
		{docOps + " isblank of text", `isblank(x)`, `{"x":" a "}`, 0.0},
		{docOps + " strcontains returns 1 if str contains searchValue", `strcontains(x, "@")`, `{"x":"a@b"}`, 1.0},
		{docOps + " and 0 otherwise", `strcontains(x, "@")`, `{"x":"ab"}`, 0.0},
		{docOps + " strcontains case-insensitive with true", `strcontains(x, "AB", true)`, `{"x":"xaby"}`, 1.0},
		{docOps + " startsWith", `startsWith("arn:aws:iam", "arn:")`, "", 1.0},
		{docOps + " endsWith", `endsWith("arn:aws:iam", "arn:")`, "", 0.0},
		{docOps + " regexReplace with RE2", `regexReplace("a1b22", "[0-9]+", "#")`, "", "a#b#"},
		{"guess: a string function of a missing field is null", `tolower(x)`, `{}`, nil},
		{"guess: a number given to a string function is its text", `concat(n, "")`, `{"n":4}`, "4"},
	})
}

// JSON functions and structure types, docOps "Structure types" and "JSON
// functions", and the jsonParse example on docDiscover.
func TestJSONFunctions(t *testing.T) {
	const users = `{"users":[{"action":"Get"},{"action":"PutData"}],"user.id":"123","status_code":200}`
	runFuncCases(t, []funcCase{
		{docOps + ` "Use the bracket access operator (list[index])": json_message.users[1].action`,
			`jsonParse(@message).users[1].action`, users, "PutData"},
		{docOps + " backticks around a key with special characters: json_message.`user.id`",
			"jsonParse(@message).`user.id`", users, "123"},
		{docOps + " dot access operator (map.attribute)", `jsonParse(@message).status_code`, users, 200.0},
		{docOps + ` "Maps and lists are treated as null for string, number, and datetime functions": display toupper(json_message)`,
			`toupper(jsonParse(@message))`, users, nil},
		{docOps + ` "Comparing map and list to any other fields result in false"`, `jsonParse(@message) = "x"`, users, 0.0},
		{docDiscover + " fields jsonParse(api.request.data).startTime as startTime",
			`jsonParse(api.request.data).startTime`, `{"api":{"request":{"data":"{\"startTime\":1234,\"endTime\":5678}"}}}`, 1234.0},
		{docOps + ` jsonParse "Returns an empty value, if the input is not one of the representation": truncated JSON`,
			`jsonParse(s)`, `{"s":"{\"a\":[1,2"}`, nil},
		{docOps + " jsonParse of a JSON scalar is not a map or list", `jsonParse(s)`, `{"s":"42"}`, nil},
		{"hand: a member that is missing is null", `jsonParse(@message).nope.deeper`, users, nil},
		{"hand: an index past the end is null", `jsonParse(@message).users[5].action`, users, nil},
		{"guess: only brackets index a list; .0 is null", `jsonParse(@message).users.0.action`, users, nil},
		{docOps + " jsonStringify returns a JSON string from a map, keys in their order",
			`jsonStringify(jsonParse(@message).users[1])`, users, `{"action":"PutData"}`},
		{docOps + " jsonStringify of a list", `jsonStringify(jsonParse(@message).users)`, users, `[{"action":"Get"},{"action":"PutData"}]`},
		{"guess: a map in results shows as its JSON text", `jsonParse(s)`, `{"s":"{\"b\":1,\"a\":[true,null]}"}`, `{"b":1,"a":[true,null]}`},
		// A key written twice is one member of the map, with the last value
		// (which member access reads), where the key first appeared.
		{"guess: jsonStringify writes a key written twice once, its last value", `jsonStringify(jsonParse(s))`,
			`{"s":"{\"a\":1,\"b\":{\"c\":1,\"c\":2},\"a\":3}"}`, `{"a":3,"b":{"c":2}}`},
		{"guess: jsonParse of a map (not a string) is null", `jsonParse(jsonParse(@message))`, users, nil},
	})
}

// IP address string functions, docOps, with the page's CIDR examples.
func TestIPFunctions(t *testing.T) {
	runFuncCases(t, []funcCase{
		{docOps + " isValidIp, IPv4", `isValidIp("192.0.2.10")`, "", 1.0},
		{docOps + " isValidIp, IPv6", `isValidIp("2001:db8::1")`, "", 1.0},
		{docOps + " isValidIp of a host name", `isValidIp("ec2.amazonaws.com")`, "", 0.0},
		{docOps + " isValidIpV4 of IPv6", `isValidIpV4("2001:db8::1")`, "", 0.0},
		{docOps + " isValidIpV6", `isValidIpV6("2001:db8::1")`, "", 1.0},
		{docOps + " isIpInSubnet with 192.0.2.0/24", `isIpInSubnet("192.0.2.77", "192.0.2.0/24")`, "", 1.0},
		{docOps + " isIpInSubnet outside", `isIpInSubnet("192.0.3.1", "192.0.2.0/24")`, "", 0.0},
		{docOps + " isIpv6InSubnet with 2001:db8::/32", `isIpv6InSubnet("2001:db8:5::1", "2001:db8::/32")`, "", 1.0},
		{docOps + " isIpv4InSubnet needs IPv4", `isIpv4InSubnet("2001:db8::1", "2001:db8::/32")`, "", 0.0},
	})
}
