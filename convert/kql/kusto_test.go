package kql

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/ruleport/ruleport/convert/schema"
)

// The second opinion: Microsoft's own KQL parser and binder,
// Kusto.Language (npm @kusto/language-service-next 12.4.1, installed into
// tools/node by `make deps`), run by tools/node/kusto-check.js on every
// corpus query in one node process. The schema it gets is the one ruleport
// has: AWSCloudTrail (convert/schema), plus the small test tables T and U.
// Tables of other solutions (SigninLogs, AuditLogs, ...) are unknown to
// both sides, so for rules that read them the agreement is on where each
// side reports the unknown table, not on their columns.

type kustoDiag struct {
	Code     string `json:"code"`
	Severity string `json:"severity"`
	Message  string `json:"message"`
	Start    int    `json:"start"`
	Length   int    `json:"length"`
}

type kustoResult struct {
	ID          string      `json:"id"`
	Syntax      []kustoDiag `json:"syntax"`
	Diagnostics []kustoDiag `json:"diagnostics"`
	Columns     [][2]string `json:"columns"`
}

type kustoQuery struct {
	ID    string `json:"id"`
	Query string `json:"query"`
}

// nodeTools returns the tools/node folder, failing the test when node or
// the npm packages are missing: the check must run, not pass silently.
func nodeTools(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("runs Kusto.Language under node; skipped with -short")
	}
	if _, err := exec.LookPath("node"); err != nil {
		t.Fatal("node is not on PATH: the Kusto.Language agreement test needs Node 20")
	}
	dir := filepath.Join(repoRoot(t), "tools", "node")
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "@kusto", "language-service-next", "Kusto.Language.Bridge.min.js")); err != nil {
		t.Fatalf("Kusto.Language is not installed under %s: run `make deps`", dir)
	}
	return dir
}

// runKusto analyses queries with Kusto.Language against the given tables.
func runKusto(t *testing.T, tables map[string]*schema.Table, queries []kustoQuery) map[string]kustoResult {
	t.Helper()
	dir := nodeTools(t)
	in := struct {
		Tables  map[string][][2]string `json:"tables"`
		Queries []kustoQuery           `json:"queries"`
	}{Tables: map[string][][2]string{}, Queries: queries}
	for name, tab := range tables {
		for _, c := range tab.Columns {
			in.Tables[name] = append(in.Tables[name], [2]string{c.Name, c.Type})
		}
	}
	data, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("node", filepath.Join(dir, "kusto-check.js"))
	cmd.Stdin = bytes.NewReader(data)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("kusto-check.js: %v\n%s", err, stderr.String())
	}
	var results []kustoResult
	if err := json.Unmarshal(out, &results); err != nil {
		t.Fatalf("kusto-check.js output: %v", err)
	}
	m := map[string]kustoResult{}
	for _, r := range results {
		m[r.ID] = r
	}
	if len(m) != len(queries) {
		t.Fatalf("kusto-check.js answered %d queries of %d", len(m), len(queries))
	}
	return m
}

// kustoTables is the schema both sides bind against.
func kustoTables() map[string]*schema.Table {
	return map[string]*schema.Table{"AWSCloudTrail": schema.AWSCloudTrail, "T": testTables["T"], "U": testTables["U"]}
}

func kustoTable(name string) (*schema.Table, bool) {
	t, ok := kustoTables()[name]
	return t, ok
}

// brokenQuery is a query both sides must reject, and how.
type brokenQuery struct {
	name, query string
	syntax      bool  // a syntax error; else binding errors
	offsets     []int // where the binding errors are, counted by hand
}

