package plan

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ruleport/ruleport/convert"
	"github.com/ruleport/ruleport/convert/kql"
	"github.com/ruleport/ruleport/convert/rule"
	"github.com/ruleport/ruleport/convert/schema"
	"github.com/ruleport/ruleport/fixtures"
)

// lower parses and lowers q over the real schema.
func lower(t *testing.T, q string) (*Plan, kql.ErrorList) {
	t.Helper()
	tree, errs := kql.Parse(q)
	if len(errs) > 0 {
		t.Fatalf("parse %q: %v", q, errs)
	}
	return Lower(tree, q, schema.Lookup)
}

// lineCol prints an offset of q as line:col, 1-based.
func lineCol(q string, off kql.Pos) string {
	line, col := 1, 1
	for i := 0; i < int(off) && i < len(q); i++ {
		if q[i] == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
	}
	return fmt.Sprintf("%d:%d", line, col)
}

// TestLowerGolden checks the plan of each query of testdata/lower.txtar
// (or its errors, one "line:col: message" per line). The plans were
// written by UPDATE_GOLDEN=1 and read against SEMANTICS.md §2.
func TestLowerGolden(t *testing.T) {
	golden(t, "lower.txtar", "plan", func(t *testing.T, in string) string {
		p, errs := lower(t, in)
		if len(errs) > 0 {
			var b strings.Builder
			for _, e := range errs {
				fmt.Fprintf(&b, "%s: %s\n", lineCol(in, e.Pos), e.Msg)
			}
			return b.String()
		}
		return Format(p)
	})
}

// seedQuery is the built-in seed rule's query.
func seedQuery(t *testing.T) string {
	t.Helper()
	data, err := fixtures.Seed.ReadFile(fixtures.SeedRulePath)
	if err != nil {
		t.Fatal(err)
	}
	rules, diags := rule.Load(fixtures.SeedRulePath, data)
	if diags.HasErrors() || len(rules) != 1 {
		t.Fatalf("load seed: %v", diags)
	}
	return rules[0].Query
}

// TestSeedDeadColumns checks the pruning of the seed rule against
// SEMANTICS.md §2 "Dead columns": EventSourceSplit, Type, instance,
// platform, OSplatform, CPU and InstanceId never reach the output, so they
// are not computed, and the columns only they read (EventSource,
// RequestParameters) are not read from the table at all.
func TestSeedDeadColumns(t *testing.T) {
	p, errs := lower(t, seedQuery(t))
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	var pruned []string
	for _, st := range p.Steps {
		pruned = append(pruned, st.Info().Pruned...)
	}
	wantPruned := []string{"EventSourceSplit", "Type", "instance", "platform", "OSplatform", "CPU", "InstanceId"}
	if d := cmp.Diff(wantPruned, pruned); d != "" {
		t.Errorf("pruned columns (-want +got):\n%s", d)
	}
	// Worked out from the query: the output reads SourceIpAddress,
	// RecipientAccountId, UserAgent, TimeGenerated (Start, end), core and
	// corThread (ResponseElements), AccountName (UserIdentityPrincipalid,
	// UserIdentityUserName, UserIdentityArn, Resources); the filters read
	// EventName and ErrorMessage. Schema order.
	var sources []string
	for _, c := range p.Scan().Sources {
		sources = append(sources, c.Name)
	}
	wantSources := []string{"TimeGenerated", "EventName", "UserIdentityPrincipalid", "UserIdentityArn",
		"UserIdentityUserName", "SourceIpAddress", "UserAgent", "ErrorMessage", "ResponseElements",
		"Resources", "RecipientAccountId"}
	if d := cmp.Diff(wantSources, sources); d != "" {
		t.Errorf("scan columns (-want +got):\n%s", d)
	}
	var out []string
	for _, c := range p.Columns() {
		out = append(out, c.Name+":"+c.Type.String())
	}
	// docs/ARCHITECTURE.md lists the seed's output columns; the types are
	// KQL's: min/max of a datetime, sum of a long.
	wantOut := []string{"SourceIpAddress:string", "RecipientAccountId:string", "AccountName:string",
		"AccountUPNSuffix:string", "UserIdentityArn:string", "UserAgent:string", "Start:datetime",
		"end:datetime", "totalgpu:long"}
	if d := cmp.Diff(wantOut, out); d != "" {
		t.Errorf("output columns (-want +got):\n%s", d)
	}
}

