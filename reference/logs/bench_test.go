package logs

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tidwall/gjson"
)

// BenchmarkReadBig shows that the readers stream: it writes a file of
// RULEPORT_BENCH_SIZE uncompressed bytes (such as 1G or 100M) in each
// format to a temporary folder, reads it through, and reports MB/s,
// records/s and the peak resident memory of the read. Without the
// variable it is skipped, so `go test ./...` and `make bench` stay quick.
// Run it one format at a time, each in its own process, with
//
//	RULEPORT_BENCH_SIZE=1G go test -run '^$' -bench 'ReadBig/records$' -benchtime 1x ./reference/logs/
//
// (or -bench ReadBig for all four; the peak is then the largest so far).
// The files are removed when each sub-benchmark ends.
func BenchmarkReadBig(b *testing.B) {
	size := benchSize(b)
	for _, format := range []string{"records", "ndjson", "records.gz", "ndjson.gz"} {
		b.Run(format, func(b *testing.B) {
			path := filepath.Join(b.TempDir(), "big."+format)
			start := time.Now()
			n := writeBig(b, path, format, size)
			b.Logf("wrote %d records, %d bytes uncompressed, in %v", n, size, time.Since(start).Round(time.Millisecond))
			resetPeakRSS()
			b.SetBytes(size)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if got := readThrough(b, path); got != n {
					b.Fatalf("read %d records, wrote %d", got, n)
				}
			}
			b.StopTimer()
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "records/s")
			if kb, ok := peakRSSKB(); ok {
				b.ReportMetric(float64(kb)/1024, "peak-RSS-MB")
			}
			os.Remove(path)
		})
	}
}

// benchSize reads RULEPORT_BENCH_SIZE ("1G", "100M", "4096") or skips.
func benchSize(b *testing.B) int64 {
	s := os.Getenv("RULEPORT_BENCH_SIZE")
	if s == "" {
		b.Skip("set RULEPORT_BENCH_SIZE (such as 1G) to generate and read big files")
	}
	mult := int64(1)
	switch {
	case strings.HasSuffix(s, "G"):
		mult, s = 1<<30, strings.TrimSuffix(s, "G")
	case strings.HasSuffix(s, "M"):
		mult, s = 1<<20, strings.TrimSuffix(s, "M")
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 {
		b.Fatalf("RULEPORT_BENCH_SIZE=%q: want a size such as 1G, 100M or 4096", os.Getenv("RULEPORT_BENCH_SIZE"))
	}
	return n * mult
}

// benchRecord is the first RunInstances record of the public Panther
// records (about 5 KB compact), the shape the seed rule reads.
func benchRecord(b *testing.B) []byte {
	data, err := os.ReadFile("testdata/cloudtrail/panther_cloudtrail_tests.jsonl")
	if err != nil {
		b.Fatal(err)
	}
	for _, line := range bytes.Split(data, []byte("\n")) {
		ev := gjson.GetBytes(line, "event")
		if ev.Get("eventName").Str == "RunInstances" && ev.Get("responseElements.instancesSet").Exists() {
			return []byte(ev.Raw)
		}
	}
	b.Fatal("no RunInstances record in the Panther records")
	return nil
}

// writeBig writes records until the uncompressed text reaches size bytes,
// varying eventID and eventTime so that no two records are the same. It
// returns the number of records.
func writeBig(b *testing.B, path, format string, size int64) int {
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	var w io.Writer = f
	var zw *gzip.Writer
	if strings.HasSuffix(format, ".gz") {
		zw, _ = gzip.NewWriterLevel(f, gzip.BestSpeed)
		w = zw
	}
	bw := bufio.NewWriterSize(w, 1<<20)
	tmpl := benchRecord(b)
	records := strings.HasPrefix(format, "records")
	var written int64
	put := func(s []byte) {
		bw.Write(s)
		written += int64(len(s))
	}
	if records {
		put([]byte(`{"Records":[`))
	}
	base := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	n := 0
	for ; written < size; n++ {
		if n > 0 {
			put(map[bool][]byte{true: []byte(","), false: []byte("\n")}[records])
		}
		// Replace the first 36-byte eventID and the 29-byte Panther
		// eventTime with values of the same length.
		rec := bytes.Replace(tmpl, []byte("41fab871-150b-43ad-b42a-39fff3f2ca4e"),
			fmt.Appendf(nil, "00000000-0000-4000-8000-%012d", n), 1)
		rec = bytes.Replace(rec, []byte("2024-12-16 18:41:07.000000000"),
			[]byte(base.Add(time.Duration(n)*time.Second).Format("2006-01-02 15:04:05.000000000")), 1)
		put(rec)
	}
	if records {
		put([]byte("]}"))
	}
	put([]byte("\n"))
	if err := bw.Flush(); err != nil {
		b.Fatal(err)
	}
	if zw != nil {
		if err := zw.Close(); err != nil {
			b.Fatal(err)
		}
	}
	return n
}

// readThrough counts the records of path, touching each.
func readThrough(b *testing.B, path string) int {
	r, err := Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer r.Close()
	n := 0
	for {
		rec, err := r.Next()
		if err == io.EOF {
			return n
		}
		if err != nil {
			b.Fatal(err)
		}
		if rec.Raw[0] != '{' {
			b.Fatalf("record %d does not start an object", rec.Index)
		}
		n++
	}
}

// resetPeakRSS clears the kernel's high-water mark of resident memory,
// so the peak measured is that of the read, not of writing the file
// (proc(5): writing 5 to /proc/PID/clear_refs resets VmHWM).
func resetPeakRSS() {
	os.WriteFile("/proc/self/clear_refs", []byte("5"), 0)
}

// peakRSSKB returns VmHWM from /proc/self/status, in kB.
func peakRSSKB() (int64, bool) {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0, false
	}
	for _, line := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return kb, err == nil
		}
	}
	return 0, false
}

// BenchmarkToAWSCloudTrail projects one RunInstances record.
func BenchmarkToAWSCloudTrail(b *testing.B) {
	raw := benchRecord(b)
	b.SetBytes(int64(len(raw)))
	for b.Loop() {
		if _, err := ToAWSCloudTrail(raw); err != nil {
			b.Fatal(err)
		}
	}
}
