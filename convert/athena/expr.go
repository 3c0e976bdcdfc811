package athena

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/ruleport/ruleport/convert/plan"
)

// How plan values are held in SQL: String as varchar (never NULL where the
// plan has a String, except a FromDynamic read), Bool boolean, Int integer,
// Long bigint, Real double, Datetime timestamp(3) with time zone, Timespan
// an interval, Dynamic Trino's JSON type. One exception, the "native"
// shape: the Resources column is the table's array of rows while it passes
// through unchanged (plan.Column.Origin), because KQL's
// parse_json(Resources)[0].ARN is then element_at(resources, 1).arn; any
// other use reads it as JSON text.

// value returns the SQL for x in its plan type's representation.
func (e *emitter) value(x plan.Expr) string {
	switch x := x.(type) {
	case *plan.ColRef:
		if isNative(x) {
			// Trino writes a row's fields as a JSON object keyed by the
			// DDL's lower-case field names (arn, accountid, type):
			// CloudTrail writes ARN and accountId. Only this text use
			// of Resources differs from KQL's.
			return "json_format(CAST(" + e.ident(x.Name) + " AS JSON))"
		}
		return e.ident(x.Name)
	case *plan.Const:
		return constLit(x)
	case *plan.Now:
		return e.windowEnd
	case *plan.Not:
		if n, ok := x.X.(*plan.IsNull); ok {
			return "(" + e.value(n.X) + " IS NOT NULL)"
		}
		return "(NOT " + e.value(x.X) + ")"
	case *plan.Logic:
		op := " AND "
		if x.Op == plan.Or {
			op = " OR "
		}
		return "(" + e.value(x.X) + op + e.value(x.Y) + ")"
	case *plan.Compare:
		return e.compare(x)
	case *plan.EqualsFold:
		op := " = "
		if x.Negate {
			op = " <> "
		}
		return "(" + e.lower(x.X) + op + e.lower(x.Y) + ")"
	case *plan.StringMatch:
		return e.match(x)
	case *plan.InList:
		return e.in(x)
	case *plan.Arith:
		return e.arith(x)
	case *plan.Neg:
		return "(-" + e.value(x.X) + ")"
	case *plan.IsEmptyString:
		return "(COALESCE(" + e.value(x.X) + ", '') = '')"
	case *plan.IsNull:
		return "(" + e.value(x.X) + " IS NULL)"
	case *plan.ToInt:
		return e.toInt(x)
	case *plan.ToReal:
		if x.X.Type() == plan.Int || x.X.Type() == plan.Long {
			return "CAST(" + e.value(x.X) + " AS double)"
		}
		return "TRY_CAST(" + e.text(x.X) + " AS double)"
	case *plan.ToString:
		if x.X.Type() == plan.Dynamic {
			// dynText is a COALESCE of the scalar and the JSON text when
			// it is not a single expression: one COALESCE ends in ''.
			t := e.dynText(x.X)
			if strings.HasPrefix(t, "COALESCE(") && strings.HasSuffix(t, ")") && trimParens(t[len("COALESCE"):]) != t[len("COALESCE"):] {
				return t[:len(t)-1] + ", '')"
			}
			return "COALESCE(" + t + ", '')"
		}
		return "COALESCE(CAST(" + e.value(x.X) + " AS varchar), '')"
	case *plan.FromDynamic:
		return e.fromDynamic(x)
	case *plan.ParseJSON, *plan.JSONPath, *plan.Split, *plan.SplitIndex:
		return e.dynJSON(x)
	case *plan.Case:
		var b strings.Builder
		b.WriteString("CASE")
		for _, w := range x.Whens {
			b.WriteString(" WHEN " + trimParens(e.boolean(w.Cond)) + " THEN " + e.value(w.Then))
		}
		b.WriteString(" ELSE " + e.value(x.Else) + " END")
		return b.String()
	case *plan.BoundariesBetween:
		// Trino's date_diff counts whole elapsed units, t2 - t1
		// (datetime.md); on times truncated to the unit that is the number
		// of boundaries crossed, KQL's datetime_diff(unit, End, Start).
		u := "'" + x.Unit + "'"
		return fmt.Sprintf("date_diff(%s, date_trunc(%s, %s), date_trunc(%s, %s))",
			u, u, e.value(x.Start), u, e.value(x.End))
	case *plan.Call:
		return e.call(x)
	}
	e.unsupported(x.Pos(), "expression %T", x)
	return "NULL"
}

