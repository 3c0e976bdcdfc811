package insightsengine

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/ruleport/ruleport/reference/alerts"
	"github.com/ruleport/ruleport/reference/logs"
)

// Documentation pages the tests quote.
const (
	docOps      = "https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/CWL_QuerySyntax-operations-functions.html"
	docSyntax   = "https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/CWL_QuerySyntax.html"
	docFields   = "https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/CWL_QuerySyntax-Fields.html"
	docFilter   = "https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/CWL_QuerySyntax-Filter.html"
	docStats    = "https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/CWL_QuerySyntax-Stats.html"
	docParse    = "https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/CWL_QuerySyntax-Parse.html"
	docSort     = "https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/CWL_QuerySyntax-Sort.html"
	docLimit    = "https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/CWL_QuerySyntax-Limit.html"
	docDedup    = "https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/CWL_QuerySyntax-Dedup.html"
	docDisplay  = "https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/CWL_QuerySyntax-Display.html"
	docDiscover = "https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/CWL_AnalyzeLogData-discoverable-fields.html"
)

func source(records ...string) *logs.SliceSource {
	s := &logs.SliceSource{Name: "test.jsonl"}
	for _, r := range records {
		s.Records = append(s.Records, []byte(r))
	}
	return s
}

// mustRun runs query over records with no time range.
func mustRun(t *testing.T, query string, records ...string) alerts.Table {
	t.Helper()
	tab, err := Run(query, source(records...), Options{})
	if err != nil {
		t.Fatalf("Run(%q): %v", query, err)
	}
	return tab
}

// table builds an expected table; rows are put in canonical order so a
// case can list them in whatever order reads best.
func table(cols []string, rows ...[]any) alerts.Table {
	t := alerts.Table{Columns: cols, Rows: rows}
	t.Sort()
	return t
}

func cols(names ...string) []string { return names }

func ts(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		panic(err)
	}
	return t
}

// queryCase is one end-to-end case: a query, the records it reads and the
// table it must return, worked out by hand from the quoted documentation.
type queryCase struct {
	name    string
	query   string
	records []string
	want    alerts.Table
}

func runCases(t *testing.T, cases []queryCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := mustRun(t, tc.query, tc.records...)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("query %q (-want +got):\n%s", tc.query, diff)
			}
		})
	}
}

// eval evaluates one expression on one event, through the public entry
// point: fields <expr> as v.
func eval(t *testing.T, expression, record string) any {
	t.Helper()
	tab := mustRun(t, "fields "+expression+" as v", record)
	if len(tab.Rows) != 1 {
		t.Fatalf("eval %q: %d rows", expression, len(tab.Rows))
	}
	return tab.Rows[0][0]
}
