package kqlengine

import "testing"

// TestDynamicAgainstString pins docs/ARCHITECTURE.md's decision for == and
// != (and in, their disjunction) between a dynamic value and a string: the
// dynamic value is read as tostring() reads it and the two texts are
// compared; a null dynamic value is null, so == gives false and != true
// against a string, as the null-values page has it for a null and a
// non-null operand (https://learn.microsoft.com/kusto/query/scalar-data-types/null-values).
// Each expected value is worked out by hand from that rule.
func TestDynamicAgainstString(t *testing.T) {
	runScalarCases(t, []scalarCase{
		// AWS_SSMPubliclyExposed's comparison: the array's compact JSON
		// text is ["all"], whatever white space the parsed text had.
		{`parse_json('["all"]') == '["all"]'`, TypeBool, true},
		{`parse_json('[ "all" ]') == '["all"]'`, TypeBool, true},
		{`todynamic(parse_json('{"accountIdsToAdd":["all"]}').accountIdsToAdd) == '["all"]'`, TypeBool, true},
		{`parse_json('["all","111122223333"]') == '["all"]'`, TypeBool, false},
		{`parse_json('["all"]') != '["all"]'`, TypeBool, false},
		{`parse_json('["ALL"]') == '["all"]'`, TypeBool, false}, // == is case-sensitive
		// A property bag's text keeps its keys as written.
		{`parse_json('{"a":1,"b":"x"}') == '{"a":1,"b":"x"}'`, TypeBool, true},
		{`d.a.b == '[{"c":4.7}]'`, TypeBool, true},
		// Scalars: a string's content, a number's and a bool's text.
		{`parse_json('{"a":"x"}').a == "x"`, TypeBool, true},
		{`parse_json('{"a":"x"}').a == '"x"'`, TypeBool, false},
		{`parse_json('{"n":32}').n == "32"`, TypeBool, true},
		{`parse_json('{"n":32}').n != "32"`, TypeBool, false},
		{`parse_json('{"b":true}').b == "true"`, TypeBool, true},
		{`"32" == parse_json('{"n":32}').n`, TypeBool, true},
		// A missing member is null: false for ==, true for !=, also
		// against "".
		{`parse_json('{}').missing == "x"`, TypeBool, false},
		{`parse_json('{}').missing == ""`, TypeBool, false},
		{`parse_json('{}').missing != "x"`, TypeBool, true},
		// in is a disjunction of ==.
		{`parse_json('["all"]') in ("none", '["all"]')`, TypeBool, true},
		{`parse_json('{"n":4}').n in ("4")`, TypeBool, true},
		{`parse_json('{"n":4}').n !in ("4")`, TypeBool, false},
		{`parse_json('["all"]') in ("all")`, TypeBool, false},
		{`"1" in (dynamic([1, "x"]))`, TypeBool, true},
	})
}
