package plan

import (
	"unicode"
	"unicode/utf8"

	"github.com/ruleport/ruleport/convert/kql"
)

// Expr is a typed scalar expression. Each concrete type is one operation
// whose meaning is fixed here, once, in KQL's terms; emitters translate an
// operation, they never re-derive KQL semantics from a function name.
//
// Nulls: a value of type String is never null in KQL. A backend may hold
// NULL in exactly two places the plan names: a String scan column whose
// source field is absent (ScanColumn.NullAsEmpty) and the result of
// ToString; an emitter turns NULL into "" there, and every other String
// operation below maps non-null operands to a non-null result. Values of
// every other type may be null, and every operation yields null when an
// operand it reads is null, unless its comment says otherwise.
type Expr interface {
	Type() Type
	Pos() kql.Pos
	expr()
}

// at is the source position of an expression.
type at struct{ At kql.Pos }

// Pos returns the offset of the expression in the query text.
func (a at) Pos() kql.Pos { return a.At }

// ColRef reads a column of the step's input row.
type ColRef struct {
	at
	Name string
	T    Type
	// Origin is the scan column the input column still holds unchanged,
	// or nil (see Column.Origin).
	Origin *ScanColumn
}

// Const is a literal. Value is nil (a typed null), string, int64 (Int and
// Long), float64, bool, time.Time (Datetime, UTC), time.Duration
// (Timespan), or for Dynamic a JSON value as encoding/json decodes it
// ([]any, map[string]any, string, float64, bool, nil).
type Const struct {
	at
	T     Type
	Value any
}

// Now is the evaluation time: the end of the query window (KQL now(); ago(d)
// is Now minus d).
type Now struct{ at }

// Not negates a bool; not(null) is null.
type Not struct {
	at
	X Expr
}

// LogicOp is And or Or.
type LogicOp int

// The logical operators, with SQL's three-valued logic (which is KQL's).
const (
	And LogicOp = iota
	Or
)

// Logic is X and Y, X or Y.
type Logic struct {
	at
	Op   LogicOp
	X, Y Expr
}

// CmpOp is a comparison operator.
type CmpOp int

// The comparisons.
const (
	Eq CmpOp = iota
	Ne
	Lt
	Le
	Gt
	Ge
)

var cmpNames = [...]string{"==", "!=", "<", "<=", ">", ">="}

// String returns the operator as KQL writes it.
func (o CmpOp) String() string { return cmpNames[o] }

// Compare compares two values of the same type family: strings
// case-sensitively (KQL ==), numbers numerically (int, long and real mix),
// datetimes, timespans, bools. Nulls follow the null-values page
// (https://learn.microsoft.com/kusto/query/scalar-data-types/null-values):
// Eq and Ne of two nulls are null, of a null and a non-null value false
// (Eq) and true (Ne), unlike SQL's = and <>; the ordering comparisons are
// null when an operand is null. (Only a FromDynamic operand or a non-String
// value can be null: a String never is.)
type Compare struct {
	at
	Op   CmpOp
	X, Y Expr
}

// EqualsFold is KQL =~ (and !~ with Negate): string equality ignoring
// letter case.
type EqualsFold struct {
	at
	X, Y   Expr
	Negate bool
}

// MatchOp is a string matching operator.
type MatchOp int

// The string matches. Contains: Pattern is a substring of X. StartsWith,
// EndsWith: prefix, suffix. Has: Pattern occurs in X as whole terms: an
// occurrence counts when, if Pattern starts with a letter or digit, the
// character before it is none, and if Pattern ends with one, the character
// after it is none. Terms are "maximal sequences of alphanumeric
// characters" (https://learn.microsoft.com/kusto/query/datatypes-string-operators),
// letters and digits by Unicode (Go's unicode.IsLetter and IsDigit, the
// regular expression classes \p{L} and \p{Nd}). So "iam:PassRole" is a
// phrase of two whole terms, "iam:*" a term followed by ":*", and "*" a
// symbol that matches wherever it occurs (the page: has tests "for the
// presence of a symbol or alphanumeric word that is bound by
// non-alphanumeric characters"). An empty Pattern matches every X, as it
// does for contains (unverified for has). HasPrefix and HasSuffix are not
// produced yet.
const (
	Contains MatchOp = iota
	StartsWith
	EndsWith
	Has
)

