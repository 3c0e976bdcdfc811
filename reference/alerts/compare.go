package alerts

import (
	"fmt"
	"sort"
	"strings"
)

// Options tune a comparison.
type Options struct {
	// NullEqualsEmpty treats null and "" as one value. KQL strings are
	// never null where Logs Insights leaves a missing field null; a
	// comparison that involves such an engine says so by setting this.
	NullEqualsEmpty bool
}

// Diff is what separates two tables: a column mismatch, or the rows one has
// and the other lacks, counted as multisets.
type Diff struct {
	// Columns describes a difference in column sets, or is empty.
	Columns string
	// Missing holds rows of want that got lacks, as canonical JSON objects.
	Missing []string
	// Extra holds rows of got that want lacks, as canonical JSON objects.
	Extra []string
}

// Empty reports whether the tables agree.
func (d Diff) Empty() bool {
	return d.Columns == "" && len(d.Missing) == 0 && len(d.Extra) == 0
}

// String prints the diff as (-want +got) lines, one row per line.
func (d Diff) String() string {
	var b strings.Builder
	if d.Columns != "" {
		fmt.Fprintf(&b, "columns: %s\n", d.Columns)
	}
	for _, r := range d.Missing {
		fmt.Fprintf(&b, "- %s\n", r)
	}
	for _, r := range d.Extra {
		fmt.Fprintf(&b, "+ %s\n", r)
	}
	return b.String()
}

// Compare reports how got differs from want. Columns are compared as sets,
// rows as multisets of canonical objects (keys sorted by name), so neither
// column order nor row order matters.
func Compare(want, got Table, opt Options) Diff {
	var d Diff
	if c := columnDiff(want.Columns, got.Columns); c != "" {
		d.Columns = c
		return d
	}
	count := map[string]int{}
	for _, row := range want.Rows {
		count[canonicalObject(want.Columns, row, opt)]++
	}
	for _, row := range got.Rows {
		key := canonicalObject(got.Columns, row, opt)
		if count[key] > 0 {
			count[key]--
			continue
		}
		d.Extra = append(d.Extra, key)
	}
	for _, row := range want.Rows {
		key := canonicalObject(want.Columns, row, opt)
		if count[key] > 0 {
			count[key]--
			d.Missing = append(d.Missing, key)
		}
	}
	sort.Strings(d.Missing)
	sort.Strings(d.Extra)
	return d
}

func columnDiff(want, got []string) string {
	var missing, extra []string
	for _, c := range want {
		if indexOf(got, c) < 0 {
			missing = append(missing, c)
		}
	}
	for _, c := range got {
		if indexOf(want, c) < 0 {
			extra = append(extra, c)
		}
	}
	if len(missing) == 0 && len(extra) == 0 {
		return ""
	}
	return fmt.Sprintf("want %v, got %v (missing %v, unexpected %v)", want, got, missing, extra)
}

// canonicalObject encodes a row with its keys sorted, so that two engines
// naming the same columns in another order still compare equal.
func canonicalObject(cols []string, row []any, opt Options) string {
	idx := make([]int, len(cols))
	for i := range idx {
		idx[i] = i
	}
	sort.Slice(idx, func(a, b int) bool { return cols[idx[a]] < cols[idx[b]] })
	var b strings.Builder
	b.WriteByte('{')
	for n, i := range idx {
		if n > 0 {
			b.WriteByte(',')
		}
		b.WriteString(quote(cols[i]))
		b.WriteByte(':')
		var v any
		if i < len(row) {
			v = row[i]
		}
		if opt.NullEqualsEmpty && v == "" {
			v = nil
		}
		b.WriteString(EncodeValue(v))
	}
	b.WriteByte('}')
	return b.String()
}

// Project returns the table restricted to cols, in that order. Comparing a
// subset of columns is how a fixture pins the columns it cares about.
func (t Table) Project(cols []string) (Table, error) {
	idx := make([]int, len(cols))
	for i, c := range cols {
		idx[i] = indexOf(t.Columns, c)
		if idx[i] < 0 {
			return Table{}, fmt.Errorf("alerts: no column %q (have %v)", c, t.Columns)
		}
	}
	out := Table{Columns: append([]string(nil), cols...)}
	for _, row := range t.Rows {
		r := make([]any, len(idx))
		for i, j := range idx {
			r[i] = row[j]
		}
		out.Rows = append(out.Rows, r)
	}
	return out, nil
}
