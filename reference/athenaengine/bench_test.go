package athenaengine

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"os"
	"slices"
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

// BenchmarkLoad compares the ways of filling cloudtrail_logs that were
// measured: the file of rows read by read_json (what load does), and
// DuckDB's appender into an in-memory table (what it did before).
func BenchmarkLoad(b *testing.B) {
	for _, n := range []int{10_000, 100_000} {
		recs := benchRecords(b, n)
		b.Run(fmt.Sprintf("rows-file/records=%d", n), func(b *testing.B) {
			e := newTestEngine(b, Options{})
			for b.Loop() {
				if err := e.load(context.Background(), &logs.SliceSource{Records: recs}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "records/s")
		})
		b.Run(fmt.Sprintf("appender/records=%d", n), func(b *testing.B) {
			e := newTestEngine(b, Options{})
			for b.Loop() {
				if err := loadViaAppender(e, "appended", recs); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "records/s")
		})
	}
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

// bigTemplate is the public RunInstances record "Successful Unusual EC2"
// (about 4.8 kB, most of it responseElements), the record the big-log
// benchmarks vary, as testdata/biglog does for the end-to-end figures.
func bigTemplate(b testing.TB) map[string]any {
	data, err := os.ReadFile("../../fixtures/seed/public-records/logs/panther.jsonl")
	if err != nil {
		b.Fatal(err)
	}
	for _, line := range strings.Split(string(data), "\n") {
		var ev map[string]any
		if json.Unmarshal([]byte(line), &ev) == nil && ev["eventID"] == "41fab871-150b-43ad-b42a-39fff3f2ca4e" {
			return ev
		}
	}
	b.Fatal("panther.jsonl no longer holds the RunInstances record 41fab871-...")
	return nil
}

// bigRecords returns n variations of bigTemplate over groups users and
// IPs, on 2026-03-02 (inside the seed window), with cpuOptions varied and
// an instance id and event id of their own (so that no two
// responseElements are the same, as in a real log), every object's
// members in reverse order (CloudTrail does not sort its keys; Panther's
// test records are sorted).
func bigRecords(b testing.TB, n, groups int) [][]byte {
	ev := bigTemplate(b)
	ident := ev["userIdentity"].(map[string]any)
	item := ev["responseElements"].(map[string]any)["instancesSet"].(map[string]any)["items"].([]any)[0].(map[string]any)
	cpu := item["cpuOptions"].(map[string]any)
	out := make([][]byte, n)
	for i := range out {
		g := i % groups
		ident["arn"] = fmt.Sprintf("arn:aws:sts::111122223333:assumed-role/role/user%06d", g)
		ident["userName"] = fmt.Sprintf("user%06d", g)
		ev["sourceIPAddress"] = fmt.Sprintf("10.0.%d.%d", g>>8&255, g&255)
		ev["eventTime"] = fmt.Sprintf("2026-03-02T%02d:%02d:%02dZ", g%24, i%60, i/60%60)
		ev["eventID"] = fmt.Sprintf("00000000-0000-4000-8000-%012x", i)
		item["instanceId"] = fmt.Sprintf("i-%017x", i)
		cpu["coreCount"] = 1 << (i % 7)
		cpu["threadsPerCore"] = 1 + i%2
		raw, err := json.Marshal(ev)
		if err != nil {
			b.Fatal(err)
		}
		out[i] = []byte(reversed(b, raw))
	}
	return out
}

// BenchmarkBigLog is what `ruleport run --engine athena` pays per record
// of a real-sized log: the seed rule as convert/athena emits it
// (testdata/seed_emitted.sql) over 4.8 kB RunInstances records.
func BenchmarkBigLog(b *testing.B) {
	text, err := os.ReadFile("testdata/seed_emitted.sql")
	if err != nil {
		b.Fatal(err)
	}
	const n = 10_000
	recs := bigRecords(b, n, 100)
	size := 0
	for _, r := range recs {
		size += len(r)
	}
	e := newTestEngine(b, Options{Now: seedNow})
	b.ReportAllocs()
	for b.Loop() {
		tab, err := e.Run(context.Background(), string(text), &logs.SliceSource{Records: recs})
		if err != nil {
			b.Fatal(err)
		}
		if len(tab.Rows) == 0 {
			b.Fatal("no alerts: the benchmark no longer exercises the aggregation")
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "records/s")
	b.ReportMetric(float64(size)*float64(b.N)/b.Elapsed().Seconds()/(1<<20), "MB/s")
}

// responseElements returns the big record's responseElements as written
// (keys in the order Panther wrote them, which is sorted) and with every
// object's members reversed, as a log whose keys are not sorted has them
// (real CloudTrail writes requestId, reservationId, ownerId, ...).
func responseElements(b *testing.B) (asWritten, reversedText string) {
	raw, err := json.Marshal(bigTemplate(b)["responseElements"])
	if err != nil {
		b.Fatal(err)
	}
	return string(raw), reversed(b, raw)
}

// reversed returns the JSON text raw with every object's members in
// reverse order.
func reversed(b testing.TB, raw []byte) string {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var sb strings.Builder
	if err := writeReversed(dec, &sb); err != nil {
		b.Fatal(err)
	}
	return sb.String()
}

// writeReversed copies the next JSON value of dec to sb with each
// object's members in reverse order.
func writeReversed(dec *json.Decoder, sb *strings.Builder) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	switch tok {
	case json.Delim('{'):
		var members []string
		for dec.More() {
			key, err := dec.Token()
			if err != nil {
				return err
			}
			var v strings.Builder
			if err := writeReversed(dec, &v); err != nil {
				return err
			}
			k, _ := json.Marshal(key)
			members = append(members, string(k)+":"+v.String())
		}
		slices.Reverse(members)
		sb.WriteString("{" + strings.Join(members, ",") + "}")
		_, err = dec.Token()
		return err
	case json.Delim('['):
		sb.WriteByte('[')
		for i := 0; dec.More(); i++ {
			if i > 0 {
				sb.WriteByte(',')
			}
			if err := writeReversed(dec, sb); err != nil {
				return err
			}
		}
		sb.WriteByte(']')
		_, err = dec.Token()
		return err
	}
	text, err := json.Marshal(tok)
	sb.Write(text)
	return err
}

// BenchmarkJSON measures the Go functions behind json_parse,
// json_extract_scalar and json_extract on a 3.4 kB responseElements, the
// work the seed rule's query does per record (json_parse four times, each
// extractor twice on its result).
func BenchmarkJSON(b *testing.B) {
	written, unsorted := responseElements(b)
	canonical, err := jsonParse(unsorted)
	if err != nil {
		b.Fatal(err)
	}
	path, err := parseJSONPath("$.instancesSet.items[0].cpuOptions.coreCount")
	if err != nil {
		b.Fatal(err)
	}
	bench := func(name string, size int, f func() bool) {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(size))
			for b.Loop() {
				if !f() {
					b.Fatal("no result")
				}
			}
		})
	}
	for _, in := range []struct{ name, text string }{{"sorted", written}, {"unsorted", unsorted}} {
		bench("json_parse/"+in.name, len(in.text), func() bool {
			out, err := jsonParse(in.text)
			return err == nil && out == canonical
		})
	}
	bench("json_extract_scalar", len(canonical), func() bool {
		v, ok := extractScalar(canonical, path)
		return ok && v == "2"
	})
	bench("json_extract", len(canonical), func() bool {
		v, ok := extractJSON(canonical, path)
		return ok && v == "2"
	})
}

// BenchmarkToAthena measures the load path's projection alone: one big
// record into the table's row.
func BenchmarkToAthena(b *testing.B) {
	rec := bigRecords(b, 1, 1)[0]
	b.ReportAllocs()
	b.SetBytes(int64(len(rec)))
	for b.Loop() {
		if _, err := logs.ToAthena(rec); err != nil {
			b.Fatal(err)
		}
	}
}