var matchNames = [...]string{"contains", "startswith", "endswith", "has"}

// IsTermRune reports whether r belongs to a term of KQL's has: a letter or
// a digit, by Unicode (see the MatchOp constants).
func IsTermRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// TermEdges reports whether a has pattern starts and ends with a term
// rune: where it does, a match must not have a letter or digit before
// (after) it. Neither holds for "".
func TermEdges(pattern string) (start, end bool) {
	if pattern == "" {
		return false, false
	}
	first, _ := utf8.DecodeRuneInString(pattern)
	last, _ := utf8.DecodeLastRuneInString(pattern)
	return IsTermRune(first), IsTermRune(last)
}

// String returns the KQL operator name.
func (o MatchOp) String() string { return matchNames[o] }

// StringMatch is a KQL string operator: case-insensitive unless
// CaseSensitive (the _cs forms), negated by Negate (the ! forms). Both
// operands are strings; Pattern is usually a constant.
type StringMatch struct {
	at
	Op            MatchOp
	CaseSensitive bool
	Negate        bool
	X, Pattern    Expr
}

// InList is X in (List...): X equals one of the values (case-insensitively
// for strings with Fold, KQL in~), negated by Negate (!in, !in~). Unlike
// SQL's IN, a null X is simply not in the list: the result is false (true
// for Negate), never null.
type InList struct {
	at
	X            Expr
	List         []Expr
	Fold, Negate bool
}

// ArithOp is an arithmetic operator.
type ArithOp int

// The arithmetic operators.
const (
	Add ArithOp = iota
	Sub
	Mul
	Div
	Mod
)

var arithNames = [...]string{"+", "-", "*", "/", "%"}

// String returns the operator.
func (o ArithOp) String() string { return arithNames[o] }

// Arith is X Op Y with KQL's result type T: int and long operands give a
// long (64-bit, so an emitter must widen before multiplying two 32-bit
// values), a real operand gives a real; datetime - datetime is a timespan;
// datetime +/- timespan is a datetime. Division of longs truncates toward
// zero.
type Arith struct {
	at
	Op   ArithOp
	X, Y Expr
	T    Type
}

// Neg is -X.
type Neg struct {
	at
	X Expr
}

// IsEmptyString is KQL isempty on a string: X is "" (a backend NULL
// counts as "" too). " " is not empty.
type IsEmptyString struct {
	at
	X Expr
}

// IsNull is KQL isempty/isnull on a value that is not a string: X is null.
type IsNull struct {
	at
	X Expr
}

// ToInt converts to a 32-bit (Bits 32, KQL toint) or 64-bit (Bits 64,
// tolong) integer. A real truncates toward zero (toint(4.7) = 4,
// toint(-4.7) = -4; not rounding); a string is read as a number, integer
// or decimal, then converted the same way (toint("4.5") = 4); a dynamic
// number or numeric string likewise; a value out of range, an empty or
// non-numeric string, or anything else is null.
type ToInt struct {
	at
	X    Expr
	Bits int
}

// ToReal converts to a real (toreal, todouble): numbers and numeric strings
// convert; anything else is null.
type ToReal struct {
	at
	X Expr
}

// ToString converts a value that is not a string to text (KQL tostring): a
// null becomes ""; a dynamic string becomes its content, unquoted; a
// dynamic object or array its JSON text; numbers and bools their KQL
// rendering (true, 42). The result is a String and never null.
type ToString struct {
	at
	X Expr
}

// FromDynamic reads a dynamic value as the scalar type To, the implicit
// conversion KQL applies when a dynamic value meets a typed one (in a
// comparison or in, a predicate): String is the value's text as tostring
// writes it (a string's content, a number's or bool's text, an object's
// or array's JSON text) and null for null, so a dynamic value equals a
// string when its text does (docs/ARCHITECTURE.md, Decisions: a dynamic
// value against a string; todynamic(x) == '["all"]'); Bool is a JSON
// boolean, numbers a JSON number. Anything else is null.
type FromDynamic struct {
	at
	X  Expr
	To Type
}

