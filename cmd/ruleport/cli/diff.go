package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/ruleport/ruleport/convert/kql"
	"github.com/ruleport/ruleport/convert/rule"
	"github.com/ruleport/ruleport/reference/alerts"
	"github.com/ruleport/ruleport/reference/conformance"
)

// runDiff is `ruleport diff [--engine E] [--now T] [--format text|json]
// [--fail-on-change] OLD_RULE NEW_RULE LOG...`: both versions of a rule on
// the same logs, and the alerts the change adds, removes and changes,
// keyed by the group columns, so a pull request that moves a threshold
// shows what it does.
func runDiff(e *env, args []string) int {
	fs := newFlagSet(e, "diff")
	engine := fs.String("engine", conformance.KQL, "engine that runs both versions: reference | kql | athena | cloudwatch")
	nowFlag := fs.String("now", "", "evaluation time (RFC 3339); default: every event")
	format := fs.String("format", "text", "text | json")
	failOnChange := fs.Bool("fail-on-change", false, "exit 1 when the change adds, removes or changes any alert")
	paths, code, done := parseInterleaved(fs, args)
	if done {
		return code
	}
	switch {
	case !conformance.IsEngine(*engine):
		return usageError(e, fs, fmt.Sprintf("--engine must be one of %v", conformance.Engines()))
	case *format != "text" && *format != "json":
		return usageError(e, fs, "--format must be text or json")
	case len(paths) < 3:
		return usageError(e, fs, "give the old rule, the new rule and at least one log file or folder")
	}
	now, err := parseNow(*nowFlag)
	if err != nil {
		return usageError(e, fs, err.Error())
	}
	var tables [2]alerts.Table
	var rules [2]*rule.Rule
	for i, path := range paths[:2] {
		r, code := loadOneRule(e, path)
		if r == nil {
			return code
		}
		job, err := conformance.Prepare(*engine, r, now)
		if err == nil {
			tables[i], err = runJobOnLogs(e, job, paths[2:])
		}
		if err != nil {
			printError(e, err)
			return ExitBadInput
		}
		rules[i] = r
	}
	keys := commonKeys(groupColumns(rules[0]), groupColumns(rules[1]), tables[0].Columns, tables[1].Columns)
	d := diffAlerts(tables[0], tables[1], keys)
	d.Engine, d.Old, d.New = *engine, rules[0].File, rules[1].File
	if *format == "json" {
		err = d.writeJSON(e.stdout)
	} else {
		err = d.writeText(e.stdout)
	}
	if err != nil {
		fmt.Fprintf(e.stderr, "ruleport: writing the diff: %v\n", err)
		return ExitBadInput
	}
	if *failOnChange && d.changed() {
		return ExitProblem
	}
	return ExitOK
}

// groupColumns returns the names of the by-columns of the query's last
// summarize, or nil when there is none or a key has no plain name (then
// whole rows are compared).
func groupColumns(r *rule.Rule) []string {
	q, errs := kql.Parse(r.Query)
	if len(errs) > 0 {
		return nil
	}
	var last *kql.SummarizeOp
	kql.Inspect(q, func(n kql.Node) bool {
		if s, ok := n.(*kql.SummarizeOp); ok {
			last = s // Inspect visits in source order: the last one wins
		}
		return true
	})
	if last == nil {
		return nil
	}
	var names []string
	for _, k := range last.Keys {
		switch k := k.(type) {
		case *kql.NamedExpr:
			names = append(names, k.Names[0].Name)
		case *kql.Ident:
			names = append(names, k.Name)
		default:
			return nil
		}
	}
	return names
}

// commonKeys keeps the key columns both versions group by and both
// results have; nil means "compare whole rows".
func commonKeys(oldKeys, newKeys, oldCols, newCols []string) []string {
	var out []string
	for _, k := range oldKeys {
		if slices.Contains(newKeys, k) && slices.Contains(oldCols, k) && slices.Contains(newCols, k) {
			out = append(out, k)
		}
	}
	return out
}

// alertDiff is what a rule change does to the alerts.
type alertDiff struct {
	Engine, Old, New string
	Keys             []string
	Added, Removed   []string // alert rows as JSON objects
	Changed          []changedAlert
}

// changedAlert is one group that alerts in both versions with different
// values.
type changedAlert struct {
	Key     string   `json:"key"`
	Old     string   `json:"old"`
	New     string   `json:"new"`
	Columns []string `json:"columns"` // the columns whose values differ
}

func (d alertDiff) changed() bool {
	return len(d.Added)+len(d.Removed)+len(d.Changed) > 0
}