// boolean is value for a condition that only asks "is it true?" (where,
// countif, a CASE's WHEN): there NULL and FALSE are alike, so a
// comparison other than != keeps SQL's plain form, where KQL's answer for
// a null operand is false or null (compare), through AND and OR, which
// give TRUE on the same operands either way. != of a null and a non-null
// value is true in KQL and keeps its full form.
func (e *emitter) boolean(x plan.Expr) string {
	switch x := x.(type) {
	case *plan.Logic:
		op := " AND "
		if x.Op == plan.Or {
			op = " OR "
		}
		return "(" + e.boolean(x.X) + op + e.boolean(x.Y) + ")"
	case *plan.Compare:
		if x.Op != plan.Ne {
			return "(" + e.operand(x.X, x.Y) + " " + cmpOps[x.Op] + " " + e.operand(x.Y, x.X) + ")"
		}
	}
	return e.value(x)
}

// operand is value for one side of a comparison with other. A dynamic
// value read as text (plan.FromDynamic) is an object's or array's JSON
// text too, which only text starting with { or [ can equal: against a
// constant that does not, its scalar text is all that can match.
func (e *emitter) operand(x, other plan.Expr) string {
	if f, ok := x.(*plan.FromDynamic); ok && f.To == plan.String && scalarOnly(other) {
		return e.dynScalar(f.X)
	}
	return e.value(x)
}

// scalarOnly reports whether x is a string constant that no JSON object
// or array text equals.
func scalarOnly(x plan.Expr) bool {
	c, ok := x.(*plan.Const)
	if !ok {
		return false
	}
	s, ok := c.Value.(string)
	return ok && !strings.HasPrefix(s, "{") && !strings.HasPrefix(s, "[")
}

var cmpOps = map[plan.CmpOp]string{plan.Eq: "=", plan.Ne: "<>", plan.Lt: "<", plan.Le: "<=", plan.Gt: ">", plan.Ge: ">="}

// isNative reports whether a column reference still holds the Resources
// array of the table.
func isNative(c *plan.ColRef) bool {
	return c.Origin != nil && strings.EqualFold(c.Origin.Source, "resources")
}

// text returns varchar text for a value converted by toint, toreal and
// friends: a dynamic value's scalar text, a string as is.
func (e *emitter) text(x plan.Expr) string {
	if x.Type() == plan.Dynamic {
		return e.dynScalar(x)
	}
	return e.value(x)
}

// mayBeNull reports whether the SQL of x can be NULL: a plan String never
// is, except a dynamic value read as one, nor a constant other than null.
func mayBeNull(x plan.Expr) bool {
	if c, ok := x.(*plan.Const); ok {
		return c.Value == nil
	}
	if x.Type() != plan.String {
		return true
	}
	_, fromDyn := x.(*plan.FromDynamic)
	return fromDyn
}

// compare translates a comparison. SQL's = and <> are NULL when an operand
// is; KQL's == and != are so only when both are, and otherwise false and
// true (plan.Compare, the null-values page): parse_json(s).a != "x" holds
// where s has no member a. Where one operand cannot be NULL, COALESCE
// gives the non-null answer; where both can, a CASE keeps the NULL of two
// nulls.
func (e *emitter) compare(x *plan.Compare) string {
	a, b := e.operand(x.X, x.Y), e.operand(x.Y, x.X)
	c := "(" + a + " " + cmpOps[x.Op] + " " + b + ")"
	if x.Op != plan.Eq && x.Op != plan.Ne {
		return c
	}
	na, nb := mayBeNull(x.X), mayBeNull(x.Y)
	if !na && !nb {
		return c
	}
	otherwise := "FALSE"
	if x.Op == plan.Ne {
		otherwise = "TRUE"
	}
	c = "COALESCE(" + trimParens(c) + ", " + otherwise + ")"
	if na && nb {
		return "(CASE WHEN " + a + " IS NULL AND " + b + " IS NULL THEN NULL ELSE " + c + " END)"
	}
	return c
}

