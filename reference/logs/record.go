// Package logs reads CloudTrail logs as a stream of records and projects
// each record into the row shapes the engines consume: a Sentinel
// AWSCloudTrail row (KQL), an Athena cloudtrail_logs row (SQL) and a
// CloudWatch Logs event (Logs Insights).
package logs

import (
	"io"
	"time"
)

// Record is one CloudTrail record as read from a log file.
type Record struct {
	// Raw is the record's JSON object. It is valid until the next call to
	// the Source's Next; callers that keep it must copy it.
	Raw []byte
	// Source names where the record came from: the file path, with
	// "!member" for a record inside an archive member when that applies.
	Source string
	// Index is the record's 1-based line number for one-record-per-line
	// files, or its 1-based position in the Records array otherwise.
	Index int
}

// Source yields records one at a time. Next returns io.EOF after the last
// record. Implementations stream: memory does not grow with file size.
type Source interface {
	Next() (Record, error)
}

// SliceSource is a Source over records already in memory, for tests and
// for small inputs built in code.
type SliceSource struct {
	Records [][]byte
	Name    string
	i       int
}

// Next returns the next record of the slice.
func (s *SliceSource) Next() (Record, error) {
	if s.i >= len(s.Records) {
		return Record{}, io.EOF
	}
	s.i++
	return Record{Raw: s.Records[s.i-1], Source: s.Name, Index: s.i}, nil
}

// Window is the span of event time a run considers: a record is in scope
// when Start <= eventTime < End. The zero Window holds every record.
type Window struct {
	Start, End time.Time
}

// IsZero reports whether w is the unbounded window.
func (w Window) IsZero() bool { return w.Start.IsZero() && w.End.IsZero() }

// Contains reports whether t falls in the window. A record without a
// usable event time (zero t) is in scope only of the unbounded window.
func (w Window) Contains(t time.Time) bool {
	if w.IsZero() {
		return true
	}
	if t.IsZero() {
		return false
	}
	return !t.Before(w.Start) && t.Before(w.End)
}

// Lookback returns the window [now - period, now), as a scheduled rule
// that runs at now with queryPeriod period sees it.
func Lookback(now time.Time, period time.Duration) Window {
	return Window{Start: now.Add(-period), End: now}
}
