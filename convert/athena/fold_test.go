package athena_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ruleport/ruleport/convert/athena"
	"github.com/ruleport/ruleport/reference/alerts"
	"github.com/ruleport/ruleport/reference/athenaengine"
	"github.com/ruleport/ruleport/reference/logs"
)

// emitQuery emits the SQL of a one-query rule, with no window.
func emitQuery(t *testing.T, query string) string {
	t.Helper()
	rule := "id: 00000000-0000-0000-0000-000000000001\nname: q\nseverity: Low\nqueryFrequency: 1h\nqueryPeriod: 1h\n" +
		"triggerOperator: gt\ntriggerThreshold: 0\nquery: |\n  " + strings.ReplaceAll(query, "\n", "\n  ") + "\n"
	sql, _, diags := compile("q.yaml", []byte(rule), athena.Options{}, false)
	mustNotErr(t, query, diags)
	return sql
}

// runRecords runs the SQL of a one-query rule on the Athena engine.
func runRecords(t *testing.T, query string, recs []string) alerts.Table {
	t.Helper()
	sql := emitQuery(t, query)
	src := &logs.SliceSource{}
	for _, r := range recs {
		src.Records = append(src.Records, []byte(r))
	}
	got, err := athenaengine.Run(context.Background(), sql, src)
	if err != nil {
		t.Fatalf("%v\n%s", err, sql)
	}
	return got
}

// runQuery runs a one-query rule over one record per eventName in names;
// it returns the eventNames of the rows the query keeps (its first output
// column), in input order.
func runQuery(t *testing.T, query string, names []string) []string {
	t.Helper()
	var recs []string
	for i, n := range names {
		recs = append(recs, fmt.Sprintf(`{"eventTime":"2026-03-02T01:00:%02dZ","eventName":%q}`, i, n))
	}
	kept := map[string]bool{}
	for _, row := range runRecords(t, query, recs).Rows {
		kept[row[0].(string)] = true
	}
	var out []string
	for _, n := range names {
		if kept[n] {
			out = append(out, n)
		}
	}
	return out
}

// TestCaseFoldIsASCII: KQL's case-insensitive operators fold ASCII letters
// only ("Case-insensitive operators are currently supported only for
// ASCII-text", learn.microsoft.com/kusto/query/equals-operator). Unicode
// lower-cases U+0130 (İ) to i and the Kelvin sign U+212A to k, and RE2's
// (?i) matches ſ (U+017F) for s; none of these is a match in KQL. Each
// want lists, by hand, the names that equal the literal once A-Z are
// lower-cased.
func TestCaseFoldIsASCII(t *testing.T) {
	names := []string{"RunInstances", "RUNINSTANCES", "runinstances", "RUNİNSTANCES", "RunInſtances",
		"\u212Aey", "Key", "KEY", "ÄRGER", "Ärger", "ärger"}
	tests := []struct {
		query string
		want  []string
	}{
		{`AWSCloudTrail | where EventName =~ "RunInstances" | project EventName`,
			[]string{"RunInstances", "RUNINSTANCES", "runinstances"}},
		{`AWSCloudTrail | where EventName !~ "runINSTANCES" and EventName startswith "R" | project EventName`,
			[]string{"RUNİNSTANCES", "RunInſtances"}},
		{`AWSCloudTrail | where EventName in~ ("key", "ärger") | project EventName`,
			[]string{"Key", "KEY", "ärger"}},
		{`AWSCloudTrail | where EventName contains "uninst" | project EventName`,
			[]string{"RunInstances", "RUNINSTANCES", "runinstances"}},
		{`AWSCloudTrail | where EventName startswith "ke" | project EventName`,
			[]string{"Key", "KEY"}},
		{`AWSCloudTrail | where EventName endswith "EY" | project EventName`,
			[]string{"\u212Aey", "Key", "KEY"}},
		{`AWSCloudTrail | where EventName has "runinstances" | project EventName`,
			[]string{"RunInstances", "RUNINSTANCES", "runinstances"}},
		{`AWSCloudTrail | where EventName =~ "Ärger" | project EventName`,
			[]string{"ÄRGER", "Ärger"}}, // RGER folds; Ä is compared as itself
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			if d := cmp.Diff(tt.want, runQuery(t, tt.query, names)); d != "" {
				t.Errorf("(-want +got)\n%s", d)
			}
		})
	}
}
