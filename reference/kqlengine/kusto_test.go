package kqlengine

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/rogpeppe/go-internal/txtar"
)

// The output columns of a query (names and types) are what Microsoft's
// binder, Kusto.Language, says they are: the npm package
// @kusto/language-service-next run by tools/node/kusto-check.js. This test
// asks it about every golden query and every corpus query the engine
// evaluates, and compares. It is a second opinion on names and types
// (default column names, type promotion), not on values.

// kustoQuery is one input of kusto-check.js.
type kustoQuery struct {
	ID    string `json:"id"`
	Query string `json:"query"`
}

// kustoResult is one output of kusto-check.js.
type kustoResult struct {
	ID          string     `json:"id"`
	Columns     [][]string `json:"columns"`
	Diagnostics []struct {
		Severity string `json:"severity"`
		Message  string `json:"message"`
	} `json:"diagnostics"`
}

// kustoCheck runs kusto-check.js. Node and the npm packages (make deps)
// are required: without them the check would claim what it did not see.
func kustoCheck(t *testing.T, tables map[string][]Column, qs []kustoQuery) map[string]kustoResult {
	t.Helper()
	script := filepath.Join("..", "..", "tools", "node", "kusto-check.js")
	if _, err := os.Stat(filepath.Join("..", "..", "tools", "node", "node_modules", "@kusto")); err != nil {
		t.Fatalf("Kusto.Language is not installed (run make deps): %v", err)
	}
	schemas := map[string][][2]string{}
	for name, cols := range tables {
		for _, c := range cols {
			schemas[name] = append(schemas[name], [2]string{c.Name, c.Type.String()})
		}
	}
	in, err := json.Marshal(map[string]any{"tables": schemas, "queries": qs})
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("node", script)
	cmd.Stdin = bytes.NewReader(in)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("node %s: %v\n%s", script, err, stderr.String())
	}
	var results []kustoResult
	if err := json.Unmarshal(out, &results); err != nil {
		t.Fatal(err)
	}
	m := map[string]kustoResult{}
	for _, r := range results {
		m[r.ID] = r
	}
	return m
}

// engineColumns evaluates q (without reading its rows, except where a
// subquery must be read) and returns its output columns.
func engineColumns(t *testing.T, src string, tables map[string]*Table) ([]Column, error) {
	e := newEngine(Options{Now: testNow})
	for name, tab := range tables {
		s, err := memorySource(name, tab, Options{}.Window)
		if err != nil {
			t.Fatal(err)
		}
		e.tables[name] = s
	}
	rel, err := e.evaluate(parseQuery(t, src))
	if err != nil {
		return nil, err
	}
	return rel.cols, nil
}

func columnPairs(cols []Column) [][]string {
	out := make([][]string, len(cols))
	for i, c := range cols {
		out[i] = []string{c.Name, c.Type.String()}
	}
	return out
}

// TestKustoLanguageGoldens compares the output columns of every golden
// query the engine accepts with Kusto.Language's.
func TestKustoLanguageGoldens(t *testing.T) {
	files, err := filepath.Glob("testdata/*.txtar")
	if err != nil {
		t.Fatal(err)
	}
	type job struct {
		tables map[string]*Table
		query  string
	}
	jobs := map[string]job{}
	schemas := map[string][]Column{}
	var qs []kustoQuery
	for _, file := range files {
		ar, err := txtar.ParseFile(file)
		if err != nil {
			t.Fatal(err)
		}
		tables := map[string]*Table{}
		for _, f := range ar.Files {
			kind, name, _ := strings.Cut(f.Name, " ")
			switch kind {
			case "table":
				tab, err := parseTable(string(f.Data))
				if err != nil {
					t.Fatal(err)
				}
				tables[name] = tab
				schemas[name] = tab.Columns // table names are unique across files
			case "query":
				id := filepath.Base(file) + ":" + name
				jobs[id] = job{tables, string(f.Data)}
				qs = append(qs, kustoQuery{id, string(f.Data)})
			}
		}
	}
	results := kustoCheck(t, schemas, qs)
	compared := 0
	for _, q := range qs {
		j := jobs[q.ID]
		cols, err := engineColumns(t, j.query, j.tables)
		r := results[q.ID]
		if err != nil {
			checkRefusal(t, q.ID, err, r)
			continue
		}
		if why, ok := kustoLanguageDivergences[q.ID]; ok {
			if !hasErrorDiag(r) {
				t.Errorf("%s: listed as a divergence (%s), but Kusto.Language accepts it now", q.ID, why)
			}
			continue
		}
		if hasErrorDiag(r) {
			t.Errorf("%s: the engine accepts a query Kusto.Language rejects: %v", q.ID, r.Diagnostics)
			continue
		}
		if d := cmp.Diff(r.Columns, columnPairs(cols)); d != "" {
			t.Errorf("%s: columns (-Kusto.Language +engine):\n%s", q.ID, d)
		}
		compared++
	}
	t.Logf("%d golden queries have the columns Kusto.Language gives them", compared)
	if compared < len(qs)/2 {
		t.Errorf("only %d of %d golden queries compared", compared, len(qs))
	}
}

// checkRefusal compares a refused query with Kusto.Language: a query the
// engine calls wrong must be rejected there too, and one it calls
// unsupported must be accepted there, so that "unsupported" never hides
// a query Kusto itself refuses. Errors only the rows show (runtime
// errors) are listed in kustoRuntimeErrors.
func checkRefusal(t *testing.T, id string, err error, r kustoResult) {
	t.Helper()
	if _, ok := kustoRuntimeErrors[id]; ok {
		return
	}
	switch {
	case IsUnsupported(err) && hasErrorDiag(r):
		t.Errorf("%s: unsupported in the engine (%v), but Kusto.Language rejects it: %v", id, err, r.Diagnostics)
	case !IsUnsupported(err) && !hasErrorDiag(r):
		t.Errorf("%s: an error in the engine (%v), but Kusto.Language accepts it", id, err)
	}
}

