package athenaengine

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"sync"
	"unsafe"

	"github.com/duckdb/duckdb-go/v2"
)

// The layer's string functions (json_parse, json_extract_scalar,
// json_extract, regexp_replace's replacement) run a chunk of up to 2048
// rows per call from DuckDB, on strings borrowed from DuckDB's vectors:
// the row-at-a-time interface copies every argument into a Go string and
// every result out again, which on CloudTrail's 3-5 kB responseElements
// cost more than the functions themselves (BenchmarkBigLog).
//
// json_parse also remembers its recent results. The emitted SQL parses
// the same column once per use (the seed rule's query six times a row: a
// CASE x WHEN 'true' ... WHEN 'false' ... ELSE ... evaluates x for each
// WHEN, and DuckDB does not share subexpressions inside a CASE), and the
// parse is by far the dearest step. It is a pure function, so a result
// found again is the result computed again.

// strFunc is a scalar function of VARCHAR arguments with a VARCHAR
// result, NULL in giving NULL out.
type strFunc struct {
	name  string
	nargs int
	// json, when set, is the JSON type: the result is JSON text, valid by
	// construction, stored as DuckDB stores JSON (see jsonWriter).
	json duckdb.TypeInfo
	// fn appends the result for args to dst; null reports SQL NULL. The
	// arguments are borrowed: fn must not keep them.
	fn func(args []string, dst []byte) (out []byte, null bool, err error)
}

// Config declares nargs VARCHAR arguments and a VARCHAR or JSON result.
func (f *strFunc) Config() duckdb.ScalarFuncConfig {
	cfg := duckdb.ScalarFuncConfig{ResultTypeInfo: mustTypeInfo(duckdb.TYPE_VARCHAR)}
	if f.json != nil {
		cfg.ResultTypeInfo = f.json
	}
	for range f.nargs {
		cfg.InputTypeInfos = append(cfg.InputTypeInfos, mustTypeInfo(duckdb.TYPE_VARCHAR))
	}
	return cfg
}

// Executor runs f a chunk at a time.
func (f *strFunc) Executor() duckdb.ScalarFuncExecutor {
	return duckdb.ScalarFuncExecutor{ChunkContextExecutor: f.chunk}
}

// chunk runs f on every row of one input chunk. A row with a NULL
// argument is skipped; the driver makes its result NULL afterwards. An
// error fails the whole chunk, as the row interface did: under TRY DuckDB
// then evaluates the rows one by one.
func (f *strFunc) chunk(_ context.Context, st *duckdb.ChunkIteratorState) error {
	in := st.GetInputChunk()
	views := make([]duckdb.VectorView[string], in.ColumnCount())
	for i := range views {
		vec, err := in.GetVector(i)
		if err != nil {
			return err
		}
		if views[i], err = duckdb.GetVectorView[string](vec); err != nil {
			return err
		}
	}
	out, err := f.writer(st.GetResultVector())
	if err != nil {
		return err
	}
	args := make([]string, len(views))
	var buf []byte
rows:
	for row := range in.GetSize() {
		for i, v := range views {
			s, ok, err := v.GetValueBorrowed(row)
			if err != nil {
				return err
			}
			if !ok {
				continue rows
			}
			args[i] = s
		}
		res, null, err := f.fn(args, buf[:0])
		if err != nil {
			return err
		}
		if null {
			err = out.SetNull(row)
		} else {
			err = out.Set(row, borrowString(res))
		}
		if err != nil {
			return err
		}
		buf = res
	}
	return nil
}

// writer returns a writer for f's result vector.
func (f *strFunc) writer(vec duckdb.Vector) (duckdb.VectorWriter[string], error) {
	if f.json != nil {
		return jsonWriter(vec)
	}
	return duckdb.GetVectorWriter[string](vec)
}

