package athenaengine

import (
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ruleport/ruleport/reference/athenaengine/trinogrammar"
	"github.com/ruleport/ruleport/reference/logs"
)

// The layer's casts of JSON to ARRAY(JSON) and MAP(VARCHAR, JSON), maps,
// transform and sequence, which the SQL of mv-expand and bag_pack uses.
// Each expected value is a Trino docs example (trino.io/docs/current/
// functions/{json,map,array}.html, read from trinodb/trino
// docs/src/main/sphinx/functions/*.md) unless its comment says how it
// was worked out. JSON results are compared through json_format, whose
// text json.md defines.
var compatExpandCases = []compatCase{
	// json.md, "Cast from JSON": partial casting of arrays and maps.
	{"doc cast to array(json)", `transform(CAST(JSON '[[1, 23], 456]' AS ARRAY(JSON)), x -> json_format(x))`,
		[]any{"[1,23]", "456"}, ""},
	{"doc json null element", `json_format(element_at(CAST(JSON '[null]' AS ARRAY(JSON)), 1))`, "null", ""},
	{"doc cast to map(varchar, json)", `json_format(CAST(CAST(JSON '{"k1": [1, 23], "k2": 456}' AS MAP(VARCHAR, JSON)) AS JSON))`,
		`{"k1":[1,23],"k2":456}`, ""},
	// A JSON value of another shape does not cast ("Casting to ARRAY and
	// MAP is supported when ..."), and TRY_CAST gives NULL where a cast
	// fails (conversion.md, try_cast); JSON null casts to NULL (json.md:
	// CAST(JSON 'null' AS VARCHAR) is NULL, and so for the other types).
	{"object to array is null", `TRY_CAST(json_parse('{"a":1}') AS ARRAY(JSON)) IS NULL`, true, ""},
	{"string to array is null", `TRY_CAST(json_parse('"[1]"') AS ARRAY(JSON)) IS NULL`, true, ""},
	{"array to map is null", `TRY_CAST(json_parse('[1]') AS MAP(VARCHAR, JSON)) IS NULL`, true, ""},
	{"number to map is null", `TRY_CAST(json_parse('4') AS MAP(VARCHAR, JSON)) IS NULL`, true, ""},
	{"json null to array is null", `TRY_CAST(json_parse('null') AS ARRAY(JSON)) IS NULL`, true, ""},
	{"empty array", `cardinality(CAST(json_parse('[]') AS ARRAY(JSON)))`, int64(0), ""},
	// json_extract returns JSON text as varchar here; the cast reads it as
	// JSON, not with DuckDB's own list syntax (a comma inside a string).
	{"extracted array", `transform(CAST(json_extract('{"a":[{"x":1},"q,r"]}', '$.a') AS ARRAY(JSON)), x -> json_format(x))`,
		[]any{`{"x":1}`, `"q,r"`}, ""},
	// map.md examples.
	{"doc map", `json_format(CAST(MAP(ARRAY['key1', 'key2', 'key3' ], ARRAY[2373, 3463, 45837]) AS JSON))`,
		`{"key1":2373,"key2":3463,"key3":45837}`, ""},
	{"doc map nulls", `json_format(CAST(MAP(ARRAY['key1', 'key2', 'key3' ], ARRAY['v1', NULL, 'v3']) AS JSON))`,
		`{"key1":"v1","key2":null,"key3":"v3"}`, ""},
	{"doc map_entries", `transform(map_entries(MAP(ARRAY['a', 'b'], ARRAY['x', 'y'])), e -> json_format(CAST(map_from_entries(ARRAY[e]) AS JSON)))`,
		[]any{`{"a":"x"}`, `{"b":"y"}`}, ""},
	// json.md, "Cast to JSON": CAST(MAP(ARRAY['k1', 'k2', 'k3'], ARRAY[1,
	// 23, 456]) AS JSON) is JSON '{"k1":1,"k2":23,"k3":456}'.
	{"doc cast map to json", `json_format(CAST(MAP(ARRAY['k1', 'k2', 'k3'], ARRAY[1, 23, 456]) AS JSON))`,
		`{"k1":1,"k2":23,"k3":456}`, ""},
	// array.md, transform examples.
	{"doc transform empty", `cardinality(transform(ARRAY[], x -> x + 1))`, int64(0), ""},
	{"doc transform", `transform(ARRAY[5, 6], x -> x + 1)`, []any{int64(6), int64(7)}, ""},
	{"doc transform null", `transform(ARRAY[5, NULL, 6], x -> coalesce(x, 0) + 1)`, []any{int64(6), int64(1), int64(7)}, ""},
	{"doc transform strings", `transform(ARRAY['x', 'abc', 'z'], x -> x || '0')`, []any{"x0", "abc0", "z0"}, ""},
	// array.md: sequence "incrementing by 1 if start is less than or
	// equal to stop, otherwise -1".
	{"sequence up", `sequence(1, 5)`, []any{int64(1), int64(2), int64(3), int64(4), int64(5)}, ""},
	{"sequence down", `sequence(1, 0)`, []any{int64(1), int64(0)}, ""},
	{"sequence one", `sequence(1, 1)`, []any{int64(1)}, ""},
	// format_datetime (Joda) of a time converted to UTC: S repeated
	// prints that many digits of the fraction (milliseconds, then zeros).
	{"datetime in utc, seven digits", `format_datetime(from_iso8601_timestamp('2020-01-01T01:02:03.456+02:00') AT TIME ZONE 'UTC', 'yyyy-MM-dd''T''HH:mm:ss.SSSSSSS''Z''')`,
		"2019-12-31T23:02:03.4560000Z", ""},
}

