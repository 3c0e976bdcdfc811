package logs

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/tidwall/gjson"
)

// FuzzReader feeds arbitrary bytes to NewReader. Run it with
//
//	go test -run '^$' -fuzz FuzzReader -parallel 1 ./reference/logs/
//
// It checks that nothing panics, that reading ends, and that every record
// yielded is one JSON object that the projection accepts.
func FuzzReader(f *testing.F) {
	for _, s := range fuzzSeeds(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		checkStream(t, data)
	})
}

// FuzzGzip gzips the input and cuts the result at cut, so that truncated
// and intact gzip streams of every format reach the reader.
func FuzzGzip(f *testing.F) {
	for _, s := range fuzzSeeds(f) {
		f.Add(s, uint32(0))
		f.Add(s, uint32(len(s)/3))
	}
	f.Fuzz(func(t *testing.T, data []byte, cut uint32) {
		var b bytes.Buffer
		zw := gzip.NewWriter(&b)
		zw.Write(data)
		zw.Close()
		gz := b.Bytes()
		if cut > 0 {
			gz = gz[:int(cut)%(len(gz)+1)]
		}
		checkStream(t, gz)
	})
}

// checkStream reads data through to io.EOF and checks every result. A
// watchdog turns a reader that never returns into a failure, which the
// fuzzer can then save (it does not notice hangs by itself).
func checkStream(t *testing.T, data []byte) {
	done := make(chan struct{})
	defer close(done)
	go func() {
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			panic(fmt.Sprintf("reading %d bytes did not end in 10s: %q", len(data), data))
		}
	}()
	r := NewReader(bytes.NewReader(data), "fuzz")
	// Each call either yields a record (at least "{}") or an error that
	// consumes at least one byte, so more calls than bytes means a loop.
	limit := len(data) + 2
	for n := 0; ; n++ {
		if n > limit {
			t.Fatalf("no io.EOF after %d calls to Next on %d bytes", n, len(data))
		}
		rec, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			if _, ok := err.(*Error); !ok {
				t.Fatalf("error %v is a %T, not an *Error", err, err)
			}
			continue
		}
		if len(rec.Raw) == 0 || rec.Raw[0] != '{' || !json.Valid(rec.Raw) {
			t.Fatalf("record %d is not a JSON object: %q", rec.Index, rec.Raw)
		}
		if rec.Index < 1 || rec.Source != "fuzz" {
			t.Fatalf("record at %s:%d", rec.Source, rec.Index)
		}
		if _, err := ToAWSCloudTrail(rec.Raw); err != nil {
			t.Fatalf("ToAWSCloudTrail refuses a record the reader accepted: %v: %q", err, rec.Raw)
		}
		EventTime(rec.Raw)
	}
	if _, err := r.Next(); err != io.EOF {
		t.Fatalf("Next after io.EOF = %v", err)
	}
}

// fuzzSeeds returns the public records of testdata/cloudtrail in every
// input format, and a few small edge cases.
func fuzzSeeds(f *testing.F) [][]byte {
	seeds := [][]byte{
		nil, []byte("\xef\xbb\xbf{}"), []byte("["), []byte(`{"Records":null}`),
		[]byte(`{"Records":[1,{},"x"]}{"Records":[]}`), []byte("{\n\"a\":1}\n{}"), []byte("{}\n\n[]\n{"),
	}
	files, err := filepath.Glob("testdata/cloudtrail/*.jsonl")
	if err != nil || len(files) == 0 {
		f.Fatalf("no seed files: %v", err)
	}
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		events := seedEvents(data, 25)
		ndjson := bytes.Join(events, []byte("\n"))
		records := append(append([]byte(`{"Records":[`), bytes.Join(events, []byte(","))...), "]}"...)
		var pretty, one bytes.Buffer
		json.Indent(&pretty, records, "", "  ")
		json.Indent(&one, events[0], "", "\t")
		seeds = append(seeds, firstLines(data, 25), ndjson, records, pretty.Bytes(), one.Bytes())
	}
	return seeds
}

// seedEvents returns the "event" of each of the first n lines.
func seedEvents(data []byte, n int) [][]byte {
	var out [][]byte
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() && len(out) < n {
		out = append(out, []byte(gjson.GetBytes(sc.Bytes(), "event").Raw))
	}
	return out
}

// firstLines returns the first n lines of data.
func firstLines(data []byte, n int) []byte {
	end := 0
	for i := 0; i < n && end < len(data); i++ {
		j := bytes.IndexByte(data[end:], '\n')
		if j < 0 {
			return data
		}
		end += j + 1
	}
	return data[:end]
}
