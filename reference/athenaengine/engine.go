// Package athenaengine runs Athena SQL text, as convert/athena emits it,
// over CloudTrail records: it loads the records into an embedded DuckDB as
// the table cloudtrail_logs (the Athena guide's DDL, through
// logs.ToAthena), installs a Trino compatibility layer, and runs the text.
// It never sees the emitter's structures, only its text, as Athena would.
//
// The layer (compat.go, udf.go) defines Trino's functions where DuckDB's
// differ: date_diff, date_trunc on dates, element_at, split_part,
// date_add, cardinality, regexp_like, regexp_extract, regexp_replace,
// regexp_count, regexp_split, json_parse, json_format, json_extract_scalar,
// json_extract, from_iso8601_timestamp, from_unixtime, to_unixtime,
// truncate, date_format, format_datetime, current_timestamp(p), sequence.
// Integer division is Trino's. The rest are rewrites of the text
// (rewrite.go): timestamp literals with a zone; CAST and TRY_CAST to
// integer types, to JSON, and to ARRAY(JSON) and MAP(VARCHAR, JSON)
// (DuckDB's JSON[], with JSON null elements kept as JSON 'null'); and
// transform, DuckDB's list_transform. UNNEST ... WITH ORDINALITY,
// map_entries, map_from_entries, MAP(keys, values), greatest and lambdas
// (x -> ...) are DuckDB's own and agree with Trino's documented examples
// (compat_expand_test.go). Functions DuckDB already shares with Trino
// (lower, strpos, split, coalesce, try, try_cast, sum, min, max) are left as
// they are; compat_test.go pins them against Trino's documented examples
// too.
//
// Known differences the layer does not repair (each pinned by a test that
// shows DuckDB's answer):
//   - Division by zero yields NULL; Trino fails the query for integers and
//     decimals and returns Infinity or NaN for doubles.
//   - CAST of a double to varchar prints DuckDB's spelling (1e+20, 0.0001)
//     where Trino prints Java's (1.0E20, 1.0E-4).
//   - CAST of varchar to double accepts what DuckDB accepts; Java's
//     Double.parseDouble also takes "1.5d" and hexadecimal floats.
//   - Regular expressions are RE2; Trino's Java-style lookaround and
//     backreferences fail. regexp_replace reads $0 to $9, not $10 or
//     ${name}.
//   - split with a limit and strpos with an instance argument are not
//     defined and fail to bind.
//   - Maps: element_at and cardinality take arrays only.
//   - A timestamp literal whose offset follows a space
//     (TIMESTAMP '2026-03-02 01:00:00 -02:30') fails in DuckDB; without the
//     space, or with a region name, it works.
//   - An array subscript past the end (arr[5]) is NULL; Trino fails.
//   - An unaliased expression column is named after its text; Trino names
//     it _col0, _col1, ... Emitted SQL aliases every output column.
//   - UNNEST takes one array: Trino's UNNEST(a, b), which pads the shorter
//     with nulls, fails to bind. The emitted SQL expands several values
//     with sequence and element_at instead.
package athenaengine

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/duckdb/duckdb-go/v2"

	"github.com/ruleport/ruleport/reference/alerts"
	"github.com/ruleport/ruleport/reference/logs"
)

// Options configure an Engine.
type Options struct {
	// Now pins current_timestamp and now() to an instant, so that a query
	// whose window is relative to the clock gives the same answer every
	// run (shared/SEMANTICS.md §4). The zero value uses the clock.
	Now time.Time
}

// Engine is an embedded DuckDB database with the compatibility layer
// installed. It is not safe for concurrent use: each Run replaces the
// table.
type Engine struct {
	db   *sql.DB
	conn *sql.Conn
	// dir holds the file of rows and DuckDB's spill files (store.go).
	dir string
	// warnings of the current run (Warnings), warnCount all of them.
	warnings  []string
	warnCount int
}

// New opens a database with no extension downloads
// (autoinstall_known_extensions=false; json and icu, which the layer uses,
// are linked into the driver), its file of rows and spill files in a temporary directory
// of its own (store.go), and installs the layer. Close removes the
// directory; so does New when it fails.
func New(ctx context.Context, opts Options) (*Engine, error) {
	dir, err := newTempDir()
	if err != nil {
		return nil, err
	}
	connector, err := duckdb.NewConnector("?autoinstall_known_extensions=false&autoload_known_extensions=false", nil)
	if err != nil {
		return nil, errors.Join(fmt.Errorf("athenaengine: open duckdb: %w", err), os.RemoveAll(dir))
	}
	db := sql.OpenDB(connector)
	conn, err := db.Conn(ctx)
	if err != nil {
		return nil, errors.Join(fmt.Errorf("athenaengine: open duckdb: %w", err), db.Close(), os.RemoveAll(dir))
	}
	e := &Engine{db: db, conn: conn, dir: dir}
	if err := openStore(ctx, conn, dir); err != nil {
		return nil, errors.Join(err, e.Close())
	}
	if err := install(ctx, conn, opts.Now); err != nil {
		return nil, errors.Join(err, e.Close())
	}
	return e, nil
}

// Close releases the database and removes its temporary directory.
func (e *Engine) Close() error {
	return errors.Join(e.conn.Close(), e.db.Close(), os.RemoveAll(e.dir))
}

// Run loads every record of src into cloudtrail_logs, runs the SQL text and
// returns its result: columns in the query's order, rows sorted
// (alerts.Table.Sort). VARCHAR gives string, integer types int64, DOUBLE
// and REAL float64, DECIMAL float64, BOOLEAN bool, TIMESTAMP and
// TIMESTAMP WITH TIME ZONE time.Time in UTC, intervals time.Duration,
// arrays and rows []any and map[string]any, NULL nil. An error in the
// SQL comes back as a *SQLError with the line and column DuckDB points at,
// when it points at one.
func (e *Engine) Run(ctx context.Context, query string, src logs.Source) (alerts.Table, error) {
	e.warnings, e.warnCount = nil, 0
	if err := e.load(ctx, src); err != nil {
		return alerts.Table{}, err
	}
	rewritten, pos := rewrite(query)
	rows, err := e.conn.QueryContext(ctx, rewritten)
	if err != nil {
		return alerts.Table{}, sqlError(query, pos, err)
	}
	defer rows.Close()
	t, err := readTable(rows)
	if err != nil {
		return alerts.Table{}, sqlError(query, pos, err)
	}
	t.Sort()
	return t, nil
}

// Run runs query over src in a new Engine with default Options.
func Run(ctx context.Context, query string, src logs.Source) (alerts.Table, error) {
	e, err := New(ctx, Options{})
	if err != nil {
		return alerts.Table{}, err
	}
	defer e.Close()
	return e.Run(ctx, query, src)
}