func TestCompatExpand(t *testing.T) { runCompat(t, Options{}, compatExpandCases) }

// TestCompatUnnest runs select.md's UNNEST examples as statements.
func TestCompatUnnest(t *testing.T) {
	tests := []struct {
		name, sql string
		want      [][]any
		wantErr   string
	}{
		// select.md, "UNNEST ... WITH ORDINALITY": 1-based positions.
		{"doc with ordinality", `SELECT n, a FROM (VALUES (ARRAY[2, 5]), (ARRAY[7, 8, 9])) AS x (numbers)
			CROSS JOIN UNNEST(numbers) WITH ORDINALITY AS t (n, a)`,
			[][]any{{int64(2), int64(1)}, {int64(5), int64(2)}, {int64(7), int64(1)}, {int64(8), int64(2)}, {int64(9), int64(3)}}, ""},
		// Worked out from select.md: an empty or NULL array gives no row
		// in a CROSS JOIN (the LEFT JOIN example keeps Dave and Levi only
		// because it is a left join).
		{"empty and null arrays", `SELECT r, c FROM (VALUES ('Joe', ARRAY[10, 20]), ('Dave', ARRAY[]), ('Levi', NULL)) AS m (r, cs)
			CROSS JOIN UNNEST(cs) AS t (c)`,
			[][]any{{"Joe", int64(10)}, {"Joe", int64(20)}}, ""},
		// select.md's multi-argument example: Trino pads the shorter array
		// with nulls; DuckDB's UNNEST takes one argument. A known gap the
		// emitter avoids (convert/athena expands several items with
		// sequence and element_at).
		{"multi-argument unnest is a gap", `SELECT n, a FROM (VALUES (ARRAY[2, 5], ARRAY['dog', 'cat', 'bird'])) AS x (numbers, animals)
			CROSS JOIN UNNEST(numbers, animals) AS t (n, a)`, nil, "unnest"},
	}
	e := newTestEngine(t, Options{})
	var sqls []string
	for _, tc := range tests {
		sqls = append(sqls, tc.sql)
		t.Run(tc.name, func(t *testing.T) {
			tab, err := e.Run(context.Background(), tc.sql, &logs.SliceSource{})
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error = %v, want one containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tc.want, tab.Rows); d != "" {
				t.Errorf("(-want +got):\n%s", d)
			}
		})
	}
	errs, err := trinogrammar.CheckAll(context.Background(), sqls)
	if err != nil {
		t.Fatal(err)
	}
	for i, err := range errs {
		if err != nil {
			t.Errorf("not Trino SQL: %s\n%v", sqls[i], err)
		}
	}
}
