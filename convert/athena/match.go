package athena

import (
	"strings"

	"github.com/ruleport/ruleport/convert/plan"
)

// This file translates KQL's string operators: contains, startswith,
// endswith and has, and the ASCII-only letter folding they and =~ use.

// lower folds x for KQL's case-insensitive operators: ASCII letters only
// ("Case-insensitive operators are currently supported only for
// ASCII-text", https://learn.microsoft.com/kusto/query/equals-operator).
// Trino's lower maps every letter by Unicode's simple lower-case mapping
// (trino.io/docs/current/functions/string.html, lower), which turns
// U+0130 (İ) into i and the Kelvin sign U+212A into k, so
// lower(eventname) = 'runinstances' would take "RUNİNSTANCES", which KQL's
// =~ does not. translate maps exactly the 26 letters. A constant is folded
// here.
func (e *emitter) lower(x plan.Expr) string {
	if c, ok := x.(*plan.Const); ok {
		if s, ok := c.Value.(string); ok {
			return stringLit(plan.FoldASCII(s))
		}
	}
	return asciiLower(e.value(x))
}

// asciiLower is the SQL that lower-cases the ASCII letters of s and no
// other character.
func asciiLower(s string) string {
	return "translate(" + s + ", 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')"
}

// foldPattern is a regular expression matching s with ASCII letters in
// either case and every other character as itself (plan.FoldClasses).
func foldPattern(s string) string {
	return plan.FoldClasses(s, func(r rune) string { return regexpQuote(string(r)) })
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

func hasLetters(s string) bool {
	return strings.ToLower(s) != s || strings.ToUpper(s) != s
}

// match translates contains, startswith, endswith and has.
func (e *emitter) match(x *plan.StringMatch) string {
	fold := !x.CaseSensitive
	subject := e.value(x.X)
	p, isConst := "", false
	if c, ok := x.Pattern.(*plan.Const); ok {
		p, isConst = c.Value.(string)
	}
	if fold && (!isConst || hasLetters(p)) {
		subject = asciiLower(subject)
	}
	pat := e.value(x.Pattern)
	if fold {
		pat = e.lower(x.Pattern)
	}
	var s string
	switch x.Op {
	case plan.Contains:
		s = "strpos(" + subject + ", " + pat + ") > 0"
	case plan.StartsWith, plan.EndsWith:
		if !isConst {
			e.unsupported(x.Pos(), "%s with a pattern that is not a constant", x.Op)
			return "NULL"
		}
		if fold {
			p = plan.FoldASCII(p)
		}
		like := likeEscape(p)
		if x.Op == plan.StartsWith {
			like += "%"
		} else {
			like = "%" + like
		}
		s = subject + " LIKE " + stringLit(like)
		if strings.ContainsAny(p, `%_\`) {
			s += ` ESCAPE '\'`
		}
	case plan.Has:
		if !isConst {
			s = e.hasRuntime(x, subject, pat)
			break
		}
		s = e.has(x, p, subject, pat, fold)
	}
	if x.Negate {
		return "(NOT (" + s + "))"
	}
	return "(" + s + ")"
}

// termClass is a regular expression class of the characters that are not
// part of a term (plan.MatchOp): letters and digits by Unicode, which
// Trino's \p{L} and \p{Nd} name (trino.io/docs/current/functions/regexp.html:
// "Categories must be specified directly ... Example: \p{L}"), as RE2 does.
const termClass = `[^\p{L}\p{Nd}]`

// has translates has with a constant pattern p: a match not preceded by a
// letter or digit where p starts with one, and not followed by one where p
// ends with one (plan.MatchOp). A pattern with punctuation at both edges
// ("*") is a substring, "" is in every value.
func (e *emitter) has(x *plan.StringMatch, p, subject, pat string, fold bool) string {
	start, end := plan.TermEdges(p)
	switch {
	case p == "":
		return "TRUE"
	case !start && !end:
		return "strpos(" + subject + ", " + pat + ") > 0"
	}
	word := regexpQuote(p)
	if fold {
		word = foldPattern(p)
	}
	re := word
	if start {
		re = "(^|" + termClass + ")" + re
	}
	if end {
		re += "($|" + termClass + ")"
	}
	return "regexp_like(" + e.value(x.X) + ", " + stringLit(re) + ")"
}

// hasRuntime translates has with a pattern computed per row (a column,
// tostring(RecipientAccountId)): the regular expression is built in SQL,
// the pattern quoted between \Q and \E (Java's and RE2's literal
// quotes; a \E inside it is closed, written as \\E and reopened), the
// term bounds added where its first or last character is a letter or
// digit, as for a constant (has). "" is in every value. subject and pat
// are already folded when the match ignores case.
func (e *emitter) hasRuntime(x *plan.StringMatch, subject, pat string) string {
	edge := func(test, bound string) string {
		return "CASE WHEN regexp_like(" + pat + ", " + stringLit(test) + ") THEN " + stringLit(bound) + " ELSE '' END"
	}
	re := "concat(" + edge(`^[\p{L}\p{Nd}]`, "(^|"+termClass+")") + `, '\Q', replace(` + pat + `, '\E', '\E\\E\Q'), '\E', ` +
		edge(`[\p{L}\p{Nd}]\z`, "($|"+termClass+")") + ")"
	return "CASE WHEN " + pat + " = '' THEN TRUE ELSE regexp_like(" + subject + ", " + re + ") END"
}

func likeEscape(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return r.Replace(s)
}

// regexpQuote escapes every character that is not a letter or digit, which
// Java's and RE2's syntaxes both read as the literal character.
func regexpQuote(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r < 0x80 && !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}
