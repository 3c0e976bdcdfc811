package logs

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// Reader streams CloudTrail records from files, folders or one stream. It
// holds one file open at a time and at most one record (or one line) in
// memory, so memory does not grow with the size of the logs.
//
// Bad input does not end a Reader. Next returns an *Error for a bad record
// or an unreadable file, counts it in Stats().Bad, and the next call goes
// on: with the next line of a one-record-per-line file, the next element of
// a Records array when the bad element was valid JSON but not an object,
// and otherwise (invalid JSON inside a Records array, a truncated gzip
// stream, an unknown format) with the next file, because the rest of that
// file cannot be found again. A caller that returns on the first error
// (every engine does) stops the run with a positioned message; a backtest
// that prefers to go on sets OnBad, and Stats says how much was lost.
type Reader struct {
	// OnBad, when set, receives every bad record or unreadable file and
	// Next goes on to the next record instead of returning the error.
	OnBad func(error)

	fsys   fs.FS     // where files are read from; nil for the OS file system
	files  []string  // files still to read, in order
	stream io.Reader // the one stream of NewReader, until it is started
	name   string    // the current file's name, for Record.Source
	cur    decoder   // the current file's records; nil between files
	closer io.Closer // the current file, when this Reader opened it
	stats  Stats
}

// Stats counts what a Reader has done so far.
type Stats struct {
	// Files is the number of files (or streams) the Reader started on.
	Files int
	// Skipped lists what the name rule of Open left out of the given
	// folders, in walk order: files, and folders (named once, their
	// content unread).
	Skipped []string
	// Records is the number of records Next returned.
	Records int
	// Bad is the number of bad records and unreadable files met, whether
	// Next returned them or passed them to OnBad.
	Bad int
}

// Error is a bad record or an unreadable file: where it is and what is
// wrong with it.
type Error struct {
	// File names the file or stream.
	File string
	// Line and Col are 1-based; 0 when unknown. Line is the line where
	// the bad record starts; Col is set only when the exact byte is known.
	Line, Col int
	// Record is the 1-based position of the record in its Records array
	// (or of the value in a file of concatenated JSON values); 0 for
	// one-record-per-line files, where Line says it all.
	Record int
	// Msg says what is wrong, lower-case, without a trailing period.
	Msg string
	// Err is the underlying error, when there is one.
	Err error
	// RestSkipped is set when the rest of the file cannot be read: the
	// Reader goes on with the next file, and a backtest has lost every
	// record after this point of this file.
	RestSkipped bool
}

// Error formats e as file:line:col: record N: message, leaving out the
// parts that are unknown.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
		if e.Col > 0 {
			fmt.Fprintf(&b, ":%d", e.Col)
		}
	}
	b.WriteString(": ")
	if e.Record > 0 {
		fmt.Fprintf(&b, "record %d: ", e.Record)
	}
	b.WriteString(e.Msg)
	return b.String()
}

// Unwrap returns the underlying error.
func (e *Error) Unwrap() error { return e.Err }

// Open returns a Reader over the given files and folders, read in the
// order given. A folder is walked recursively in lexical order, which for
// CloudTrail's S3 layout (AWSLogs/<account>/CloudTrail/<region>/YYYY/MM/DD/
// <account>_CloudTrail_<region>_<YYYYMMDDTHHmmZ>_<id>.json.gz) is time
// order within a region. Inside a folder a file is read when
//
//   - its name ends in .json, .jsonl or .ndjson, or one of those followed
//     by .gz, in any letter case;
//   - neither its name nor the name of a folder on its way starts with "."
//     (.git, .DS_Store);
//   - neither its name nor a folder on its way contains "CloudTrail-Digest"
//     (CloudTrail's digest files are JSON but hold no records).
//
// What the rule leaves out is listed in Stats().Skipped. A file named
// directly is always read, whatever its name. In both cases the format is
// found from the content (see NewReader). Open fails, naming the path, when
// a path does not exist or a folder cannot be walked; files are opened one
// at a time by Next.
func Open(paths ...string) (*Reader, error) {
	return open(nil, paths)
}

// OpenFS is Open over the file system fsys, such as the fixture cases
// embedded in the binary; paths are slash-separated paths in fsys.
func OpenFS(fsys fs.FS, paths ...string) (*Reader, error) {
	return open(fsys, paths)
}

func open(fsys fs.FS, paths []string) (*Reader, error) {
	if len(paths) == 0 {
		return nil, errors.New("logs: no log file or folder given")
	}
	r := &Reader{fsys: fsys}
	for _, p := range paths {
		info, err := r.stat(p)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", p, pathErr(err))
		}
		if !info.IsDir() {
			r.files = append(r.files, p)
			continue
		}
		if err := r.walk(p); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// walk adds the log files under root to r.files, in lexical order.
func (r *Reader) walk(root string) error {
	visit := func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return fmt.Errorf("%s: %w", path, pathErr(err))
		}
		name := d.Name()
		if path != root && (strings.HasPrefix(name, ".") || strings.Contains(name, "CloudTrail-Digest")) {
			r.stats.Skipped = append(r.stats.Skipped, path)
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			return nil
		}
		if !isLogName(name) || !r.isRegular(path, d) {
			r.stats.Skipped = append(r.stats.Skipped, path)
			return nil
		}
		r.files = append(r.files, path)
		return nil
	}
	if r.fsys != nil {
		return fs.WalkDir(r.fsys, root, visit)
	}
	return filepath.WalkDir(root, visit)
}