// in translates in, !in, in~ and !in~. KQL's in is never null: a null
// value is not in the list.
func (e *emitter) in(x *plan.InList) string {
	if len(x.List) == 0 {
		return strings.ToUpper(strconv.FormatBool(x.Negate))
	}
	subject := e.value(x.X)
	if f, ok := x.X.(*plan.FromDynamic); ok && f.To == plan.String && allScalarOnly(x.List) {
		subject = e.dynScalar(f.X)
	}
	items := make([]string, len(x.List))
	for i, it := range x.List {
		if x.Fold {
			items[i] = e.lower(it)
		} else {
			items[i] = e.value(it)
		}
	}
	if x.Fold {
		subject = asciiLower(subject)
	}
	list := "(" + strings.Join(items, ", ") + ")"
	if !mayBeNull(x.X) {
		if x.Negate {
			return "(" + subject + " NOT IN " + list + ")"
		}
		return "(" + subject + " IN " + list + ")"
	}
	s := "COALESCE(" + subject + " IN " + list + ", FALSE)"
	if x.Negate {
		return "(NOT " + s + ")"
	}
	return s
}

func allScalarOnly(xs []plan.Expr) bool {
	for _, x := range xs {
		if !scalarOnly(x) {
			return false
		}
	}
	return true
}

// arith translates + - * / %. Two 32-bit operands are widened first: KQL's
// result is a long, and Trino's integer arithmetic fails on overflow.
func (e *emitter) arith(x *plan.Arith) string {
	a, b := e.value(x.X), e.value(x.Y)
	if x.T == plan.Long && x.X.Type() == plan.Int && x.Y.Type() == plan.Int {
		a = "CAST(" + a + " AS bigint)"
	}
	op := map[plan.ArithOp]string{plan.Add: "+", plan.Sub: "-", plan.Mul: "*", plan.Div: "/", plan.Mod: "%"}[x.Op]
	return "(" + a + " " + op + " " + b + ")"
}

// toInt translates toint (32 bits) and tolong (64): a real truncates
// toward zero, which CAST does not do (CAST(2.56 AS integer) rounds to 3),
// so the value goes through truncate; TRY_CAST makes an out-of-range or
// non-numeric value NULL, as in KQL.
//
// Text converts when it is numeric text as docs/ARCHITECTURE.md decides
// (Decisions, toint): optional white space (tab to CR, space) around an
// optional sign, digits with an optional fraction, an optional exponent.
// Trino's CAST to double would take more (Java's Double.parseDouble also
// reads "4d", hexadecimal "0x1p3" and other control characters as white
// space), so the text is first matched against numericText. A dynamic
// value's text cannot tell the JSON boolean true from the string "true",
// which KQL converts to 1 and null: json_format of the JSON value can.
func (e *emitter) toInt(x *plan.ToInt) string {
	typ := "integer"
	if x.Bits == 64 {
		typ = "bigint"
	}
	v := e.value(x.X)
	switch x.X.Type() {
	case plan.Int, plan.Long:
		return "TRY_CAST(" + v + " AS " + typ + ")"
	case plan.Real:
		return "TRY_CAST(truncate(" + v + ") AS " + typ + ")"
	case plan.Bool:
		return "CASE WHEN " + v + " THEN 1 WHEN NOT " + v + " THEN 0 END"
	}
	t := "regexp_extract(" + e.text(x.X) + ", " + stringLit(numericText) + ")"
	n := "TRY_CAST(truncate(TRY_CAST(" + t + " AS double)) AS integer)"
	if x.Bits == 64 {
		// Exact for integer text beyond a double's 53 bits.
		n = "COALESCE(TRY_CAST(" + t + " AS bigint), TRY_CAST(truncate(TRY_CAST(" + t + " AS double)) AS bigint))"
	}
	if x.X.Type() != plan.Dynamic {
		return n
	}
	return "CASE json_format(" + e.dynJSON(x.X) + ") WHEN 'true' THEN 1 WHEN 'false' THEN 0 ELSE " + n + " END"
}

