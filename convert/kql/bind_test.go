package kql

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/ruleport/ruleport/convert/schema"
)

// testTables are the schemas of the binder tests: T has one column of
// each type, U shares a name with T under another type and has a column
// named like a join suffix (a1).
var testTables = map[string]*schema.Table{
	"T": {Name: "T", Columns: []schema.Column{
		{Name: "a", Type: "string"}, {Name: "b", Type: "long"}, {Name: "c", Type: "int"},
		{Name: "d", Type: "datetime"}, {Name: "e", Type: "dynamic"}, {Name: "f", Type: "real"},
		{Name: "g", Type: "bool"}, {Name: "t", Type: "timespan"},
	}},
	"U": {Name: "U", Columns: []schema.Column{
		{Name: "a", Type: "string"}, {Name: "b", Type: "string"}, {Name: "h", Type: "long"}, {Name: "a1", Type: "int"},
	}},
}

func testTable(name string) (*schema.Table, bool) {
	t, ok := testTables[name]
	return t, ok
}

// columnsText prints columns as "name:type, ...".
func columnsText(cols []schema.Column) string {
	parts := make([]string, len(cols))
	for i, c := range cols {
		parts[i] = c.Name + ":" + c.Type
	}
	return strings.Join(parts, ", ")
}

// errorsText prints errors as "offset: message", one per entry.
func errorsText(errs ErrorList) []string {
	var out []string
	for _, e := range errs {
		out = append(out, fmt.Sprintf("%d: %s", e.Pos, e.Msg))
	}
	return out
}

const allT = "a:string, b:long, c:int, d:datetime, e:dynamic, f:real, g:bool, t:timespan"

func TestBindColumns(t *testing.T) {
	// Each expected list was measured on Kusto.Language 12.4.1 with the
	// same schemas (tools/node, kusto_test.go re-checks them live) or, for
	// the documented operators, follows their reference page.
	cases := []struct {
		name, query, want string
	}{
		{"table", "T", allT},
		{"where keeps columns", "T | where b > 1 and a has 'x'", allT},
		{"extend appends and replaces in place", "T | extend x = b * 2, a = strlen(a)",
			"a:long, b:long, c:int, d:datetime, e:dynamic, f:real, g:bool, t:timespan, x:long"},
		{"extend infers names", "T | extend e.x, tostring(e.y), b + 1, strlen(a), toint(b)",
			"a:string, b:int, c:int, d:datetime, e:dynamic, f:real, g:bool, t:timespan, e_x:dynamic, e_y:string, Column1:long, strlen_a:long"},
		{"ColumnN counts past existing names", "T | extend b + 1, b + 2 | extend b + 3",
			allT + ", Column1:long, Column2:long, Column3:long"},
		{"project", "T | project x = a, b, tostring(e.k), d - d", "x:string, b:long, e_k:string, Column1:timespan"},
		{"project-away with pattern", "T | extend x1 = 1, x2 = 2 | project-away x*, a", "b:long, c:int, d:datetime, e:dynamic, f:real, g:bool, t:timespan"},
		{"project-keep keeps input order", "T | project-keep g, a", "a:string, g:bool"},
		{"project-rename in place", "T | project-rename z = b | project-keep a, z", "a:string, z:long"},
		{"project-reorder", "T | project-reorder g, b*", "g:bool, b:long, a:string, c:int, d:datetime, e:dynamic, f:real, t:timespan"},
		{"summarize default names", "T | summarize count(), dcount(a), sum(b), sum(c), min(d), max(f), make_set(a), make_list(a), makeset(a), avg(b), countif(g), dcountif(a, g), take_any(b) by a",
			"a:string, count_:long, dcount_a:long, sum_b:long, sum_c:long, min_d:datetime, max_f:real, set_a:dynamic, list_a:dynamic, set_a1:dynamic, avg_b:real, countif_g:long, dcountif_a:long, b:long"},
		{"summarize keys first", "T | summarize n = count() by bin(d, 1h), bin(startofday(d), 1d), k = tolower(a)",
			"d:datetime, d1:datetime, k:string, n:long"},
		{"arg_max star", "T | summarize arg_max(d, *) by a", "a:string, d:datetime, b:long, c:int, e:dynamic, f:real, g:bool, t:timespan"},
		{"arg_max named", "T | summarize x = arg_max(d, b, c) by a", "a:string, x:datetime, b:long, c:int"},
		{"distinct", "T | distinct a, n = b + 1", "a:string, n:long"},
		{"count", "T | count", "Count:long"},
		{"join suffixes", "T | join U on a",
			allT + ", a2:string, b1:string, h:long, a1:int"},
		{"join suffix skips taken names", "T | project a, a1 = 1 | join U on a", "a:string, a1:long, a2:string, b:string, h:long, a11:int"},
		{"leftanti keeps the left", "T | join kind=leftanti U on a", allT},
		{"rightsemi keeps the right", "T | join kind=rightsemi U on a", "a:string, b:string, h:long, a1:int"},
		{"lookup drops right keys", "T | lookup U on a", allT + ", b1:string, h:long, a1:int"},
		{"union renames clashing types", "union T, U",
			"a:string, b_long:long, b_string:string, c:int, d:datetime, e:dynamic, f:real, g:bool, t:timespan, h:long, a1:int"},
		{"union operator", "U | union T | project-keep a, h", "a:string, h:long"},
		{"mv-expand", "T | mv-expand e to typeof(string), y = split(a, ',') to typeof(long)",
			"a:string, b:long, c:int, d:datetime, e:string, f:real, g:bool, t:timespan, y:long"},
		{"mv-expand index", "T | mv-expand with_itemindex=i e", allT + ", i:long"},
		{"mv-apply", "T | mv-apply x = e on (where x == 1 | extend y = tostring(x))", allT + ", x:dynamic, y:string"},
		{"mv-apply summarize drops the expanded column", "T | mv-apply e on (summarize count())",
			"a:string, b:long, c:int, d:datetime, f:real, g:bool, t:timespan, count_:long"},
		{"make-series", "T | make-series n = count(), s = sum(b) default = 0 on d from ago(1d) to now() step 1h by a",
			"a:string, n:dynamic, s:dynamic, d:dynamic"},
		{"parse", "T | parse a with 'x' y:long ',' z", allT + ", y:long, z:string"},
		{"tuple extend", "T | extend (p, q, r) = series_decompose_anomalies(e)", allT + ", p:dynamic, q:dynamic, r:dynamic"},
		{"let scalar and table", "let n = 5; let X = T | where b > n | project a, n; X", "a:string, n:long"},
		{"columns shadow lets", "let a = 1; T | project x = a", "x:string"},
		{"function with table()", "let f = (tn:string) { table(tn) | project a, b }; f('U')", "a:string, b:string"},
		{"datatable", "datatable(x:string, y:double)['a', 1.0]", "x:string, y:real"},
		{"externaldata declares its schema", "externaldata(ip:string, n:long)['https://example.com/x.csv']", "ip:string, n:long"},
		{"materialize", "let M = materialize(T | project a); M | extend z = 1", "a:string, z:long"},
		{"arithmetic types", "T | project c * c, b * f, d + 1h, 1h / 1m, e * 2, -c, t * 2",
			"Column1:long, Column2:real, Column3:datetime, Column4:real, Column5:long, Column6:long, Column7:timespan"},
		{"common types", "T | project iff(g, b, c), iff(g, c, f), iif(g, e, a), case(g, 1, 2), coalesce(b, c), max_of(c, c)",
			"Column1:long, Column2:real, Column3:string, Column4:long, Column5:long, Column6:int"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			q, perrs := Parse(c.query)
			if len(perrs) > 0 {
				t.Fatal(perrs)
			}
			cols, errs := ResultColumns(q, testTable)
			if len(errs) > 0 {
				t.Errorf("errors: %v", errs)
			}
			if d := cmp.Diff(c.want, columnsText(cols)); d != "" {
				t.Errorf("columns of %q (-want +got):\n%s", c.query, d)
			}
		})
	}
}

