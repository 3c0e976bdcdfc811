package cloudwatch

import (
	"strconv"
	"strings"

	"github.com/ruleport/ruleport/convert/plan"
)

// Predicates. KQL's conditions are three-valued: a comparison with a null
// operand is null, not(null) is null, and where drops the row. Logs
// Insights' are two-valued: a comparison with a missing operand is false,
// and "not" of false is true (CWL_QuerySyntax-operations-functions.html:
// comparisons "return a Boolean result"; the engine's guesses pin the
// rest). So a KQL condition is written in the polarity needed: pred(x,
// true) is true exactly where x is true, pred(x, false) exactly where x is
// false; where x is null both are false. "not x" is pred(x, false), which
// for a comparison is the opposite comparison: not(core > 5) keeps no row
// whose core is null, as KQL.

// pos is the condition "x is true", for filter and if.
func (e *emitter) pos(x plan.Expr) string { return trimParens(e.pred(x, true)) }

// pred writes "x is true" (want) or "x is false" (!want).
func (e *emitter) pred(x plan.Expr, want bool) string {
	switch x := x.(type) {
	case *plan.Logic:
		// De Morgan: false-and is false-or-false.
		and := x.Op == plan.And
		if !want {
			and = !and
		}
		op := " or "
		if and {
			op = " and "
		}
		return "(" + e.pred(x.X, want) + op + e.pred(x.Y, want) + ")"
	case *plan.Not:
		return e.pred(x.X, !want)
	case *plan.Compare:
		return e.compare(x, want)
	case *plan.EqualsFold:
		op := " = "
		if x.Negate == want {
			op = " != "
		}
		return e.lower(x.X) + op + e.lower(x.Y)
	case *plan.StringMatch:
		return e.match(x, want != x.Negate)
	case *plan.InList:
		return e.in(x, want != x.Negate)
	case *plan.IsEmptyString:
		v := "isempty(" + trimParens(e.value(x.X)) + ")"
		if want {
			return v
		}
		return "not " + v
	case *plan.IsNull:
		v := "ispresent(" + trimParens(e.value(x.X)) + ")"
		if want {
			return "not " + v
		}
		return v
	case *plan.Const:
		if b, ok := x.Value.(bool); ok {
			return strconv.FormatBool(b == want)
		}
	}
	// A boolean value (a column, a case, a JSON boolean): true, false or
	// missing.
	return wrap(e.value(x)) + " = " + strconv.FormatBool(want)
}

// compare writes a comparison true where x is (want) or where it is not.
// A comparison with a missing operand is false in Logs Insights, and in
// KQL null for the orderings and for == and != of two nulls; but KQL's ==
// of a null and a non-null value is false and its != true (plan.Compare),
// so "!=" also holds where exactly one operand that can be missing is.
func (e *emitter) compare(x *plan.Compare, want bool) string {
	op := x.Op
	if !want {
		op = opposite[op]
	}
	a, b := wrap(e.value(x.X)), wrap(e.value(x.Y))
	if op == plan.Eq {
		// Only = may read a dynamic value as is: != and the orderings
		// hold for no list or map in Logs Insights, where KQL's text
		// comparison holds.
		a, b = wrap(e.operand(x.X, x.Y)), wrap(e.operand(x.Y, x.X))
	}
	c := a + " " + cmpOps[op] + " " + b
	if op != plan.Ne || x.Op != plan.Eq && x.Op != plan.Ne {
		return c
	}
	ma, mb := mayBeMissing(x.X), mayBeMissing(x.Y)
	switch {
	case ma && mb:
		pa, pb := e.presence(x.X), e.presence(x.Y)
		return "(" + c + " or (" + pa + " and not " + pb + ") or (not " + pa + " and " + pb + "))"
	case ma:
		return "(" + c + " or not " + e.presence(x.X) + ")"
	case mb:
		return "(" + c + " or not " + e.presence(x.Y) + ")"
	}
	return c
}

