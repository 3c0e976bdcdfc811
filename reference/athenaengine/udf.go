package athenaengine

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/duckdb/duckdb-go/v2"
)

// goFunc is a scalar function written in Go and registered with DuckDB.
// The compatibility layer uses one where Trino's behaviour cannot be had
// from DuckDB's functions (see jsonpath.go, datetime.go); a macro under the
// Trino name calls it, so the Go name never appears in emitted SQL.
type goFunc struct {
	name string
	in   []duckdb.Type
	out  duckdb.Type
	fn   func(args []driver.Value) (any, error)
}

// Config declares the types; NULL in gives NULL out, as in Trino for every
// function here.
func (f goFunc) Config() duckdb.ScalarFuncConfig {
	cfg := duckdb.ScalarFuncConfig{}
	for _, t := range f.in {
		cfg.InputTypeInfos = append(cfg.InputTypeInfos, mustTypeInfo(t))
	}
	cfg.ResultTypeInfo = mustTypeInfo(f.out)
	return cfg
}

// Executor runs f row by row.
func (f goFunc) Executor() duckdb.ScalarFuncExecutor {
	return duckdb.ScalarFuncExecutor{RowExecutor: f.fn}
}

func mustTypeInfo(t duckdb.Type) duckdb.TypeInfo {
	info, err := duckdb.NewTypeInfo(t)
	if err != nil {
		panic(fmt.Sprintf("athenaengine: type %v: %v", t, err)) // a programming error, caught by every test
	}
	return info
}

// goFuncs are the layer's row-at-a-time Go functions: those whose result
// is not text. The text functions are strFuncs (chunkudf.go).
var goFuncs = []goFunc{
	{"__trino_from_iso8601_timestamp", []duckdb.Type{duckdb.TYPE_VARCHAR}, duckdb.TYPE_TIMESTAMP_TZ,
		func(args []driver.Value) (any, error) {
			t, err := parseISO8601(args[0].(string))
			if err != nil {
				return nil, err
			}
			return t, nil
		}},
	{"__trino_date_format", []duckdb.Type{duckdb.TYPE_TIMESTAMP_TZ, duckdb.TYPE_VARCHAR}, duckdb.TYPE_VARCHAR,
		timeFormatFunc(mysqlFormat)},
	{"__trino_format_datetime", []duckdb.Type{duckdb.TYPE_TIMESTAMP_TZ, duckdb.TYPE_VARCHAR}, duckdb.TYPE_VARCHAR,
		timeFormatFunc(jodaFormat)},
}

// strFuncs returns the layer's text functions, with a json_parse cache of
// their own for one connection; jsonType is DuckDB's JSON type.
func strFuncs(jsonType duckdb.TypeInfo) []*strFunc {
	return []*strFunc{
		jsonExtractFunc("__trino_json_extract_scalar", extractScalar),
		jsonExtractFunc("__trino_json_extract", extractJSON),
		jsonParseFunc(&parseCache{}, jsonType),
		{name: "__trino_java_replacement", nargs: 1, fn: func(args []string, dst []byte) ([]byte, bool, error) {
			r, err := javaReplacement(args[0])
			return append(dst, r...), false, err
		}},
	}
}

// jsonTypeInfo returns DuckDB's JSON type. duckdb-go makes a TypeInfo
// with an alias only from a type DuckDB reports, so it is read from a
// prepared statement's result column.
func jsonTypeInfo(conn *sql.Conn) (duckdb.TypeInfo, error) {
	var info duckdb.TypeInfo
	err := conn.Raw(func(dc any) error {
		stmt, err := dc.(driver.ConnPrepareContext).PrepareContext(context.Background(), "SELECT CAST(NULL AS JSON)")
		if err != nil {
			return err
		}
		defer stmt.Close()
		info, err = stmt.(*duckdb.Stmt).ColumnTypeInfo(0)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("athenaengine: JSON type: %w", err)
	}
	return info, nil
}

func timeFormatFunc(format func(time.Time, string) (string, error)) func([]driver.Value) (any, error) {
	return func(args []driver.Value) (any, error) {
		return format(args[0].(time.Time), args[1].(string))
	}
}

// registerGoFuncs registers every Go function on conn.
func registerGoFuncs(conn *sql.Conn) error {
	for _, f := range goFuncs {
		if err := duckdb.RegisterScalarUDF(conn, f.name, f); err != nil {
			return fmt.Errorf("athenaengine: register %s: %w", f.name, err)
		}
	}
	jsonType, err := jsonTypeInfo(conn)
	if err != nil {
		return err
	}
	for _, f := range strFuncs(jsonType) {
		if err := duckdb.RegisterScalarUDF(conn, f.name, f); err != nil {
			return fmt.Errorf("athenaengine: register %s: %w", f.name, err)
		}
	}
	return nil
}

// javaReplacement turns the replacement string of Trino's regexp_replace,
// which follows java.util.regex.Matcher.appendReplacement ($g for group g,
// \x for a literal x), into RE2's rewrite syntax, which DuckDB's
// regexp_replace uses (\g for group g, \\ for a backslash, everything else
// literal). Not matched: Java reads as many digits after $ as still name a
// group ($12 is group 12 when the pattern has twelve); here one digit is
// read, so $12 is group 1 then "2". ${name} is refused: RE2 rewrites have no
// named groups.
func javaReplacement(r string) (string, error) {
	var b strings.Builder
	for i := 0; i < len(r); i++ {
		switch c := r[i]; c {
		case '\\':
			if i+1 == len(r) {
				return "", errors.New("regexp_replace: character to be escaped is missing")
			}
			i++
			if r[i] == '\\' {
				b.WriteString(`\\`)
			} else {
				b.WriteByte(r[i])
			}
		case '$':
			if i+1 == len(r) || r[i+1] < '0' || r[i+1] > '9' {
				return "", errors.New("regexp_replace: illegal group reference (ruleport supports $0 to $9)")
			}
			i++
			b.WriteByte('\\')
			b.WriteByte(r[i])
		default:
			b.WriteByte(c)
		}
	}
	return b.String(), nil
}