func TestBindErrors(t *testing.T) {
	// Offsets counted in each query; messages are the binder's. Each error
	// is one Kusto.Language 12.4.1 also reports at the same offset
	// (KS142 unknown name, KS204 unknown table, KS211 unknown function,
	// KS171 duplicate column, KS144/KS236 aggregate misuse, KS183 join
	// operand order, KS141 mv-expand of a non-dynamic column).
	cases := []struct {
		query string
		want  []string
	}{
		{"T | where zz == 1 and yy > 2", []string{`10: unknown column "zz"`, `22: unknown column "yy"`}},
		{"Nope | where a == 1", []string{`0: unknown table "Nope"`}},
		{"T | extend x = b, y = x", []string{`22: unknown column "x"`}}, // extend expressions read the input row
		{"T | extend a = 1, a = 2", []string{`18: column "a" is already declared in this extend`}},
		{"T | project tostring(a), a", []string{`25: column "a" is already declared`}},
		{"T | extend y = nosuchfn(a)", []string{`15: unknown function "nosuchfn"`}},
		{"T | extend y = count()", []string{`15: aggregate function count is allowed only in summarize and make-series`}},
		{"T | summarize x = tostring(a)", []string{`27: column "a" is used outside an aggregate function`}},
		{"T | project a.x", []string{`14: unknown name "x": member access needs a dynamic value, not string`}},
		{"T | join U on zz", []string{`14: unknown column "zz": a join column must be on both sides`}},
		{"T | join U on $right.a == $left.b", []string{`14: the join condition operand must be $left.<column>`, `26: the join condition operand must be $right.<column>`}},
		{"T | join U on $left.zz == $right.a", []string{`20: unknown column "zz" on the left side`}},
		{"T | mv-expand a", []string{`14: mv-expand needs a dynamic array or bag, found string`}},
		{"T | project-away zz", []string{`17: unknown column "zz"`}},
		{"T | project-rename y = zz", []string{`23: unknown column "zz"`}},
		{"T | where strlen(a, b) > 1", []string{`10: function strlen takes 1 argument, found 2`}},
		{"T | extend x = a + a", []string{`17: operator + is not defined for string and string`}},
		{"let x = 1;", []string{`10: the query has no tabular result: its last statement is a let`}},
		{"let X = T; T | extend y = X", []string{`26: let name "X" is a table, used here as a scalar`}},
		{"T | extend (p, q) = series_decompose_anomalies(e)", []string{`11: function series_decompose_anomalies returns 3 columns, 2 names given`}},
		{"T | extend x = url_decode(a) | extend y = percentile(b, 5)", []string{`42: aggregate function percentile is allowed only in summarize and make-series`, `42: unsupported function percentile: ruleport does not type it`}},
		// An unknown table makes its pipeline open: later names are not errors.
		{"Nope | where zz == 1 | summarize count() by yy | where ww > 0", []string{`0: unknown table "Nope"`}},
		// isfuzzy forgives a missing table anywhere in an operand.
		{"union isfuzzy=true T, (Nope | where x == 1) | where q == 1", nil},
	}
	for _, c := range cases {
		q, perrs := Parse(c.query)
		if len(perrs) > 0 {
			t.Fatalf("%q: %v", c.query, perrs)
		}
		_, errs := Bind(q, testTable)
		if d := cmp.Diff(c.want, errorsText(errs)); d != "" {
			t.Errorf("errors of %q (-want +got):\n%s", c.query, d)
		}
	}
}

