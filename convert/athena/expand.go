package athena

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/ruleport/ruleport/convert/plan"
)

// mv-expand and join, the two steps that are not one row in, one row out.
//
// mv-expand: each row is joined with the UNNEST of its value's elements
// (trino.io/docs/current/sql/select.html, UNNEST: "UNNEST can be used to
// expand an ARRAY ... WITH ORDINALITY ... an additional ordinality column
// is added to the end"). KQL's elements of a dynamic value
// (plan.MvExpand) are, as one Trino array of JSON:
//
//	COALESCE(TRY_CAST(v AS ARRAY(JSON)),
//	         transform(map_entries(TRY_CAST(v AS MAP(VARCHAR, JSON))),
//	                   e -> CAST(map_from_entries(ARRAY[e]) AS JSON)),
//	         ARRAY[v])
//
// An array casts to its elements (json.md, "Cast from JSON": partial
// casting, CAST(JSON '[[1, 23], 456]' AS ARRAY(JSON))); an object does not
// cast to an array but to a map, whose entries each become a one-entry map
// cast back to a JSON object (map.md: map_entries, map_from_entries;
// json.md "Cast to JSON": a MAP with VARCHAR keys); anything else (a
// scalar, JSON null, SQL NULL) casts to neither and is its own single
// element. An empty array or object gives an empty array, so UNNEST gives
// no row, as KQL drops the row. JSON null, as an element or the value,
// becomes SQL NULL in the expanded column, which is how the other
// dynamic operations here read KQL's null. The properties of an object
// come in the order of its keys, which json_parse writes sorted
// (reference/athenaengine jsonparse.go): with_itemindex numbers a bag's
// properties in that order, where KQL numbers them as written.
//
// join: a JOIN of the left CTE and the right side's last CTE on the key
// equalities; a null key matches nothing, in SQL as in KQL. LEFT JOIN
// pads the right columns of an unmatched row with NULL, which becomes ""
// for a string column, KQL's empty value.

// The UNNEST relation and its columns have names no KQL column has (a
// space is not part of a KQL identifier).
const (
	mvIndex = `"mv index"`
)

// mvColumn is the UNNEST column of the i-th item (0-based).
func mvColumn(i int) string { return ident("mv " + strconv.Itoa(i+1)) }

// mvExpand writes the body of an mv-expand CTE.
func (e *emitter) mvExpand(st *plan.MvExpand, prev plan.Step, from string) {
	if st.BagAsArray {
		e.unsupported(st.Pos, "mv-expand kind=array (a bag's properties as [key, value] arrays)")
		return
	}
	for _, it := range st.Items {
		switch it.To {
		case plan.Dynamic, plan.String, plan.Int, plan.Long, plan.Real, plan.Bool:
		default:
			e.unsupported(it.Pos, "mv-expand to typeof(%s)", it.To)
			return
		}
	}
	if len(st.Items) == 1 {
		e.expandOne(st, from)
		return
	}
	e.expandMany(st, from)
}

// expandItems returns the select list: the input columns passed on, each
// item's element (elem gives the SQL of item i's element), the index.
func (e *emitter) expandItems(st *plan.MvExpand, elem func(i int) string) []string {
	byName := map[string]int{}
	for i, it := range st.Items {
		byName[it.Name] = i
	}
	var items []string
	for _, c := range st.Info().Columns {
		i, isItem := byName[c.Name]
		switch {
		case isItem:
			items = append(items, elementAs(elem(i), st.Items[i].To)+" AS "+e.ident(c.Name))
		case c.Name == st.Index:
			items = append(items, "mv."+mvIndex+" - 1 AS "+e.ident(c.Name))
		default:
			items = append(items, e.ident(c.Name))
		}
	}
	return items
}

// expandOne expands a single item: UNNEST of its elements, numbered.
func (e *emitter) expandOne(st *plan.MvExpand, from string) {
	it := st.Items[0]
	e.selectList(e.expandItems(st, func(int) string { return "mv." + mvColumn(0) }), false)
	fmt.Fprintf(&e.b, "  FROM %s\n  CROSS JOIN UNNEST(%s) WITH ORDINALITY AS mv(%s, %s)\n",
		from, elements(e.dynJSON(it.X), "\n      "), mvColumn(0), mvIndex)
	if st.Limit < math.MaxInt32 {
		fmt.Fprintf(&e.b, "  WHERE mv.%s <= %d\n", mvIndex, st.Limit)
	}
}

// expandMany expands several items in parallel: their element arrays are
// computed first, then each row is joined with the positions 1 to the
// longest array's length, and element_at reads NULL past the end of a
// shorter one (array.md: "element_at(array(E), index) ... If the index
// exceeds the length of the array, the function returns NULL"). sequence
// counts down when its stop is below its start (array.md), so it runs to
// at least 1 and the WHERE drops position 1 of a row without elements.
func (e *emitter) expandMany(st *plan.MvExpand, from string) {
	var lists, lens []string
	for i, it := range st.Items {
		lists = append(lists, elements(e.dynJSON(it.X), " ")+" AS "+mvColumn(i))
		lens = append(lens, "cardinality("+mvColumn(i)+")")
	}
	longest := "greatest(" + strings.Join(lens, ", ") + ")"
	e.selectList(e.expandItems(st, func(i int) string {
		return "element_at(" + mvColumn(i) + ", mv." + mvIndex + ")"
	}), false)
	fmt.Fprintf(&e.b, "  FROM (SELECT *, %s FROM %s) AS t\n", strings.Join(lists, ", "), from)
	fmt.Fprintf(&e.b, "  CROSS JOIN UNNEST(sequence(1, greatest(%s, 1))) AS mv(%s)\n", strings.Join(lens, ", "), mvIndex)
	fmt.Fprintf(&e.b, "  WHERE mv.%s <= %s", mvIndex, longest)
	if st.Limit < math.MaxInt32 {
		fmt.Fprintf(&e.b, " AND mv.%s <= %d", mvIndex, st.Limit)
	}
	e.b.WriteString("\n")
}