// TestParallelExtend pins SEMANTICS.md §2's extend rule on the seed's
// last extend: AccountUPNSuffix is computed from the AccountName that the
// operator READ (still holding "@"), not from the one it assigns.
func TestParallelExtend(t *testing.T) {
	p, errs := lower(t, seedQuery(t))
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	var last *Compute
	for _, st := range p.Steps {
		if c, ok := st.(*Compute); ok {
			last = c
		}
	}
	got := map[string]string{}
	for _, a := range last.Assigns {
		got[a.Name] = FormatExpr(a.X)
	}
	// Both read the input column AccountName: there is no other column of
	// that name the expression could mean.
	want := map[string]string{
		"AccountName":      `(Case:string (ContainsFold AccountName "@") (ToString (SplitIndex AccountName "@" 0)) AccountName)`,
		"AccountUPNSuffix": `(Case:string (ContainsFold AccountName "@") (ToString (SplitIndex AccountName "@" 1)) "")`,
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
	// The input of that step is the previous one's output, which holds
	// exactly one AccountName: the one step 11 computed.
	idx := -1
	for i, st := range p.Steps {
		if st == Step(last) {
			idx = i
		}
	}
	n := 0
	for _, c := range p.Steps[idx-1].Info().Columns {
		if c.Name == "AccountName" {
			n++
		}
	}
	if n != 1 {
		t.Errorf("input of the last extend holds %d AccountName columns, want 1", n)
	}
}

// TestUnsupported checks that constructs outside the plan are positioned
// errors that name the construct and wrap convert.ErrUnsupported once
// turned into diagnostics. Positions are worked out by counting.
func TestUnsupported(t *testing.T) {
	tests := []struct {
		query string
		want  string
	}{
		{"AWSCloudTrail\n| mv-apply x = dynamic([1]) on (take 1)", "2:3: unsupported operator mv-apply"},
		{"AWSCloudTrail | join (AWSCloudTrail) on EventName", "1:17: unsupported join kind innerunique (the default) on a left side that may hold several rows per key: " +
			"Kusto keeps an arbitrary one, SQL has no row order to pick the same (write kind=inner, or make the left side distinct on the keys)"},
		{"AWSCloudTrail | join kind=rightouter (AWSCloudTrail) on EventName", "1:27: unsupported join kind rightouter"},
		{"AWSCloudTrail | join kind=inner (AWSCloudTrail) on $left.EventName != $right.EventName", "1:52: unsupported join condition $left.EventName != $right.EventName (only $left.a == $right.b)"},
		{"AWSCloudTrail | mv-expand dynamic([1, 2])", "1:27: unsupported mv-expand of an expression Kusto names Column1 (name it: Name = ...)"},
		{"AWSCloudTrail | mv-expand x = parse_json(EventName) | top 3 by EventName", "1:55: unsupported top after mv-expand (which rows it keeps depends on an order the SQL does not keep)"},
		{"AWSCloudTrail | join kind=inner (AWSCloudTrail) on EventName | take 3", "1:64: unsupported take after join (which rows it keeps depends on an order the SQL does not keep)"},
		{"AWSCloudTrail | extend p = pack(EventName, 1)", "1:33: unsupported pack with a key that is not a constant string"},
		{"AWSCloudTrail | summarize percentile(toint(EventName), 50) by EventName", "1:27: unsupported aggregate function percentile"},
		{"AWSCloudTrail | summarize arg_max(TimeGenerated, *)", "1:27: unsupported arg_min or arg_max in a summarize without by keys"},
		{"AWSCloudTrail | summarize arg_max(TimeGenerated, *), arg_min(TimeGenerated, *) by EventName", "1:54: unsupported a second arg_min or arg_max in one summarize"},
		{"AWSCloudTrail | extend x = base64_decode_tostring(EventName)", "1:28: unsupported function base64_decode_tostring"},
		{"AWSCloudTrail | where EventName matches regex \"a.*\"", "1:33: unsupported operator matches regex"},
		{"AWSCloudTrail | extend tolower(EventName)", "1:24: unsupported unnamed expression in extend (KQL would name it Column1)"},
		{"AWSCloudTrail | where TenantId == \"x\"", "1:23: unsupported column TenantId: Log Analytics fills it, no CloudTrail field does"},
		{"let f = (a:string) { a }; AWSCloudTrail | where f(EventName)", "1:49: unsupported user-defined function f"},
		{"AWSCloudTrail | extend x = split(EventName, \".\", 1)", "1:28: unsupported split with an index, used as an array (index it with [0])"},
		{"SigninLogs | where x", "1:1: unsupported table SigninLogs (no schema)"},
		{"let T = AWSCloudTrail | project EventName; AWSCloudTrail | where EventName in (T)", "1:80: unsupported in with a subquery"},
		{"AWSCloudTrail | extend i = indexof_regex(EventName, \"a+\")", "1:53: unsupported indexof_regex with a regular expression (only literal text is lowered)"},
	}
	for _, tt := range tests {
		p, errs := lower(t, tt.query)
		if p != nil || len(errs) == 0 {
			t.Errorf("%q: no error", tt.query)
			continue
		}
		got := lineCol(tt.query, errs[0].Pos) + ": " + errs[0].Msg
		if d := cmp.Diff(tt.want, got); d != "" {
			t.Errorf("%q (-want +got):\n%s", tt.query, d)
		}
		diags := errs.Diagnostics("q.kql", nil)
		if !errors.Is(diags.Err(), convert.ErrUnsupported) {
			t.Errorf("%q: diagnostics do not wrap convert.ErrUnsupported: %v", tt.query, diags)
		}
	}
}

// TestSemanticErrors checks mistakes in the query itself: not
// ErrUnsupported, positioned, all reported.
func TestSemanticErrors(t *testing.T) {
	tests := []struct {
		query string
		want  []string
	}{
		{"AWSCloudTrail | where EventNmae == \"x\"", []string{`1:23: unknown column or variable "EventNmae"`}},
		{"AWSCloudTrail | where EventName == 1", []string{"1:33: cannot compare string with long"}},
		{"AWSCloudTrail | where EventName", []string{"1:23: expected a bool, found string"}},
		{"AWSCloudTrail | extend a = 1, a = 2", []string{"1:31: column a is assigned twice in one extend"}},
		{"AWSCloudTrail | project-away Nope", []string{`1:30: unknown column "Nope"`}},
		{"AWSCloudTrail | extend x = iff(true, 1, \"a\")", []string{"1:41: iff values must have one type, found long, string"}},
	}
	for _, tt := range tests {
		p, errs := lower(t, tt.query)
		if p != nil {
			t.Errorf("%q: no error", tt.query)
			continue
		}
		var got []string
		for _, e := range errs {
			got = append(got, lineCol(tt.query, e.Pos)+": "+e.Msg)
			if e.Kind == kql.ErrUnsupported {
				t.Errorf("%q: %s is marked unsupported, but the query is wrong", tt.query, e.Msg)
			}
		}
		if d := cmp.Diff(tt.want, got); d != "" {
			t.Errorf("%q (-want +got):\n%s", tt.query, d)
		}
	}
}
