package athenaengine

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/ruleport/ruleport/reference/alerts"
	"github.com/ruleport/ruleport/reference/logs"
)

func records(rs ...string) *logs.SliceSource {
	src := &logs.SliceSource{Name: "test.json"}
	for _, r := range rs {
		src.Records = append(src.Records, []byte(r))
	}
	return src
}

// TestRunReadsTheTable checks that the columns Athena's DDL declares hold
// what logs.ToAthena projects, through Trino's struct and array syntax.
func TestRunReadsTheTable(t *testing.T) {
	src := records(
		`{"eventName":"RunInstances","eventTime":"2026-03-02T01:00:00Z","userIdentity":{"type":"AssumedRole","arn":"arn:aws:sts::111122223333:assumed-role/Admin/jane","sessionContext":{"sessionIssuer":{"userName":"Admin"}}},"resources":[{"ARN":"arn:aws:ec2:us-east-1:111122223333:instance/i-1","accountId":"111122223333"}],"requestParameters":{"instanceType":"p4d.24xlarge"},"readOnly":false}`,
		`{"eventName":"DescribeInstances","eventTime":"2026-03-03T23:59:59Z"}`,
	)
	query := `SELECT eventname, useridentity.arn, useridentity.sessioncontext.sessionissuer.username,
		resources[1].arn AS resource, cardinality(resources) AS n, json_extract_scalar(requestparameters, '$.instanceType') AS itype,
		readonly, "timestamp"
		FROM cloudtrail_logs`
	got, err := Run(context.Background(), query, src)
	if err != nil {
		t.Fatal(err)
	}
	want := alerts.Table{
		// Trino names a struct field access after the field, as DuckDB does.
		Columns: []string{"eventname", "arn", "username", "resource", "n", "itype", "readonly", "timestamp"},
		Rows: [][]any{
			// Sorted: "DescribeInstances" < "RunInstances".
			{"DescribeInstances", nil, nil, nil, nil, nil, nil, "2026/03/03"},
			{"RunInstances", "arn:aws:sts::111122223333:assumed-role/Admin/jane", "Admin",
				"arn:aws:ec2:us-east-1:111122223333:instance/i-1", int64(1), "p4d.24xlarge", "false", "2026/03/02"},
		},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("table (-want +got):\n%s", diff)
	}
}

// TestRunResultTypes pins the conversion of each DuckDB result type.
func TestRunResultTypes(t *testing.T) {
	query := `SELECT 'x' AS s, 1 AS i, CAST(2 AS bigint) AS b, sum(CAST(3 AS integer)) AS total, 1.5e0 AS d,
		CAST(2.5 AS decimal(4,2)) AS dec, true AS ok, NULL AS nothing,
		from_iso8601_timestamp('2026-03-02T01:00:00+01:00') AS tz, TIMESTAMP '2026-03-02 01:00:00' AS ts,
		TIMESTAMP '2026-03-02 01:00:00' - TIMESTAMP '2026-03-01 00:30:00' AS span,
		split('a/b', '/') AS arr`
	got, err := Run(context.Background(), query, &logs.SliceSource{})
	if err != nil {
		t.Fatal(err)
	}
	want := alerts.Table{
		Columns: []string{"s", "i", "b", "total", "d", "dec", "ok", "nothing", "tz", "ts", "span", "arr"},
		Rows: [][]any{{"x", int64(1), int64(2), int64(3), 1.5, 2.5, true, nil,
			time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC), time.Date(2026, 3, 2, 1, 0, 0, 0, time.UTC),
			24*time.Hour + 30*time.Minute, []any{"a", "b"}}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("types (-want +got):\n%s", diff)
	}
}

// TestRunZonedLiteral: Trino reads TIMESTAMP '... +01:00' as an instant an
// hour before UTC midnight's 01:00; without the rewrite DuckDB drops the
// offset.
func TestRunZonedLiteral(t *testing.T) {
	e := newTestEngine(t, Options{})
	for expr, want := range map[string]time.Time{
		`TIMESTAMP '2026-03-02 01:00:00+01:00'`:        time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC),
		`TIMESTAMP '2026-03-02 01:00:00-02:30'`:        time.Date(2026, 3, 2, 3, 30, 0, 0, time.UTC),
		`TIMESTAMP '2026-03-02 01:00:00 UTC'`:          time.Date(2026, 3, 2, 1, 0, 0, 0, time.UTC),
		`TIMESTAMP '2026-07-02 01:00:00 Europe/Paris'`: time.Date(2026, 7, 1, 23, 0, 0, 0, time.UTC), // CEST is +02:00
	} {
		got, err := eval(e, expr)
		if err != nil {
			t.Errorf("%s: %v", expr, err)
			continue
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", expr, diff)
		}
	}
}

// TestRunZonedLiteralGap: DuckDB reads an offset after a space as a zone
// name and fails; Trino accepts it. The query fails loudly rather than
// giving a wrong instant (package documentation).
func TestRunZonedLiteralGap(t *testing.T) {
	_, err := Run(context.Background(), `SELECT TIMESTAMP '2026-03-02 01:00:00 -02:30'`, &logs.SliceSource{})
	if err == nil || !strings.Contains(err.Error(), "Unknown TimeZone '-02:30'") {
		t.Errorf("error = %v, want DuckDB's unknown time zone", err)
	}
}

