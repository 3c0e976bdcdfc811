package kql

import (
	"strings"

	"github.com/ruleport/ruleport/convert"
)

// ColumnRef is a column that a rule field names: an entity mapping's
// columnName, a custom detail's value, an alert override's
// severity/tactics column or dynamic property value, or a {{Column}} of
// an alert name or description format. Sentinel requires each to be an
// output column of the query (TARGETS.md §1, from Azure-Sentinel's
// detectionTemplateSchemaValidation).
type ColumnRef struct {
	// Name is the column as written in the rule.
	Name string
	// Field says which field names it, for the message, such as
	// "entityMappings[0].fieldMappings[1].columnName".
	Field string
	// Pos is where the name stands in the rule file.
	Pos convert.Pos
}

// CheckMappedColumns reports, at its position in file, every ref whose
// column is not an output column of the query whose binding is res (from
// Bind). Names compare exactly: KQL column names are case-sensitive, and
// a case-insensitive match is offered as a hint. When res is not complete
// the binder cannot prove a column absent, so each ref it does not find is
// a warning that says why, not an error.
func CheckMappedColumns(file string, res *Result, refs []ColumnRef) convert.Diagnostics {
	var out convert.Diagnostics
	for _, ref := range refs {
		if hasColumn(res.Columns, ref.Name) {
			continue
		}
		msg := ref.Field + ": column \"" + ref.Name + "\" is not an output column of the query"
		if hint := caseMatch(res, ref.Name); hint != "" {
			msg += " (did you mean \"" + hint + "\"?)"
		}
		if !res.Complete {
			out.Add(convert.Warningf(file, ref.Pos, "%s, as far as ruleport can tell: %s", msg, res.Why))
			continue
		}
		out.Add(convert.Errorf(file, ref.Pos, "%s", msg))
	}
	return out
}

func caseMatch(res *Result, name string) string {
	for _, c := range res.Columns {
		if strings.EqualFold(c.Name, name) {
			return c.Name
		}
	}
	return ""
}

// Placeholder is one {{Column}} of an alert name or description format:
// the column name and the byte offset of the name within the format.
type Placeholder struct {
	Name   string
	Offset int
}

// FormatColumns returns the {{Column}} placeholders of an
// alertDisplayNameFormat or alertDescriptionFormat, in order. Sentinel
// fills each from the column of that name; white space inside the braces
// is not part of the name.
func FormatColumns(format string) []Placeholder {
	var out []Placeholder
	for off := 0; ; {
		i := strings.Index(format[off:], "{{")
		if i < 0 {
			return out
		}
		start := off + i + 2
		j := strings.Index(format[start:], "}}")
		if j < 0 {
			return out
		}
		inner := format[start : start+j]
		name := strings.TrimSpace(inner)
		if name != "" {
			out = append(out, Placeholder{Name: name, Offset: start + strings.Index(inner, name)})
		}
		off = start + j + 2
	}
}