// numericText matches the text toint and tolong read as a number
// (docs/ARCHITECTURE.md, Decisions: toint): the shape .NET's
// NumberStyles.Float accepts. ^ and $ hold for the whole text in RE2 and
// in Trino's Joni with Java syntax (single-line); a final newline, which
// Java's $ would step over, is white space here anyway.
const numericText = `^[\t-\r ]*[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?[\t-\r ]*$`

// fromDynamic reads a dynamic value as a scalar type.
func (e *emitter) fromDynamic(x *plan.FromDynamic) string {
	if x.To == plan.String {
		// The value's text as tostring writes it, an object's or array's
		// JSON text included, NULL for null (plan.FromDynamic): json_format
		// writes a JSON array compactly, ["all"], as KQL does.
		return e.dynText(x.X)
	}
	s := e.dynScalar(x.X)
	switch x.To {
	case plan.Bool:
		return "(CASE " + s + " WHEN 'true' THEN TRUE WHEN 'false' THEN FALSE END)"
	case plan.Int, plan.Long, plan.Real:
		return "TRY_CAST(" + s + " AS double)"
	case plan.Datetime:
		return "try(from_iso8601_timestamp(" + s + "))"
	}
	e.unsupported(x.Pos(), "dynamic value read as %s", x.To)
	return "NULL"
}

// jsonPath renders plan path steps in Trino's JSONPath syntax ($.a[0]["b-c"]).
func (e *emitter) jsonPath(x *plan.JSONPath) string {
	var b strings.Builder
	b.WriteByte('$')
	for _, s := range x.Steps {
		switch {
		case s.IsIndex && s.Index < 0:
			e.unsupported(x.Pos(), "negative index %d into a JSON array", s.Index)
		case s.IsIndex:
			fmt.Fprintf(&b, "[%d]", s.Index)
		case isPlainKey(s.Name):
			b.WriteString("." + s.Name)
		default:
			q, _ := json.Marshal(s.Name)
			b.WriteString("[" + string(q) + "]")
		}
	}
	return stringLit(b.String())
}

