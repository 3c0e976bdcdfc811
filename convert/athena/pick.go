package athena

import (
	"fmt"
	"strings"

	"github.com/ruleport/ruleport/convert/plan"
)

// pickRank is the ROW_NUMBER column of arg_min and arg_max; a space is not
// part of a KQL identifier, so no KQL column has this name.
const pickRank = `"pick rank"`

// pick writes a summarize holding arg_min or arg_max (plan.Pick). Each
// group's rows are numbered in the order of the target (ascending for
// arg_min, descending for arg_max, null last: a null target counts only
// when every target of the group is null), then of every returned value,
// descending with null last, so that of the rows that tie the one whose
// returned values are greatest is number 1 (docs/ARCHITECTURE.md,
// Decisions: arg_min and arg_max); a dynamic value is ordered by its JSON
// text, as Trino does not order JSON. The picked row (p) is joined with
// the group's other aggregates (g) on the keys, which may be NULL where
// they are not strings, hence IS NOT DISTINCT FROM.
func (e *emitter) pick(st *plan.Aggregate, from string) {
	pk := st.Pick
	keyItems, groups := e.groupKeys(st.Keys)
	order := e.value(pk.Target.X) + " ASC NULLS LAST"
	if pk.Max {
		order = e.value(pk.Target.X) + " DESC NULLS LAST"
	}
	for _, r := range pk.Returns {
		v := e.value(r.X)
		if r.X.Type() == plan.Dynamic {
			v = "json_format(" + v + ")"
		}
		order += ", " + v + " DESC NULLS LAST"
	}
	live := map[string]bool{}
	for _, c := range st.Info().Columns {
		live[c.Name] = true
	}
	pItems := append([]string(nil), keyItems...)
	for _, r := range append([]plan.Assign{pk.Target}, pk.Returns...) {
		if live[r.Name] {
			pItems = append(pItems, e.item(r))
		}
	}
	partition := ""
	if len(groups) > 0 {
		partition = "PARTITION BY " + strings.Join(groups, ", ") + " "
	}
	pItems = append(pItems, "ROW_NUMBER() OVER ("+partition+"ORDER BY "+order+") AS "+pickRank)
	aggOf := map[string]bool{}
	for _, a := range st.Aggs {
		aggOf[a.Name] = true
	}
	var items []string
	for _, c := range st.Info().Columns {
		alias := "p."
		if aggOf[c.Name] {
			alias = "g."
		}
		items = append(items, alias+e.ident(c.Name))
	}
	e.selectList(items, false)
	e.b.WriteString("  FROM (\n    SELECT " + strings.Join(pItems, ",\n           ") + "\n")
	fmt.Fprintf(&e.b, "    FROM %s\n  ) AS p\n", from)
	if len(st.Aggs) > 0 {
		gItems := append([]string(nil), keyItems...)
		for _, a := range st.Aggs {
			gItems = append(gItems, e.agg(a)+" AS "+e.ident(a.Name))
		}
		e.b.WriteString("  JOIN (\n    SELECT " + strings.Join(gItems, ",\n           ") + "\n")
		fmt.Fprintf(&e.b, "    FROM %s\n    GROUP BY %s\n  ) AS g\n", from, strings.Join(groups, ", "))
		var on []string
		for _, k := range st.Keys {
			on = append(on, "g."+e.ident(k.Name)+" IS NOT DISTINCT FROM p."+e.ident(k.Name))
		}
		e.b.WriteString("    ON " + strings.Join(on, "\n    AND ") + "\n")
	}
	e.b.WriteString("  WHERE p." + pickRank + " = 1\n")
}
