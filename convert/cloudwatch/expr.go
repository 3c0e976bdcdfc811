package cloudwatch

import (
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/ruleport/ruleport/convert/plan"
)

// How plan values are held in Logs Insights fields: a String as text,
// never missing (KQL strings are never null; a missing field becomes ""
// where the scan reads it); a Bool as true, false or missing; Int, Long
// and Real as numbers (doubles); a Datetime as a timestamp; a Timespan as
// a number of milliseconds; a Dynamic value as what jsonParse and member
// access give (a map, a list, text, a number, a boolean or missing). A
// missing field is KQL's null. The exception is a nested object's scan
// column held parsed (isDoc), which a text read turns into text.

// value returns the Logs Insights expression for x.
func (e *emitter) value(x plan.Expr) string {
	switch x := x.(type) {
	case *plan.ColRef:
		if e.isDoc(x) && x.T == plan.String {
			return e.docText(x)
		}
		return ident(x.Name)
	case *plan.Const:
		return e.constant(x)
	case *plan.Now:
		// now() is "the time that the query processing was started, in
		// epoch seconds" (CWL_QuerySyntax-operations-functions.html): the
		// run time of a scheduled query, the end of its range.
		e.noteAt(NoteNowSeconds, x.Pos())
		return "fromMillis(now() * 1000)"
	case *plan.Logic, *plan.Not, *plan.Compare:
		return "case(" + e.pred(x, true) + ", true, " + e.pred(x, false) + ", false)"
	case *plan.EqualsFold, *plan.StringMatch, *plan.InList, *plan.IsEmptyString, *plan.IsNull:
		// Never null in KQL: the predicate alone decides.
		return "if(" + e.pred(x, true) + ", true, false)"
	case *plan.Arith:
		return e.arith(x)
	case *plan.Neg:
		return "-" + wrap(e.value(x.X))
	case *plan.ToInt:
		if t := x.X.Type(); t == plan.Int || t == plan.Long {
			return e.value(x.X)
		}
		e.noteAt(NoteToIntFloor, x.Pos())
		return "floor(" + trimParens(e.value(x.X)) + ")"
	case *plan.ToReal:
		if x.X.Type().IsNumeric() {
			return e.value(x.X)
		}
		return "toNumber(" + trimParens(e.value(x.X)) + ")"
	case *plan.ToString:
		return e.toString(x)
	case *plan.FromDynamic:
		switch x.To {
		case plan.String:
			return e.dynamicText(x)
		case plan.Bool, plan.Int, plan.Long, plan.Real:
			e.noteAt(NoteDynamicScalar, x.Pos())
			return e.value(x.X)
		}
		e.unsupported(x.Pos(), "reading a dynamic value as %s", x.To)
		return `""`
	case *plan.ParseJSON:
		if c, ok := x.X.(*plan.ColRef); ok && e.isDoc(c) {
			return ident(c.Name)
		}
		e.noteAt(NoteParseJSONScalar, x.Pos())
		return "jsonParse(" + trimParens(e.value(x.X)) + ")"
	case *plan.JSONPath:
		return e.jsonPath(x)
	case *plan.SplitIndex:
		return e.split(x)
	case *plan.Case:
		return e.caseExpr(x)
	case *plan.BoundariesBetween:
		return e.boundaries(x)
	case *plan.Call:
		return e.call(x)
	}
	e.unsupported(x.Pos(), "expression %s", plan.FormatExpr(x))
	return `""`
}

// docText is the text of a nested object held parsed: its JSON, or the
// text it was held as when that did not parse, or "" when absent.
func (e *emitter) docText(c *plan.ColRef) string {
	e.noteAt(NoteNestedJSONText, c.Pos())
	n := ident(c.Name)
	return "coalesce(jsonStringify(" + n + "), " + n + `, "")`
}

