package athenaengine

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/duckdb/duckdb-go/v2"

	"github.com/ruleport/ruleport/reference/logs"
)

// tableName is the table the emitted SQL reads (shared/TARGETS.md §2).
const tableName = "cloudtrail_logs"

// createTable is the DuckDB DDL of logs.AthenaColumns: string is VARCHAR,
// struct<...> STRUCT(...), array<t> t[].
func createTable() string {
	cols := make([]string, len(logs.AthenaColumns))
	for i, c := range logs.AthenaColumns {
		cols[i] = quoteIdent(c.Name) + " " + duckType(c.Type)
	}
	return "CREATE OR REPLACE TABLE " + tableName + " (" + strings.Join(cols, ", ") + ")"
}

func duckType(t logs.AthenaType) string {
	switch t.Kind {
	case logs.AthenaStruct:
		fields := make([]string, len(t.Fields))
		for i, f := range t.Fields {
			fields[i] = quoteIdent(f.Name) + " " + duckType(f.Type)
		}
		return "STRUCT(" + strings.Join(fields, ", ") + ")"
	case logs.AthenaArray:
		return duckType(*t.Elem) + "[]"
	}
	return "VARCHAR"
}

func quoteIdent(name string) string {
	return `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
}

// load replaces cloudtrail_logs with the records of src. Records stream
// through DuckDB's appender, which flushes a chunk (2048 rows) at a time,
// so Go holds one chunk however long the input. (bench_test.go measured the
// alternative, a temporary NDJSON file read by read_json with explicit
// types; see BenchmarkLoad.)
func (e *Engine) load(ctx context.Context, src logs.Source) error {
	if _, err := e.conn.ExecContext(ctx, createTable()); err != nil {
		return fmt.Errorf("athenaengine: create %s: %w", tableName, err)
	}
	return e.conn.Raw(func(dc any) error {
		app, err := duckdb.NewAppenderFromConn(dc.(driver.Conn), "", tableName)
		if err != nil {
			return fmt.Errorf("athenaengine: appender: %w", err)
		}
		err = appendAll(ctx, app, src)
		return errors.Join(err, app.Close())
	})
}

func appendAll(ctx context.Context, app *duckdb.Appender, src logs.Source) error {
	vals := make([]driver.Value, len(logs.AthenaColumns))
	for n := 0; ; n++ {
		if n%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		rec, err := src.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		row, err := logs.ToAthena(rec.Raw)
		if err != nil {
			return fmt.Errorf("%s: %w", recordName(rec), err)
		}
		for i, v := range row.Values {
			vals[i] = v
		}
		if err := app.AppendRow(vals...); err != nil {
			return fmt.Errorf("%s: athenaengine: append: %w", recordName(rec), err)
		}
	}
}

// recordName locates a record for an error message.
func recordName(rec logs.Record) string {
	if rec.Source == "" {
		return fmt.Sprintf("record %d", rec.Index)
	}
	return fmt.Sprintf("%s:%d", rec.Source, rec.Index)
}
