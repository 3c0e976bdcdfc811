package logs

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"io"
)

// recordsDecoder streams the elements of {"Records":[...]} with
// json.Decoder tokens: it never holds more than one record. Several such
// objects may follow one another (the `zcat *.json.gz` of CloudTrail
// files); keys after the array are read and ignored.
type recordsDecoder struct {
	s     *jsonStream
	raw   json.RawMessage // reused: Decode appends into it
	index int             // elements seen so far, across objects
	inArr bool            // inside a Records array
}

func newRecordsDecoder(br *bufio.Reader, name string, line int) *recordsDecoder {
	return &recordsDecoder{s: newJSONStream(br, name, line)}
}

func (d *recordsDecoder) next() ([]byte, int, error) {
	dec := d.s.dec
	for !d.inArr {
		if err := d.openObject(); err != nil {
			return nil, 0, err
		}
	}
	if !dec.More() {
		if err := d.closeObject(); err != nil {
			return nil, 0, err
		}
		return d.next()
	}
	d.index++
	if err := dec.Decode(&d.raw); err != nil {
		return nil, 0, d.s.fail(d.index, err)
	}
	if d.raw[0] != '{' {
		return nil, 0, &Error{File: d.s.name, Line: d.s.lineOf(d.raw), Record: d.index, Msg: notObject(d.raw)}
	}
	return d.raw, d.index, nil
}

// openObject reads `{"Records": [` or reports io.EOF at the end of the
// file.
func (d *recordsDecoder) openObject() error {
	dec := d.s.dec
	tok, err := dec.Token()
	if err == io.EOF {
		return io.EOF
	}
	if err != nil {
		return d.s.fail(0, err)
	}
	if tok != json.Delim('{') {
		return d.unexpected("data after the end of the Records object")
	}
	if tok, err = dec.Token(); err != nil {
		return d.s.fail(0, err)
	}
	if tok != "Records" {
		return d.unexpected(`an object after the Records object does not start with "Records"`)
	}
	if tok, err = dec.Token(); err != nil {
		return d.s.fail(0, err)
	}
	if tok != json.Delim('[') {
		return d.unexpected(`"Records" is not an array`)
	}
	d.inArr = true
	return nil
}

// closeObject reads the `]` of the array, skips any later keys, and reads
// the object's `}`.
func (d *recordsDecoder) closeObject() error {
	dec := d.s.dec
	if _, err := dec.Token(); err != nil { // the ']' that More saw
		return d.s.fail(0, err)
	}
	var skip json.RawMessage
	for dec.More() {
		if _, err := dec.Token(); err != nil { // a key
			return d.s.fail(0, err)
		}
		if err := dec.Decode(&skip); err != nil {
			return d.s.fail(0, err)
		}
	}
	if _, err := dec.Token(); err != nil { // '}'
		return d.s.fail(0, err)
	}
	d.inArr = false
	return nil
}

func (d *recordsDecoder) unexpected(msg string) *Error {
	return &Error{File: d.s.name, Line: d.s.line(), Msg: msg, RestSkipped: true}
}

// newLineOrDocDecoder reads the first line of a file that is not a
// Records object. A complete JSON value there makes the file one record
// per line; anything else is read as JSON values one after another, the
// first line included.
func newLineOrDocDecoder(br *bufio.Reader, name string, line int) (decoder, error) {
	ld := &lineDecoder{br: br, name: name, line: line - 1}
	first, err := ld.readLine()
	if err != nil && err != io.EOF {
		return nil, readFail(name, line, err)
	}
	if json.Valid(first) {
		ld.pending = first
		ld.atEOF = err == io.EOF
		return ld, nil
	}
	rest := io.Reader(br)
	if err == io.EOF {
		rest = eofReader{}
	}
	head := append(bytes.Clone(first), '\n')
	return &docDecoder{s: newJSONStream(io.MultiReader(bytes.NewReader(head), rest), name, line)}, nil
}

// eofReader is an empty stream.
type eofReader struct{}

func (eofReader) Read([]byte) (int, error) { return 0, io.EOF }

// lineDecoder reads one record per line (NDJSON). A bad line is reported
// and the next line read, as lines do not depend on one another.
type lineDecoder struct {
	br      *bufio.Reader
	name    string
	line    int    // number of the line last read
	buf     []byte // holds a line longer than br's buffer
	pending []byte // the first line, read while finding the format
	atEOF   bool
}

func (d *lineDecoder) next() ([]byte, int, error) {
	for {
		var text []byte
		if d.pending != nil {
			text, d.pending = d.pending, nil
		} else if d.atEOF {
			return nil, 0, io.EOF
		} else {
			var err error
			text, err = d.readLine()
			if err == io.EOF {
				d.atEOF = true
				if len(text) == 0 {
					return nil, 0, io.EOF
				}
			} else if err != nil {
				return nil, 0, readFail(d.name, d.line, err)
			}
		}
		trimmed := bytes.TrimLeft(text, " \t")
		lead := len(text) - len(trimmed)
		text = bytes.TrimRight(trimmed, " \t\r")
		if len(text) == 0 {
			continue
		}
		if err := d.check(text, lead); err != nil {
			return nil, 0, err
		}
		return text, d.line, nil
	}
}

// check reports what is wrong with one line, or nil; lead is the white
// space trimmed before text, for the column.
func (d *lineDecoder) check(text []byte, lead int) *Error {
	if !json.Valid(text) {
		var v json.RawMessage
		err := json.Unmarshal(text, &v) // only for the message and offset
		e := &Error{File: d.name, Line: d.line, Msg: "invalid JSON", Err: err}
		var syn *json.SyntaxError
		if errors.As(err, &syn) {
			e.Msg += ": " + syn.Error()
			// Offset counts the bytes read up to and including the
			// one that failed, so it is that byte's 1-based column.
			e.Col = lead + max(int(syn.Offset), 1)
		}
		return e
	}
	if text[0] != '{' {
		return &Error{File: d.name, Line: d.line, Col: lead + 1, Msg: notObject(text)}
	}
	return nil
}

// readLine returns the next line without its newline, however long. The
// result is valid until the next read.
func (d *lineDecoder) readLine() ([]byte, error) {
	d.line++
	d.buf = d.buf[:0]
	for {
		chunk, err := d.br.ReadSlice('\n')
		if err == bufio.ErrBufferFull {
			d.buf = append(d.buf, chunk...)
			continue
		}
		if len(d.buf) > 0 {
			d.buf = append(d.buf, chunk...)
			chunk = d.buf
		}
		return bytes.TrimSuffix(chunk, []byte{'\n'}), err
	}
}

// docDecoder reads JSON values one after another, each of any layout: a
// record pretty-printed over several lines, or several of them.
type docDecoder struct {
	s     *jsonStream
	raw   json.RawMessage
	index int
}

func (d *docDecoder) next() ([]byte, int, error) {
	if !d.s.dec.More() {
		// More is false at the end of the input, or at a stray ] or },
		// which Decode reports as invalid JSON.
		if _, err := d.s.dec.Token(); err == io.EOF {
			return nil, 0, io.EOF
		}
	}
	d.index++
	if err := d.s.dec.Decode(&d.raw); err != nil {
		return nil, 0, d.s.fail(d.index, err)
	}
	if d.raw[0] != '{' {
		return nil, 0, &Error{File: d.s.name, Line: d.s.lineOf(d.raw), Record: d.index, Msg: notObject(d.raw)}
	}
	return d.raw, d.index, nil
}