// constant writes a literal. Numbers have no exponent (the engine's
// grammar, CWL_QuerySyntax-operations-functions.html shows none);
// datetimes become fromMillis of their epoch milliseconds, timespans their
// milliseconds.
func (e *emitter) constant(c *plan.Const) string {
	switch v := c.Value.(type) {
	case string:
		return strLit(v)
	case int64:
		return strconv.FormatInt(v, 10)
	case float64:
		if math.IsNaN(v) || math.IsInf(v, 0) {
			e.unsupported(c.Pos(), "the real %v", v)
			return "0"
		}
		return strconv.FormatFloat(v, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(v)
	case time.Time:
		return "fromMillis(" + strconv.FormatInt(v.UnixMilli(), 10) + ")"
	case time.Duration:
		return strconv.FormatFloat(float64(v)/float64(time.Millisecond), 'f', -1, 64)
	case nil:
		e.unsupported(c.Pos(), "a typed null (Logs Insights has no null literal)")
		return `""`
	}
	e.unsupported(c.Pos(), "the dynamic literal %s", plan.FormatExpr(c))
	return `""`
}

// arith writes arithmetic. Numbers are doubles: KQL's long results are
// exact below 2^53 (the note). Datetimes are timestamps and timespans
// milliseconds, so datetime arithmetic goes through toMillis.
func (e *emitter) arith(x *plan.Arith) string {
	xt, yt := x.X.Type(), x.Y.Type()
	a, b := e.value(x.X), e.value(x.Y)
	op := x.Op.String()
	switch {
	case xt == plan.Datetime && yt == plan.Datetime && x.Op == plan.Sub:
		return "(toMillis(" + trimParens(a) + ") - toMillis(" + trimParens(b) + "))"
	case xt == plan.Datetime && yt == plan.Timespan && (x.Op == plan.Add || x.Op == plan.Sub):
		return "fromMillis(toMillis(" + trimParens(a) + ") " + op + " " + wrap(b) + ")"
	case xt == plan.Datetime || yt == plan.Datetime:
		e.unsupported(x.Pos(), "datetime arithmetic %s", plan.FormatExpr(x))
		return "0"
	}
	if x.Op == plan.Div && (x.T == plan.Int || x.T == plan.Long) {
		e.unsupported(x.Pos(), "integer division (Logs Insights divides doubles)")
		return "0"
	}
	if x.T == plan.Int || x.T == plan.Long {
		e.note(NoteDoubleArith, x.Pos(), constructAt(e.p.Source, x.X.Pos())+" "+op+" "+constructAt(e.p.Source, x.Y.Pos()))
	}
	return "(" + a + " " + op + " " + wrap(b) + ")"
}

// toString is KQL's tostring: never null.
func (e *emitter) toString(x *plan.ToString) string {
	switch x.X.Type() {
	case plan.String:
		return e.value(x.X)
	case plan.Int, plan.Long, plan.Real:
		return "coalesce(concat(" + trimParens(e.value(x.X)) + `), "")`
	case plan.Bool:
		v := e.value(x.X)
		return "case(" + v + ` = true, "true", ` + v + ` = false, "false", "")`
	case plan.Dynamic:
		if _, ok := x.X.(*plan.SplitIndex); ok {
			// A piece of a split is text or missing.
			return "coalesce(" + e.value(x.X) + `, "")`
		}
		e.noteAt(NoteDynamicScalar, x.Pos())
		v := e.value(x.X)
		// An object or list as its JSON text, a scalar as its text
		// (concat of one value), missing as "".
		return "coalesce(jsonStringify(" + v + "), concat(" + v + `), "")`
	}
	e.unsupported(x.Pos(), "tostring of a %s", x.X.Type())
	return `""`
}

// dynamicText is a dynamic value read as a string where it meets one (in
// ==, != and in): its text as tostring writes it, a list's or map's JSON
// text included (plan.FromDynamic), and missing where the value is:
// case without an else gives nothing, so a missing value stays missing
// and compares as KQL's null does. A scalar's text is concat of it, with
// the dynamic-scalar note (a JSON boolean is 1 or 0 there).
func (e *emitter) dynamicText(x *plan.FromDynamic) string {
	e.noteAt(NoteDynamicScalar, x.Pos())
	v := trimParens(e.value(x.X))
	if !isPath(v) && !isCall(v) {
		v = e.hoist(v, "dyn")
	}
	return "case(ispresent(" + v + "), coalesce(jsonStringify(" + v + "), concat(" + v + ")))"
}

// jsonPath reads members and elements of a parsed value: a nested object
// held parsed, a dynamic value, or JSON text parsed with jsonParse (which
// gives nothing for text that is not an object or array, so every member
// is missing, as KQL's).
func (e *emitter) jsonPath(x *plan.JSONPath) string {
	var base string
	switch src := x.Src.(type) {
	case *plan.ColRef:
		if e.isDoc(src) || src.T == plan.Dynamic {
			base = ident(src.Name)
		}
	}
	if base == "" {
		v := trimParens(e.value(x.Src))
		switch {
		case x.Src.Type() == plan.String:
			base = "jsonParse(" + v + ")"
		case isPath(v) || strings.HasSuffix(v, ")") && isCall(v):
			base = v
		default:
			base = e.hoist(v, "json")
		}
	}
	var b strings.Builder
	b.WriteString(base)
	for _, s := range x.Steps {
		switch {
		case !s.IsIndex:
			b.WriteString("." + member(s.Name))
		case s.Index >= 0:
			b.WriteString("[" + strconv.Itoa(s.Index) + "]")
		default:
			e.unsupported(x.Pos(), "an index from the end (%d) into a JSON array (Logs Insights has no array length it can run)", s.Index)
		}
	}
	return b.String()
}

// hoist puts a value into a field of its own, before the step's command,
// and returns the field's name.
func (e *emitter) hoist(v, what string) string {
	name := e.fresh(e.hint + "_" + what)
	e.pending = append(e.pending, "fields "+v+" as "+name)
	return name
}

// fieldOf returns a field that holds x's value, hoisting it when it is not
// a column already: parse reads fields, not expressions.
func (e *emitter) fieldOf(x plan.Expr) string {
	if c, ok := x.(*plan.ColRef); ok && !(e.isDoc(c) && c.T == plan.String) {
		return ident(c.Name)
	}
	return e.hoist(trimParens(e.value(x)), "text")
}

// caseExpr writes iff and case: if(c, a, b) for one branch, case(c1, v1,
// ..., else) for more, each condition in its true polarity (a null KQL
// condition is not true). A null else is left out: case then gives
// nothing.
func (e *emitter) caseExpr(x *plan.Case) string {
	var args []string
	for _, w := range x.Whens {
		args = append(args, e.pred(w.Cond, true), trimParens(e.value(w.Then)))
	}
	if c, ok := x.Else.(*plan.Const); ok && c.Value == nil {
		return "case(" + strings.Join(args, ", ") + ")"
	}
	args = append(args, trimParens(e.value(x.Else)))
	if len(x.Whens) == 1 {
		return "if(" + strings.Join(args, ", ") + ")"
	}
	if len(args) > 21 {
		e.unsupported(x.Pos(), "case with %d branches (Logs Insights' case takes at most 10)", len(x.Whens))
	}
	return "case(" + strings.Join(args, ", ") + ")"
}

// unitMillis are the datetime_diff units whose boundaries are multiples of
// a fixed number of milliseconds from the epoch, in UTC.
var unitMillis = map[string]int64{"second": 1000, "minute": 60000, "hour": 3600000, "day": 86400000}

// boundaries is datetime_diff(unit, End, Start): unit boundaries crossed,
// floor(End / unit) - floor(Start / unit) on epoch milliseconds
// (SEMANTICS.md §2).
func (e *emitter) boundaries(x *plan.BoundariesBetween) string {
	ms, ok := unitMillis[x.Unit]
	if !ok {
		e.unsupported(x.Pos(), "datetime_diff in %ss (calendar units need date functions Logs Insights lacks)", x.Unit)
		return "0"
	}
	u := strconv.FormatInt(ms, 10)
	return "(floor(toMillis(" + trimParens(e.value(x.End)) + ") / " + u + ") - floor(toMillis(" +
		trimParens(e.value(x.Start)) + ") / " + u + "))"
}

// call writes the one-line functions of plan.Call.
func (e *emitter) call(x *plan.Call) string {
	args := make([]string, len(x.Args))
	for i, a := range x.Args {
		if x.Fn == "indexof" && i == 1 {
			break
		}
		args[i] = trimParens(e.value(a))
	}
	switch x.Fn {
	case "tolower", "toupper", "strlen":
		return x.Fn + "(" + args[0] + ")"
	case "strcat":
		return "concat(" + strings.Join(args, ", ") + ")"
	case "substring":
		return "substr(" + strings.Join(args, ", ") + ")"
	case "replace_string":
		return "replace(" + strings.Join(args, ", ") + ")"
	case "indexof":
		return e.indexOf(x)
	case "startofday":
		return "fromMillis(floor(toMillis(" + args[0] + ") / 86400000) * 86400000)"
	case "bin":
		return e.bin(x, args)
	}
	e.unsupported(x.Pos(), "function %s", x.Fn)
	return `""`
}

// bin rounds down to a multiple of the step: on datetimes counted from the
// epoch in milliseconds, on numbers from 0.
func (e *emitter) bin(x *plan.Call, args []string) string {
	if x.Args[0].Type() == plan.Datetime {
		step := wrap(args[1])
		return "fromMillis(floor(toMillis(" + args[0] + ") / " + step + ") * " + step + ")"
	}
	return "(floor(" + wrap(args[0]) + " / " + wrap(args[1]) + ") * " + wrap(args[1]) + ")"
}

// strLit writes a string literal in double quotes with the escapes Logs
// Insights reads (\" \\ \n \r \t).
func strLit(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"', '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// reserved are the words a field name must be backticked to use: the
// language's keywords and the boolean literals.
var reserved = map[string]bool{
	"and": true, "or": true, "not": true, "like": true, "in": true, "as": true,
	"by": true, "asc": true, "desc": true, "true": true, "false": true,
}

// ident writes a field name, in backticks when it is not a plain name
// ("a field name with characters other than letters, digits, @, . and _
// is written in backticks", CWL_QuerySyntax.html) or is a keyword.
func ident(name string) string {
	if isPlainName(name) && !reserved[strings.ToLower(name)] {
		return name
	}
	return "`" + name + "`"
}

// member writes a member name after a dot.
func member(name string) string {
	if isPlainName(name) || name != "" && allDigits(name) {
		return name
	}
	return "`" + name + "`"
}

func isPlainName(s string) bool {
	if s == "" || s[0] >= '0' && s[0] <= '9' {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isWordByte(s[i]) {
			return false
		}
	}
	return true
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// isPath reports whether v is a field name with member and index access.
func isPath(v string) bool {
	if v == "" || !(isWordByte(v[0]) || v[0] == '`') {
		return false
	}
	for i := 0; i < len(v); i++ {
		c := v[i]
		if !(isWordByte(c) || c == '.' || c == '[' || c == ']' || c == '`') {
			return false
		}
	}
	return true
}

// isCall reports whether v is one function call: a name, "(", and the
// parenthesis that closes it at the very end.
func isCall(v string) bool {
	i := 0
	for i < len(v) && isWordByte(v[i]) {
		i++
	}
	if i == 0 || i >= len(v) || v[i] != '(' {
		return false
	}
	return balanced(v, i) == len(v)
}

// wrap parenthesizes an expression unless it is one term.
func wrap(v string) string {
	if isPath(v) || isCall(v) || isNumber(v) || strings.HasPrefix(v, "(") && balanced(v, 0) == len(v) ||
		strings.HasPrefix(v, `"`) && !strings.Contains(v[1:len(v)-1], `"`) {
		return v
	}
	return "(" + v + ")"
}

func isNumber(v string) bool {
	_, err := strconv.ParseFloat(v, 64)
	return err == nil && !strings.ContainsAny(v, "eEnN")
}

// trimParens drops one pair of parentheses around a whole expression.
func trimParens(v string) string {
	if strings.HasPrefix(v, "(") && balanced(v, 0) == len(v) {
		return v[1 : len(v)-1]
	}
	return v
}
