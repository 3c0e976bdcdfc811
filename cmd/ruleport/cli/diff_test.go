package cli

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ruleport/ruleport/reference/alerts"
)

func TestDiffAlerts(t *testing.T) {
	cols := []string{"user", "total"}
	oldT := alerts.Table{Columns: cols, Rows: [][]any{{"a", int64(900)}, {"b", int64(850)}, {"c", int64(801)}}}
	newT := alerts.Table{Columns: cols, Rows: [][]any{{"a", int64(900)}, {"b", int64(950)}, {"d", int64(700)}}}
	got := diffAlerts(oldT, newT, []string{"user"})
	want := alertDiff{
		Keys:    []string{"user"},
		Added:   []string{`{"user":"d","total":700}`},
		Removed: []string{`{"user":"c","total":801}`},
		Changed: []changedAlert{{Key: `{"user":"b"}`, Old: `{"user":"b","total":850}`, New: `{"user":"b","total":950}`, Columns: []string{"total"}}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("diffAlerts (-want +got):\n%s", diff)
	}
	// Without keys, whole rows pair: a changed value is a removal and an
	// addition.
	got = diffAlerts(oldT, newT, nil)
	if len(got.Added) != 2 || len(got.Removed) != 2 || len(got.Changed) != 0 {
		t.Errorf("whole-row diff = %+v, want 2 added, 2 removed", got)
	}
	if !got.changed() || diffAlerts(oldT, oldT, cols).changed() {
		t.Error("changed() must be true exactly when something differs")
	}
}

func TestCommonKeys(t *testing.T) {
	got := commonKeys([]string{"a", "b", "c"}, []string{"c", "a"}, []string{"a", "b", "c"}, []string{"a", "c", "x"})
	if diff := cmp.Diff([]string{"a", "c"}, got); diff != "" {
		t.Errorf("commonKeys (-want +got):\n%s", diff)
	}
}
