package athenaengine

// Data in and out of DuckDB: the cloudtrail_logs table filled from a
// logs.Source, and query results read into an alerts.Table.

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"math/big"
	"strconv"
	"strings"
	"time"

	"github.com/duckdb/duckdb-go/v2"

	"github.com/ruleport/ruleport/reference/alerts"
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
		err = e.appendAll(ctx, app, src)
		return errors.Join(err, app.Close())
	})
}

func (e *Engine) appendAll(ctx context.Context, app *duckdb.Appender, src logs.Source) error {
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
		for _, u := range row.Unreadable {
			e.warn(fmt.Sprintf("%s: %s: Athena fails the query on this record (HIVE_BAD_DATA); read as NULL", recordName(rec), u))
		}
		for i, v := range row.Values {
			vals[i] = v
		}
		if err := app.AppendRow(vals...); err != nil {
			return fmt.Errorf("%s: athenaengine: append: %w", recordName(rec), err)
		}
	}
}

// maxWarnings bounds the warnings one run keeps: a log full of one bad
// shape says so in a few lines.
const maxWarnings = 20

// warn records a warning of the current run.
func (e *Engine) warn(w string) {
	e.warnCount++
	if len(e.warnings) < maxWarnings {
		e.warnings = append(e.warnings, w)
	}
}

// Warnings returns what the last Run read otherwise than Athena would: a
// record whose struct or array column has another JSON shape, which Athena
// fails the whole query on (logs.ToAthena reads it as NULL). At most 20
// are listed, then a count of the rest.
func (e *Engine) Warnings() []string {
	out := append([]string(nil), e.warnings...)
	if more := e.warnCount - len(e.warnings); more > 0 {
		out = append(out, fmt.Sprintf("%d more records Athena would fail on", more))
	}
	return out
}

// recordName locates a record for an error message.
func recordName(rec logs.Record) string {
	if rec.Source == "" {
		return fmt.Sprintf("record %d", rec.Index)
	}
	return fmt.Sprintf("%s:%d", rec.Source, rec.Index)
}

// readTable reads every row into an alerts.Table, converting DuckDB's Go
// values to the kinds alerts uses.
func readTable(rows *sql.Rows) (alerts.Table, error) {
	cols, err := rows.Columns()
	if err != nil {
		return alerts.Table{}, err
	}
	t := alerts.Table{Columns: cols}
	raw := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range raw {
		ptrs[i] = &raw[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return alerts.Table{}, err
		}
		row := make([]any, len(cols))
		for i, v := range raw {
			if row[i], err = convert(v); err != nil {
				return alerts.Table{}, fmt.Errorf("column %s: %w", cols[i], err)
			}
		}
		t.Rows = append(t.Rows, row)
	}
	return t, rows.Err()
}

// convert maps one DuckDB value to an alerts value.
func convert(v any) (any, error) {
	switch v := v.(type) {
	case nil, string, bool, int64, float64:
		return v, nil
	case int8:
		return int64(v), nil
	case int16:
		return int64(v), nil
	case int32:
		return int64(v), nil
	case uint8:
		return int64(v), nil
	case uint16:
		return int64(v), nil
	case uint32:
		return int64(v), nil
	case uint64:
		if v > math.MaxInt64 {
			return nil, fmt.Errorf("%d does not fit a bigint", v)
		}
		return int64(v), nil
	case *big.Int:
		// DuckDB sums integers into HUGEINT where Trino returns bigint.
		if !v.IsInt64() {
			return nil, fmt.Errorf("%s does not fit a bigint", v)
		}
		return v.Int64(), nil
	case float32:
		return float64(v), nil
	case duckdb.Decimal:
		return v.Float64(), nil
	case time.Time:
		return v.UTC(), nil
	case duckdb.Interval:
		if v.Months != 0 {
			return nil, fmt.Errorf("interval of %d months has no fixed length", v.Months)
		}
		return time.Duration(v.Days)*24*time.Hour + time.Duration(v.Micros)*time.Microsecond, nil
	case []any:
		out := make([]any, len(v))
		for i, x := range v {
			var err error
			if out[i], err = convert(x); err != nil {
				return nil, err
			}
		}
		return out, nil
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, x := range v {
			var err error
			if out[k], err = convert(x); err != nil {
				return nil, err
			}
		}
		return out, nil
	}
	return nil, fmt.Errorf("unsupported result value %T", v)
}

// SQLError is an error DuckDB reported for the SQL text, placed in the
// text as it was given (before the integer-cast rewrite).
type SQLError struct {
	// Line and Col are 1-based, the column counted in characters; both are
	// 0 when DuckDB gave no position.
	Line, Col int
	// Kind is DuckDB's error class: Parser, Binder, Catalog, Conversion,
	// Invalid Input, ...
	Kind string
	// Msg is DuckDB's message.
	Msg string
}

// Error prints "line:col: kind error: message".
func (e *SQLError) Error() string {
	where := ""
	if e.Line > 0 {
		where = fmt.Sprintf("%d:%d: ", e.Line, e.Col)
	}
	return fmt.Sprintf("%s%s error: %s", where, strings.ToLower(e.Kind), e.Msg)
}

// sqlError turns a DuckDB error into a *SQLError. With errors_as_json the
// message is a JSON object whose "position" is a byte offset into the SQL
// DuckDB ran; pos maps it back to the SQL as given.
func sqlError(query string, pos positionMap, err error) error {
	var de *duckdb.Error
	if !errors.As(err, &de) {
		return fmt.Errorf("athenaengine: %w", err)
	}
	msg := de.Msg
	var fields struct {
		Type     string `json:"exception_type"`
		Message  string `json:"exception_message"`
		Position string `json:"position"`
	}
	if i := strings.IndexByte(msg, '{'); i < 0 || json.Unmarshal([]byte(msg[i:]), &fields) != nil {
		return &SQLError{Kind: "duckdb", Msg: msg}
	}
	e := &SQLError{Kind: fields.Type, Msg: fields.Message}
	if off, err := strconv.Atoi(fields.Position); err == nil {
		e.Line, e.Col = lineCol(query, pos.original(off))
	}
	return e
}
