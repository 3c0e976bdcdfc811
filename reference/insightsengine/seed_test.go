package insightsengine

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/rogpeppe/go-internal/txtar"
	"github.com/ruleport/ruleport/reference/alerts"
	"github.com/ruleport/ruleport/reference/logs"
)

// goldenCase is a txtar archive with sections options ("start T" and "end
// T" lines), query.insights, logs.jsonl (one record per line) and
// want.json (the table as `ruleport run --format json` prints it).
type goldenCase struct {
	path  string
	arch  *txtar.Archive
	opt   Options
	query string
	logs  [][]byte
	want  []byte
}

func readGolden(t *testing.T, path string) *goldenCase {
	t.Helper()
	arch, err := txtar.ParseFile(path)
	if err != nil {
		t.Fatal(err)
	}
	g := &goldenCase{path: path, arch: arch}
	for _, f := range arch.Files {
		switch f.Name {
		case "options":
			g.opt = parseOptions(t, path, f.Data)
		case "query.insights":
			g.query = string(f.Data)
		case "logs.jsonl":
			sc := bufio.NewScanner(bytes.NewReader(f.Data))
			sc.Buffer(nil, 1<<20)
			for sc.Scan() {
				if line := bytes.TrimSpace(sc.Bytes()); len(line) > 0 {
					g.logs = append(g.logs, append([]byte(nil), line...))
				}
			}
		case "want.json":
			g.want = f.Data
		default:
			t.Fatalf("%s: unknown section %q", path, f.Name)
		}
	}
	return g
}

func parseOptions(t *testing.T, path string, data []byte) Options {
	t.Helper()
	var opt Options
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		key, val, _ := strings.Cut(line, " ")
		tm, err := time.Parse(time.RFC3339, val)
		if err != nil {
			t.Fatalf("%s: options: %v", path, err)
		}
		switch key {
		case "start":
			opt.Start = tm
		case "end":
			opt.End = tm
		default:
			t.Fatalf("%s: options: unknown key %q", path, key)
		}
	}
	return opt
}