// ParseJSON is parse_json(X) (also todynamic) on a string: its JSON value.
// Text that is not valid JSON, including truncated JSON, is a dynamic
// string holding the text (so every member of it is null); "" is null.
type ParseJSON struct {
	at
	X Expr
}

// PathStep is one member access (Name) or array index (Index, when IsIndex;
// negative counts from the end) of a JSONPath.
type PathStep struct {
	Name    string
	Index   int
	IsIndex bool
}

// JSONPath is member and index access into a JSON document: Src is either a
// String holding JSON text (parse_json(s).a.b[0]: text that is not valid
// JSON, including truncated JSON, has no members, so the result is null) or
// a Dynamic value. A missing member or index is null. The result is
// Dynamic.
type JSONPath struct {
	at
	Src   Expr
	Steps []PathStep
}

// Split is split(S, Delim) as a whole dynamic array of strings; split("",
// d) is [""] and a string without the delimiter is [S].
type Split struct {
	at
	S, Delim Expr
}

// SplitIndex is one piece of S split on Delim: split(s, d)[i] and the
// three-argument split(s, d, i)[0]. Index counts from 0; a negative Index
// counts from the end (-1 is the last piece). A piece that does not exist
// is null. The result is Dynamic (a string or null).
type SplitIndex struct {
	at
	S, Delim Expr
	Index    int
}

// When is one branch of a Case.
type When struct {
	Cond, Then Expr
}

// Case is iff/iif/case: the Then of the first When whose Cond is true (a
// null Cond is not true), else Else.
type Case struct {
	at
	Whens []When
	Else  Expr
	T     Type
}

// BoundariesBetween is datetime_diff(Unit, End, Start): the number of Unit
// boundaries crossed going from Start to End, floor(End/unit) -
// floor(Start/unit) on UTC times, never the elapsed whole units
// (datetime_diff('hour', 2017-10-31 01:00, 2017-10-30 23:59) = 2). Unit is
// one of year, month, day, hour, minute, second. The result is a Long.
type BoundariesBetween struct {
	at
	Unit       string
	End, Start Expr
}

// Call is a simple function whose KQL meaning on non-null operands is one
// line, listed here: tolower(s), toupper(s) (letter case, invariant
// culture); strlen(s) (Long: number of Unicode characters); strcat(a, b,
// ...) (concatenation of strings); substring(s, start[, length]) (0-based
// start, characters; out-of-range parts are cut, never an error);
// indexof(s, t) (Long: 0-based index of the first occurrence, -1 if none);
// startofday(t) (Datetime: midnight UTC of t's day); bin(t, d) (Datetime:
// t rounded down to a multiple of the Timespan d counted from 1970-01-01);
// replace_string(s, a, b) (every a replaced by b); array_length(d) (Long:
// the length of a dynamic array, null otherwise); bag_pack(k1, v1, ...)
// (pack and bag_pack: Dynamic, a property bag of the pairs in the order
// given; each key is a distinct constant string; a value is held as the
// dynamic value of its type: a string as a JSON string, a number or bool
// as itself, a datetime as its ISO 8601 text with seven fractional digits
// ("2017-10-30T23:59:00.0000000Z", how Kusto writes one into a bag), a
// timespan as its text, a null as JSON null; a dynamic value as it is).
type Call struct {
	at
	Fn   string
	Args []Expr
	T    Type
}

// Type methods.

