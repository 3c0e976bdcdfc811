package cli

import (
	"fmt"
	"strings"

	"github.com/ruleport/ruleport/convert"
	"github.com/ruleport/ruleport/convert/kql"
	"github.com/ruleport/ruleport/convert/rule"
	"github.com/ruleport/ruleport/convert/schema"
)

// checkQuery parses and binds the rule's query against the table schemas
// ruleport knows, and checks that every column the rule's other fields
// name is an output column of the query (TARGETS.md §1).
//
// A query over a table ruleport has no schema for (SigninLogs, say)
// cannot have its columns checked; that is a warning, not an error, as are
// functions the binder does not know: the rule may well be right, ruleport
// just cannot prove it.
func checkQuery(r *rule.Rule) convert.Diagnostics {
	pos := func(p kql.Pos) convert.Pos { return r.QueryPos(int(p)) }
	q, perrs := kql.Parse(r.Query)
	if len(perrs) > 0 {
		return perrs.Diagnostics(r.File, pos)
	}
	res, berrs := kql.Bind(q, schema.Lookup)
	var diags convert.Diagnostics
	for _, d := range berrs.Diagnostics(r.File, pos) {
		if cannotProve(d) {
			d.Severity = convert.SevWarning
		}
		diags = append(diags, d)
	}
	return append(diags, kql.CheckMappedColumns(r.File, res, columnRefs(r))...)
}

// cannotProve reports whether a binder finding says what ruleport does
// not know rather than what is wrong with the query: a table without a
// schema here, a function KQL lacks but a workspace may define (Sentinel's
// _GetWatchlist, the ASIM parsers, saved functions), a construct the binder
// cannot type.
func cannotProve(d *convert.Diagnostic) bool {
	return strings.HasPrefix(d.Msg, "unknown table ") || strings.HasPrefix(d.Msg, "unknown function ") ||
		strings.Contains(d.Msg, "unsupported")
}

// columnRefs lists every column the rule's fields name, each at the place
// of its field in the rule file.
func columnRefs(r *rule.Rule) []kql.ColumnRef {
	var refs []kql.ColumnRef
	add := func(name, path string) {
		if name != "" {
			refs = append(refs, kql.ColumnRef{Name: name, Field: path, Pos: r.FieldPos(path)})
		}
	}
	for i, em := range r.EntityMappings {
		for j, fm := range em.FieldMappings {
			add(fm.ColumnName, fmt.Sprintf("entityMappings[%d].fieldMappings[%d].columnName", i, j))
		}
	}
	for i, sm := range r.SentinelEntitiesMappings {
		add(sm.ColumnName, fmt.Sprintf("sentinelEntitiesMappings[%d].columnName", i))
	}
	for _, cd := range r.CustomDetails {
		add(cd.Column, "customDetails."+cd.Key)
	}
	if o := r.AlertDetailsOverride; o != nil {
		add(o.SeverityColumnName, "alertDetailsOverride.alertSeverityColumnName")
		add(o.TacticsColumnName, "alertDetailsOverride.alertTacticsColumnName")
		for i, dp := range o.DynamicProperties {
			add(dp.Value, fmt.Sprintf("alertDetailsOverride.alertDynamicProperties[%d].value", i))
		}
		for _, f := range []struct{ format, path string }{
			{o.DisplayNameFormat, "alertDetailsOverride.alertDisplayNameFormat"},
			{o.DescriptionFormat, "alertDetailsOverride.alertDescriptionFormat"},
		} {
			for _, p := range kql.FormatColumns(f.format) {
				add(p.Name, f.path)
			}
		}
	}
	return refs
}