// jsonWriter returns a writer of text as it is for a JSON result vector.
//
// DuckDB stores JSON as VARCHAR with the alias JSON, but duckdb-go will
// not write text to such a vector as it is: its VectorWriter takes VARCHAR
// only, and its JSON setter marshals a Go value with encoding/json (which
// escapes <, > and & in strings). The alternative, a VARCHAR result cast
// to JSON in SQL, makes DuckDB parse every document again and keep the
// parsed trees of a whole chunk per use of json_parse: about 64 MB per
// thread and use for 3.4 kB responseElements, most of the seed query's
// memory (BenchmarkBigLog; the change's report). So the driver's flag
// that marks the handle as JSON is cleared here, on the handle the
// driver made for this one callback, and the VARCHAR writer does the
// rest. The flag is found by name: if a new driver renames it, this
// fails (and every json_parse test with it) instead of writing wrongly.
func jsonWriter(vec duckdb.Vector) (duckdb.VectorWriter[string], error) {
	v := reflect.ValueOf(&vec).Elem().FieldByName("v")
	if v.Kind() != reflect.Pointer || v.IsNil() {
		return duckdb.VectorWriter[string]{}, errors.New("athenaengine: duckdb.Vector has no field v *vector: the driver changed")
	}
	flag := v.Elem().FieldByName("isJSON")
	if flag.Kind() != reflect.Bool {
		return duckdb.VectorWriter[string]{}, errors.New("athenaengine: duckdb vector has no field isJSON bool: the driver changed")
	}
	*(*bool)(unsafe.Pointer(flag.UnsafeAddr())) = false
	return duckdb.GetVectorWriter[string](vec)
}

// borrowString views b as a string without copying. Only for
// VectorWriter.Set, which copies the bytes into DuckDB's vector before it
// returns (duckdb_vector_assign_string_element_len), so buf may be reused
// for the next row.
func borrowString(b []byte) string {
	return unsafe.String(unsafe.SliceData(b), len(b))
}

// jsonExtractFunc is json_extract_scalar or json_extract over a path
// argument, parsed once per distinct path (a query passes a constant).
func jsonExtractFunc(name string, extract func(string, jsonPath) (string, bool)) *strFunc {
	return &strFunc{name: name, nargs: 2, fn: func(args []string, dst []byte) ([]byte, bool, error) {
		p, err := cachedPath(args[1])
		if err != nil {
			return dst, false, err
		}
		v, ok := extract(args[0], p)
		return append(dst, v...), !ok, nil
	}}
}

// paths caches parsed JSON paths by their text; DuckDB may call from
// several threads.
var paths sync.Map

// cachedPath parses a JSON path, or finds it parsed. The text is
// borrowed from DuckDB, so what is kept (the key, and the segments, which
// are substrings of the text) is parsed from a copy.
func cachedPath(path string) (jsonPath, error) {
	if p, ok := paths.Load(path); ok {
		return p.(jsonPath), nil
	}
	path = strings.Clone(path)
	parsed, err := parseJSONPath(path)
	if err != nil {
		return nil, err
	}
	paths.Store(path, parsed)
	return parsed, nil
}

// jsonParseFunc is json_parse with a cache of recent results; jsonType
// is DuckDB's JSON type.
func jsonParseFunc(c *parseCache, jsonType duckdb.TypeInfo) *strFunc {
	return &strFunc{name: "__trino_json_parse", nargs: 1, json: jsonType, fn: func(args []string, dst []byte) ([]byte, bool, error) {
		if out, ok := c.get(args[0]); ok {
			return append(dst, out...), false, nil
		}
		out, err := appendCanonical(dst, args[0])
		if err != nil {
			return dst, false, err
		}
		c.put(args[0], out)
		return out, false, nil
	}}
}

// parseCache maps json_parse's recent inputs to their canonical text. It
// holds two generations: when the current one has taken maxCacheBytes, it
// becomes the previous one and the one before is dropped, so what a chunk
// stored survives the chunk that follows (DuckDB's two threads interleave
// their chunks) and the cache never holds more than twice the bound. A
// failed parse is not kept: under TRY DuckDB retries such a chunk row by
// row, and errors are rare.
type parseCache struct {
	mu        sync.Mutex
	cur, prev map[string]string
	curBytes  int
}

// maxCacheBytes bounds one generation of the json_parse cache: keys and
// values of about two chunks of 3-5 kB responseElements.
const maxCacheBytes = 32 << 20

// maxCachedInput is the longest input worth keeping: a document so large
// that a few of them fill the cache is parsed each time.
const maxCachedInput = maxCacheBytes / 512

// get returns the canonical text cached for in.
func (c *parseCache) get(in string) (string, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if out, ok := c.cur[in]; ok {
		return out, true
	}
	out, ok := c.prev[in]
	return out, ok
}

// put caches out as the canonical text of in, starting a new generation
// when the current one is full.
func (c *parseCache) put(in string, out []byte) {
	if len(in) > maxCachedInput {
		return
	}
	key, val := strings.Clone(in), string(out)
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.cur == nil || c.curBytes+len(key)+len(val) > maxCacheBytes {
		c.prev, c.cur, c.curBytes = c.cur, map[string]string{}, 0
	}
	c.cur[key] = val
	c.curBytes += len(key) + len(val)
}