// diffAlerts pairs old and new rows by their key columns (whole rows when
// keys is nil) and sorts them into added, removed and changed.
func diffAlerts(oldT, newT alerts.Table, keys []string) alertDiff {
	d := alertDiff{Keys: keys}
	oldByKey, oldOrder := indexRows(oldT, keys)
	newByKey, newOrder := indexRows(newT, keys)
	for _, k := range newOrder {
		for i, row := range newByKey[k] {
			olds := oldByKey[k]
			if i >= len(olds) {
				d.Added = append(d.Added, newT.Object(row))
				continue
			}
			if cols := differing(oldT, olds[i], newT, row); len(cols) > 0 {
				d.Changed = append(d.Changed, changedAlert{Key: k, Old: oldT.Object(olds[i]), New: newT.Object(row), Columns: cols})
			}
		}
	}
	for _, k := range oldOrder {
		for i, row := range oldByKey[k] {
			if i >= len(newByKey[k]) {
				d.Removed = append(d.Removed, oldT.Object(row))
			}
		}
	}
	return d
}

// indexRows groups a table's rows by the canonical JSON of their key
// columns, keeping the (sorted) order in which keys first appear.
func indexRows(t alerts.Table, keys []string) (map[string][][]any, []string) {
	cols := keys
	if cols == nil {
		cols = t.Columns
	}
	by := map[string][][]any{}
	var order []string
	for _, row := range t.Rows {
		var b strings.Builder
		b.WriteByte('{')
		for i, c := range cols {
			if i > 0 {
				b.WriteByte(',')
			}
			fmt.Fprintf(&b, "%s:%s", alerts.EncodeValue(c), alerts.EncodeValue(row[slices.Index(t.Columns, c)]))
		}
		b.WriteByte('}')
		k := b.String()
		if _, seen := by[k]; !seen {
			order = append(order, k)
		}
		by[k] = append(by[k], row)
	}
	return by, order
}

// differing names the columns whose values differ between two rows: the
// columns both tables have with different values, and those only one has.
func differing(oldT alerts.Table, oldRow []any, newT alerts.Table, newRow []any) []string {
	var out []string
	for i, c := range newT.Columns {
		j := slices.Index(oldT.Columns, c)
		if j < 0 || alerts.EncodeValue(oldRow[j]) != alerts.EncodeValue(newRow[i]) {
			out = append(out, c)
		}
	}
	for _, c := range oldT.Columns {
		if !slices.Contains(newT.Columns, c) {
			out = append(out, c)
		}
	}
	return out
}

func (d alertDiff) writeText(w io.Writer) error {
	var b strings.Builder
	keyed := "whole rows"
	if d.Keys != nil {
		keyed = strings.Join(d.Keys, ", ")
	}
	fmt.Fprintf(&b, "ruleport diff %s -> %s (engine %s, alerts keyed by %s)\n", d.Old, d.New, d.Engine, keyed)
	fmt.Fprintf(&b, "%d added, %d removed, %d changed\n", len(d.Added), len(d.Removed), len(d.Changed))
	for _, r := range d.Added {
		fmt.Fprintf(&b, "+ %s\n", r)
	}
	for _, r := range d.Removed {
		fmt.Fprintf(&b, "- %s\n", r)
	}
	for _, c := range d.Changed {
		fmt.Fprintf(&b, "~ %s (%s)\n  - %s\n  + %s\n", c.Key, strings.Join(c.Columns, ", "), c.Old, c.New)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func (d alertDiff) writeJSON(w io.Writer) error {
	raw := func(rows []string) []json.RawMessage {
		out := []json.RawMessage{}
		for _, r := range rows {
			out = append(out, json.RawMessage(r))
		}
		return out
	}
	type change struct {
		Key     json.RawMessage `json:"key"`
		Old     json.RawMessage `json:"old"`
		New     json.RawMessage `json:"new"`
		Columns []string        `json:"columns"`
	}
	changes := []change{}
	for _, c := range d.Changed {
		changes = append(changes, change{json.RawMessage(c.Key), json.RawMessage(c.Old), json.RawMessage(c.New), c.Columns})
	}
	out := struct {
		Engine  string            `json:"engine"`
		Old     string            `json:"old"`
		New     string            `json:"new"`
		Keys    []string          `json:"keys"`
		Added   []json.RawMessage `json:"added"`
		Removed []json.RawMessage `json:"removed"`
		Changed []change          `json:"changed"`
	}{d.Engine, d.Old, d.New, d.Keys, raw(d.Added), raw(d.Removed), changes}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}
