package logs

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"
	"github.com/rogpeppe/go-internal/txtar"
)

// TestReadGolden runs the cases of testdata/read/*.txtar. A case holds log
// files (a file whose name ends in .gz is gzipped when written out), an
// optional "args" section listing the paths given to Open (default: logs),
// and a "want" section, written by hand: one line per call to Next, then
// the Stats. A record prints as source:index and its compacted JSON; an
// error as "error:" and its message; paths are relative to the case.
// UPDATE_GOLDEN=1 rewrites the want sections from the output, to be read
// before committing.
func TestReadGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/read/*.txtar")
	if err != nil || len(files) == 0 {
		t.Fatalf("no golden files: %v", err)
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			ar, err := txtar.ParseFile(file)
			if err != nil {
				t.Fatal(err)
			}
			dir := t.TempDir()
			args, want := []string{"logs"}, ""
			for _, f := range ar.Files {
				switch f.Name {
				case "args":
					args = strings.Fields(string(f.Data))
				case "want":
					want = string(f.Data)
				default:
					writeLog(t, filepath.Join(dir, f.Name), f.Data)
				}
			}
			got := readAll(t, dir, args)
			if os.Getenv("UPDATE_GOLDEN") != "" {
				updateSection(t, file, ar, "want", got)
				return
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("read %v (-want +got):\n%s", args, diff)
			}
		})
	}
}

// writeLog writes one log file of a case, gzipping it when its name says
// so.
func writeLog(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if strings.HasSuffix(path, ".gz") {
		data = gzipBytes(t, data)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

func gzipBytes(t testing.TB, data []byte) []byte {
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	if _, err := zw.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// readAll opens args (relative to dir) and prints every call to Next, as
// the golden files expect.
func readAll(t *testing.T, dir string, args []string) string {
	t.Helper()
	paths := make([]string, len(args))
	for i, a := range args {
		paths[i] = filepath.Join(dir, a)
	}
	rel := func(s string) string { return strings.ReplaceAll(s, dir+string(filepath.Separator), "") }
	r, err := Open(paths...)
	if err != nil {
		return "open error: " + rel(err.Error()) + "\n"
	}
	defer r.Close()
	var b strings.Builder
	for n := 0; ; n++ {
		if n > 1000 {
			t.Fatal("Next does not reach io.EOF")
		}
		rec, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			fmt.Fprintf(&b, "error: %s\n", rel(err.Error()))
			continue
		}
		var c bytes.Buffer
		if err := json.Compact(&c, rec.Raw); err != nil {
			t.Fatalf("record %s:%d is not valid JSON: %v", rec.Source, rec.Index, err)
		}
		fmt.Fprintf(&b, "%s:%d %s\n", rel(rec.Source), rec.Index, c.String())
	}
	st := r.Stats()
	skipped := make([]string, len(st.Skipped))
	for i, s := range st.Skipped {
		skipped[i] = rel(s)
	}
	fmt.Fprintf(&b, "stats: files=%d records=%d bad=%d skipped=%v\n", st.Files, st.Records, st.Bad, skipped)
	return b.String()
}

// updateSection rewrites one section of a golden file.
func updateSection(t *testing.T, file string, ar *txtar.Archive, name, data string) {
	t.Helper()
	for i := range ar.Files {
		if ar.Files[i].Name == name {
			ar.Files[i].Data = []byte(data)
			break
		}
	}
	if err := os.WriteFile(file, txtar.Format(ar), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestRecordBytes checks that Raw is the record exactly as written, white
// space inside it included, and valid only until the next call.
func TestRecordBytes(t *testing.T) {
	pretty := "{\n  \"eventName\": \"A\",\n  \"n\": [1, 2]\n}"
	tests := []struct {
		name, in string
		want     []string
	}{
		{"records pretty", "{\"Records\": [\n" + pretty + ",\n {\"b\":1}\n]}", []string{pretty, `{"b":1}`}},
		{"document", pretty + "\n" + pretty, []string{pretty, pretty}},
		{"ndjson trims the line", " {\"a\": 1} \r\n\t{\"b\":2}", []string{`{"a": 1}`, `{"b":2}`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := NewReader(strings.NewReader(tt.in), "in")
			var got []string
			for {
				rec, err := r.Next()
				if err == io.EOF {
					break
				}
				if err != nil {
					t.Fatal(err)
				}
				got = append(got, string(rec.Raw))
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("records (-want +got):\n%s", diff)
			}
		})
	}
}

// TestLongLine reads lines and records far longer than the read buffer.
func TestLongLine(t *testing.T) {
	long := `{"v":"` + strings.Repeat("x", 5*bufSize+7) + `"}`
	tests := []struct{ name, in string }{
		{"ndjson", `{"a":1}` + "\n" + long + "\n" + `{"a":2}`},
		{"first line", long + "\n" + `{"a":2}`},
		{"records", `{"Records":[{"a":1},` + long + `,{"a":2}]}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			recs, errs := drain(t, NewReader(strings.NewReader(tt.in), "in"))
			if len(errs) > 0 {
				t.Fatalf("errors: %v", errs)
			}
			var lens []int
			for _, r := range recs {
				lens = append(lens, len(r))
			}
			// The long record is 5*64KiB+7 x's plus `{"v":""}` (8 bytes).
			want := map[string][]int{"ndjson": {7, 5*bufSize + 15, 7}, "first line": {5*bufSize + 15, 7},
				"records": {7, 5*bufSize + 15, 7}}[tt.name]
			if diff := cmp.Diff(want, lens); diff != "" {
				t.Errorf("record lengths (-want +got):\n%s", diff)
			}
		})
	}
}

// drain reads r to the end, copying records and collecting error texts.
func drain(t testing.TB, r *Reader) (recs []string, errs []string) {
	for n := 0; ; n++ {
		if n > 1_000_000 {
			t.Fatal("Next does not reach io.EOF")
		}
		rec, err := r.Next()
		if err == io.EOF {
			return recs, errs
		}
		if err != nil {
			errs = append(errs, err.Error())
			continue
		}
		recs = append(recs, string(rec.Raw))
	}
}

// TestGzipErrors cuts and corrupts gzip streams. The expected messages
// follow compress/gzip: a stream cut short reads as io.ErrUnexpectedEOF,
// a changed byte in the trailer as gzip.ErrChecksum. Both trailer faults
// come after all the data, so the records are read first, and the error's
// line is where the reader stood: after the newline that ends line 1 of
// the Records file (line 2), or on the third line of the NDJSON file.
func TestGzipErrors(t *testing.T) {
	plain := []byte(`{"Records":[{"a":1},{"a":2}]}` + "\n")
	gz := gzipBytes(t, plain)
	corrupt := bytes.Clone(gz)
	corrupt[len(corrupt)-8] ^= 0xff // first byte of the CRC-32 (RFC 1952, 2.3.1)
	ndjson := gzipBytes(t, []byte("{\"a\":1}\n{\"a\":2}\n"))
	tests := []struct {
		name string
		in   []byte
		recs int
		errs []string
	}{
		{"header only", gz[:5], 0, []string{"f.gz: truncated gzip: the compressed data ends early"}},
		{"cut in the trailer", gz[:len(gz)-4], 2, []string{"f.gz:2: truncated gzip: the compressed data ends early"}},
		{"bad checksum", corrupt, 2, []string{"f.gz:2: corrupt gzip: gzip: invalid checksum"}},
		{"ndjson cut in the trailer", ndjson[:len(ndjson)-2], 2, []string{"f.gz:3: truncated gzip: the compressed data ends early"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := NewReader(bytes.NewReader(tt.in), "f.gz")
			recs, errs := drain(t, r)
			if len(recs) != tt.recs {
				t.Errorf("got %d records, want %d", len(recs), tt.recs)
			}
			if diff := cmp.Diff(tt.errs, errs); diff != "" {
				t.Errorf("errors (-want +got):\n%s", diff)
			}
			if got := r.Stats().Bad; got != len(tt.errs) {
				t.Errorf("Stats().Bad = %d, want %d", got, len(tt.errs))
			}
		})
	}
}

// TestOnBad checks that OnBad takes the errors Next would return and that
// the count survives.
func TestOnBad(t *testing.T) {
	in := "{\"a\":1}\nnot json\n[1]\n{\"a\":2}\n"
	r := NewReader(strings.NewReader(in), "x.ndjson")
	var bad []string
	r.OnBad = func(err error) { bad = append(bad, err.Error()) }
	recs, errs := drain(t, r)
	got := map[string]any{"recs": recs, "errs": errs, "bad": bad, "stats": r.Stats()}
	want := map[string]any{
		"recs": []string{`{"a":1}`, `{"a":2}`},
		"errs": []string(nil),
		// Line 2: 'o' at offset 2 is the first byte that cannot follow
		// 'n' (which could start null), so the offset is 2 bytes read.
		"bad": []string{
			"x.ndjson:2:2: invalid JSON: invalid character 'o' in literal null (expecting 'u')",
			"x.ndjson:3:1: not a JSON object: found an array",
		},
		"stats": Stats{Files: 1, Records: 2, Bad: 2},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// TestOpenErrors covers the failures Open reports itself.
func TestOpenErrors(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name  string
		paths []string
		want  string
	}{
		{"no path", nil, "logs: no log file or folder given"},
		{"missing", []string{filepath.Join(dir, "nope.json")}, filepath.Join(dir, "nope.json") + ": no such file or directory"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Open(tt.paths...)
			if err == nil {
				t.Fatal("Open succeeded")
			}
			if diff := cmp.Diff(tt.want, err.Error()); diff != "" {
				t.Errorf("error (-want +got):\n%s", diff)
			}
		})
	}
}

// TestVanishedFile checks that a file that cannot be opened by the time
// Next reaches it is one bad file, named, and that reading goes on with
// the next file.
func TestVanishedFile(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.json"), filepath.Join(dir, "b.json")
	writeLog(t, a, []byte(`{"a":1}`))
	writeLog(t, b, []byte(`{"b":1}`))
	r := mustOpen(t, a, b)
	if err := os.Remove(a); err != nil {
		t.Fatal(err)
	}
	recs, errs := drain(t, r)
	if diff := cmp.Diff([]string{a + ": no such file or directory"}, errs); diff != "" {
		t.Errorf("errors (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{`{"b":1}`}, recs); diff != "" {
		t.Errorf("records (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(Stats{Files: 2, Records: 1, Bad: 1}, r.Stats()); diff != "" {
		t.Errorf("stats (-want +got):\n%s", diff)
	}
}

func mustOpen(t testing.TB, paths ...string) *Reader {
	r, err := Open(paths...)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// TestClose checks that Close ends the reading and that the error type is
// reachable with errors.As.
func TestClose(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "a.json")
	writeLog(t, p, []byte("{\"a\":1}\n{\"a\":2}\nx\n"))
	r := mustOpen(t, p)
	if _, err := r.Next(); err != nil {
		t.Fatal(err)
	}
	if err := r.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if _, err := r.Next(); err != io.EOF {
		t.Errorf("Next after Close = %v, want io.EOF", err)
	}
	r = mustOpen(t, p)
	defer r.Close()
	var e *Error
	for {
		_, err := r.Next()
		if err == io.EOF {
			t.Fatal("no error for line 3")
		}
		if errors.As(err, &e) {
			break
		}
	}
	want := Error{File: p, Line: 3, Col: 1, Msg: "invalid JSON: invalid character 'x' looking for beginning of value"}
	if diff := cmp.Diff(want, *e, cmp.FilterPath(func(p cmp.Path) bool { return p.String() == "Err" }, cmp.Ignore())); diff != "" {
		t.Errorf("error (-want +got):\n%s", diff)
	}
}

// TestRestSkipped checks which errors lose the rest of their file: those
// after which the next record cannot be found again (see Reader).
func TestRestSkipped(t *testing.T) {
	gz := gzipBytes(t, []byte("{\"a\":1}\n{\"a\":2}\n"))
	tests := []struct {
		name string
		in   string
		want bool
	}{
		{"ndjson bad line", "{\"a\":1}\nnope\n{\"a\":2}", false},
		{"ndjson non-object line", "{\"a\":1}\n[]\n", false},
		{"records non-object element", `{"Records":[1,{"a":1}]}`, false},
		{"records invalid element", `{"Records":[{"a":},{"a":1}]}`, true},
		{"records truncated", `{"Records":[{"a":1}`, true},
		{"document non-object", "{\n\"a\":1}\n2\n", false},
		{"document invalid", "{\n\"a\":}\n", true},
		{"unknown format", "a,b,c\n", true},
		{"truncated gzip", string(gz[:len(gz)-3]), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := NewReader(strings.NewReader(tt.in), "in")
			for {
				_, err := r.Next()
				if err == io.EOF {
					t.Fatal("no error")
				}
				var e *Error
				if errors.As(err, &e) {
					if e.RestSkipped != tt.want {
						t.Errorf("%v: RestSkipped = %v, want %v", e, e.RestSkipped, tt.want)
					}
					return
				}
			}
		})
	}
}

// TestOpenFS reads the same records from an fs.FS as from the OS, applying
// the same folder rule (the digest and the text file are skipped).
func TestOpenFS(t *testing.T) {
	rec := `{"eventName":"RunInstances"}`
	fsys := fstest.MapFS{
		"case/logs/a.json":                   {Data: []byte(`{"Records":[` + rec + `,` + rec + `]}`)},
		"case/logs/b/c.jsonl":                {Data: []byte(rec + "\n")},
		"case/logs/CloudTrail-Digest/d.json": {Data: []byte(`{"digest":1}`)},
		"case/logs/notes.txt":                {Data: []byte("not a log")},
	}
	r, err := OpenFS(fsys, "case/logs")
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var got []string
	for {
		rec, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, fmt.Sprintf("%s#%d", rec.Source, rec.Index))
	}
	want := []string{"case/logs/a.json#1", "case/logs/a.json#2", "case/logs/b/c.jsonl#1"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("records (-want +got):\n%s", diff)
	}
	wantSkipped := []string{"case/logs/CloudTrail-Digest", "case/logs/notes.txt"}
	if diff := cmp.Diff(wantSkipped, r.Stats().Skipped); diff != "" {
		t.Errorf("skipped (-want +got):\n%s", diff)
	}
	if _, err := OpenFS(fsys, "case/missing"); err == nil {
		t.Error("OpenFS of a missing path succeeded")
	}
}