// check runs the case and compares with want.json; UPDATE_GOLDEN=1
// rewrites want.json instead, for a person to read before committing.
func (g *goldenCase) check(t *testing.T) {
	t.Helper()
	got, err := Run(g.query, &logs.SliceSource{Records: g.logs, Name: "logs.jsonl"}, g.opt)
	if err != nil {
		t.Fatalf("%s: %v", g.path, err)
	}
	if os.Getenv("UPDATE_GOLDEN") == "1" {
		for i := range g.arch.Files {
			if g.arch.Files[i].Name == "want.json" {
				g.arch.Files[i].Data = got.JSON()
			}
		}
		if err := os.WriteFile(g.path, txtar.Format(g.arch), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if diff := cmp.Diff(string(g.want), string(got.JSON())); diff != "" {
		t.Errorf("%s (-want +got):\n%s", g.path, diff)
	}
}

// TestGoldenCases runs every testdata/*.txtar case, the seed rule's
// translation among them.
func TestGoldenCases(t *testing.T) {
	paths, err := filepath.Glob("testdata/*.txtar")
	if err != nil || len(paths) == 0 {
		t.Fatalf("no golden cases: %v", err)
	}
	for _, path := range paths {
		t.Run(filepath.Base(path), func(t *testing.T) { readGolden(t, path).check(t) })
	}
}

// TestSeedNeedsJSONParse shows why the translation reads recipientAccountId
// through jsonParse: the anonymous record holds 517 leaves and
// recipientAccountId is the last, so the discovered field is missing and
// the alert's RecipientAccountId comes back null.
func TestSeedNeedsJSONParse(t *testing.T) {
	g := readGolden(t, "testdata/seed.txtar")
	naive := strings.Replace(g.query, "m.recipientAccountId as RecipientAccountId", "recipientAccountId as RecipientAccountId", 1)
	if naive == g.query {
		t.Fatal("the seed query no longer reads m.recipientAccountId")
	}
	got, err := Run(naive, &logs.SliceSource{Records: g.logs}, g.opt)
	if err != nil {
		t.Fatal(err)
	}
	var accounts []string
	for _, row := range got.Rows {
		accounts = append(accounts, fmt.Sprint(row[0], " ", row[1]))
	}
	want := []string{"192.0.2.1 <nil>", "198.51.100.7 111122223333", "203.0.113.9 111122223333"}
	if diff := cmp.Diff(want, accounts); diff != "" {
		t.Errorf("discovered recipientAccountId (-want +got):\n%s", diff)
	}
}

// Documentation pages the tests quote.
const (
	docOps      = "https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/CWL_QuerySyntax-operations-functions.html"
	docSyntax   = "https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/CWL_QuerySyntax.html"
	docFields   = "https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/CWL_QuerySyntax-Fields.html"
	docFilter   = "https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/CWL_QuerySyntax-Filter.html"
	docStats    = "https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/CWL_QuerySyntax-Stats.html"
	docParse    = "https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/CWL_QuerySyntax-Parse.html"
	docSort     = "https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/CWL_QuerySyntax-Sort.html"
	docLimit    = "https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/CWL_QuerySyntax-Limit.html"
	docDedup    = "https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/CWL_QuerySyntax-Dedup.html"
	docDisplay  = "https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/CWL_QuerySyntax-Display.html"
	docDiscover = "https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/CWL_AnalyzeLogData-discoverable-fields.html"
)

func source(records ...string) *logs.SliceSource {
	s := &logs.SliceSource{Name: "test.jsonl"}
	for _, r := range records {
		s.Records = append(s.Records, []byte(r))
	}
	return s
}

// mustRun runs query over records with no time range.
func mustRun(t *testing.T, query string, records ...string) alerts.Table {
	t.Helper()
	tab, err := Run(query, source(records...), Options{})
	if err != nil {
		t.Fatalf("Run(%q): %v", query, err)
	}
	return tab
}

// table builds an expected table; rows are put in canonical order so a
// case can list them in whatever order reads best.
func table(cols []string, rows ...[]any) alerts.Table {
	t := alerts.Table{Columns: cols, Rows: rows}
	t.Sort()
	return t
}

func cols(names ...string) []string { return names }

func ts(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		panic(err)
	}
	return t
}

// queryCase is one end-to-end case: a query, the records it reads and the
// table it must return, worked out by hand from the quoted documentation.
type queryCase struct {
	name    string
	query   string
	records []string
	want    alerts.Table
}

func runCases(t *testing.T, cases []queryCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := mustRun(t, tc.query, tc.records...)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("query %q (-want +got):\n%s", tc.query, diff)
			}
		})
	}
}

// eval evaluates one expression on one event, through the public entry
// point: fields <expr> as v.
func eval(t *testing.T, expression, record string) any {
	t.Helper()
	tab := mustRun(t, "fields "+expression+" as v", record)
	if len(tab.Rows) != 1 {
		t.Fatalf("eval %q: %d rows", expression, len(tab.Rows))
	}
	return tab.Rows[0][0]
}

// BenchmarkSeedQuery runs the seed translation over 10,000 records (the
// fixture's eleven, repeated) with no time range.
func BenchmarkSeedQuery(b *testing.B) {
	arch, err := txtar.ParseFile("testdata/seed.txtar")
	if err != nil {
		b.Fatal(err)
	}
	var query string
	var recs [][]byte
	for _, f := range arch.Files {
		switch f.Name {
		case "query.insights":
			query = string(f.Data)
		case "logs.jsonl":
			for _, line := range bytes.Split(bytes.TrimSpace(f.Data), []byte("\n")) {
				recs = append(recs, line)
			}
		}
	}
	var many [][]byte
	for len(many) < 10000 {
		many = append(many, recs...)
	}
	many = many[:10000]
	q, err := Parse(query)
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := q.Run(&logs.SliceSource{Records: many}, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}
