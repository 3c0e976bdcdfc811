// Package schema describes the Sentinel tables ruleport knows: column
// names, KQL types, and the CloudTrail record field each column is filled
// from. It is data, shared by the KQL front end (which columns exist), the
// plan (how a column maps to the Athena table and to a log event) and, in
// tests, by the reference projection that must agree with it.
package schema

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"strings"
)

// Column is one column of a table.
type Column struct {
	// Name is the column's KQL name, case-sensitive as KQL names are.
	Name string
	// Type is the KQL scalar type: string, datetime, bool, long, int,
	// real, guid, timespan or dynamic.
	Type string
	// Source is the dotted path of the CloudTrail record field the
	// column is filled from ("userIdentity.principalId"), or "" for
	// columns Log Analytics fills itself.
	Source string
	// Note keeps the schema file's remark about the source, when the
	// mapping is a reading rather than a published fact.
	Note string
}

// Table is a named list of columns.
type Table struct {
	Name    string
	Columns []Column
}

// Column returns the column called name (exact, case-sensitive match).
func (t *Table) Column(name string) (Column, bool) {
	for _, c := range t.Columns {
		if c.Name == name {
			return c, true
		}
	}
	return Column{}, false
}

// Names returns the column names in schema order.
func (t *Table) Names() []string {
	out := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		out[i] = c.Name
	}
	return out
}

//go:embed AWSCloudTrail.columns.json
var awsCloudTrailJSON []byte

// AWSCloudTrail is the Sentinel AWSCloudTrail table, read from the schema
// file shipped with ruleport (a copy of ../shared/schema).
var AWSCloudTrail = mustLoad(awsCloudTrailJSON)

// Lookup returns the table called name, if ruleport knows it.
func Lookup(name string) (*Table, bool) {
	if name == AWSCloudTrail.Name {
		return AWSCloudTrail, true
	}
	return nil, false
}

func mustLoad(data []byte) *Table {
	t, err := parse(data)
	if err != nil {
		panic(fmt.Sprintf("schema: embedded file: %v", err)) // a build defect, not user input
	}
	return t
}

// parse reads the schema file format: {table, columns: [{name, type,
// cloudtrail_source}]} where type and source may carry remarks in
// parentheses or brackets.
func parse(data []byte) (*Table, error) {
	var f struct {
		Table   string `json:"table"`
		Columns []struct {
			Name   string `json:"name"`
			Type   string `json:"type"`
			Source string `json:"cloudtrail_source"`
		} `json:"columns"`
	}
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, err
	}
	t := &Table{Name: f.Table}
	for _, c := range f.Columns {
		typ := strings.Fields(c.Type)[0] // "string (JSON text)" -> "string"
		src, note := splitSource(c.Source)
		t.Columns = append(t.Columns, Column{Name: c.Name, Type: typ, Source: src, Note: note})
	}
	return t, nil
}

// splitSource separates a CloudTrail field path from the remark after it:
// "eventCategory (assumed)" -> ("eventCategory", "(assumed)"). A source
// that is only a remark, such as "(Log Analytics-populated)" or
// "constant 'AWSCloudTrail'", has no field path.
func splitSource(s string) (path, note string) {
	s = strings.TrimSpace(s)
	if s == "" || strings.HasPrefix(s, "(") || strings.HasPrefix(s, "[") ||
		strings.HasPrefix(s, "constant") || strings.HasPrefix(s, "Log Analytics") {
		return "", s
	}
	path, note, _ = strings.Cut(s, " ")
	path = strings.TrimSuffix(path, "?")
	return path, strings.TrimSpace(note)
}