func (e *ColRef) Type() Type        { return e.T }
func (e *Const) Type() Type         { return e.T }
func (e *Now) Type() Type           { return Datetime }
func (e *Not) Type() Type           { return Bool }
func (e *Logic) Type() Type         { return Bool }
func (e *Compare) Type() Type       { return Bool }
func (e *EqualsFold) Type() Type    { return Bool }
func (e *StringMatch) Type() Type   { return Bool }
func (e *InList) Type() Type        { return Bool }
func (e *Arith) Type() Type         { return e.T }
func (e *Neg) Type() Type           { return e.X.Type() }
func (e *IsEmptyString) Type() Type { return Bool }
func (e *IsNull) Type() Type        { return Bool }
func (e *ToInt) Type() Type {
	if e.Bits == 32 {
		return Int
	}
	return Long
}
func (e *ToReal) Type() Type            { return Real }
func (e *ToString) Type() Type          { return String }
func (e *FromDynamic) Type() Type       { return e.To }
func (e *ParseJSON) Type() Type         { return Dynamic }
func (e *JSONPath) Type() Type          { return Dynamic }
func (e *Split) Type() Type             { return Dynamic }
func (e *SplitIndex) Type() Type        { return Dynamic }
func (e *Case) Type() Type              { return e.T }
func (e *BoundariesBetween) Type() Type { return Long }
func (e *Call) Type() Type              { return e.T }

func (*ColRef) expr()            {}
func (*Const) expr()             {}
func (*Now) expr()               {}
func (*Not) expr()               {}
func (*Logic) expr()             {}
func (*Compare) expr()           {}
func (*EqualsFold) expr()        {}
func (*StringMatch) expr()       {}
func (*InList) expr()            {}
func (*Arith) expr()             {}
func (*Neg) expr()               {}
func (*IsEmptyString) expr()     {}
func (*IsNull) expr()            {}
func (*ToInt) expr()             {}
func (*ToReal) expr()            {}
func (*ToString) expr()          {}
func (*FromDynamic) expr()       {}
func (*ParseJSON) expr()         {}
func (*JSONPath) expr()          {}
func (*Split) expr()             {}
func (*SplitIndex) expr()        {}
func (*Case) expr()              {}
func (*BoundariesBetween) expr() {}
func (*Call) expr()              {}

// Children returns the direct operands of e, for walks such as the
// dead-column analysis.
func Children(e Expr) []Expr {
	switch e := e.(type) {
	case *Not:
		return []Expr{e.X}
	case *Logic:
		return []Expr{e.X, e.Y}
	case *Compare:
		return []Expr{e.X, e.Y}
	case *EqualsFold:
		return []Expr{e.X, e.Y}
	case *StringMatch:
		return []Expr{e.X, e.Pattern}
	case *InList:
		return append([]Expr{e.X}, e.List...)
	case *Arith:
		return []Expr{e.X, e.Y}
	case *Neg:
		return []Expr{e.X}
	case *IsEmptyString:
		return []Expr{e.X}
	case *IsNull:
		return []Expr{e.X}
	case *ToInt:
		return []Expr{e.X}
	case *ToReal:
		return []Expr{e.X}
	case *ToString:
		return []Expr{e.X}
	case *FromDynamic:
		return []Expr{e.X}
	case *ParseJSON:
		return []Expr{e.X}
	case *JSONPath:
		return []Expr{e.Src}
	case *Split:
		return []Expr{e.S, e.Delim}
	case *SplitIndex:
		return []Expr{e.S, e.Delim}
	case *Case:
		var out []Expr
		for _, w := range e.Whens {
			out = append(out, w.Cond, w.Then)
		}
		return append(out, e.Else)
	case *BoundariesBetween:
		return []Expr{e.End, e.Start}
	case *Call:
		return e.Args
	}
	return nil
}

// Inspect calls f on e and, while f returns true, on its operands, depth
// first.
func Inspect(e Expr, f func(Expr) bool) {
	if e == nil || !f(e) {
		return
	}
	for _, c := range Children(e) {
		Inspect(c, f)
	}
}

// Refs returns the names of the input columns e reads, in first-use order.
func Refs(e Expr) []string {
	var out []string
	seen := map[string]bool{}
	Inspect(e, func(x Expr) bool {
		if c, ok := x.(*ColRef); ok && !seen[c.Name] {
			seen[c.Name] = true
			out = append(out, c.Name)
		}
		return true
	})
	return out
}
