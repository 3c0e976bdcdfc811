package athenaengine

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"testing"

	"github.com/duckdb/duckdb-go/v2"
	"github.com/google/go-cmp/cmp"

	"github.com/ruleport/ruleport/reference/alerts"
	"github.com/ruleport/ruleport/reference/logs"
)

// loadViaAppender is the load as it was before the file of rows: each
// record's row appended by DuckDB's appender to an in-memory table, here
// named table. TestRowsFileMatchesAppender holds the file of rows to it,
// and BenchmarkLoad measures it.
func loadViaAppender(e *Engine, table string, recs [][]byte) error {
	ctx := context.Background()
	cols := make([]string, len(logs.AthenaColumns))
	for i, c := range logs.AthenaColumns {
		cols[i] = quoteIdent(c.Name) + " " + duckType(c.Type)
	}
	if _, err := e.conn.ExecContext(ctx, "CREATE OR REPLACE TABLE "+table+" ("+strings.Join(cols, ", ")+")"); err != nil {
		return err
	}
	return e.conn.Raw(func(dc any) error {
		app, err := duckdb.NewAppenderFromConn(dc.(driver.Conn), "", table)
		if err != nil {
			return err
		}
		vals := make([]driver.Value, len(logs.AthenaColumns))
		for i, raw := range recs {
			row, err := logs.ToAthena(raw)
			if err != nil {
				return errors.Join(fmt.Errorf("record %d: %w", i+1, err), app.Close())
			}
			for i, v := range row.Values {
				vals[i] = v
			}
			if err := app.AppendRow(vals...); err != nil {
				return errors.Join(err, app.Close())
			}
		}
		return app.Close()
	})
}

// oddRecords are records whose values could come back from the file of
// rows otherwise than from the appender: every kind of string content,
// every shape of struct and array, values read as NULL.
var oddRecords = []string{
	`{"eventName":"plain","eventTime":"2026-03-02T01:00:00Z"}`,
	`{"eventName":"quote \" backslash \\ slash \/ tab \t newline \n cr \r bs \b ff \f"}`,
	`{"eventName":"nul \u0000 unit \u001f del \u007f"}`,
	`{"eventName":"é ～ 😀 \u00e9 \ud83d\ude00 \u2028 \u2029"}`,
	`{"eventName":"lone \ud800 half \udc00x"}`,
	"{\"eventName\":\"bad \xff utf-8\",\"awsRegion\":\"ok\"}",
	"{\"userIdentity\":{\"arn\":\"bad \xc3\",\"userName\":\"fine\"}}",
	"{\"resources\":[{\"ARN\":\"\xe2\x82\",\"accountId\":\"1\"},null,{}]}",
	`{"eventName":4,"readOnly":true,"errorCode":null,"errorMessage":4.50,"awsRegion":-0}`,
	`{"requestParameters":{"b": [1, 2.0, "x y"], "a" : {"n":null}},"responseElements":null}`,
	`{"requestParameters":"already text","responseElements":"{\"cut\":"}`,
	`{"additionalEventData":[1,{"x":"<&>"}],"serviceEventDetails":{"k":"\u0000"}}`,
	`{"userIdentity":"root","resources":{}}`,
	`{"userIdentity":{"sessionContext":{"sessionIssuer":"x","attributes":{"mfaAuthenticated":"true"}}}}`,
	`{"userIdentity":{"type":"IAMUser","sessionContext":null},"resources":[]}`,
	`{"resources":[{"ARN":"a","ARN":"b","Type":"t","extra":1}]}`,
	`{"EventName":"upper","eventname":"lower","EVENTNAME":"last"}`,
	`{"eventName":"dup","eventName":"second"}`,
	`{"eventTime":"2026-03-02 01:00:00.000000000","eventVersion":"1.08"}`,
	`{"eventTime":"not a time","recipientAccountId":""}`,
	`{}`,
	`{"responseElements":{"big":"` + strings.Repeat("x", 1<<20) + `"}}`,
	`{"requestParameters":` + strings.Repeat(`{"a":`, 200) + `1` + strings.Repeat(`}`, 200) + `}`,
}

// TestRowsFileMatchesAppender: cloudtrail_logs read from the file of rows
// holds exactly what the appender put in the table before, on the odd
// records above, the seed fixture and every fixture case's logs.
func TestRowsFileMatchesAppender(t *testing.T) {
	_, recs, _ := seedCase(t)
	for _, r := range oddRecords {
		recs = append(recs, []byte(r))
	}
	recs = append(recs, fixtureRecords(t)...)
	e := newTestEngine(t, Options{})
	ctx := context.Background()
	if err := e.load(ctx, &logs.SliceSource{Records: recs}); err != nil {
		t.Fatal(err)
	}
	if err := loadViaAppender(e, "appended", recs); err != nil {
		t.Fatal(err)
	}
	all := func(from string) alerts.Table {
		rows, err := e.conn.QueryContext(ctx, "SELECT * FROM "+from)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		tab, err := readTable(rows)
		if err != nil {
			t.Fatal(err)
		}
		return tab
	}
	want, got := all("appended"), all(tableName)
	if len(want.Rows) != len(recs) {
		t.Fatalf("the appender loaded %d rows of %d records", len(want.Rows), len(recs))
	}
	// Rows in the records' order: both keep insertion order.
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("cloudtrail_logs (-appender +rows file):\n%s", diff)
	}
}

// fixtureRecords reads every record of the fixture cases' logs.
func fixtureRecords(t *testing.T) [][]byte {
	t.Helper()
	dirs, err := filepath.Glob("../../fixtures/seed/*/logs")
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no fixture logs: %v", err)
	}
	r, err := logs.Open(dirs...)
	if err != nil {
		t.Fatal(err)
	}
	var out [][]byte
	for {
		rec, err := r.Next()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, append([]byte(nil), rec.Raw...))
	}
}
