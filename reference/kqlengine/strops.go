package kqlengine

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/ruleport/ruleport/convert/kql"
)

// This file holds the string operators of
// https://learn.microsoft.com/kusto/query/datatypes-string-operators:
// =~, contains, has, hasprefix, hassuffix, startswith, endswith, their
// negations and _cs forms, and matches regex. Operators without _cs ignore
// case; dynamic operands are converted with tostring() first, other types
// are refused, as Kusto.Language refuses them.

type strKind int

const (
	strEq strKind = iota
	strContains
	strHas
	strHasPrefix
	strHasSuffix
	strStartsWith
	strEndsWith
	strRegex
)

type strOp struct {
	kind strKind
	cs   bool // case-sensitive
	neg  bool
}

var stringOps = map[string]strOp{}

func init() {
	base := map[string]strKind{
		"contains": strContains, "has": strHas, "hasprefix": strHasPrefix, "hassuffix": strHasSuffix,
		"startswith": strStartsWith, "endswith": strEndsWith,
	}
	for name, k := range base {
		stringOps[name] = strOp{kind: k}
		stringOps["!"+name] = strOp{kind: k, neg: true}
		stringOps[name+"_cs"] = strOp{kind: k, cs: true}
		stringOps["!"+name+"_cs"] = strOp{kind: k, cs: true, neg: true}
	}
	stringOps["=~"] = strOp{kind: strEq}
	stringOps["!~"] = strOp{kind: strEq, neg: true}
	stringOps["matches regex"] = strOp{kind: strRegex, cs: true}
}

// asString returns a closure giving the operand as a string.
func asString(a *expr) func([]any) string {
	if a.t == TypeString {
		return func(r []any) string { return a.eval(r).(string) }
	}
	return func(r []any) string { return toStringValue(a.eval(r)) }
}

func (c *compiler) stringOp(x *kql.BinaryExpr, op strOp, l, r *expr) (*expr, error) {
	for _, a := range []*expr{l, r} {
		if a.t != TypeString && a.t != TypeDynamic {
			// Kusto.Language: "The operator 'contains' is not defined for
			// the operand types string and long."
			return nil, errorf(x.OpPos, "operator %s is not defined for %s and %s", x.Op, l.t, r.t)
		}
	}
	if op.kind == strRegex {
		return c.matchesRegex(x, l, r)
	}
	ls, rs := asString(l), asString(r)
	match := stringMatcher(op)
	if r.konst {
		// Fold the needle once: lower-casing it per row is wasted work.
		needle := toStringValue(r.val)
		if !op.cs {
			needle = lower(needle)
		}
		m := stringMatcher(strOp{kind: op.kind, cs: true})
		fold := !op.cs
		eval := func(row []any) any {
			s := ls(row)
			if fold {
				s = lower(s)
			}
			return m(s, needle) != op.neg
		}
		return c.derive(x.Pos(), TypeBool, eval, l, r)
	}
	eval := func(row []any) any { return match(ls(row), rs(row)) != op.neg }
	return c.derive(x.Pos(), TypeBool, eval, l, r)
}

// stringMatcher returns the predicate of a (non-negated) operator.
func stringMatcher(op strOp) func(s, needle string) bool {
	var m func(s, needle string) bool
	switch op.kind {
	case strEq:
		m = func(s, n string) bool { return s == n }
	case strContains:
		m = strings.Contains
	case strHas:
		m = hasTerm
	case strHasPrefix:
		m = hasTermPrefix
	case strHasSuffix:
		m = hasTermSuffix
	case strStartsWith:
		m = strings.HasPrefix
	case strEndsWith:
		m = strings.HasSuffix
	}
	if op.cs {
		return m
	}
	return func(s, n string) bool { return m(lower(s), lower(n)) }
}