// kustoRuntimeErrors are golden queries whose error the engine finds
// only when it reads rows.
var kustoRuntimeErrors = map[string]string{
	"errors.txtar:runtime-error": "integer division by zero",
}

// kustoLanguageDivergences are the golden queries Kusto.Language rejects
// although a Microsoft page shows them running, with the reason.
var kustoLanguageDivergences = map[string]string{
	"summarize.txtar:count-includes-nulls": "the summarize page runs count(y) on a real column and shows 2; " +
		"Kusto.Language 12.4.1 wants a bool argument",
}

func hasUnknownColumn(r kustoResult) bool {
	for _, c := range r.Columns {
		if len(c) == 2 && c[1] == "unknown" {
			return true
		}
	}
	return false
}

func hasErrorDiag(r kustoResult) bool {
	for _, d := range r.Diagnostics {
		if d.Severity == "Error" {
			return true
		}
	}
	return false
}

// TestKustoLanguageCorpus compares the output columns of every corpus
// query the engine evaluates with Kusto.Language's.
func TestKustoLanguageCorpus(t *testing.T) {
	qs, _ := loadAWSQueries(t)
	cols, err := AWSCloudTrailColumns()
	if err != nil {
		t.Fatal(err)
	}
	tables := map[string]*Table{AWSCloudTrail: {Columns: cols}}
	var in []kustoQuery
	for _, q := range qs {
		in = append(in, kustoQuery{q.file, q.query})
	}
	results := kustoCheck(t, map[string][]Column{AWSCloudTrail: cols}, in)
	compared, skipped := 0, 0
	for _, q := range qs {
		got, err := engineColumns(t, q.query, tables)
		if err != nil {
			continue // counted and listed by TestCorpus
		}
		r := results[q.file]
		if hasUnknownColumn(r) {
			// A union isfuzzy=true leg over a table this run lacks: the
			// engine drops the leg as Kusto does, while Kusto.Language,
			// which does not know the table either, keeps the leg with
			// columns of type "unknown". No schema to compare with.
			t.Logf("%s: not compared: Kusto.Language binds columns of unknown type", q.file)
			skipped++
			continue
		}
		if d := cmp.Diff(r.Columns, columnPairs(got)); d != "" {
			t.Errorf("%s: columns (-Kusto.Language +engine):\n%s", q.file, d)
		}
		compared++
	}
	t.Logf("%d corpus queries have the columns Kusto.Language gives them, %d not compared", compared, skipped)
	if skipped > 1 {
		t.Errorf("%d corpus queries could not be compared; only MFADisable.yaml (fuzzy union) is expected", skipped)
	}
}

// TestKustoLanguageScalars asks Kusto.Language about every scalar case:
// an expression the engine evaluates must bind there with the same type;
// an expression the engine calls wrong (not merely unsupported) must be
// rejected there too, and one it calls unsupported accepted, so that
// "unsupported" never hides a query Kusto itself would refuse.
func TestKustoLanguageScalars(t *testing.T) {
	type item struct {
		expr, want  string // want: a type name, "error" or "accept"
		unsupported bool
	}
	var items []item
	for _, trap := range semanticsTraps {
		for _, c := range trap.cases {
			items = append(items, item{expr: c.expr, want: c.typ.String()})
		}
	}
	for _, c := range append(append([]scalarCase(nil), docExamples...), moreFunctions...) {
		items = append(items, item{expr: c.expr, want: c.typ.String()})
	}
	for _, c := range exprErrors {
		items = append(items, item{expr: c.expr, want: "error", unsupported: c.unsupported})
	}
	var qs []kustoQuery
	for _, it := range items {
		qs = append(qs, kustoQuery{it.expr, "T | project v = " + it.expr})
	}
	results := kustoCheck(t, map[string][]Column{"T": exprTable().Columns}, qs)
	for _, it := range items {
		r := results[it.expr]
		if why, ok := kustoScalarDivergences[it.expr]; ok {
			t.Logf("%s: not compared: %s", it.expr, why)
			continue
		}
		switch {
		case it.want != "error":
			if hasErrorDiag(r) || len(r.Columns) != 1 || r.Columns[0][1] != it.want {
				t.Errorf("%s: engine type %s, Kusto.Language %v %v", it.expr, it.want, r.Columns, r.Diagnostics)
			}
		case it.unsupported && hasErrorDiag(r):
			t.Errorf("%s: unsupported in the engine, but Kusto.Language rejects it: %v", it.expr, r.Diagnostics)
		case !it.unsupported && !hasErrorDiag(r):
			t.Errorf("%s: an error in the engine, but Kusto.Language accepts it", it.expr)
		}
	}
}

// kustoScalarDivergences are the scalar cases Kusto.Language cannot
// judge: errors that only the values show, when the query runs.
var kustoScalarDivergences = map[string]string{
	`1 / 0`:                                   "a runtime error: Kusto.Language types it long",
	`split(s, "@", -1)`:                       "a runtime error on the index value",
	`s matches regex "("`:                     "the pattern is checked when the query runs",
	`parse_json('["all"]') == '["all"]'`:      "a runtime refusal on the values' kinds",
	`parse_json('{"a":"4"}').a == 4`:          "a runtime refusal on the values' kinds",
	`parse_json('{"a":"2017-01-01"}').a == t`: "a runtime refusal on the values' kinds",
	`5 in (dynamic([4, "x"]))`:                "a runtime refusal on the values' kinds",
}
