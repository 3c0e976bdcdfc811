package insightsengine

import (
	"errors"
	"fmt"
	"sort"
	"strings"
)

// ErrUnsupported marks a construct of the query language that this engine
// does not run (pattern, diff, unnest, parse multi, ...). Such a query gets
// a positioned Error that wraps ErrUnsupported, never a wrong answer.
var ErrUnsupported = errors.New("unsupported")

// Pos is a place in the query text: a byte offset and the 1-based line and
// column (in bytes) it falls on.
type Pos struct {
	Offset, Line, Col int
}

// String prints the position as "line:col".
func (p Pos) String() string { return fmt.Sprintf("%d:%d", p.Line, p.Col) }

// Error is one problem with a query, at a position in its text.
type Error struct {
	Pos Pos
	Msg string
	// Err is ErrUnsupported for constructs the engine does not run, else nil.
	Err error
}

// Error prints "line:col: message", the form a caller prefixes with the
// file the query came from.
func (e *Error) Error() string { return e.Pos.String() + ": " + e.Msg }

// Unwrap exposes ErrUnsupported to errors.Is.
func (e *Error) Unwrap() error { return e.Err }

// ErrorList is every problem a parse found, in text order.
type ErrorList []*Error

// Error prints one problem per line.
func (l ErrorList) Error() string {
	msgs := make([]string, len(l))
	for i, e := range l {
		msgs[i] = e.Error()
	}
	return strings.Join(msgs, "\n")
}

// Unwrap exposes the list's errors to errors.Is and errors.As.
func (l ErrorList) Unwrap() []error {
	errs := make([]error, len(l))
	for i, e := range l {
		errs[i] = e
	}
	return errs
}

func (l ErrorList) sorted() ErrorList {
	sort.SliceStable(l, func(i, j int) bool { return l[i].Pos.Offset < l[j].Pos.Offset })
	return l
}

// position turns a byte offset into a Pos.
func position(text string, off int) Pos {
	if off > len(text) {
		off = len(text)
	}
	line := 1 + strings.Count(text[:off], "\n")
	col := off + 1
	if nl := strings.LastIndexByte(text[:off], '\n'); nl >= 0 {
		col = off - nl
	}
	return Pos{Offset: off, Line: line, Col: col}
}
