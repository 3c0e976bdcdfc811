package athenaengine

// Data in and out of DuckDB: the cloudtrail_logs table's types (load.go
// fills it), and query results read into an alerts.Table.

import (
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
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

// duckType is the DuckDB type of a column of logs.AthenaColumns.
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