// lower folds case for the case-insensitive operators: ASCII letters
// only. "Case-insensitive operators are currently supported only for
// ASCII-text. For non-ASCII comparison, use the tolower() function"
// (https://learn.microsoft.com/kusto/query/equals-operator), so other
// letters compare exactly: "RUNİNSTANCES" (U+0130) is not =~
// "RunInstances" although Unicode lower-cases İ to i, nor is the Kelvin
// sign (U+212A) a k. The reference detection folds the same way.
func lower(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'A' && c <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if b[j] >= 'A' && b[j] <= 'Z' {
					b[j] += 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}

// isTermRune reports whether r belongs to a term: terms are "maximal
// sequences of alphanumeric characters" (String operators page, "What is
// a term?").
func isTermRune(r rune) bool {
	if r < utf8.RuneSelf {
		return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9'
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}

// hasTerm is has_cs: needle occurs in s as whole terms.
func hasTerm(s, needle string) bool { return findTerm(s, needle, true, true) }

// hasTermPrefix is hasprefix_cs: needle starts a term of s.
func hasTermPrefix(s, needle string) bool { return findTerm(s, needle, true, false) }

// hasTermSuffix is hassuffix_cs: needle ends a term of s.
func hasTermSuffix(s, needle string) bool { return findTerm(s, needle, false, true) }

// findTerm looks for needle in s where it stands as whole terms: where
// the needle starts (ends) with an alphanumeric character, the character
// before (after) it must not be one, when atStart (atEnd) is set. A needle
// of several terms ("iam:PassRole") is thereby a phrase of whole terms.
// This reading follows the doc's definition of a term; Kusto publishes no
// rule for needles with punctuation. An empty needle matches, as it does
// for contains (unverified for has).
func findTerm(s, needle string, atStart, atEnd bool) bool {
	if needle == "" {
		return true
	}
	first, _ := utf8.DecodeRuneInString(needle)
	last, _ := utf8.DecodeLastRuneInString(needle)
	checkStart, checkEnd := atStart && isTermRune(first), atEnd && isTermRune(last)
	for off := 0; off <= len(s)-len(needle); {
		k := strings.Index(s[off:], needle)
		if k < 0 {
			return false
		}
		i := off + k
		j := i + len(needle)
		ok := true
		if checkStart && i > 0 {
			if r, _ := utf8.DecodeLastRuneInString(s[:i]); isTermRune(r) {
				ok = false
			}
		}
		if checkEnd && j < len(s) {
			if r, _ := utf8.DecodeRuneInString(s[j:]); isTermRune(r) {
				ok = false
			}
		}
		if ok {
			return true
		}
		_, size := utf8.DecodeRuneInString(s[i:])
		off = i + size
	}
	return false
}

// matchesRegex compiles "matches regex": the regular expression is RE2,
// which is Go's regexp syntax ("The regular expression syntax is RE2",
// https://learn.microsoft.com/kusto/query/re2). A constant pattern is
// compiled once; a bad pattern is an error.
func (c *compiler) matchesRegex(x *kql.BinaryExpr, l, r *expr) (*expr, error) {
	ls, rs := asString(l), asString(r)
	if r.konst {
		re, err := regexp.Compile(toStringValue(r.val))
		if err != nil {
			return nil, errorf(x.Y.Pos(), "bad regular expression: %v", err)
		}
		return c.derive(x.Pos(), TypeBool, func(row []any) any { return re.MatchString(ls(row)) }, l, r)
	}
	e, pos := c.e, x.Y.Pos()
	eval := func(row []any) any {
		re, err := e.regexp(rs(row))
		if err != nil {
			e.fail(errorf(pos, "bad regular expression: %v", err))
			return nil
		}
		return re.MatchString(ls(row))
	}
	return c.derive(x.Pos(), TypeBool, eval, l, r)
}

// regexp compiles a pattern met at run time, caching it.
func (e *engine) regexp(pattern string) (*regexp.Regexp, error) {
	if re, ok := e.regexps[pattern]; ok {
		return re, nil
	}
	re, err := regexp.Compile(pattern)
	if err != nil {
		return nil, err
	}
	if len(e.regexps) < 1000 {
		e.regexps[pattern] = re
	}
	return re, nil
}
