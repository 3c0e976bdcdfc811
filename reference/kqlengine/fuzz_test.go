package kqlengine

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/txtar"

	"github.com/ruleport/ruleport/convert/kql"
)

// FuzzParseJSON checks the JSON reader against encoding/json: the same
// texts are valid (RFC 8259; parse_json's strictness depends on it), and a
// parsed value prints as JSON that parses back to the same value.
func FuzzParseJSON(f *testing.F) {
	for _, s := range []string{`{"a":[1,2.5,"x",null,true]}`, `{"a":`, `"\ud83d\ude00"`, `-0.0e-1`, `[]`, `01`, "\"\x01\""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, ok := parseJSON(s)
		if strings.Count(s, "[")+strings.Count(s, "{") < maxJSONDepth && ok != json.Valid([]byte(s)) {
			t.Fatalf("parseJSON(%q) ok = %v, json.Valid = %v", s, ok, !ok)
		}
		if !ok {
			return
		}
		text := dynamicJSON(v)
		w, ok := parseJSON(text)
		if !ok {
			t.Fatalf("dynamicJSON(parseJSON(%q)) = %q does not parse", s, text)
		}
		if again := dynamicJSON(w); again != text {
			t.Fatalf("%q printed %q, then %q", s, text, again)
		}
	})
}

// fuzzTable is the table FuzzRun's queries read, as T and as S.
func fuzzTable() *Table {
	d, _ := parseJSON(`{"a":{"b":[1,"x",null]},"c":"4.5"}`)
	return &Table{
		Columns: []Column{{"s", TypeString}, {"n", TypeLong}, {"i", TypeInt}, {"r", TypeReal},
			{"d", TypeDynamic}, {"t", TypeDatetime}, {"TimeGenerated", TypeDatetime}, {"b", TypeBool}, {"name", TypeString}},
		Rows: [][]any{
			{"jane@corp.example", int64(1), int32(4), 4.7, d, time.Date(2017, 10, 30, 23, 59, 0, 0, time.UTC), time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC), true, "a"},
			{"", nil, nil, nil, nil, nil, nil, nil, ""},
			{"a/b/c", int64(-3), int32(0), -0.5, []any{int64(1)}, time.Date(2026, 3, 2, 8, 29, 0, 0, time.UTC), nil, false, "B"},
		},
	}
}

// FuzzRun runs arbitrary queries, seeded with the golden queries and the
// corpus, over a small table: whatever the text, the engine returns rows
// or an error, and never panics.
func FuzzRun(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.txtar")
	for _, file := range files {
		ar, err := txtar.ParseFile(file)
		if err != nil {
			f.Fatal(err)
		}
		for _, file := range ar.Files {
			if strings.HasPrefix(file.Name, "query ") {
				f.Add(string(file.Data))
			}
		}
	}
	if root := filepath.Join("..", "..", "..", "shared", "corpus"); dirExists(root) {
		qs, _ := loadAWSQueries(f)
		for _, q := range qs {
			f.Add(q.query)
		}
	}
	tab := fuzzTable()
	tables := map[string]*Table{}
	for _, name := range []string{"T", "S", "E", "X", "Y", "AWSCloudTrail"} {
		tables[name] = tab
	}
	f.Fuzz(func(t *testing.T, src string) {
		q, errs := kql.Parse(src)
		if len(errs) > 0 || q == nil {
			return
		}
		res, err := RunTables(q, tables, Options{Now: testNow})
		if err == nil {
			for _, row := range res.Rows {
				if len(row) != len(res.Columns) {
					t.Fatalf("%q: a row of %d values for %d columns", src, len(row), len(res.Columns))
				}
			}
		}
	})
}

func dirExists(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.IsDir()
}
