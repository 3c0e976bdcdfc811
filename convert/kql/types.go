package kql

// This file holds the binder's scalar type rules. Types are Kusto's names
// (string, long, int, real, decimal, bool, datetime, timespan, guid,
// dynamic). Unless a rule cites a page, it was measured on Kusto.Language
// 12.4.1 (tools/node) with "T | project <expr>" over a table of each type,
// and kusto_test.go checks the binder against it again.

// TypeUnknown is the type of a column or expression whose type the binder
// cannot know: a column of a table it has no schema for, a function it does
// not type. It is Kusto.Language's name for the same thing.
const TypeUnknown = "unknown"

// CanonicalType returns Kusto's name for a type as written in a
// declaration (double -> real, date -> datetime, boolean -> bool), and
// whether the name is a scalar type at all.
func CanonicalType(name string) (string, bool) {
	t, ok := scalarTypes[name]
	return t, ok
}

func isNumeric(t string) bool {
	switch t {
	case "int", "long", "real", "decimal":
		return true
	}
	return false
}

// numericRank orders the numeric types by width.
var numericRank = map[string]int{"int": 1, "long": 2, "real": 3, "decimal": 4}

// promote is the type of arithmetic on t alone: int widens to long
// (-c, abs(c), sum(c) and c + c are all long when c is int).
func promote(t string) string {
	if t == "int" {
		return "long"
	}
	return t
}

// widest returns the wider of two numeric types.
func widest(a, b string) string {
	if numericRank[a] >= numericRank[b] {
		return a
	}
	return b
}

// commonType is the result type of iff, case, coalesce, max_of and the
// like: dynamic and unknown arguments yield to the others (iff(c, dyn,
// str) is string), numbers widen (iff(c, long, int) is long), and when
// nothing but dynamic is left the result is dynamic.
func commonType(types []string) string {
	var known []string
	sawDynamic := false
	for _, t := range types {
		switch t {
		case "dynamic":
			sawDynamic = true
		case TypeUnknown, "":
		default:
			known = append(known, t)
		}
	}
	if len(known) == 0 {
		if sawDynamic {
			return "dynamic"
		}
		return TypeUnknown
	}
	out := known[0]
	for _, t := range known[1:] {
		switch {
		case t == out:
		case isNumeric(t) && isNumeric(out):
			out = widest(out, t)
		default:
			return out // mixed kinds: Kusto reports the first; so does the binder
		}
	}
	return out
}

// arithType is the type of x op y for + - * / %, or "" when Kusto does
// not define the operator for the operand types (string + string is
// KS106). Dynamic operands take the other side's numeric type (dyn * 2
// is long).
func arithType(op, x, y string) string {
	if x == TypeUnknown || y == TypeUnknown {
		return TypeUnknown
	}
	if x == "dynamic" && y == "dynamic" {
		return "dynamic"
	}
	if x == "dynamic" && isNumeric(y) {
		return promote(y)
	}
	if y == "dynamic" && isNumeric(x) {
		return promote(x)
	}
	if isNumeric(x) && isNumeric(y) {
		return promote(widest(x, y))
	}
	return timeArith(op, x, y)
}

// timeArith covers datetime and timespan arithmetic, from the datetime and
// timespan pages (https://learn.microsoft.com/azure/kusto/query/scalar-data-types/timespan):
// datetime - datetime is a timespan, datetime ± timespan a datetime,
// timespan / timespan a real, timespan scaled by a number a timespan.
func timeArith(op, x, y string) string {
	switch {
	case x == "datetime" && y == "datetime" && op == "-":
		return "timespan"
	case x == "datetime" && y == "timespan" && (op == "+" || op == "-"):
		return "datetime"
	case x == "timespan" && y == "datetime" && (op == "+" || op == "-"):
		return "datetime"
	case x == "timespan" && y == "timespan":
		switch op {
		case "+", "-", "%":
			return "timespan"
		case "/":
			return "real"
		}
	case x == "timespan" && isNumeric(y) && (op == "*" || op == "/"):
		return "timespan"
	case isNumeric(x) && y == "timespan" && op == "*":
		return "timespan"
	}
	return ""
}

// litType is the type of a literal written without a type keyword.
func litType(k LitKind) string {
	switch k {
	case LitString:
		return "string"
	case LitInt:
		return "long"
	case LitReal:
		return "real"
	case LitBool:
		return "bool"
	case LitTimespan:
		return "timespan"
	}
	return "dynamic" // null inside dynamic(...)
}
