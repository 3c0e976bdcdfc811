package trinogrammar

import (
	"context"
	"errors"
	"os"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestCheckTrinoGrammar: Trino SQL passes; DuckDB's own syntax, which the
// engine would run, fails at the position Trino's parser stops. Each
// rejected form was checked against Trino's grammar (SqlBase.g4 in
// trinodb/trino): none of these constructs exists there.
func TestCheckTrinoGrammar(t *testing.T) {
	seed, err := os.ReadFile("../testdata/seed.sql")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, sql string
		want      *Error // nil: accepted; else the first error's position
	}{
		{"seed rule translation", string(seed), nil},
		{"struct and array access", `SELECT useridentity.sessioncontext.sessionissuer.username, element_at(resources, 1).arn FROM cloudtrail_logs`, nil},
		{"partition and interval", `SELECT * FROM cloudtrail_logs WHERE "timestamp" >= date_format(current_timestamp - INTERVAL '1' DAY, '%Y/%m/%d')`, nil},
		{"try, try_cast, zoned literal", `SELECT try(CAST(x AS integer)), TRY_CAST(y AS bigint), TIMESTAMP '2020-03-01 00:00:00 UTC' FROM t`, nil},
		{"offset before limit", `SELECT a FROM t OFFSET 1 LIMIT 1`, nil},
		{"DuckDB cast operator", "SELECT eventname::int\nFROM cloudtrail_logs", &Error{Line: 1, Col: 17}},
		{"DuckDB ILIKE", `SELECT a FROM t WHERE a ILIKE 'x'`, &Error{Line: 1, Col: 25}},
		{"DuckDB QUALIFY", `SELECT a FROM t QUALIFY row_number() OVER () = 1`, &Error{Line: 1, Col: 25}},
		{"DuckDB star EXCLUDE", `SELECT * EXCLUDE (a) FROM t`, &Error{Line: 1, Col: 10}},
		{"DuckDB star REPLACE", `SELECT * REPLACE (a AS b) FROM t`, &Error{Line: 1, Col: 10}},
		{"DuckDB list literal", `SELECT [1, 2]`, &Error{Line: 1, Col: 8}},
		{"DuckDB struct literal", `SELECT {'a': 1}`, &Error{Line: 1, Col: 8}},
		{"DuckDB FROM first", `FROM t SELECT a`, &Error{Line: 1, Col: 1}},
		{"DuckDB integer division operator", `SELECT 1 // 2`, &Error{Line: 1, Col: 11}},
		{"DuckDB double equals", `SELECT a FROM t WHERE a == 1`, &Error{Line: 1, Col: 26}},
		{"DuckDB LIMIT then OFFSET", `SELECT a FROM t LIMIT 1 OFFSET 1`, &Error{Line: 1, Col: 25}},
		{"DuckDB STRUCT type", `SELECT CAST(x AS STRUCT(a INT))`, &Error{Line: 1, Col: 27}},
		{"DuckDB macro", `CREATE MACRO f(x) AS x`, &Error{Line: 1, Col: 8}},
		{"incomplete statement", "SELECT eventname\nFROM cloudtrail_logs\nWHERE", &Error{Line: 3, Col: 6}},
	}
	sqls := make([]string, len(tests))
	for i, tc := range tests {
		sqls[i] = tc.sql
	}
	errs, err := CheckAll(context.Background(), sqls)
	if err != nil {
		t.Fatal(err)
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.want == nil {
				if errs[i] != nil {
					t.Fatalf("rejected:\n%v", errs[i])
				}
				return
			}
			var es Errors
			if !errors.As(errs[i], &es) {
				t.Fatalf("accepted; Trino's grammar has no such construct")
			}
			got := Error{Line: es[0].Line, Col: es[0].Col}
			if diff := cmp.Diff(*tc.want, got); diff != "" {
				t.Errorf("first error position (-want +got):\n%s\n%v", diff, es)
			}
		})
	}
}

// TestCheckTrinoGrammarOne covers the single-text entry point other
// packages' tests call, and the message format.
func TestCheckTrinoGrammarOne(t *testing.T) {
	if err := CheckTrinoGrammar("SELECT 1"); err != nil {
		t.Errorf("SELECT 1: %v", err)
	}
	err := CheckTrinoGrammar("SELECT x::int")
	want := "1:9: trino grammar: ':' is not valid at this position, expecting an existing column or a keyword"
	if err == nil || err.Error() != want {
		t.Errorf("error = %v, want %q", err, want)
	}
}