// elements is KQL's list of elements of the JSON value v (file comment),
// its three alternatives each after sep.
func elements(v, sep string) string {
	return "COALESCE(" + sep + "TRY_CAST(" + v + " AS ARRAY(JSON))," + sep +
		"transform(map_entries(TRY_CAST(" + v + " AS MAP(VARCHAR, JSON))), e -> CAST(map_from_entries(ARRAY[e]) AS JSON))," + sep +
		"ARRAY[" + v + "])"
}

// elementAs reads an element as the item's type. Dynamic: the element,
// JSON null as NULL. "to typeof(T)" casts without parsing, and an element
// of another type is null ("Array elements that don't conform with the
// declared type become null values", mv-expand page), "" for a string,
// which is never null in KQL: a JSON string is a string (its content), an
// integer a long or int (in range), any number a real, true and false a
// bool. json_format writes the element back as JSON text, which tells
// them apart (json.md, json_format).
func elementAs(v string, t plan.Type) string {
	f := "json_format(" + v + ")"
	switch t {
	case plan.String:
		return "COALESCE(CASE WHEN " + f + " LIKE '\"%' THEN json_extract_scalar(" + v + ", '$') END, '')"
	case plan.Int, plan.Long:
		return "CASE WHEN regexp_like(" + f + ", '^-?[0-9]+$') THEN TRY_CAST(" + f + " AS " + sqlType(t) + ") END"
	case plan.Real:
		return "CASE WHEN regexp_like(" + f + ", '^-?[0-9]') THEN TRY_CAST(" + f + " AS double) END"
	case plan.Bool:
		return "CASE " + f + " WHEN 'true' THEN TRUE WHEN 'false' THEN FALSE END"
	}
	return "CASE WHEN " + f + " <> 'null' THEN " + v + " END"
}

// join writes the body of a join CTE: the left CTE (made by prev) as l,
// the right side's last CTE as r.
func (e *emitter) join(st *plan.Join, prev plan.Step, from, right string) {
	rightLast := st.Right.Steps[len(st.Right.Steps)-1]
	fromRight := map[string]string{}
	for _, r := range st.RightCols {
		fromRight[r.To] = r.From
	}
	var items []string
	for _, c := range st.Info().Columns {
		var v string
		if src, ok := fromRight[c.Name]; ok {
			v = "r." + e.ident(src)
			// A native column padded with NULL reads as an absent field
			// does (plan.Join); a string is never NULL in KQL.
			if st.Kind == plan.LeftOuter && c.Type == plan.String && !isNative(&plan.ColRef{Origin: c.Origin}) {
				v = "COALESCE(" + v + ", '')"
			}
		} else {
			v = "l." + e.ident(c.Name)
		}
		if v != "l."+e.ident(c.Name) && v != "r."+e.ident(c.Name) {
			v += " AS " + e.ident(c.Name)
		}
		items = append(items, v)
	}
	e.selectList(items, false)
	var on []string
	for _, k := range st.On {
		on = append(on, e.qualified("l", k.Left, originIn(prev, k.Left))+" = "+e.qualified("r", k.Right, originIn(rightLast, k.Right)))
	}
	kw := "JOIN"
	if st.Kind == plan.LeftOuter {
		kw = "LEFT JOIN"
	}
	fmt.Fprintf(&e.b, "  FROM %s AS l\n  %s %s AS r\n    ON %s\n", from, kw, right, strings.Join(on, "\n    AND "))
}

// qualified reads a join key of the side alias as its KQL value: a
// column still holding the table's Resources array is compared as its
// JSON text.
func (e *emitter) qualified(alias, name string, origin *plan.ScanColumn) string {
	c := alias + "." + e.ident(name)
	if isNative(&plan.ColRef{Name: name, Origin: origin}) {
		return "json_format(CAST(" + c + " AS JSON))"
	}
	return c
}

// packValue is a value of bag_pack as Trino JSON (plan.Call, bag_pack): a
// string, number or bool cast to JSON (json.md "Cast to JSON": a varchar
// becomes a JSON string); a datetime as KQL writes it into a bag, its UTC
// time with seven fractional digits, through Joda's pattern (Trino's
// format_datetime; S repeated prints that many digits of the fraction);
// a dynamic value as it is.
func (e *emitter) packValue(x plan.Expr) string {
	switch x.Type() {
	case plan.String, plan.Int, plan.Long, plan.Real, plan.Bool:
		return "CAST(" + e.value(x) + " AS JSON)"
	case plan.Datetime:
		return "CAST(format_datetime(" + e.value(x) + " AT TIME ZONE 'UTC', 'yyyy-MM-dd''T''HH:mm:ss.SSSSSSS''Z''') AS JSON)"
	case plan.Dynamic:
		return e.dynJSON(x)
	}
	e.unsupported(x.Pos(), "bag_pack of a %s value", x.Type())
	return "NULL"
}

// pack writes bag_pack(k1, v1, ...) as a map cast to JSON (map.md: MAP
// from an array of keys and an array of values; json.md: a MAP with
// VARCHAR keys casts to a JSON object).
func (e *emitter) pack(x *plan.Call) string {
	var keys, vals []string
	for i := 0; i+1 < len(x.Args); i += 2 {
		keys = append(keys, e.value(x.Args[i]))
		vals = append(vals, e.packValue(x.Args[i+1]))
	}
	return "CAST(MAP(ARRAY[" + strings.Join(keys, ", ") + "], ARRAY[" + strings.Join(vals, ", ") + "]) AS JSON)"
}
