package athenaengine

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestRewrite pins exactly what text the layer changes; every expected
// string is the input with the insertions rewrite.go's comment describes.
func TestRewrite(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"cast to integer", `SELECT CAST(x AS integer)`, `SELECT CAST(__trino_int_arg(x) AS integer)`},
		{"try_cast to bigint, any case", `select Try_Cast( y  as BIGINT )`, `select Try_Cast(__trino_int_arg( y)  as BIGINT )`},
		{"nested casts", `CAST(CAST(s AS int) AS bigint)`, `CAST(__trino_int_arg(CAST(__trino_int_arg(s) AS int)) AS bigint)`},
		{"operand with parentheses and AS inside", `CAST((SELECT a AS b FROM t) AS smallint)`,
			`CAST(__trino_int_arg((SELECT a AS b FROM t)) AS smallint)`},
		{"operand with subscript", `CAST(a[1] AS tinyint)`, `CAST(__trino_int_arg(a[1]) AS tinyint)`},
		{"other targets untouched", `CAST(x AS double), CAST(x AS varchar), CAST(x AS decimal(10,2)), CAST(x AS array(integer))`,
			`CAST(x AS double), CAST(x AS varchar), CAST(x AS decimal(10,2)), CAST(x AS array(integer))`},
		{"cast inside a string untouched", `SELECT 'CAST(x AS integer)'`, `SELECT 'CAST(x AS integer)'`},
		{"cast in a comment untouched", "SELECT 1 -- CAST(x AS integer)\n", "SELECT 1 -- CAST(x AS integer)\n"},
		{"cast in a block comment untouched", `SELECT /* CAST(x AS int) */ 1`, `SELECT /* CAST(x AS int) */ 1`},
		{"quoted identifier named cast", `SELECT "cast"(x AS int)`, `SELECT "cast"(x AS int)`},
		{"string with doubled quote", `SELECT 'it''s', CAST('4' AS int)`, `SELECT 'it''s', CAST(__trino_int_arg('4') AS int)`},
		{"unclosed cast left alone", `SELECT CAST(x AS int`, `SELECT CAST(x AS int`},
		{"timestamp with region", `TIMESTAMP '2020-03-01 00:00:00 UTC'`, `TIMESTAMPTZ '2020-03-01 00:00:00 UTC'`},
		{"timestamp with offset", `timestamp '2026-03-02 01:00:00+01:00'`, `timestampTZ '2026-03-02 01:00:00+01:00'`},
		{"timestamp with spaced offset", `TIMESTAMP '2001-08-22 03:04:05.321 -08:00'`, `TIMESTAMPTZ '2001-08-22 03:04:05.321 -08:00'`},
		{"timestamp without zone", `TIMESTAMP '2020-03-01 00:00:00'`, `TIMESTAMP '2020-03-01 00:00:00'`},
		{"timestamp date only", `TIMESTAMP '2020-03-01'`, `TIMESTAMP '2020-03-01'`},
		{"timestamp with fraction, no zone", `TIMESTAMP '2020-03-01 00:00:00.123456'`, `TIMESTAMP '2020-03-01 00:00:00.123456'`},
		{"partition column untouched", `WHERE "timestamp" = '2026/03/02'`, `WHERE "timestamp" = '2026/03/02'`},
		{"cast to timestamp untouched", `CAST(x AS timestamp)`, `CAST(x AS timestamp)`},
		{"cast to array(json)", `CAST(j AS ARRAY(JSON))`, `__trino_json_nulls(CAST(__trino_json_doc(j) AS JSON[]))`},
		{"try_cast to array( json ), any case", `try_cast(j as array( json ))`,
			`__trino_json_nulls(try_cast(__trino_json_doc(j) as JSON[]))`},
		{"cast to map(varchar, json)", `TRY_CAST(f(x, y) AS MAP(VARCHAR, JSON))`,
			`__trino_json_map_nulls(TRY_CAST(__trino_json_doc(f(x, y)) AS MAP(VARCHAR, JSON)))`},
		{"other map casts untouched", `CAST(x AS MAP(VARCHAR, INTEGER))`, `CAST(x AS MAP(VARCHAR, INTEGER))`},
		{"transform", `transform(a, x -> x + 1)`, `list_transform(a, x -> x + 1)`},
		{"transform not called untouched", `SELECT transform FROM t`, `SELECT transform FROM t`},
		{"nested json casts", `transform(CAST(CAST(j AS ARRAY(JSON)) AS JSON), e -> e)`,
			`list_transform(CAST(__trino_json_arg(__trino_json_nulls(CAST(__trino_json_doc(j) AS JSON[]))) AS JSON), e -> e)`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, _ := rewrite(tc.in)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("rewrite(%q) (-want +got):\n%s", tc.in, diff)
			}
		})
	}
}