var brokenQueries = []brokenQuery{
	{name: "unknown column", query: `AWSCloudTrail | where EventNmae == "RunInstances"`, offsets: []int{22}},
	{name: "unknown table", query: `AWSCloudTral | take 1`, offsets: []int{0}},
	{name: "unknown function", query: `AWSCloudTrail | extend x = tostrin(EventName)`, offsets: []int{27}},
	{name: "extend reads its input row", query: `AWSCloudTrail | extend a = 1, b = a + 1`, offsets: []int{34}},
	{name: "duplicate column", query: `AWSCloudTrail | extend a = 1, a = 2`, offsets: []int{30}},
	{name: "member of a string", query: `AWSCloudTrail | extend x = RequestParameters.instanceType`, offsets: []int{45}},
	{name: "aggregate outside summarize", query: `AWSCloudTrail | extend n = count()`, offsets: []int{27}},
	{name: "unknown column after summarize", query: `AWSCloudTrail | summarize n = count() by EventName | where UserAgent == ""`, offsets: []int{59}},
	{name: "join operands reversed", query: `AWSCloudTrail | join (AWSCloudTrail) on $right.EventName == $left.EventName`, offsets: []int{40, 60}},
	{name: "missing operand", query: `AWSCloudTrail | where EventName ==`, syntax: true},
	{name: "unclosed paren", query: `AWSCloudTrail | where EventName in ("a", "b"`, syntax: true},
	{name: "missing by", query: `AWSCloudTrail | sort EventName`, syntax: true},
	{name: "bad escape", query: `AWSCloudTrail | where EventName == "a\qb"`, syntax: true},
	{name: "trailing pipe", query: `AWSCloudTrail | take 1 |`, syntax: true},
	{name: "missing semicolon", query: "let a = 1\nAWSCloudTrail | take a", syntax: true},
	{name: "between without dots", query: `AWSCloudTrail | where TimeGenerated between (ago(1d), now())`, syntax: true},
	{name: "bang alone", query: `AWSCloudTrail | where ! isempty(EventName)`, syntax: true},
}

// TestKustoAgreement is the item 2: ruleport and Kusto.Language
// agree on (a) which queries are syntactically valid, (b) where the
// binding errors are (unknown columns, tables and functions, and the
// other binding errors ruleport reports), and (c) the seed rule's output
// columns; and on the output columns of every corpus query both can know.
func TestKustoAgreement(t *testing.T) {
	var queries []kustoQuery
	for _, r := range loadCorpus(t) {
		if r.LoadErr == "" {
			queries = append(queries, kustoQuery{ID: "corpus/" + r.File, Query: r.Query})
		}
	}
	for _, b := range brokenQueries {
		queries = append(queries, kustoQuery{ID: "broken/" + b.name, Query: b.query})
	}
	queries = append(queries, kustoQuery{ID: "seed", Query: seedQuery(t)})
	kusto := runKusto(t, kustoTables(), queries)
	t.Run("syntax", func(t *testing.T) { checkSyntaxAgreement(t, queries, kusto) })
	t.Run("binding", func(t *testing.T) { checkBindingAgreement(t, queries, kusto) })
	t.Run("broken queries", func(t *testing.T) { checkBrokenQueries(t, kusto) })
	t.Run("seed columns", func(t *testing.T) { checkSeedColumns(t, seedQuery(t), kusto["seed"]) })
	t.Run("output columns", func(t *testing.T) { checkOutputColumns(t, queries, kusto) })
}

func checkSyntaxAgreement(t *testing.T, queries []kustoQuery, kusto map[string]kustoResult) {
	agree := 0
	for _, q := range queries {
		_, errs := Parse(q.Query)
		ours, theirs := len(errs) == 0, len(kusto[q.ID].Syntax) == 0
		if ours == theirs {
			agree++
			continue
		}
		t.Errorf("%s: ruleport valid=%v (%v), Kusto.Language valid=%v (%v)", q.ID, ours, errs, theirs, kusto[q.ID].Syntax)
	}
	t.Logf("syntax: ruleport and Kusto.Language agree on %d/%d queries (%d corpus, %d broken, the seed)", agree, len(queries), len(queries)-len(brokenQueries)-1, len(brokenQueries))
}

