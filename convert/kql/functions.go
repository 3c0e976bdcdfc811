package kql

import (
	_ "embed"
	"strings"
)

// This file is the binder's function table: for each scalar and aggregate
// function it types, how many arguments it takes, how Kusto names the
// column it makes when no name is given, and its result type. The naming
// kinds are Kusto.Language 12.4.1's FunctionSymbol.ResultNameKind, read
// from the library (tools/node); the types were measured on it, and
// kusto_test.go checks every entry against it.

// nameKind is how a function call names its column when the query does
// not (extend tostring(x) makes a column x; summarize count() makes count_).
type nameKind int

const (
	nameNone       nameKind = iota // Column1, Column2, ...
	nameFirstArg                   // tostring(x) -> x
	nameFuncAndArg                 // strlen(x) -> strlen_x
	namePrefixArg                  // sum(x) -> sum_x, make_set(x) -> set_x, count() -> count_
	nameIfColumn                   // column_ifexists("x", d) -> x when x is a column
	namePrefixOnly                 // ingestion_time() -> $IngestionTime
)

// funcInfo describes one function. result computes the type from the
// argument types; tuple names the columns of a function that returns
// several (series_decompose_anomalies), each typed dynamic.
type funcInfo struct {
	agg      bool
	min, max int // argument counts; max -1 means any number
	naming   nameKind
	prefix   string
	result   func(args []string) string
	tuple    []string
}

func fixed(t string) func([]string) string { return func([]string) string { return t } }

// argType is the type of argument i, unchanged (min(x), round(x)).
func argType(i int) func([]string) string {
	return func(a []string) string {
		if i < len(a) {
			return a[i]
		}
		return TypeUnknown
	}
}

// promoted is the type of argument i with int widened (sum, abs, bin).
func promoted(i int) func([]string) string {
	return func(a []string) string { return promote(argType(i)(a)) }
}

// commonOf is the common type of the arguments from index from on, every
// step-th, plus the last one when last is set (case: values at 1, 3, ...
// and the else value).
func commonOf(from, step int, last bool) func([]string) string {
	return func(a []string) string {
		var ts []string
		for i := from; i < len(a); i += step {
			ts = append(ts, a[i])
		}
		if last && len(a) > 0 && (len(a)-1-from)%step != 0 {
			ts = append(ts, a[len(a)-1])
		}
		return commonType(ts)
	}
}

func scalar(min, max int, n nameKind, result func([]string) string) *funcInfo {
	return &funcInfo{min: min, max: max, naming: n, result: result}
}

func aggregate(min, max int, prefix string, result func([]string) string) *funcInfo {
	n := namePrefixArg
	if prefix == "" {
		n = nameFirstArg
	}
	return &funcInfo{agg: true, min: min, max: max, naming: n, prefix: prefix, result: result}
}

