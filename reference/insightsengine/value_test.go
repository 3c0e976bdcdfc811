package insightsengine

import (
	"math/rand"
	"sort"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestCompare pins the comparison rules of value.go's compare, worked by
// hand from the rules written there.
func TestCompare(t *testing.T) {
	t1, t2 := ts("2026-03-02T00:00:00Z"), ts("2026-03-02T01:00:00Z")
	m := &object{keys: []string{"a"}, m: map[string]any{"a": 1.0}}
	tests := []struct {
		op   string
		a, b any
		want bool
	}{
		{"=", 4.0, "4", true},      // number against numeric text: numerically
		{"=", 4.0, "4.0", true},    //
		{"<", "9", 10.0, true},     //
		{"<", "9", "10", false},    // two strings: as text
		{"=", "abc", "abc", true},  //
		{"=", "Abc", "abc", false}, // case-sensitive
		{"!=", 5.0, "abc", true},   // unordered: only != holds
		{">", 5.0, "abc", false},   //
		{"<", 5.0, "abc", false},   //
		{"=", nil, nil, false},     // missing: every comparison false
		{"!=", nil, 5.0, false},    //
		{"<", t1, t2, true},        // timestamps in time
		{"=", t1, "2026-03-02T00:00:00Z", false},
		{"!=", t1, "2026-03-02T00:00:00Z", true},
		{"=", m, m, false},      // maps compare false, even to themselves
		{"!=", m, "x", false},   //
		{"=", true, 1.0, true},  // a boolean is 1 or 0
		{"=", false, "0", true}, //
	}
	for _, tc := range tests {
		if got := compare(tc.op, tc.a, tc.b); got != tc.want {
			t.Errorf("compare(%q, %#v, %#v) = %v, want %v", tc.op, tc.a, tc.b, got, tc.want)
		}
	}
}

// TestNaturalSort is the worked example on docSort: "the following is the
// result of a sort in ascending order", listed there top to bottom.
func TestNaturalSort(t *testing.T) {
	want := []any{
		"!:", "#", "*%04", "0#", "5A", "111A", "2345_", "@", "@_", "A", "A9876fghj", "a12345hfh",
		"0", "01", "1", "2", "3",
	}
	got := append([]any(nil), want...)
	rand.New(rand.NewSource(1)).Shuffle(len(got), func(i, j int) { got[i], got[j] = got[j], got[i] })
	sort.SliceStable(got, func(i, j int) bool { return naturalCompare(got[i], got[j]) < 0 })
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ascending natural sort (-want +got):\n%s", diff)
	}
	// Guesses: missing first, numbers from JSON among number values, a
	// decimal number is a number value.
	want = []any{nil, "a", 1.0, "1.5", 2.0, "10"}
	got = []any{"10", 2.0, "a", nil, "1.5", 1.0}
	sort.SliceStable(got, func(i, j int) bool { return naturalCompare(got[i], got[j]) < 0 })
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("guessed natural sort (-want +got):\n%s", diff)
	}
}