// checkBindingAgreement compares, for every query without a syntax error,
// the offsets of ruleport's binding errors with Kusto.Language's errors.
func checkBindingAgreement(t *testing.T, queries []kustoQuery, kusto map[string]kustoResult) {
	agree, compared, valid, awsOnly, awsOnlyAgree := 0, 0, 0, 0, 0
	for _, q := range queries {
		kr := kusto[q.ID]
		parsed, errs := Parse(q.Query)
		if len(errs) > 0 || len(kr.Syntax) > 0 {
			continue // compared by checkSyntaxAgreement
		}
		compared++
		_, berrs := Bind(parsed, kustoTable)
		ours, theirs := bindingErrorOffsets(berrs), kustoErrorOffsets(kr)
		same := cmp.Equal(ours, theirs)
		if same {
			agree++
		} else {
			t.Errorf("%s: binding errors at %v (%v), Kusto.Language at %v (%v)", q.ID, ours, berrs, theirs, kustoErrors(kr))
		}
		if len(theirs) == 0 {
			valid++
		}
		if strings.HasPrefix(q.ID, "corpus/") && readsOnlyKnownTables(kr) {
			awsOnly++
			if same {
				awsOnlyAgree++
			}
		}
	}
	t.Logf("binding: error offsets agree on %d/%d queries without syntax errors (%d valid for both); corpus rules in which Kusto.Language knows every table and function: %d/%d", agree, compared, valid, awsOnlyAgree, awsOnly)
}

func checkBrokenQueries(t *testing.T, kusto map[string]kustoResult) {
	for _, b := range brokenQueries {
		kr := kusto["broken/"+b.name]
		q, errs := Parse(b.query)
		if b.syntax {
			if len(errs) == 0 || len(kr.Syntax) == 0 {
				t.Errorf("%s: want a syntax error from both, ruleport %v, Kusto.Language %v", b.name, errs, kr.Syntax)
			}
			continue
		}
		_, berrs := Bind(q, kustoTable)
		if d := cmp.Diff(b.offsets, bindingErrorOffsets(berrs)); d != "" {
			t.Errorf("%s: ruleport's binding error offsets (-want +got):\n%s", b.name, d)
		}
		if d := cmp.Diff(b.offsets, kustoErrorOffsets(kr)); d != "" {
			t.Errorf("%s: Kusto.Language's error offsets (-want +got):\n%s", b.name, d)
		}
	}
}

func checkSeedColumns(t *testing.T, seed string, kr kustoResult) {
	q, errs := Parse(seed)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	cols, berrs := ResultColumns(q, schema.Lookup)
	if len(berrs) > 0 {
		t.Fatal(berrs)
	}
	// ARCHITECTURE.md lists the names; the types follow by hand: the six
	// keys are AWSCloudTrail string columns or strings the query computes
	// (AccountName and AccountUPNSuffix come from iif/case over strings),
	// min and max keep TimeGenerated's datetime, and sum of core *
	// corThread (toint * toint: long) is long.
	want := [][2]string{
		{"SourceIpAddress", "string"}, {"RecipientAccountId", "string"}, {"AccountName", "string"},
		{"AccountUPNSuffix", "string"}, {"UserIdentityArn", "string"}, {"UserAgent", "string"},
		{"Start", "datetime"}, {"end", "datetime"}, {"totalgpu", "long"},
	}
	if d := cmp.Diff(want, pairs(cols)); d != "" {
		t.Errorf("ruleport's seed columns (-want +got):\n%s", d)
	}
	if d := cmp.Diff(want, kr.Columns); d != "" {
		t.Errorf("Kusto.Language's seed columns (-want +got):\n%s", d)
	}
}

// checkOutputColumns compares the columns of every query that neither side
// finds an error in and whose columns ruleport can know.
func checkOutputColumns(t *testing.T, queries []kustoQuery, kusto map[string]kustoResult) {
	agree, total := 0, 0
	for _, q := range queries {
		kr := kusto[q.ID]
		parsed, errs := Parse(q.Query)
		if len(errs) > 0 || len(kustoErrors(kr)) > 0 {
			continue
		}
		r, berrs := Bind(parsed, kustoTable)
		if len(berrs) > 0 || !r.Complete {
			continue // ruleport says it cannot know: compared nowhere
		}
		total++
		if d := cmp.Diff(kr.Columns, pairs(r.Columns)); d != "" {
			t.Errorf("%s: output columns (-Kusto.Language +ruleport):\n%s", q.ID, d)
			continue
		}
		agree++
	}
	t.Logf("output columns: identical names and types on %d/%d queries whose columns ruleport can know", agree, total)
}

func pairs(cols []schema.Column) [][2]string {
	out := make([][2]string, len(cols))
	for i, c := range cols {
		out[i] = [2]string{c.Name, c.Type}
	}
	return out
}

