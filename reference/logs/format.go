package logs

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// decoder yields the records of one file. next returns the record's JSON,
// its Index, and io.EOF after the last record; an *Error with RestSkipped set
// ends the file, any other *Error only that record.
type decoder interface {
	next() (raw []byte, index int, err error)
}

// bufSize is the read buffer. Records and lines longer than it are still
// read whole (see lineDecoder.readLine and json.Decoder's own buffer).
const bufSize = 64 << 10

// gzipMagic starts every gzip stream (RFC 1952, section 2.3.1).
var gzipMagic = []byte{0x1f, 0x8b}

// newDecoder finds the format of in from its first bytes and returns the
// decoder for it. See NewReader for the formats.
func newDecoder(in io.Reader, name string) (decoder, error) {
	br := bufio.NewReaderSize(in, bufSize)
	if head, _ := br.Peek(2); bytes.Equal(head, gzipMagic) {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, gzipFail(name, 0, err)
		}
		br = bufio.NewReaderSize(gzipReader{zr}, bufSize)
	}
	line, err := skipSpace(br)
	if err == io.EOF {
		return emptyDecoder{}, nil
	}
	if err != nil {
		return nil, readFail(name, line, err)
	}
	first, _ := br.Peek(1)
	if first[0] != '{' {
		return nil, &Error{File: name, Line: line, RestSkipped: true,
			Msg: "unknown format: " + describeStart(br) +
				`; want a {"Records":[...]} object, one JSON record per line, or one JSON record`}
	}
	records, err := firstKeyIsRecords(br)
	if err != nil {
		return nil, readFail(name, line, err)
	}
	if records {
		return newRecordsDecoder(br, name, line), nil
	}
	return newLineOrDocDecoder(br, name, line)
}

// skipSpace consumes a UTF-8 byte order mark and JSON white space at the
// start of the stream. It returns the 1-based line of the first other
// byte.
func skipSpace(br *bufio.Reader) (int, error) {
	line := 1
	if bom, _ := br.Peek(3); bytes.Equal(bom, []byte("\xef\xbb\xbf")) {
		br.Discard(3)
	}
	for {
		c, err := br.ReadByte()
		if err != nil {
			return line, err
		}
		switch c {
		case '\n':
			line++
		case ' ', '\t', '\r':
		default:
			br.UnreadByte()
			return line, nil
		}
	}
}

// firstKeyIsRecords reports whether the object starting at br's next byte
// has "Records" as its first key, peeking only as far as needed.
func firstKeyIsRecords(br *bufio.Reader) (bool, error) {
	const key = `"Records"`
	for n := 64; ; n *= 2 {
		buf, err := br.Peek(n)
		i := 1 + spaceLen(buf[1:])
		rest := buf[i:]
		switch {
		case len(rest) >= len(key) && !bytes.HasPrefix(rest, []byte(key)):
			return false, nil
		case len(rest) >= len(key):
			rest = rest[len(key):]
			rest = rest[spaceLen(rest):]
			if len(rest) > 0 {
				return rest[0] == ':', nil
			}
		case !bytes.HasPrefix([]byte(key), rest):
			return false, nil
		}
		if err == io.EOF || err == bufio.ErrBufferFull {
			return false, nil // too short or too much space to be a Records object
		}
		if err != nil {
			return false, err
		}
	}
}

// spaceLen returns the length of the JSON white space that starts b.
func spaceLen(b []byte) int {
	for i, c := range b {
		if c != ' ' && c != '\t' && c != '\n' && c != '\r' {
			return i
		}
	}
	return len(b)
}

// describeStart quotes the first bytes of an unknown format for an error.
func describeStart(br *bufio.Reader) string {
	head, _ := br.Peek(16)
	switch head[0] {
	case '[':
		return "a JSON array at the top level"
	}
	return fmt.Sprintf("starts with %q", head)
}

// emptyDecoder is a file with nothing but white space.
type emptyDecoder struct{}