// operand is value for one side of an equality with other. A dynamic
// value read as text is a list's or map's JSON text too, which only text
// starting with { or [ can equal: against a constant that does not, the
// value itself (text, a number or a boolean, with the dynamic-scalar
// note) is all that can match, and a list or map equals no string in
// Logs Insights either.
func (e *emitter) operand(x, other plan.Expr) string {
	if f, ok := x.(*plan.FromDynamic); ok && f.To == plan.String && scalarOnly(other) {
		e.noteAt(NoteDynamicScalar, f.Pos())
		return e.value(f.X)
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

// presence is the condition "x is not missing"; a dynamic value read as
// text is missing exactly where the value is.
func (e *emitter) presence(x plan.Expr) string {
	if f, ok := x.(*plan.FromDynamic); ok {
		x = f.X
	}
	return "ispresent(" + trimParens(e.value(x)) + ")"
}

// mayBeMissing reports whether the field or expression for x can be
// missing, KQL's null: a String never is (the scan reads a missing field
// as ""), except a dynamic value read as one, nor a constant.
func mayBeMissing(x plan.Expr) bool {
	if _, ok := x.(*plan.Const); ok {
		return false
	}
	if x.Type() != plan.String {
		return true
	}
	_, fromDyn := x.(*plan.FromDynamic)
	return fromDyn
}

var cmpOps = map[plan.CmpOp]string{plan.Eq: "=", plan.Ne: "!=", plan.Lt: "<", plan.Le: "<=", plan.Gt: ">", plan.Ge: ">="}

// opposite is the comparison that is true where the other is false
// (between two present values).
var opposite = map[plan.CmpOp]plan.CmpOp{
	plan.Eq: plan.Ne, plan.Ne: plan.Eq, plan.Lt: plan.Ge, plan.Ge: plan.Lt, plan.Gt: plan.Le, plan.Le: plan.Gt,
}

// lower is tolower(x), folded at emit time for a constant. KQL's =~ is
// equality ignoring case; Logs Insights' =~ is a regular expression match
// (CWL_QuerySyntax-Filter.html), so it is not used. KQL folds A-Z only
// ("Case-insensitive operators are currently supported only for
// ASCII-text", learn.microsoft.com/kusto/query/equals-operator): a constant
// is folded so, and tolower of a value gets the case-fold note, since
// Logs Insights does not document which letters tolower maps.
func (e *emitter) lower(x plan.Expr) string {
	if c, ok := x.(*plan.Const); ok {
		if s, ok := c.Value.(string); ok {
			return strLit(plan.FoldASCII(s))
		}
	}
	e.noteAt(NoteCaseFold, x.Pos())
	return "tolower(" + trimParens(e.value(x)) + ")"
}

// foldRegex quotes s for a regular expression that matches it with ASCII
// letters in either case (plan.FoldClasses).
func foldRegex(s string) string {
	return plan.FoldClasses(s, func(r rune) string { return quoteRegex(string(r)) })
}

// match writes contains, startswith, endswith and has, true where the
// match holds (yes) or where it does not. like takes a quoted string as a
// case-sensitive substring and a regular expression in slashes
// (CWL_QuerySyntax-Filter.html); (?i) makes it ignore case, which only
// patterns with letters need. has is a whole term: not preceded (followed)
// by an ASCII letter or digit where the pattern starts (ends) with a
// letter or digit (plan.MatchOp; the has-term note for letters beyond
// ASCII).
func (e *emitter) match(x *plan.StringMatch, yes bool) string {
	c, ok := x.Pattern.(*plan.Const)
	p, isStr := "", false
	if ok {
		p, isStr = c.Value.(string)
	}
	if !isStr {
		e.unsupported(x.Pos(), "%s with a pattern that is not a constant string", x.Op)
		return "true"
	}
	fold := !x.CaseSensitive && hasASCIILetter(p)
	q := quoteRegex(p)
	if fold {
		q = foldRegex(p)
	}
	var pat string
	switch x.Op {
	case plan.Contains:
		if !fold {
			pat = strLit(p)
		} else {
			pat = "/" + q + "/"
		}
	case plan.StartsWith:
		pat = "/^" + q + "/"
	case plan.EndsWith:
		pat = "/" + q + "$/"
	case plan.Has:
		// A whole term where the pattern's edge is a letter or digit
		// (plan.MatchOp); "*" or ":*" at an edge is matched as is.
		start, end := plan.TermEdges(p)
		switch {
		case p == "":
			return strconv.FormatBool(yes)
		case !start && !end:
			pat = "/" + q + "/"
			if !fold {
				pat = strLit(p)
			}
		default:
			e.noteAt(NoteHasTerm, x.Pos())
			pat = "/" + q + "/"
			if start {
				pat = "/(^|[^0-9A-Za-z])" + q + "/"
			}
			if end {
				pat = pat[:len(pat)-1] + "([^0-9A-Za-z]|$)/"
			}
		}
	default:
		e.unsupported(x.Pos(), "string operator %s", x.Op)
		return "true"
	}
	op := " like "
	if !yes {
		op = " not like "
	}
	return wrap(e.value(x.X)) + op + pat
}

func hasASCIILetter(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i] | 0x20; 'a' <= c && c <= 'z' {
			return true
		}
	}
	return false
}

// in writes x in (list), true where x is in the list (yes) or where it is
// not. KQL's in is never null: a null x is in no list, so "not in" holds
// for it, which not (x in [...]) gives and x not in [...] would not.
func (e *emitter) in(x *plan.InList, yes bool) string {
	var elems []string
	for _, el := range x.List {
		if x.Fold {
			elems = append(elems, e.lower(el))
		} else {
			elems = append(elems, trimParens(e.value(el)))
		}
	}
	v := wrap(e.value(x.X))
	if !x.Fold && allScalarOnly(x.List) {
		v = wrap(e.operand(x.X, x.List[0]))
	}
	if x.Fold {
		v = e.lower(x.X)
	}
	in := v + " in [" + strings.Join(elems, ", ") + "]"
	if yes {
		return in
	}
	return "not (" + in + ")"
}

func allScalarOnly(xs []plan.Expr) bool {
	for _, x := range xs {
		if !scalarOnly(x) {
			return false
		}
	}
	return len(xs) > 0
}

// quoteRegex escapes text for a regular expression between slashes: the
// metacharacters and the slash itself.
func quoteRegex(s string) string {
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune(`\.+*?()|[]{}^$/`, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// quoteClass escapes one character for a bracketed class.
func quoteClass(r rune) string {
	if strings.ContainsRune(`\]-^[/`, r) {
		return `\` + string(r)
	}
	return string(r)
}