// bindingErrorOffsets are the offsets of ruleport's binding errors that
// say the query is wrong; unsupported constructs and unknowable columns
// are ruleport's limits, not the query's.
func bindingErrorOffsets(errs ErrorList) []int {
	var out []int
	for _, e := range errs {
		if e.Kind == ErrUnknownName || e.Kind == ErrSemantic {
			out = append(out, int(e.Pos))
		}
	}
	return uniqueSorted(out)
}

func kustoErrors(r kustoResult) []kustoDiag {
	var out []kustoDiag
	for _, d := range r.Diagnostics {
		if d.Severity == "Error" {
			out = append(out, d)
		}
	}
	return out
}

func kustoErrorOffsets(r kustoResult) []int {
	var out []int
	for _, d := range kustoErrors(r) {
		out = append(out, d.Start)
	}
	return uniqueSorted(out)
}

// readsOnlyKnownTables reports whether Kusto.Language found every table
// and function the query names (no KS204, KS205 or KS211): in this corpus,
// the AWSCloudTrail rules, and one rule whose tables are named at run time
// through table(name).
func readsOnlyKnownTables(r kustoResult) bool {
	for _, d := range r.Diagnostics {
		switch d.Code {
		case "KS204", "KS205", "KS211":
			return false
		}
	}
	return true
}

func uniqueSorted(xs []int) []int {
	sort.Ints(xs)
	var out []int
	for i, x := range xs {
		if i == 0 || x != xs[i-1] {
			out = append(out, x)
		}
	}
	return out
}

// functionSamples holds one call of every function in the binder's table,
// over the test table T; TestKustoFunctionTable checks each call's column
// name and type against Kusto.Language.
var functionSamples = map[string]string{
	"tostring": "tostring(b)", "tohex": "tohex(b)", "toint": "toint(a)", "tolong": "tolong(a)",
	"toreal": "toreal(a)", "todouble": "todouble(a)", "todecimal": "todecimal(a)", "tobool": "tobool(a)",
	"toboolean": "toboolean(a)", "todatetime": "todatetime(a)", "totimespan": "totimespan(a)", "toguid": "toguid(a)",
	"todynamic": "todynamic(a)", "parse_json": "parse_json(a)", "toobject": "toobject(a)",
	"split": `split(a, ",")`, "strcat": `strcat(a, "x")`, "strcat_delim": `strcat_delim("-", a, a)`,
	"strcat_array": `strcat_array(e, ",")`, "substring": "substring(a, 1)", "tolower": "tolower(a)",
	"toupper": "toupper(a)", "trim": `trim("x", a)`, "trim_start": `trim_start("x", a)`, "trim_end": `trim_end("x", a)`,
	"replace_string": `replace_string(a, "x", "y")`, "replace_regex": `replace_regex(a, "x", "y")`,
	"reverse": "reverse(a)", "strlen": "strlen(a)", "indexof": `indexof(a, "x")`, "indexof_regex": `indexof_regex(a, "x")`,
	"countof": `countof(a, "x")`, "extract": `extract("x", 0, a)`, "extract_all": `extract_all("(x)", a)`,
	"url_decode": "url_decode(a)", "url_encode": "url_encode(a)", "parse_url": "parse_url(a)", "parse_path": "parse_path(a)",
	"base64_decode_tostring": "base64_decode_tostring(a)", "base64_encode_tostring": "base64_encode_tostring(a)",
	"hash": "hash(a)", "strrep": "strrep(a, 2)", "dynamic_to_json": "dynamic_to_json(e)",
	"isempty": "isempty(a)", "isnotempty": "isnotempty(a)", "isnull": "isnull(b)", "isnotnull": "isnotnull(b)",
	"not": "not(g)", "ipv4_is_private": "ipv4_is_private(a)", "ipv4_is_in_range": `ipv4_is_in_range(a, "10.0.0.0/8")`,
	"iff": "iff(g, b, c)", "iif": "iif(g, e, a)", "case": "case(g, c, g, b, f)", "coalesce": "coalesce(b, c)",
	"max_of": "max_of(c, c)", "min_of": "min_of(b, f)", "ago": "ago(1h)", "now": "now()",
	"startofday": "startofday(d)", "startofweek": "startofweek(d)", "startofmonth": "startofmonth(d)",
	"startofyear": "startofyear(d)", "endofday": "endofday(d)", "datetime_diff": `datetime_diff("hour", d, d)`,
	"datetime_add": `datetime_add("day", 1, d)`, "format_datetime": `format_datetime(d, "yyyy")`,
	"format_timespan": `format_timespan(t, "hh")`, "dayofweek": "dayofweek(d)", "hourofday": "hourofday(d)",
	"ingestion_time": "ingestion_time()", "bin": "bin(d, 1h)", "floor": "floor(c, 2)", "bin_at": "bin_at(f, 1.5, f)",
	"round": "round(f)", "abs": "abs(c)", "pack": `pack("k", a)`, "bag_pack": `bag_pack("k", b)`,
	"pack_array": "pack_array(a, b)", "array_length": "array_length(e)", "bag_keys": "bag_keys(e)",
	"array_concat": "array_concat(e, e)", "set_union": "set_union(e, e)", "set_intersect": "set_intersect(e, e)",
	"set_difference": "set_difference(e, e)", "array_slice": "array_slice(e, 0, 1)", "zip": "zip(e, e)",
	"gettype": "gettype(e)", "column_ifexists": `column_ifexists("a", "")`,
	"series_decompose_anomalies": "series_decompose_anomalies(e)",
	// aggregates, run under summarize
	"count": "count()", "countif": "countif(g)", "dcount": "dcount(a)", "dcountif": "dcountif(a, g)",
	"sum": "sum(c)", "sumif": "sumif(f, g)", "min": "min(d)", "max": "max(a)", "minif": "minif(d, g)",
	"maxif": "maxif(a, g)", "avg": "avg(c)", "avgif": "avgif(b, g)", "stdev": "stdev(b)", "variance": "variance(c)",
	"make_set": "make_set(a)", "make_set_if": "make_set_if(a, g)", "make_list": "make_list(b)",
	"make_list_if": "make_list_if(b, g)", "makeset": "makeset(a)", "makelist": "makelist(b)",
	"make_bag": "make_bag(e)", "make_bag_if": "make_bag_if(e, g)", "any": "any(a)", "take_any": "take_any(b)",
	"arg_max": "arg_max(d, a)", "arg_min": "arg_min(d, *)",
}

