package kqlengine

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/rogpeppe/go-internal/txtar"

	"github.com/ruleport/ruleport/convert/kql"
	"github.com/ruleport/ruleport/reference/alerts"
)

// The golden tests live in testdata/*.txtar. Each archive holds tables,
// queries and the results worked out by hand:
//
//	-- table T --         columns as name:type, then one JSON array per row
//	a:string, b:long
//	["x", 1]
//	-- options --         optional: now: RFC 3339, window: start end
//	-- query NAME --      a KQL query; // comments cite the doc behind the case
//	-- want NAME --       the output columns, then one row per line, sorted
//	a, b
//	{"a":"x","b":1}
//
// A want that starts with "error: " is the error the query must give;
// "unsupported: " is an error that wraps convert.ErrUnsupported.
// UPDATE_GOLDEN=1 rewrites the want sections from the engine's output;
// read the diff before committing it.

func parseQuery(t testing.TB, src string) *kql.Query {
	t.Helper()
	q, errs := kql.Parse(src)
	if len(errs) > 0 {
		t.Fatalf("parse %q: %v", src, errs)
	}
	return q
}

// formatResult prints a result or an error the way want sections hold it.
func formatResult(tab alerts.Table, err error) string {
	if err != nil {
		if IsUnsupported(err) {
			return "unsupported: " + err.Error() + "\n"
		}
		return "error: " + err.Error() + "\n"
	}
	var b strings.Builder
	b.WriteString(strings.Join(tab.Columns, ", "))
	b.WriteByte('\n')
	for _, line := range strings.Split(string(tab.JSON()), "\n") {
		line = strings.TrimSuffix(strings.TrimPrefix(line, "  "), ",")
		if strings.HasPrefix(line, "{") {
			b.WriteString(line)
			b.WriteByte('\n')
		}
	}
	return b.String()
}

// parseTable reads a table section.
func parseTable(data string) (*Table, error) {
	lines := strings.Split(strings.TrimSpace(data), "\n")
	t := &Table{}
	for _, decl := range strings.Split(lines[0], ",") {
		name, typ, ok := strings.Cut(strings.TrimSpace(decl), ":")
		if !ok {
			if strings.TrimSpace(decl) == "" {
				continue
			}
			return nil, fmt.Errorf("column %q: want name:type", decl)
		}
		ty, ok := ParseType(typ)
		if !ok {
			return nil, fmt.Errorf("column %q: unknown type", decl)
		}
		t.Columns = append(t.Columns, Column{Name: name, Type: ty})
	}
	for i, line := range lines[1:] {
		var raws []json.RawMessage
		if err := json.Unmarshal([]byte(line), &raws); err != nil {
			return nil, fmt.Errorf("row %d: %v", i+1, err)
		}
		if len(raws) != len(t.Columns) {
			return nil, fmt.Errorf("row %d: %d values for %d columns", i+1, len(raws), len(t.Columns))
		}
		row := make([]any, len(raws))
		for j, raw := range raws {
			v, err := tableValue(raw, t.Columns[j].Type)
			if err != nil {
				return nil, fmt.Errorf("row %d, column %s: %v", i+1, t.Columns[j].Name, err)
			}
			row[j] = v
		}
		t.Rows = append(t.Rows, row)
	}
	return t, nil
}

// tableValue reads one JSON cell: datetimes and timespans are strings in
// their KQL text forms, dynamic cells are any JSON.
func tableValue(raw json.RawMessage, t Type) (any, error) {
	if string(raw) == "null" {
		return nil, nil
	}
	if t == TypeDynamic {
		v, ok := parseJSON(string(raw))
		if !ok {
			return nil, fmt.Errorf("bad JSON %s", raw)
		}
		return v, nil
	}
	var v any
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	switch t {
	case TypeDatetime:
		tm, ok := parseDatetime(fmt.Sprint(v))
		if !ok {
			return nil, fmt.Errorf("bad datetime %s", raw)
		}
		return tm, nil
	case TypeTimespan:
		d, ok := toTimespanValue(fmt.Sprint(v))
		if !ok {
			return nil, fmt.Errorf("bad timespan %s", raw)
		}
		return d, nil
	case TypeInt, TypeLong:
		n, err := v.(json.Number).Int64()
		return n, err
	case TypeReal:
		return v.(json.Number).Float64()
	}
	return v, nil
}

// goldenCase is one query of an archive.
type goldenCase struct {
	name, query, want string
}

func TestGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/*.txtar")
	if err != nil || len(files) == 0 {
		t.Fatalf("no golden files: %v", err)
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txtar"), func(t *testing.T) { runGoldenFile(t, file) })
	}
}

func runGoldenFile(t *testing.T, file string) {
	ar, err := txtar.ParseFile(file)
	if err != nil {
		t.Fatal(err)
	}
	tables := map[string]*Table{}
	var opt Options
	var cases []*goldenCase
	byName := map[string]*goldenCase{}
	for _, f := range ar.Files {
		kind, name, _ := strings.Cut(f.Name, " ")
		switch kind {
		case "table":
			tab, err := parseTable(string(f.Data))
			if err != nil {
				t.Fatalf("%s: table %s: %v", file, name, err)
			}
			tables[name] = tab
		case "options":
			if opt, err = parseOptions(string(f.Data)); err != nil {
				t.Fatalf("%s: options: %v", file, err)
			}
		case "query":
			c := &goldenCase{name: name, query: string(f.Data)}
			cases = append(cases, c)
			byName[name] = c
		case "want":
			c := byName[name]
			if c == nil {
				t.Fatalf("%s: want %s without a query", file, name)
			}
			c.want = string(f.Data)
		default:
			t.Fatalf("%s: unknown section %q", file, f.Name)
		}
	}
	update := os.Getenv("UPDATE_GOLDEN") == "1"
	changed := false
	for _, c := range cases {
		got := formatResult(RunTables(parseQuery(t, c.query), tables, opt))
		if got == c.want {
			continue
		}
		if update {
			c.want, changed = got, true
			continue
		}
		t.Errorf("%s: query %s (-want +got):\n%s", file, c.name, cmp.Diff(c.want, got))
	}
	if changed {
		var files []txtar.File
		for _, f := range ar.Files {
			kind, name, _ := strings.Cut(f.Name, " ")
			switch kind {
			case "want":
				continue // rewritten after their query
			case "query":
				files = append(files, f, txtar.File{Name: "want " + name, Data: []byte(byName[name].want)})
				continue
			}
			files = append(files, f)
		}
		ar.Files = files
		if err := os.WriteFile(file, txtar.Format(ar), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func parseOptions(data string) (Options, error) {
	var opt Options
	for _, line := range strings.Split(strings.TrimSpace(data), "\n") {
		key, val, _ := strings.Cut(line, ":")
		val = strings.TrimSpace(val)
		switch strings.TrimSpace(key) {
		case "now":
			tm, err := time.Parse(time.RFC3339, val)
			if err != nil {
				return opt, err
			}
			opt.Now = tm
		case "window":
			a, b, _ := strings.Cut(val, " ")
			start, err1 := time.Parse(time.RFC3339, a)
			end, err2 := time.Parse(time.RFC3339, b)
			if err := errors.Join(err1, err2); err != nil {
				return opt, err
			}
			opt.Window.Start, opt.Window.End = start, end
		default:
			return opt, fmt.Errorf("unknown option %q", key)
		}
	}
	return opt, nil
}
