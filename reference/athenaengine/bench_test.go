package athenaengine

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ruleport/ruleport/reference/logs"
)

// benchRecords cycles the seed fixture's records up to n, so every record
// is a realistic RunInstances event inside the seed window.
func benchRecords(b *testing.B, n int) [][]byte {
	_, recs, _ := seedCase(b)
	out := make([][]byte, n)
	for i := range out {
		out[i] = recs[i%len(recs)]
	}
	return out
}

// BenchmarkSeed measures what `ruleport run --engine athena` pays for the
// seed rule: load N records into cloudtrail_logs and run the translation.
func BenchmarkSeed(b *testing.B) {
	sqlText, _, _ := seedCase(b)
	for _, n := range []int{1_000, 10_000, 100_000} {
		recs := benchRecords(b, n)
		b.Run(fmt.Sprintf("records=%d", n), func(b *testing.B) {
			e := newTestEngine(b, Options{Now: seedNow})
			b.ReportAllocs()
			for b.Loop() {
				if _, err := e.Run(context.Background(), sqlText, &logs.SliceSource{Records: recs}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "records/s")
			b.ReportMetric(duckMemoryMB(b, e), "duckdb-MB")
		})
	}
}

// BenchmarkLoad compares the two ways of filling cloudtrail_logs that the
// design allows: the appender (what load uses) and a temporary NDJSON file
// of projected rows read by read_json with explicit column types.
func BenchmarkLoad(b *testing.B) {
	for _, n := range []int{10_000, 100_000} {
		recs := benchRecords(b, n)
		b.Run(fmt.Sprintf("appender/records=%d", n), func(b *testing.B) {
			e := newTestEngine(b, Options{})
			for b.Loop() {
				if err := e.load(context.Background(), &logs.SliceSource{Records: recs}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "records/s")
		})
		b.Run(fmt.Sprintf("read_json/records=%d", n), func(b *testing.B) {
			e := newTestEngine(b, Options{})
			path := filepath.Join(b.TempDir(), "rows.ndjson")
			for b.Loop() {
				if err := loadViaReadJSON(e, path, recs); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "records/s")
		})
	}
}

// loadViaReadJSON is the alternative loader, kept here only to be measured:
// project each record, write it as NDJSON keyed by column, then let DuckDB
// read the file with the table's types.
func loadViaReadJSON(e *Engine, path string, recs [][]byte) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	enc := json.NewEncoder(w)
	for _, raw := range recs {
		row, err := logs.ToAthena(raw)
		if err != nil {
			return err
		}
		obj := make(map[string]any, len(row.Values))
		for i, c := range logs.AthenaColumns {
			obj[c.Name] = row.Values[i]
		}
		if err := enc.Encode(obj); err != nil {
			return err
		}
	}
	if err := w.Flush(); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	cols := make([]string, len(logs.AthenaColumns))
	for i, c := range logs.AthenaColumns {
		cols[i] = fmt.Sprintf("'%s': '%s'", c.Name, strings.ReplaceAll(duckType(c.Type), "'", "''"))
	}
	ctx := context.Background()
	if _, err := e.conn.ExecContext(ctx, createTable()); err != nil {
		return err
	}
	names := make([]string, len(logs.AthenaColumns))
	for i, c := range logs.AthenaColumns {
		names[i] = quoteIdent(c.Name)
	}
	_, err = e.conn.ExecContext(ctx, fmt.Sprintf(
		"INSERT INTO %s SELECT %s FROM read_json('%s', format = 'newline_delimited', columns = {%s})",
		tableName, strings.Join(names, ", "), path, strings.Join(cols, ", ")))
	return err
}

// duckMemoryMB is the memory DuckDB's buffer manager holds.
func duckMemoryMB(b *testing.B, e *Engine) float64 {
	var bytes sql.NullInt64
	err := e.conn.QueryRowContext(context.Background(),
		"SELECT sum(memory_usage_bytes) FROM duckdb_memory()").Scan(&bytes)
	if err != nil {
		b.Fatal(err)
	}
	return float64(bytes.Int64) / (1 << 20)
}