// TestPositionMap checks that every byte of the original text keeps its
// position through the rewrite, and that inserted text maps to its
// insertion point.
func TestPositionMap(t *testing.T) {
	in := "SELECT CAST(a AS int),\n  TIMESTAMP '2020-01-01 00:00 UTC', CAST(b AS bigint) FROM t"
	out, pos := rewrite(in)
	// Each original byte appears in out at some offset; walk both texts.
	j := 0
	for i := 0; i < len(out); i++ {
		if j < len(in) && out[i] == in[j] && pos.original(i) == j {
			j++
		}
	}
	if j != len(in) {
		t.Fatalf("only %d of %d original bytes map back; out = %q", j, len(in), out)
	}
	insert := strings.Index(out, "__trino_int_arg(b")
	if got, want := pos.original(insert), strings.Index(in, "b AS bigint"); got != want {
		t.Errorf("inserted text maps to %d, want %d (where it was inserted)", got, want)
	}
}

// TestPositionMapReplacement: around a replaced type name, original
// bytes keep their positions and the replacement maps to its start.
func TestPositionMapReplacement(t *testing.T) {
	in := "SELECT CAST(j AS ARRAY(JSON)) + bad"
	out, pos := rewrite(in)
	if got, want := pos.original(strings.Index(out, "bad")), strings.Index(in, "bad"); got != want {
		t.Errorf("text after the replacement maps to %d, want %d", got, want)
	}
	if got, want := pos.original(strings.Index(out, "JSON[]")+3), strings.Index(in, "ARRAY(JSON)"); got != want {
		t.Errorf("replacing text maps to %d, want %d", got, want)
	}
	if got, want := pos.original(strings.Index(out, "j)")), strings.Index(in, "j "); got != want {
		t.Errorf("the operand maps to %d, want %d", got, want)
	}
}

func TestLineCol(t *testing.T) {
	src := "SELECT 'é' +\n  x"
	tests := []struct {
		off, line, col int
	}{
		{0, 1, 1},
		{7, 1, 8},                            // the quote
		{strings.Index(src, "+"), 1, 12},     // 'é' is two bytes, one character
		{strings.Index(src, "x"), 2, 3},      // after the newline and two spaces
		{len(src) + 5, 2, 4},                 // past the end clamps to the end
		{strings.Index(src, "\n") + 1, 2, 1}, // line start
	}
	for _, tc := range tests {
		line, col := lineCol(src, tc.off)
		if line != tc.line || col != tc.col {
			t.Errorf("lineCol(%d) = %d:%d, want %d:%d", tc.off, line, col, tc.line, tc.col)
		}
	}
}

func FuzzRewrite(f *testing.F) {
	f.Add("SELECT CAST(x AS int), TIMESTAMP '2020-01-01 00:00 UTC' -- c\n/* d */ 'e''f' \"g\"")
	f.Add("CAST((CAST(y AS bigint)) AS smallint)")
	f.Add("TRY_CAST(j AS ARRAY(JSON)), CAST(m AS MAP(VARCHAR, JSON)), transform(a, x -> x)")
	f.Fuzz(func(t *testing.T, in string) {
		out, pos := rewrite(in)
		if len(out) < len(in) {
			t.Fatalf("rewrite shortened the text: %q -> %q", in, out)
		}
		if got := pos.original(len(out)); got != len(in) {
			t.Fatalf("end of output maps to %d, want %d", got, len(in))
		}
	})
}
