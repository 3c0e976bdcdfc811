package kql

import (
	"fmt"
	"sort"
	"strings"

	"github.com/ruleport/ruleport/convert"
)

// ErrorKind sorts errors by what a caller can do about them.
type ErrorKind int

const (
	// ErrSyntax is text that is not KQL.
	ErrSyntax ErrorKind = iota
	// ErrUnsupported is KQL that ruleport does not handle: the diagnostic
	// wraps convert.ErrUnsupported.
	ErrUnsupported
	// ErrUnknownName is a column, table, variable or function that does not
	// exist where it is used (Kusto.Language's KS142 and KS204).
	ErrUnknownName
	// ErrSemantic is any other binding error: a duplicate column, a
	// wrong number of arguments, an operand of the wrong type.
	ErrSemantic
	// ErrUnknowable is a valid query whose output columns depend on data
	// (evaluate plugins, a table(name) call whose name is a parameter).
	ErrUnknowable
)

// Error is one problem in a query: where, what and which kind. Msg is lower
// case without a trailing period, like every ruleport diagnostic.
type Error struct {
	Pos  Pos
	Kind ErrorKind
	Msg  string
}

// Error prints the offset and the message; Diagnostics gives line:col.
func (e *Error) Error() string { return fmt.Sprintf("offset %d: %s", e.Pos, e.Msg) }

// ErrorList is every error of one parse or binding, like go/scanner's.
type ErrorList []*Error

func (l *ErrorList) add(pos Pos, kind ErrorKind, format string, args ...any) {
	// One mistake often trips several checks at the same token; the first
	// message is the one that names the cause.
	if n := len(*l); n > 0 && (*l)[n-1].Pos == pos {
		return
	}
	*l = append(*l, &Error{Pos: pos, Kind: kind, Msg: fmt.Sprintf(format, args...)})
}

// Sort orders the list by position, then message, for stable output.
func (l ErrorList) Sort() {
	sort.SliceStable(l, func(i, j int) bool {
		if l[i].Pos != l[j].Pos {
			return l[i].Pos < l[j].Pos
		}
		return l[i].Msg < l[j].Msg
	})
}

// Error prints one error per line.
func (l ErrorList) Error() string {
	lines := make([]string, len(l))
	for i, e := range l {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

// Err returns l as an error, or nil when it is empty.
func (l ErrorList) Err() error {
	if len(l) == 0 {
		return nil
	}
	return l
}

// Diagnostics turns the list into rule-file diagnostics: pos maps a query
// offset to a line and column of file (the caller passes the rule's
// QueryPos). Unsupported constructs wrap convert.ErrUnsupported, so the CLI
// can tell "ruleport cannot" from "the rule is wrong".
func (l ErrorList) Diagnostics(file string, pos func(Pos) convert.Pos) convert.Diagnostics {
	out := make(convert.Diagnostics, 0, len(l))
	for _, e := range l {
		d := &convert.Diagnostic{File: file, Msg: e.Msg}
		if pos != nil && e.Pos.IsValid() {
			d.Pos = pos(e.Pos)
		}
		if e.Kind == ErrUnsupported {
			d.Err = convert.ErrUnsupported
		}
		out = append(out, d)
	}
	return out
}
