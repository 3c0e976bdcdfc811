package athenaengine

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"unicode/utf8"

	"github.com/ruleport/ruleport/reference/logs"
)

// load replaces cloudtrail_logs with the records of src: it writes each
// record's row (logs.ToAthena) to the Engine's file of rows as a line of
// JSON and points the view at the file (store.go). Go holds one batch of
// records however long the input.
//
// The projection is the load's dearest step, so a batch of records is
// projected and written out by several goroutines; the lines are then
// written, and their warnings and errors reported, in the source's order,
// so that the rows, the warnings kept and the error returned are those of
// a record-by-record load.
func (e *Engine) load(ctx context.Context, src logs.Source) error {
	path := filepath.Join(e.dir, rowsFile)
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("athenaengine: %w", err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	widest, err := e.writeRows(ctx, w, src)
	if err == nil {
		err = w.Flush()
	}
	if cerr := f.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("athenaengine: %w", cerr)
	}
	if err != nil {
		return err
	}
	for _, s := range []string{setMemoryLimit(widest), createView(path, widest)} {
		if _, err := e.conn.ExecContext(ctx, s); err != nil {
			return fmt.Errorf("athenaengine: create %s: %w", tableName, err)
		}
	}
	return nil
}

const (
	// loadBatch is how many records are projected together.
	loadBatch = 256
	// maxLoadWorkers bounds the goroutines that project records.
	maxLoadWorkers = 4
)

// writeRows writes the row of every record of src to w, one line each,
// and returns the length of the longest line.
func (e *Engine) writeRows(ctx context.Context, w io.Writer, src logs.Source) (int, error) {
	var b batch
	workers := min(runtime.GOMAXPROCS(0), maxLoadWorkers)
	widest := 0
	for {
		if err := ctx.Err(); err != nil {
			return 0, err
		}
		srcErr := b.fill(src)
		b.project(workers)
		for i, rec := range b.recs {
			p := b.rows[i]
			if p.err != nil {
				return 0, fmt.Errorf("%s: %w", recordName(rec), p.err)
			}
			for _, u := range p.unreadable {
				e.warn(fmt.Sprintf("%s: %s: Athena fails the query on this record (HIVE_BAD_DATA); read as NULL", recordName(rec), u))
			}
			if _, err := w.Write(p.line); err != nil {
				return 0, fmt.Errorf("athenaengine: %w", err)
			}
			widest = max(widest, len(p.line))
		}
		if srcErr == io.EOF {
			return widest, nil
		}
		if srcErr != nil {
			return 0, srcErr
		}
	}
}

// batch is up to loadBatch records, copied (a Source's Raw is valid only
// until its next record), and their rows.
type batch struct {
	recs  []logs.Record
	arena []byte
	ends  []int // where each record's text ends in arena
	rows  []projection
	// out holds each worker's lines; rows' lines point into it.
	out [maxLoadWorkers][]byte
}

// projection is one record's row as a line of JSON, or why it has none.
type projection struct {
	line       []byte
	unreadable []string
	err        error
}

// fill reads the next records of src into b. It returns io.EOF at the
// end, or the source's error; the records read before either are in b.
func (b *batch) fill(src logs.Source) error {
	b.recs, b.arena, b.ends = b.recs[:0], b.arena[:0], b.ends[:0]
	var err error
	for len(b.recs) < loadBatch {
		var rec logs.Record
		if rec, err = src.Next(); err != nil {
			break
		}
		b.arena = append(b.arena, rec.Raw...)
		b.ends = append(b.ends, len(b.arena))
		b.recs = append(b.recs, rec)
	}
	start := 0
	for i, end := range b.ends {
		b.recs[i].Raw = b.arena[start:end:end]
		start = end
	}
	return err
}

// project makes every record of b a line, with up to workers goroutines;
// worker w takes records w, w+workers, ...
func (b *batch) project(workers int) {
	b.rows = append(b.rows[:0], make([]projection, len(b.recs))...)
	workers = max(1, min(workers, len(b.recs)))
	run := func(w int) {
		out := b.out[w][:0]
		starts := make([]int, 0, len(b.recs)/workers+1)
		for i := w; i < len(b.recs); i += workers {
			row, err := logs.ToAthena(b.recs[i].Raw)
			b.rows[i].err, b.rows[i].unreadable = err, row.Unreadable
			starts = append(starts, len(out))
			if err == nil {
				out = append(appendRow(out, row.Values), '\n')
			}
		}
		// Slice only now: out may have moved while it grew.
		for k, i := 0, w; i < len(b.recs); k, i = k+1, i+workers {
			end := len(out)
			if k+1 < len(starts) {
				end = starts[k+1]
			}
			b.rows[i].line = out[starts[k]:end]
		}
		b.out[w] = out
	}
	if workers == 1 {
		run(0)
		return
	}
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() { run(w) })
	}
	wg.Wait()
}

// appendRow appends a row of cloudtrail_logs as a JSON object keyed by
// column name.
func appendRow(dst []byte, values []any) []byte {
	dst = append(dst, '{')
	for i, c := range logs.AthenaColumns {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = append(appendQuoted(dst, c.Name), ':')
		dst = appendValue(dst, values[i], c.Type)
	}
	return append(dst, '}')
}

// appendValue appends one value of a logs.AthenaRow, of type t, as JSON
// that read_json reads back as the same value: nil is null, a string a
// JSON string, a struct an object with its declared fields in order, an
// array an array. A string that is not UTF-8 is null, which is what
// DuckDB's appender made of it (DuckDB's strings are UTF-8;
// TestRowsFileMatchesAppender).
func appendValue(dst []byte, v any, t logs.AthenaType) []byte {
	switch v := v.(type) {
	case string:
		if !utf8.ValidString(v) {
			break
		}
		return appendQuoted(dst, v)
	case map[string]any:
		dst = append(dst, '{')
		for i, f := range t.Fields {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = append(appendQuoted(dst, f.Name), ':')
			dst = appendValue(dst, v[f.Name], f.Type)
		}
		return append(dst, '}')
	case []any:
		dst = append(dst, '[')
		for i, ev := range v {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = appendValue(dst, ev, *t.Elem)
		}
		return append(dst, ']')
	}
	return append(dst, "null"...)
}

// maxWarnings bounds the warnings one run keeps: a log full of one bad
// shape says so in a few lines.
const maxWarnings = 20

// warn records a warning of the current run.
func (e *Engine) warn(w string) {
	e.warnCount++
	if len(e.warnings) < maxWarnings {
		e.warnings = append(e.warnings, w)
	}
}

// Warnings returns what the last Run read otherwise than Athena would: a
// record whose struct or array column has another JSON shape, which Athena
// fails the whole query on (logs.ToAthena reads it as NULL). At most 20
// are listed, then a count of the rest.
func (e *Engine) Warnings() []string {
	out := append([]string(nil), e.warnings...)
	if more := e.warnCount - len(e.warnings); more > 0 {
		out = append(out, fmt.Sprintf("%d more records Athena would fail on", more))
	}
	return out
}

// recordName locates a record for an error message.
func recordName(rec logs.Record) string {
	if rec.Source == "" {
		return fmt.Sprintf("record %d", rec.Index)
	}
	return fmt.Sprintf("%s:%d", rec.Source, rec.Index)
}