// functions is every function the binder types. Others that KQL has are
// reported as unsupported; names KQL does not have are unknown.
var functions = map[string]*funcInfo{
	// conversions
	"tostring": scalar(1, 1, nameFirstArg, fixed("string")), "tohex": scalar(1, 2, nameFirstArg, fixed("string")),
	"toint": scalar(1, 1, nameFirstArg, fixed("int")), "tolong": scalar(1, 1, nameFirstArg, fixed("long")),
	"toreal": scalar(1, 1, nameFirstArg, fixed("real")), "todouble": scalar(1, 1, nameFirstArg, fixed("real")),
	"todecimal": scalar(1, 1, nameFirstArg, fixed("decimal")), "tobool": scalar(1, 1, nameFirstArg, fixed("bool")),
	"toboolean": scalar(1, 1, nameFirstArg, fixed("bool")), "todatetime": scalar(1, 1, nameFirstArg, fixed("datetime")),
	"totimespan": scalar(1, 1, nameFirstArg, fixed("timespan")), "toguid": scalar(1, 1, nameFirstArg, fixed("guid")),
	"todynamic": scalar(1, 1, nameFirstArg, fixed("dynamic")), "parse_json": scalar(1, 1, nameFirstArg, fixed("dynamic")),
	"toobject": scalar(1, 1, nameFirstArg, fixed("dynamic")),
	// strings
	"split": scalar(2, 3, nameFirstArg, fixed("dynamic")), "strcat": scalar(1, 64, nameNone, fixed("string")),
	"strcat_delim": scalar(3, 65, nameNone, fixed("string")), "strcat_array": scalar(2, 2, nameNone, fixed("string")),
	"substring": scalar(2, 3, nameNone, fixed("string")), "tolower": scalar(1, 1, nameNone, fixed("string")),
	"toupper": scalar(1, 1, nameNone, fixed("string")), "trim": scalar(2, 2, nameNone, fixed("string")),
	"trim_start": scalar(2, 2, nameNone, fixed("string")), "trim_end": scalar(2, 2, nameNone, fixed("string")),
	"replace_string": scalar(3, 3, nameNone, fixed("string")), "replace_regex": scalar(3, 3, nameNone, fixed("string")),
	"reverse": scalar(1, 1, nameNone, fixed("string")), "strlen": scalar(1, 1, nameFuncAndArg, fixed("long")),
	"indexof": scalar(2, 5, nameNone, fixed("long")), "indexof_regex": scalar(2, 4, nameNone, fixed("long")),
	"countof": scalar(2, 3, nameNone, fixed("long")), "extract": scalar(3, 4, nameNone, fixed("string")),
	"extract_all": scalar(2, 3, nameNone, fixed("dynamic")), "url_decode": scalar(1, 1, nameNone, fixed("string")),
	"url_encode": scalar(1, 1, nameNone, fixed("string")), "parse_url": scalar(1, 1, nameNone, fixed("dynamic")),
	"parse_path": scalar(1, 1, nameNone, fixed("dynamic")), "base64_decode_tostring": scalar(1, 1, nameNone, fixed("string")),
	"base64_encode_tostring": scalar(1, 1, nameNone, fixed("string")), "hash": scalar(1, 2, nameNone, fixed("long")),
	"strrep": scalar(2, 3, nameNone, fixed("string")), "dynamic_to_json": scalar(1, 1, nameNone, fixed("string")),
	// predicates
	"isempty": scalar(1, 1, nameNone, fixed("bool")), "isnotempty": scalar(1, 1, nameNone, fixed("bool")),
	"isnull": scalar(1, 1, nameNone, fixed("bool")), "isnotnull": scalar(1, 1, nameNone, fixed("bool")),
	"not": scalar(1, 1, nameNone, fixed("bool")), "ipv4_is_private": scalar(1, 1, nameNone, fixed("bool")),
	"ipv4_is_in_range": scalar(2, 2, nameNone, fixed("bool")),
	// choice
	"iff": scalar(3, 3, nameNone, commonOf(1, 1, false)), "iif": scalar(3, 3, nameNone, commonOf(1, 1, false)),
	"case": scalar(3, -1, nameNone, commonOf(1, 2, true)), "coalesce": scalar(1, 64, nameNone, commonOf(0, 1, false)),
	"max_of": scalar(1, 64, nameNone, commonOf(0, 1, false)), "min_of": scalar(1, 64, nameNone, commonOf(0, 1, false)),
	// time
	"ago": scalar(1, 1, nameNone, fixed("datetime")), "now": scalar(0, 1, nameNone, fixed("datetime")),
	"startofday": scalar(1, 2, nameFirstArg, fixed("datetime")), "startofweek": scalar(1, 2, nameNone, fixed("datetime")),
	"startofmonth": scalar(1, 2, nameNone, fixed("datetime")), "startofyear": scalar(1, 2, nameNone, fixed("datetime")),
	"endofday": scalar(1, 2, nameNone, fixed("datetime")), "datetime_diff": scalar(3, 3, nameNone, fixed("long")),
	"datetime_add": scalar(3, 3, nameNone, fixed("datetime")), "format_datetime": scalar(2, 2, nameFirstArg, fixed("string")),
	"format_timespan": scalar(2, 2, nameFirstArg, fixed("string")), "dayofweek": scalar(1, 1, nameNone, fixed("timespan")),
	"hourofday": scalar(1, 1, nameNone, fixed("int")), "ingestion_time": {min: 0, max: 0, naming: namePrefixOnly, prefix: "$IngestionTime", result: fixed("datetime")},
	"bin": scalar(2, 2, nameFirstArg, promoted(0)), "floor": scalar(2, 2, nameFirstArg, promoted(0)),
	"bin_at": scalar(3, 3, nameFirstArg, promoted(0)),
	// numbers
	"round": scalar(1, 2, nameFirstArg, argType(0)), "abs": scalar(1, 1, nameFirstArg, promoted(0)),
	// dynamic
	"pack": scalar(0, -1, nameNone, fixed("dynamic")), "bag_pack": scalar(0, -1, nameNone, fixed("dynamic")),
	"pack_array": scalar(1, -1, nameNone, fixed("dynamic")), "array_length": scalar(1, 1, nameNone, fixed("long")),
	"bag_keys": scalar(1, 1, nameNone, fixed("dynamic")), "array_concat": scalar(1, -1, nameNone, fixed("dynamic")),
	"set_union": scalar(2, -1, nameNone, fixed("dynamic")), "set_intersect": scalar(2, -1, nameNone, fixed("dynamic")),
	"set_difference": scalar(2, -1, nameNone, fixed("dynamic")), "array_slice": scalar(3, 3, nameNone, fixed("dynamic")),
	"zip": scalar(2, -1, nameNone, fixed("dynamic")), "gettype": {min: 1, max: 1, naming: namePrefixArg, prefix: "type", result: fixed("string")},
	"column_ifexists":            {min: 2, max: 2, naming: nameIfColumn},
	"series_decompose_anomalies": {min: 1, max: 5, tuple: []string{"ad_flag", "ad_score", "baseline"}},

	// aggregates
	"count": aggregate(0, 1, "count", fixed("long")), "countif": aggregate(1, 1, "countif", fixed("long")),
	"dcount": aggregate(1, 2, "dcount", fixed("long")), "dcountif": aggregate(2, 3, "dcountif", fixed("long")),
	"sum": aggregate(1, 1, "sum", promoted(0)), "sumif": aggregate(2, 2, "sumif", promoted(0)),
	"min": aggregate(1, 1, "min", argType(0)), "max": aggregate(1, 1, "max", argType(0)),
	"minif": aggregate(2, 2, "minif", argType(0)), "maxif": aggregate(2, 2, "maxif", argType(0)),
	"avg": aggregate(1, 1, "avg", fixed("real")), "avgif": aggregate(2, 2, "avgif", fixed("real")),
	"stdev": aggregate(1, 1, "stdev", fixed("real")), "variance": aggregate(1, 1, "variance", fixed("real")),
	"make_set": aggregate(1, 2, "set", fixed("dynamic")), "make_set_if": aggregate(2, 3, "set", fixed("dynamic")),
	"make_list": aggregate(1, 2, "list", fixed("dynamic")), "make_list_if": aggregate(2, 3, "list", fixed("dynamic")),
	"makeset": aggregate(1, 2, "set", fixed("dynamic")), "makelist": aggregate(1, 2, "list", fixed("dynamic")),
	"make_bag": aggregate(1, 2, "bag", fixed("dynamic")), "make_bag_if": aggregate(2, 3, "bag", fixed("dynamic")),
	"any": aggregate(1, 1, "any", argType(0)), "take_any": aggregate(1, 1, "", argType(0)),
	// arg_max and arg_min make several columns; the binder handles them.
	"arg_max": {agg: true, min: 2, max: -1}, "arg_min": {agg: true, min: 2, max: -1},
}

//go:embed kqlfunctions.txt
var kqlFunctionsText string

// kqlFunctions is every function name Kusto.Language 12.4.1 knows, with
// "a" for aggregates, "s" for scalar functions and "sa" for names that are
// both: the binder tells a
// function it does not type (unsupported) from a name that is no function
// at all (unknown). tools/node/kusto-functions.js writes the file, and
// kusto_test.go checks that it still matches the library.
var kqlFunctions = parseFunctionList(kqlFunctionsText)

func parseFunctionList(text string) map[string]string {
	m := map[string]string{}
	for _, line := range strings.Split(text, "\n") {
		kind, name, ok := strings.Cut(strings.TrimSpace(line), " ")
		if prev, seen := m[name]; seen && prev != kind {
			kind = "sa" // both a scalar function and an aggregate (hll_merge)
		}
		if ok {
			m[name] = kind
		}
	}
	return m
}