// stat is os.Stat or fs.Stat, depending on where the Reader reads from.
func (r *Reader) stat(name string) (fs.FileInfo, error) {
	if r.fsys != nil {
		return fs.Stat(r.fsys, name)
	}
	return os.Stat(name)
}

// openFile opens one log file for reading.
func (r *Reader) openFile(name string) (io.ReadCloser, error) {
	if r.fsys != nil {
		return r.fsys.Open(name)
	}
	return os.Open(name)
}

// isLogName reports whether a file name found in a folder looks like a
// CloudTrail log file.
func isLogName(name string) bool {
	n := strings.TrimSuffix(strings.ToLower(name), ".gz")
	return strings.HasSuffix(n, ".json") || strings.HasSuffix(n, ".jsonl") || strings.HasSuffix(n, ".ndjson")
}

// isRegular reports whether a walked entry is a regular file, following a
// symbolic link.
func (r *Reader) isRegular(path string, d fs.DirEntry) bool {
	if d.Type().IsRegular() {
		return true
	}
	if d.Type()&fs.ModeSymlink == 0 {
		return false
	}
	info, err := r.stat(path)
	return err == nil && info.Mode().IsRegular()
}

// pathErr drops the "open"/"stat" and path that *fs.PathError repeats, as
// the caller already names the path.
func pathErr(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// NewReader returns a Reader over one stream, such as standard input,
// called name in records and errors. The format is found from the content:
// a gzip stream is decompressed first; then the content is
//
//   - a JSON object whose first key is "Records": its array is streamed
//     one element at a time (CloudTrail's S3 log files, on one line or
//     pretty-printed over several; several such objects one after another
//     are read in turn);
//   - otherwise, when the first line is a complete JSON value, one record
//     per line (CloudTrail Lake and CloudWatch exports); blank lines are
//     skipped, and a line may be of any length;
//   - otherwise JSON values one after another, such as one record
//     pretty-printed over several lines.
//
// Every record must be a JSON object. An empty stream holds no records.
// Close does not close r: the caller owns it.
func NewReader(r io.Reader, name string) *Reader {
	return &Reader{stream: r, name: name}
}

// Next returns the next record, or io.EOF after the last one. See Reader
// for what happens on bad input. The record's Raw is valid until the next
// call to Next.
func (r *Reader) Next() (Record, error) {
	for {
		if r.cur == nil {
			ok, err := r.start()
			if !ok {
				return Record{}, io.EOF
			}
			if err != nil {
				if r.bad(err) {
					continue
				}
				return Record{}, err
			}
		}
		raw, index, err := r.cur.next()
		if err == io.EOF {
			r.finish()
			continue
		}
		if err != nil {
			if r.bad(err) {
				continue
			}
			return Record{}, err
		}
		r.stats.Records++
		return Record{Raw: raw, Source: r.name, Index: index}, nil
	}
}

// bad counts err, ends the current file when its rest cannot be read, and
// reports whether OnBad took the error.
func (r *Reader) bad(err error) bool {
	r.stats.Bad++
	var e *Error
	if !errors.As(err, &e) || e.RestSkipped {
		r.finish()
	}
	if r.OnBad != nil {
		r.OnBad(err)
		return true
	}
	return false
}

// start opens the next file or the stream and finds its format. It
// returns false when there is nothing left to read.
func (r *Reader) start() (bool, error) {
	var in io.Reader
	switch {
	case r.stream != nil:
		in, r.stream = r.stream, nil
	case len(r.files) > 0:
		r.name, r.files = r.files[0], r.files[1:]
		f, err := r.openFile(r.name)
		if err != nil {
			r.stats.Files++
			return true, &Error{File: r.name, Msg: pathErr(err).Error(), Err: err, RestSkipped: true}
		}
		in, r.closer = f, f
	default:
		return false, nil
	}
	r.stats.Files++
	d, err := newDecoder(in, r.name)
	if err != nil {
		return true, err
	}
	r.cur = d
	return true, nil
}

// finish closes the current file, if any.
func (r *Reader) finish() {
	r.cur = nil
	if r.closer != nil {
		r.closer.Close() // read-only file: a close error loses nothing
		r.closer = nil
	}
}

// Stats returns the counts so far. The Skipped slice is shared with the
// Reader.
func (r *Reader) Stats() Stats { return r.stats }

// Close releases the file the Reader has open. Later calls to Next return
// io.EOF.
func (r *Reader) Close() error {
	r.files, r.stream = nil, nil
	if r.closer != nil {
		err := r.closer.Close()
		r.closer, r.cur = nil, nil
		return err
	}
	r.cur = nil
	return nil
}