func TestBindUnknowable(t *testing.T) {
	cases := []struct {
		query, why string
		known      string
	}{
		{"T | evaluate bag_unpack(e)", "evaluate bag_unpack: a plugin's output columns depend on the data", allT},
		{"let f = (tn:string) { table(tn) }; T | extend n = 1 | join (table(strcat('U', 'x'))) on a", "table() names its table at run time", allT + ", n:long"},
		{"union isfuzzy=true T, Nope", "fuzzy union over table Nope, which has no schema", allT},
	}
	for _, c := range cases {
		q, _ := Parse(c.query)
		r, errs := Bind(q, testTable)
		if len(errs) > 0 {
			t.Errorf("%q: %v", c.query, errs)
		}
		if r.Complete || r.Why != c.why {
			t.Errorf("%q: Complete=%v Why=%q, want an incomplete result because %q", c.query, r.Complete, r.Why, c.why)
		}
		if d := cmp.Diff(c.known, columnsText(r.Columns)); d != "" {
			t.Errorf("%q: known columns (-want +got):\n%s", c.query, d)
		}
		_, rerrs := ResultColumns(q, testTable)
		if len(rerrs) != 1 || rerrs[0].Kind != ErrUnknowable || !strings.Contains(rerrs[0].Msg, c.why) {
			t.Errorf("%q: ResultColumns should say it cannot know, got %v", c.query, rerrs)
		}
	}
}

func TestBindUnsupportedFunction(t *testing.T) {
	q, _ := Parse("T | extend x = url_decode(a), y = base64_decode_toarray(a)")
	cols, errs := ResultColumns(q, testTable)
	want := []string{"34: unsupported function base64_decode_toarray: ruleport does not type it"}
	if d := cmp.Diff(want, errorsText(errs)); d != "" {
		t.Errorf("errors (-want +got):\n%s", d)
	}
	if errs[0].Kind != ErrUnsupported {
		t.Errorf("kind %v, want ErrUnsupported", errs[0].Kind)
	}
	if got := columnsText(cols[len(cols)-2:]); got != "x:string, y:unknown" {
		t.Errorf("columns %s, want x:string, y:unknown", got)
	}
}

func TestBindSourceOfColumns(t *testing.T) {
	// Columns that pass through from AWSCloudTrail keep their CloudTrail
	// source, under a new name too; computed ones have none.
	q, _ := Parse("AWSCloudTrail | project EventName, Src = SourceIpAddress, n = strlen(EventName)")
	cols, errs := ResultColumns(q, schema.Lookup)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	got := []string{cols[0].Source, cols[1].Source, cols[2].Source}
	want := []string{"eventName", "sourceIPAddress", ""}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("sources (-want +got):\n%s", d)
	}
}

func TestBindExponentialCallsAreBounded(t *testing.T) {
	// Each function calls the previous one twice: 2^25 expansions if
	// followed naively. The binder must stop with an error, quickly.
	var b strings.Builder
	b.WriteString("let f0 = (x:long) { x };\n")
	for i := 1; i <= 25; i++ {
		fmt.Fprintf(&b, "let f%d = (x:long) { f%d(x) + f%d(x) };\n", i, i-1, i-1)
	}
	b.WriteString("T | extend y = f25(b)")
	q, perrs := Parse(b.String())
	if len(perrs) > 0 {
		t.Fatal(perrs)
	}
	_, errs := Bind(q, testTable)
	if len(errs) == 0 || !strings.Contains(errs[0].Msg, "too often") {
		t.Fatalf("want an error about the number of calls, got %v", errs)
	}
}