func isPlainKey(s string) bool {
	if s == "" || s[0] >= '0' && s[0] <= '9' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

// jsonDoc is the JSON document a JSONPath reads: text that is not valid
// JSON has no members in KQL, while Trino's json_extract reads a prefix of
// truncated text as if it were whole (prestodb/presto#20916); json_parse
// refuses it, and try turns the refusal into NULL.
func (e *emitter) jsonDoc(x *plan.JSONPath) string {
	if x.Src.Type() == plan.String {
		return "try(json_parse(" + e.value(x.Src) + "))"
	}
	return e.dynJSON(x.Src)
}

// nativeResource handles a JSONPath on the native Resources array:
// [i].ARN, [i].accountId and [i].type are fields of element i; anything
// else is null (the fields are strings, and CloudTrail's keys are spelt
// ARN, accountId, type, which KQL matches case-sensitively).
func (e *emitter) nativeResource(x *plan.JSONPath) (string, bool) {
	c, ok := x.Src.(*plan.ColRef)
	if !ok || !isNative(c) {
		return "", false
	}
	fields := map[string]string{"ARN": "arn", "accountId": "accountid", "type": "type"}
	if len(x.Steps) != 2 || !x.Steps[0].IsIndex || x.Steps[1].IsIndex || fields[x.Steps[1].Name] == "" {
		return "CAST(NULL AS varchar)", true
	}
	i := x.Steps[0].Index
	if i >= 0 {
		i++
	}
	return fmt.Sprintf("element_at(%s, %d).%s", e.ident(c.Name), i, fields[x.Steps[1].Name]), true
}

// dynJSON returns a dynamic value as Trino JSON.
func (e *emitter) dynJSON(x plan.Expr) string {
	switch x := x.(type) {
	case *plan.ParseJSON:
		s := e.value(x.X)
		// Valid JSON text is its value; other text is a JSON string
		// holding it (KQL's dynamic string); "" is null.
		return "CASE WHEN " + s + " = '' THEN NULL ELSE COALESCE(try(json_parse(" + s + ")), CAST(" + s + " AS JSON)) END"
	case *plan.JSONPath:
		if s, ok := e.nativeResource(x); ok {
			return "CAST(" + s + " AS JSON)"
		}
		return "json_extract(" + e.jsonDoc(x) + ", " + e.jsonPath(x) + ")"
	case *plan.Split:
		return "CAST(split(" + e.value(x.S) + ", " + e.value(x.Delim) + ") AS JSON)"
	case *plan.SplitIndex:
		return "CAST(" + e.dynScalar(x) + " AS JSON)"
	}
	if x.Type() != plan.Dynamic {
		return "CAST(" + e.value(x) + " AS JSON)"
	}
	return e.value(x)
}

// dynScalar returns a dynamic value's scalar as varchar: a string's
// content, a number's or bool's text; NULL for null, objects and arrays.
func (e *emitter) dynScalar(x plan.Expr) string {
	switch x := x.(type) {
	case *plan.JSONPath:
		if s, ok := e.nativeResource(x); ok {
			return s
		}
		return "json_extract_scalar(" + e.jsonDoc(x) + ", " + e.jsonPath(x) + ")"
	case *plan.SplitIndex:
		// split(s, d)[i]: split_part counts fields from 1 and is NULL past
		// the end; element_at counts from the end for a negative index.
		if x.Index >= 0 {
			return fmt.Sprintf("split_part(%s, %s, %d)", e.value(x.S), e.value(x.Delim), x.Index+1)
		}
		return fmt.Sprintf("element_at(split(%s, %s), %d)", e.value(x.S), e.value(x.Delim), x.Index)
	}
	return "json_extract_scalar(" + e.dynJSON(x) + ", '$')"
}

// dynText is KQL's tostring of a dynamic value before null becomes "": a
// scalar's text, an object's or array's JSON text, NULL for null.
func (e *emitter) dynText(x plan.Expr) string {
	switch x := x.(type) {
	case *plan.SplitIndex:
		return e.dynScalar(x)
	case *plan.JSONPath:
		if s, ok := e.nativeResource(x); ok {
			return s
		}
		doc, path := e.jsonDoc(x), e.jsonPath(x)
		return "COALESCE(json_extract_scalar(" + doc + ", " + path + "), NULLIF(json_format(json_extract(" + doc + ", " + path + ")), 'null'))"
	}
	j := e.dynJSON(x)
	return "COALESCE(json_extract_scalar(" + j + ", '$'), NULLIF(json_format(" + j + "), 'null'))"
}

// call translates the plan's simple functions.
func (e *emitter) call(x *plan.Call) string {
	if x.Fn == "bag_pack" {
		return e.pack(x)
	}
	args := make([]string, len(x.Args))
	for i, a := range x.Args {
		args[i] = e.value(a)
	}
	switch x.Fn {
	case "tolower":
		return "lower(" + args[0] + ")"
	case "toupper":
		return "upper(" + args[0] + ")"
	case "strlen":
		return "length(" + args[0] + ")"
	case "strcat":
		if len(args) == 1 {
			return args[0]
		}
		return "concat(" + strings.Join(args, ", ") + ")"
	case "replace_string":
		return "replace(" + strings.Join(args, ", ") + ")"
	case "indexof":
		return "(strpos(" + args[0] + ", " + args[1] + ") - 1)"
	case "substring":
		start := "(" + args[1] + " + 1)"
		if n, ok := x.Args[1].(*plan.Const); ok {
			if v, ok := n.Value.(int64); ok {
				start = strconv.FormatInt(v+1, 10)
			}
		}
		if len(args) == 3 {
			return "substr(" + args[0] + ", " + start + ", " + args[2] + ")"
		}
		return "substr(" + args[0] + ", " + start + ")"
	case "startofday":
		return "date_trunc('day', " + args[0] + ")"
	case "bin":
		d := x.Args[1].(*plan.Const).Value.(time.Duration)
		secs := strconv.FormatFloat(d.Seconds(), 'f', -1, 64)
		return "from_unixtime(floor(to_unixtime(" + args[0] + ") / " + secs + ") * " + secs + ")"
	case "array_length":
		return "json_array_length(" + e.dynJSON(x.Args[0]) + ")"
	}
	e.unsupported(x.Pos(), "function %s", x.Fn)
	return "NULL"
}

// agg translates one aggregate.
func (e *emitter) agg(a plan.Agg) string {
	switch a.Func {
	case plan.Count:
		return "count(*)"
	case plan.CountIf:
		return "count_if(" + trimParens(e.boolean(a.Pred)) + ")"
	case plan.DCount:
		return "count(DISTINCT " + e.value(a.Arg) + ")"
	case plan.DCountIf:
		return "count(DISTINCT CASE WHEN " + trimParens(e.boolean(a.Pred)) + " THEN " + e.value(a.Arg) + " END)"
	case plan.Min, plan.Max, plan.Sum, plan.Avg:
		return a.Func.String() + "(" + e.value(a.Arg) + ")"
	case plan.MakeSet, plan.MakeList:
		if a.Arg.Type() == plan.Dynamic {
			e.unsupported(a.Pos, "%s of dynamic values", a.Func)
			return "NULL"
		}
		v := e.value(a.Arg)
		distinct := ""
		if a.Func == plan.MakeSet {
			distinct = "DISTINCT "
		}
		// KQL's make_set and make_list skip nulls and give [] for a group
		// without values; array_agg keeps nulls and gives NULL.
		return "COALESCE(CAST(array_agg(" + distinct + v + ") FILTER (WHERE " + v + " IS NOT NULL) AS JSON), json_parse('[]'))"
	}
	e.unsupported(a.Pos, "aggregate %s", a.Func)
	return "NULL"
}

// constLit is the SQL literal of a constant.
func constLit(c *plan.Const) string {
	switch v := c.Value.(type) {
	case nil:
		return "CAST(NULL AS " + sqlType(c.T) + ")"
	case string:
		if c.T == plan.Dynamic {
			return "CAST(" + stringLit(v) + " AS JSON)"
		}
		return stringLit(v)
	case int64:
		return strconv.FormatInt(v, 10)
	case float64:
		if c.T == plan.Dynamic {
			break
		}
		switch {
		case math.IsNaN(v):
			return "nan()"
		case math.IsInf(v, 1):
			return "infinity()"
		case math.IsInf(v, -1):
			return "-infinity()"
		}
		return strconv.FormatFloat(v, 'E', -1, 64)
	case bool:
		if c.T == plan.Dynamic {
			break
		}
		return strings.ToUpper(strconv.FormatBool(v))
	case time.Time:
		return timestampLiteral(v)
	case time.Duration:
		return intervalLit(v)
	}
	b, _ := json.Marshal(c.Value)
	return "json_parse(" + stringLit(string(b)) + ")"
}

func sqlType(t plan.Type) string {
	switch t {
	case plan.String:
		return "varchar"
	case plan.Bool:
		return "boolean"
	case plan.Int:
		return "integer"
	case plan.Long:
		return "bigint"
	case plan.Real:
		return "double"
	case plan.Datetime:
		return "timestamp(3) with time zone"
	case plan.Timespan:
		return "interval day to second"
	}
	return "JSON"
}

// stringLit quotes s as a Trino string literal.
func stringLit(s string) string {
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}

// intervalLit writes a duration as an interval literal in its largest
// whole unit.
func intervalLit(d time.Duration) string {
	units := []struct {
		name string
		d    time.Duration
	}{{"DAY", 24 * time.Hour}, {"HOUR", time.Hour}, {"MINUTE", time.Minute}, {"SECOND", time.Second}}
	for _, u := range units {
		if d%u.d == 0 {
			return fmt.Sprintf("INTERVAL '%d' %s", d/u.d, u.name)
		}
	}
	return "INTERVAL '" + strconv.FormatFloat(d.Seconds(), 'f', -1, 64) + "' SECOND"
}
