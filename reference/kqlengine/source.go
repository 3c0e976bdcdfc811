package kqlengine

import (
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/ruleport/ruleport/convert/kql"
	"github.com/ruleport/ruleport/reference/alerts"
	"github.com/ruleport/ruleport/reference/logs"
)

// AWSCloudTrail is the name of the table Run fills from CloudTrail
// records.
const AWSCloudTrail = "AWSCloudTrail"

// Run runs q over the CloudTrail records of src, projected into rows of
// Sentinel's AWSCloudTrail table (logs.ToAWSCloudTrail) and restricted to
// opt.Window on TimeGenerated before the query sees them, as a scheduled
// rule sees only its lookback period. A query that names the table once is
// streamed; one that names it several times (or inside a let) holds the
// table's rows in memory. The result has the query's output columns in
// KQL's order and its rows sorted with alerts.Table.Sort.
func Run(q *kql.Query, src logs.Source, opt Options) (alerts.Table, error) {
	e := newEngine(opt)
	t, err := cloudTrailSource(src, opt.Window)
	if err != nil {
		return alerts.Table{}, err
	}
	e.tables[AWSCloudTrail] = t
	return e.run(q)
}

// AWSCloudTrailColumns returns the columns of the AWSCloudTrail table as
// the engine types them.
func AWSCloudTrailColumns() ([]Column, error) {
	cols := make([]Column, len(logs.AWSCloudTrailColumns))
	for i, c := range logs.AWSCloudTrailColumns {
		t, ok := ParseType(c.Type)
		if !ok {
			return nil, fmt.Errorf("AWSCloudTrail column %s: unknown type %q", c.Name, c.Type)
		}
		cols[i] = Column{Name: c.Name, Type: t}
	}
	return cols, nil
}

// cloudTrailSource streams src as AWSCloudTrail rows.
func cloudTrailSource(src logs.Source, w logs.Window) (*tableSource, error) {
	cols, err := AWSCloudTrailColumns()
	if err != nil {
		return nil, err
	}
	tg := windowColumn(cols)
	next := func() ([]any, error) {
		for {
			rec, err := src.Next()
			if errors.Is(err, io.EOF) {
				return nil, nil
			}
			if err != nil {
				return nil, err
			}
			raw, err := logs.ToAWSCloudTrail(rec.Raw)
			if err != nil {
				return nil, fmt.Errorf("%s: record %d: %w", rec.Source, rec.Index, err)
			}
			row, err := cloudTrailRow(cols, raw)
			if err != nil {
				return nil, fmt.Errorf("%s: record %d: %w", rec.Source, rec.Index, err)
			}
			if tg >= 0 && !inWindow(w, row[tg]) {
				continue
			}
			return row, nil
		}
	}
	return &tableSource{name: AWSCloudTrail, cols: cols, stream: next}, nil
}

// cloudTrailRow converts a projected row to the engine's values. The
// projection fills a guid column without a source with ""; a guid cannot
// be empty, so that is a null guid.
func cloudTrailRow(cols []Column, raw []any) ([]any, error) {
	for i, c := range cols {
		if c.Type == TypeGuid && raw[i] == "" {
			raw[i] = nil
		}
	}
	return normalizeRow(cols, raw)
}

// tableSource is a named table: rows in memory, or a stream of CloudTrail
// records read once. A table the query names more than once is read into
// memory on first use, so every reference sees the same rows.
type tableSource struct {
	name   string
	cols   []Column
	rows   [][]any
	loaded bool
	// stream yields the rows of a table not yet loaded.
	stream rowIter
	// streamOK is set when the query reads the table once, so it can be
	// streamed without holding its rows.
	streamOK bool
	opened   int
}

func (t *tableSource) open(pos kql.Pos) (*relation, error) {
	t.opened++
	if t.loaded {
		return &relation{cols: t.cols, next: sliceIter(t.rows)}, nil
	}
	if t.streamOK {
		if t.opened > 1 {
			return nil, errorf(pos, "internal: table %s streamed twice", t.name)
		}
		return &relation{cols: t.cols, next: t.stream}, nil
	}
	var it rowIter
	return &relation{cols: t.cols, next: func() ([]any, error) {
		if it == nil {
			if !t.loaded {
				rows, err := collect(&relation{next: t.stream})
				if err != nil {
					return nil, err
				}
				t.rows, t.loaded = rows, true
			}
			it = sliceIter(t.rows)
		}
		return it()
	}}, nil
}

// memorySource validates an in-memory table and applies the window.
func memorySource(name string, t *Table, w logs.Window) (*tableSource, error) {
	if t == nil {
		return nil, fmt.Errorf("table %s: nil", name)
	}
	tg := windowColumn(t.Columns)
	src := &tableSource{name: name, cols: append([]Column(nil), t.Columns...), loaded: true}
	for i, row := range t.Rows {
		n, err := normalizeRow(t.Columns, row)
		if err != nil {
			return nil, fmt.Errorf("table %s: row %d: %w", name, i+1, err)
		}
		if tg >= 0 && !inWindow(w, n[tg]) {
			continue
		}
		src.rows = append(src.rows, n)
	}
	return src, nil
}

// windowColumn is the index of the TimeGenerated datetime column, or -1.
func windowColumn(cols []Column) int {
	for i, c := range cols {
		if c.Name == "TimeGenerated" && c.Type == TypeDatetime {
			return i
		}
	}
	return -1
}

// inWindow applies logs.Window to a TimeGenerated value: a null time is
// only in the unbounded window.
func inWindow(w logs.Window, v any) bool {
	t, _ := v.(time.Time)
	return w.Contains(t)
}

// planStreaming lets a table be streamed when the query names it exactly
// once, outside any let (a let may be evaluated more than once).
func (e *engine) planStreaming(q *kql.Query) {
	for name, t := range e.tables {
		if t.loaded {
			continue
		}
		total, inLets := countTableRefs(q, name)
		t.streamOK = total == 1 && inLets == 0
	}
}
