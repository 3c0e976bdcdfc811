package athenaengine

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// The Trino compatibility layer: session settings and macros that make
// DuckDB evaluate Trino SQL text as Athena (engine version 3, Trino) would.
// A macro under a Trino name overrides DuckDB's builtin of that name, and
// can still call the builtin as system.main.<name>. Each entry says what
// differs and why the definition fixes it; compat_test.go runs Trino's
// documented examples through all of them. Differences this layer does
// not repair are listed in the package documentation.
//
// References: trino.io/docs/current/functions/{datetime,json,string,array,
// math,conversion,regexp}.html, read from trinodb/trino
// docs/src/main/sphinx/functions/*.md.

// settings make the session behave like Athena's.
var settings = []string{
	// Trino divides integers as integers, truncating toward zero
	// (7 / 2 = 3, -7 / 2 = -3); DuckDB's "/" is float division.
	"SET integer_division = true",
	// Athena evaluates in UTC; timestamptz arithmetic, date_trunc and
	// formatting use the session zone.
	"SET TimeZone = 'UTC'",
	// Error positions (byte offsets) come back as JSON fields instead of
	// a caret drawing.
	"SET errors_as_json = true",
}

// macros are the layer's functions, one statement each.
var macros = []string{
	// An interval of n units, Trino's unit names (datetime.md "Interval
	// functions"); an unknown unit fails like Trino's "is not a valid unit".
	`CREATE OR REPLACE MACRO __trino_interval(unit, n) AS CASE lower(unit)
		WHEN 'millisecond' THEN to_milliseconds(n) WHEN 'second' THEN to_seconds(n)
		WHEN 'minute' THEN to_minutes(n) WHEN 'hour' THEN to_hours(n) WHEN 'day' THEN to_days(n)
		WHEN 'week' THEN to_weeks(n) WHEN 'month' THEN to_months(n) WHEN 'quarter' THEN to_months(3 * n)
		WHEN 'year' THEN to_years(n) ELSE CAST('date_add: not a valid unit: ' || unit AS INTERVAL) END`,

	// date_diff(unit, t1, t2): Trino returns t2 - t1 in whole elapsed units
	// (date_diff('hour', 00:30, 08:29) = 7); DuckDB's date_diff counts unit
	// boundaries crossed (8). DuckDB's date_sub counts whole elapsed units,
	// with the same argument order and units.
	`CREATE OR REPLACE MACRO date_diff(unit, t1, t2) AS date_sub(unit, t1, t2)`,

	// date_trunc(unit, x) returns "[same as input]" in Trino; DuckDB turns a
	// DATE into a TIMESTAMP.
	`CREATE OR REPLACE MACRO date_trunc(unit VARCHAR, x DATE) AS CAST(system.main.date_trunc(unit, x) AS DATE),
		(unit VARCHAR, x TIMESTAMP) AS system.main.date_trunc(unit, x),
		(unit VARCHAR, x TIMESTAMPTZ) AS system.main.date_trunc(unit, x)`,

	// date_add(unit, value, timestamp): Trino's three-argument form, same
	// type out as in; DuckDB's date_add takes (timestamp, interval).
	`CREATE OR REPLACE MACRO date_add(unit VARCHAR, n BIGINT, x DATE) AS CAST(x + __trino_interval(unit, n) AS DATE),
		(unit VARCHAR, n BIGINT, x TIMESTAMP) AS x + __trino_interval(unit, n),
		(unit VARCHAR, n BIGINT, x TIMESTAMPTZ) AS x + __trino_interval(unit, n)`,

	// element_at(array, index): 1-based, negative counts from the end, NULL
	// past either end; index 0 is an error in Trino ("SQL array indices
	// start at 1"), NULL in DuckDB's list_extract. The failing cast stands
	// in for an error because DuckDB's error() is volatile, and TRY refuses
	// volatile functions; a cast failure is caught by TRY like Trino's error.
	`CREATE OR REPLACE MACRO element_at(arr, idx) AS list_extract(arr, CASE WHEN idx = 0
		THEN CAST('element_at: SQL array indices start at 1' AS BIGINT) ELSE idx END)`,

	// split_part(string, delimiter, index): 1-based; NULL past the last
	// field, where DuckDB returns ''; index <= 0 is an error in Trino
	// ("Index must be greater than zero"); DuckDB counts from the end.
	`CREATE OR REPLACE MACRO split_part(s, delim, idx) AS list_extract(string_split(s, delim), CASE WHEN idx <= 0
		THEN CAST('split_part: Index must be greater than zero' AS BIGINT) ELSE idx END)`,

	// cardinality(array): DuckDB's cardinality takes only maps.
	`CREATE OR REPLACE MACRO cardinality(arr) AS len(arr)`,

	// regexp_like(string, pattern): true when the pattern matches anywhere,
	// as DuckDB's regexp_matches. Both are RE2-like for the common subset;
	// Trino's Java-syntax extras (lookaround, backreferences) fail here.
	`CREATE OR REPLACE MACRO regexp_like(s, pattern) AS regexp_matches(s, pattern)`,

	// regexp_extract(string, pattern[, group]): the first match, NULL when
	// there is none (regexp.md); DuckDB returns ''.
	`CREATE OR REPLACE MACRO regexp_extract(s, pattern) AS
			CASE WHEN regexp_matches(s, pattern) THEN system.main.regexp_extract(s, pattern) END,
		(s, pattern, grp) AS
			CASE WHEN regexp_matches(s, pattern) THEN system.main.regexp_extract(s, pattern, grp) END`,

	// regexp_replace(string, pattern[, replacement]): every match replaced,
	// $g naming a group (Java's syntax); DuckDB replaces the first match
	// only unless told 'g', and writes groups as \g. The Go function
	// translates the replacement (udf.go).
	`CREATE OR REPLACE MACRO regexp_replace(s, pattern) AS system.main.regexp_replace(s, pattern, '', 'g'),
		(s, pattern, replacement) AS
			system.main.regexp_replace(s, pattern, __trino_java_replacement(replacement), 'g')`,

	// regexp_count(string, pattern): the number of matches.
	`CREATE OR REPLACE MACRO regexp_count(s, pattern) AS len(regexp_extract_all(s, pattern))`,

	// regexp_split(string, pattern): DuckDB's regexp_split_to_array, which
	// also keeps trailing empty strings.
	`CREATE OR REPLACE MACRO regexp_split(s, pattern) AS regexp_split_to_array(s, pattern)`,

	// json_parse(string): the value, canonical as Trino writes it back (the
	// last of duplicate keys, keys sorted, numbers as Java writes them;
	// jsonparse.go); invalid text is an error, NULL under TRY. DuckDB's
	// json_extract(s, '$') validates but keeps duplicate keys, which the
	// extractor then reads first-match. The result is the canonical text
	// as JSON, typed JSON by the Go function itself (chunkudf.go's
	// jsonWriter says why not by a cast). (DuckDB's own json(x) is a macro
	// over json_extract by name, so after the override below it would mean
	// Trino's json_extract; Trino has no json() for SQL to call.)
	`CREATE OR REPLACE MACRO json_parse(s) AS __trino_json_parse(CAST(s AS VARCHAR))`,

	// The operand of a rewritten cast to JSON (rewrite.go): the JSON value
	// of x as Trino's CAST(x AS JSON) makes it, a varchar as a JSON string.
	`CREATE OR REPLACE MACRO __trino_json_arg(x) AS to_json(x)`,

	// The operand of a rewritten cast to ARRAY(JSON) or MAP(VARCHAR, JSON)
	// (rewrite.go, 4): a JSON value; JSON text held as VARCHAR (the
	// extractors' results) is read as JSON, not with DuckDB's list syntax.
	`CREATE OR REPLACE MACRO __trino_json_doc(x) AS CAST(x AS JSON)`,

	// The result of a rewritten cast to ARRAY(JSON): Trino keeps a JSON
	// null element as JSON 'null' (json.md: CAST(JSON '[null]' AS
	// ARRAY(JSON)) is [JSON 'null']); DuckDB makes it SQL NULL, which only
	// a JSON null can have been.
	`CREATE OR REPLACE MACRO __trino_json_nulls(arr) AS list_transform(arr, el -> COALESCE(el, CAST('null' AS JSON)))`,

	// The same for the values of a rewritten cast to MAP(VARCHAR, JSON).
	`CREATE OR REPLACE MACRO __trino_json_map_nulls(m) AS CASE WHEN m IS NOT NULL THEN map_from_entries(list_transform(map_entries(m),
		en -> {'key': en.key, 'value': COALESCE(en.value, CAST('null' AS JSON))})) END`,

	// sequence(start, stop): the integers from start to stop, counting
	// down when stop is below start (array.md); DuckDB's generate_series
	// counts up only unless given a step.
	`CREATE OR REPLACE MACRO sequence(start, stop) AS CASE WHEN start <= stop
		THEN generate_series(start, stop) ELSE generate_series(start, stop, -1) END`,

	// json_format(json): the JSON text of a JSON value.
	`CREATE OR REPLACE MACRO json_format(j) AS CAST(j AS VARCHAR)`,

	// json_extract_scalar / json_extract: Trino's streaming extractor, in Go
	// (jsonpath.go). DuckDB's versions reject invalid documents and use a
	// different path dialect.
	`CREATE OR REPLACE MACRO json_extract_scalar(doc, path) AS __trino_json_extract_scalar(CAST(doc AS VARCHAR), path)`,
	`CREATE OR REPLACE MACRO json_extract(doc, path) AS __trino_json_extract(CAST(doc AS VARCHAR), path)`,

	// from_iso8601_timestamp(string): ISO 8601 with Joda's grammar, no
	// zone meaning the session zone (UTC), millisecond precision
	// (datetime.go). DuckDB has no such function, and its cast accepts
	// forms Trino rejects ("2024-12-16 18:41:07").
	`CREATE OR REPLACE MACRO from_iso8601_timestamp(s) AS __trino_from_iso8601_timestamp(s)`,

	// from_unixtime(seconds): timestamp(3) with time zone; Trino rounds to
	// the millisecond with Math.round (floor(x + 0.5)).
	`CREATE OR REPLACE MACRO from_unixtime(secs) AS
		CAST(epoch_ms(CAST(floor(CAST(secs AS DOUBLE) * 1000 + 0.5) AS BIGINT)) AS TIMESTAMPTZ)`,

	// to_unixtime(timestamp): seconds since the epoch as a double.
	`CREATE OR REPLACE MACRO to_unixtime(ts) AS epoch(ts)`,

	// truncate(x): x with its fraction dropped, toward zero; DuckDB calls
	// it trunc.
	`CREATE OR REPLACE MACRO truncate(x) AS trunc(x)`,

	// date_format(timestamp, format) and format_datetime(timestamp, format):
	// MySQL and Joda patterns, in Go (datetime.go); DuckDB's strftime uses
	// other specifiers.
	`CREATE OR REPLACE MACRO date_format(ts, fmt) AS __trino_date_format(ts, fmt)`,
	`CREATE OR REPLACE MACRO format_datetime(ts, fmt) AS __trino_format_datetime(ts, fmt)`,

	// current_timestamp(p): Trino accepts a precision; DuckDB only the bare
	// keyword. The precision changes nothing ruleport compares.
	`CREATE OR REPLACE MACRO current_timestamp(p) AS get_current_timestamp()`,

	// The operand of a rewritten integer cast (rewrite.go): a varchar passes
	// only as a Java integer literal, otherwise it becomes text no cast
	// accepts; a double is rounded half away from zero (Trino's
	// MathFunctions.round: -(Math.round(-x)) for negatives, Math.round(x) =
	// floor(x + 0.5) otherwise); integers, booleans and NULL pass through.
	`CREATE OR REPLACE MACRO __trino_int_arg(x VARCHAR) AS
			CASE WHEN regexp_full_match(x, '[+-]?[0-9]+') THEN x ELSE 'not an integer: ' || x END,
		(x DOUBLE) AS CASE WHEN x < 0 THEN -floor(-x + 0.5) ELSE floor(x + 0.5) END,
		(x BIGINT) AS x,
		(x HUGEINT) AS x,
		(x BOOLEAN) AS x`,
}

// install sets up a fresh connection: settings, Go functions, macros, and
// the pinned clock when now is set.
func install(ctx context.Context, conn *sql.Conn, now time.Time) error {
	if err := registerGoFuncs(conn); err != nil {
		return err
	}
	stmts := append(append([]string{}, settings...), macros...)
	if !now.IsZero() {
		// current_timestamp and now() read get_current_timestamp(); a macro
		// of that name pins them for tests (shared/SEMANTICS.md §4).
		ts := now.UTC().Format("2006-01-02 15:04:05.999999") + "+00"
		stmts = append(stmts,
			fmt.Sprintf(`CREATE OR REPLACE MACRO get_current_timestamp() AS TIMESTAMPTZ '%s'`, ts),
			`CREATE OR REPLACE MACRO now() AS get_current_timestamp()`)
	}
	for _, s := range stmts {
		if _, err := conn.ExecContext(ctx, s); err != nil {
			return fmt.Errorf("athenaengine: install %.60q: %w", s, err)
		}
	}
	return nil
}