// TestRunErrors: errors in the SQL carry the line and column of the text as
// given, rewrites included; a record that is no object names the record.
func TestRunErrors(t *testing.T) {
	tests := []struct {
		name, query string
		src         logs.Source
		want        string
	}{
		{"syntax", "SELECT eventname\nFROM cloudtrail_logs\nWHERE", &logs.SliceSource{}, "3:6: parser error: syntax error at end of input"},
		{"unknown column", "SELECT\n  eventnmae FROM cloudtrail_logs", &logs.SliceSource{}, `2:3: binder error: Referenced column "eventnmae" not found`},
		// The position comes after a rewritten CAST: the inserted text must
		// not shift it.
		{"position after rewrite", "SELECT CAST(eventname AS integer), nope FROM cloudtrail_logs", &logs.SliceSource{}, "1:36: binder error"},
		{"position after zoned literal", "SELECT TIMESTAMP '2026-03-02 00:00 UTC', nope", &logs.SliceSource{}, "1:42: binder error"},
		{"unknown function", "SELECT list_value_x(1)", &logs.SliceSource{}, "1:8: catalog error"},
		{"runtime cast failure", "SELECT CAST(eventname AS integer) FROM cloudtrail_logs", records(`{"eventName":"Run"}`), "not an integer: Run"},
		// A record that is not a JSON object is not a record at all (one of
		// another shape is read with a warning: TestRunUnreadableShapes).
		{"not a record", "SELECT 1", records(`{"eventName":"a"}`, `[1]`),
			"test.json:2: athena row: record is a JSON array, not an object"},
	}
	e := newTestEngine(t, Options{})
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := e.Run(context.Background(), tc.query, tc.src)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error = %v, want it to contain %q", err, tc.want)
			}
		})
	}
}

func TestRunSQLErrorFields(t *testing.T) {
	_, err := Run(context.Background(), "SELECT 1 +\n  nope", &logs.SliceSource{})
	var se *SQLError
	if !errors.As(err, &se) {
		t.Fatalf("error %v is not a *SQLError", err)
	}
	want := &SQLError{Line: 2, Col: 3, Kind: "Binder",
		Msg: `Referenced column "nope" was not found because the FROM clause is missing`}
	if diff := cmp.Diff(want, se); diff != "" {
		t.Errorf("SQLError (-want +got):\n%s", diff)
	}
}

// TestRunReplacesTable: a second Run sees only its own records.
func TestRunReplacesTable(t *testing.T) {
	e := newTestEngine(t, Options{})
	for _, n := range []int{3, 1} {
		var rs []string
		for i := 0; i < n; i++ {
			rs = append(rs, `{"eventName":"x"}`)
		}
		got, err := e.Run(context.Background(), "SELECT count(*) AS n FROM cloudtrail_logs", records(rs...))
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([][]any{{int64(n)}}, got.Rows); diff != "" {
			t.Errorf("count (-want +got):\n%s", diff)
		}
	}
}

func TestRunCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Run(ctx, "SELECT 1", records(`{}`)); !errors.Is(err, context.Canceled) {
		t.Errorf("error = %v, want context.Canceled", err)
	}
}

// errSource fails after its records, as a reader does on a bad file.
type errSource struct{ logs.SliceSource }

func (s *errSource) Next() (logs.Record, error) {
	rec, err := s.SliceSource.Next()
	if err != nil {
		return rec, errors.New("logs/x.json:7:1: unexpected end of JSON")
	}
	return rec, nil
}

func TestRunSourceError(t *testing.T) {
	src := &errSource{logs.SliceSource{Records: [][]byte{[]byte(`{}`)}}}
	_, err := Run(context.Background(), "SELECT 1", src)
	if err == nil || !strings.Contains(err.Error(), "logs/x.json:7:1: unexpected end of JSON") {
		t.Errorf("error = %v, want the source's error", err)
	}
}

// TestRunUnreadableShapes: a record whose struct or array column has
// another JSON shape, which Athena fails the query on, is read with that
// column NULL, the rest of the run goes on, and Warnings names it; a
// later Run starts with no warnings.
func TestRunUnreadableShapes(t *testing.T) {
	e := newTestEngine(t, Options{})
	src := records(
		`{"eventName":"A","userIdentity":"root","resources":[{"ARN":"x"}]}`,
		`{"eventName":"B","userIdentity":{"arn":"arn:b"},"resources":{"ARN":"y"}}`,
	)
	got, err := e.Run(context.Background(), `SELECT eventname, useridentity.arn, resources[1].arn AS r FROM cloudtrail_logs`, src)
	if err != nil {
		t.Fatal(err)
	}
	want := [][]any{{"A", nil, "x"}, {"B", "arn:b", nil}}
	if d := cmp.Diff(want, got.Rows); d != "" {
		t.Errorf("rows (-want +got):\n%s", d)
	}
	wantWarn := []string{
		"test.json:1: useridentity is a JSON string where the table declares a struct: Athena fails the query on this record (HIVE_BAD_DATA); read as NULL",
		"test.json:2: resources is a JSON object where the table declares an array: Athena fails the query on this record (HIVE_BAD_DATA); read as NULL",
	}
	if d := cmp.Diff(wantWarn, e.Warnings()); d != "" {
		t.Errorf("warnings (-want +got):\n%s", d)
	}
	if _, err := e.Run(context.Background(), `SELECT 1 AS one`, records(`{}`)); err != nil {
		t.Fatal(err)
	}
	if w := e.Warnings(); len(w) != 0 {
		t.Errorf("a clean run kept warnings %v", w)
	}
	// 25 bad records: the first 20 are listed, then a count.
	var bad []string
	for i := 0; i < 25; i++ {
		bad = append(bad, `{"userIdentity":1}`)
	}
	if _, err := e.Run(context.Background(), `SELECT 1 AS one`, records(bad...)); err != nil {
		t.Fatal(err)
	}
	w := e.Warnings()
	if len(w) != 21 || w[20] != "5 more records Athena would fail on" {
		t.Errorf("got %d warnings ending %q, want 21 ending with the count of 5 more", len(w), w[len(w)-1])
	}
}
