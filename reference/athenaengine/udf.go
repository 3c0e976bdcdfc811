package athenaengine

import (
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"strings"
	"sync"
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

// goFuncs are the Go functions of the layer.
var goFuncs = []goFunc{
	{"__trino_json_extract_scalar", []duckdb.Type{duckdb.TYPE_VARCHAR, duckdb.TYPE_VARCHAR}, duckdb.TYPE_VARCHAR,
		jsonFunc(extractScalar)},
	{"__trino_json_extract", []duckdb.Type{duckdb.TYPE_VARCHAR, duckdb.TYPE_VARCHAR}, duckdb.TYPE_VARCHAR,
		jsonFunc(extractJSON)},
	{"__trino_json_parse", []duckdb.Type{duckdb.TYPE_VARCHAR}, duckdb.TYPE_VARCHAR,
		func(args []driver.Value) (any, error) { return jsonParse(args[0].(string)) }},
	{"__trino_from_iso8601_timestamp", []duckdb.Type{duckdb.TYPE_VARCHAR}, duckdb.TYPE_TIMESTAMP_TZ,
		func(args []driver.Value) (any, error) {
			t, err := parseISO8601(args[0].(string))
			if err != nil {
				return nil, err
			}
			return t, nil
		}},
	{"__trino_java_replacement", []duckdb.Type{duckdb.TYPE_VARCHAR}, duckdb.TYPE_VARCHAR,
		func(args []driver.Value) (any, error) { return javaReplacement(args[0].(string)) }},
	{"__trino_date_format", []duckdb.Type{duckdb.TYPE_TIMESTAMP_TZ, duckdb.TYPE_VARCHAR}, duckdb.TYPE_VARCHAR,
		timeFormatFunc(mysqlFormat)},
	{"__trino_format_datetime", []duckdb.Type{duckdb.TYPE_TIMESTAMP_TZ, duckdb.TYPE_VARCHAR}, duckdb.TYPE_VARCHAR,
		timeFormatFunc(jodaFormat)},
}

// paths caches parsed JSON paths: a query passes the same constant path
// for every row, and DuckDB may call from several threads.
var paths sync.Map

func jsonFunc(extract func(string, jsonPath) (string, bool)) func([]driver.Value) (any, error) {
	return func(args []driver.Value) (any, error) {
		doc, path := args[0].(string), args[1].(string)
		p, ok := paths.Load(path)
		if !ok {
			parsed, err := parseJSONPath(path)
			if err != nil {
				return nil, err
			}
			p, _ = paths.LoadOrStore(path, parsed)
		}
		if v, ok := extract(doc, p.(jsonPath)); ok {
			return v, nil
		}
		return nil, nil
	}
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