// TestKustoFunctionTable checks the name and type of the column each
// function of the binder's table makes against Kusto.Language, and that
// the list of KQL function names (kqlfunctions.txt) matches the library.
func TestKustoFunctionTable(t *testing.T) {
	var names []string
	for name := range functions {
		names = append(names, name)
		if functionSamples[name] == "" {
			t.Errorf("function %s has no sample in functionSamples: its entry is unchecked", name)
		}
	}
	sort.Strings(names)
	var queries []kustoQuery
	for _, name := range names {
		op := "project"
		if functions[name].agg {
			op = "summarize"
		}
		queries = append(queries, kustoQuery{ID: name, Query: "T | " + op + " " + functionSamples[name]})
	}
	kusto := runKusto(t, kustoTables(), queries)
	for _, q := range queries {
		parsed, errs := Parse(q.Query)
		if len(errs) > 0 {
			t.Errorf("%s: %v", q.Query, errs)
			continue
		}
		cols, berrs := ResultColumns(parsed, kustoTable)
		if len(berrs) > 0 || len(kustoErrors(kusto[q.ID])) > 0 {
			t.Errorf("%s: ruleport errors %v, Kusto.Language errors %v", q.Query, berrs, kustoErrors(kusto[q.ID]))
		}
		if d := cmp.Diff(kusto[q.ID].Columns, pairs(cols)); d != "" {
			t.Errorf("%s (-Kusto.Language +ruleport):\n%s", q.Query, d)
		}
	}
	t.Logf("function table: %d functions checked", len(queries))

	cmd := exec.Command("node", filepath.Join(nodeTools(t), "kusto-functions.js"))
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("kusto-functions.js: %v", err)
	}
	if d := cmp.Diff(string(out), kqlFunctionsText); d != "" {
		t.Errorf("kqlfunctions.txt is out of date: node tools/node/kusto-functions.js > convert/kql/kqlfunctions.txt\n%s", d)
	}
}