func (emptyDecoder) next() ([]byte, int, error) { return nil, 0, io.EOF }

// gzipReader marks the errors of a gzip stream, so that they can be told
// from the end of the JSON they carry.
type gzipReader struct{ r io.Reader }

type gzipError struct{ err error }

func (e gzipError) Error() string { return e.err.Error() }
func (e gzipError) Unwrap() error { return e.err }

func (g gzipReader) Read(p []byte) (int, error) {
	n, err := g.r.Read(p)
	if err != nil && err != io.EOF {
		err = gzipError{err}
	}
	return n, err
}

// gzipFail describes a broken gzip stream.
func gzipFail(name string, line int, err error) *Error {
	msg := "corrupt gzip: " + err.Error()
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		msg = "truncated gzip: the compressed data ends early"
	}
	return &Error{File: name, Line: line, Msg: msg, Err: err, RestSkipped: true}
}

// readFail describes an error met while reading: a broken gzip stream or
// an I/O error, both fatal to the file.
func readFail(name string, line int, err error) *Error {
	var g gzipError
	if errors.As(err, &g) {
		return gzipFail(name, line, g.err)
	}
	return &Error{File: name, Line: line, Msg: "read: " + err.Error(), Err: err, RestSkipped: true}
}

// notObject describes a record that is valid JSON but not an object.
func notObject(raw []byte) string {
	kind := "a number"
	switch raw[0] {
	case '[':
		kind = "an array"
	case '"':
		kind = "a string"
	case 't', 'f':
		kind = "a boolean"
	case 'n':
		kind = "null"
	}
	return "not a JSON object: found " + kind
}

// lineCounter counts the newlines a json.Decoder reads, so that an error
// can say on which line the bad value starts.
type lineCounter struct {
	r        io.Reader
	newlines int
}

func (c *lineCounter) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.newlines += bytes.Count(p[:n], []byte{'\n'})
	return n, err
}

// jsonStream is a json.Decoder that knows line numbers.
type jsonStream struct {
	dec       *json.Decoder
	lc        *lineCounter
	firstLine int // line of the first byte handed to dec
	name      string
}

func newJSONStream(r io.Reader, name string, firstLine int) *jsonStream {
	lc := &lineCounter{r: r}
	return &jsonStream{dec: json.NewDecoder(lc), lc: lc, firstLine: firstLine, name: name}
}

// line returns the line of the next token the decoder will read.
func (s *jsonStream) line() int {
	line, rest := s.pos()
	return line + bytes.Count(rest[:spaceLen(rest)], []byte{'\n'})
}

// lineOf returns the line where raw, the value just decoded, started.
func (s *jsonStream) lineOf(raw []byte) int {
	line, _ := s.pos()
	return line - bytes.Count(raw, []byte{'\n'})
}

// pos returns the line of the decoder's next unread byte (the newlines
// handed to it less those still in its buffer) and that buffer. It reads
// the buffer, so it serves error messages only.
func (s *jsonStream) pos() (int, []byte) {
	rest, _ := io.ReadAll(s.dec.Buffered())
	return s.firstLine + s.lc.newlines - bytes.Count(rest, []byte{'\n'}), rest
}

// fail describes a decoder error at the next token: invalid JSON, data
// that ends early, or a broken gzip stream. All of them end the file: the
// decoder cannot find the next record again.
func (s *jsonStream) fail(record int, err error) *Error {
	line := s.line()
	var g gzipError
	if errors.As(err, &g) {
		e := gzipFail(s.name, line, g.err)
		e.Record = record
		return e
	}
	var syn *json.SyntaxError
	msg := "read: " + err.Error()
	switch {
	case errors.As(err, &syn):
		msg = "invalid JSON: " + syn.Error()
	case err == io.EOF || err == io.ErrUnexpectedEOF:
		msg = "invalid JSON: the file ends in the middle of a value"
	}
	return &Error{File: s.name, Line: line, Record: record, Msg: msg, Err: err, RestSkipped: true}
}
