package kqlengine

import (
	"errors"
	"fmt"
	"io"

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
