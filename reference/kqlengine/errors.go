package kqlengine

import (
	"errors"
	"fmt"

	"github.com/ruleport/ruleport/convert"
	"github.com/ruleport/ruleport/convert/kql"
)

// Error is a problem with a query, at a byte offset of the query text.
// Constructs the engine does not implement wrap convert.ErrUnsupported, so
// errors.Is(err, convert.ErrUnsupported) tells "ruleport cannot judge this
// query" from "this query is wrong"; the engine never guesses an answer
// for a construct it does not know.
type Error struct {
	Pos kql.Pos // offset into the query text, or kql.NoPos
	Msg string  // lower case, no trailing period
	Err error   // convert.ErrUnsupported, or nil
}

// Error prints the message with the offset, which only the caller can turn
// into a line and column of the rule file (see Diagnostic).
func (e *Error) Error() string {
	if e.Pos.IsValid() {
		return fmt.Sprintf("query offset %d: %s", int(e.Pos), e.Msg)
	}
	return e.Msg
}

// Unwrap exposes convert.ErrUnsupported to errors.Is.
func (e *Error) Unwrap() error { return e.Err }

// Diagnostic turns e into a diagnostic of the rule file: at maps a query
// offset to a line and column, as (*rule.Rule).QueryPos does.
func (e *Error) Diagnostic(file string, at func(kql.Pos) convert.Pos) *convert.Diagnostic {
	var pos convert.Pos
	if e.Pos.IsValid() && at != nil {
		pos = at(e.Pos)
	}
	return &convert.Diagnostic{File: file, Pos: pos, Msg: e.Msg, Err: e.Err}
}

// errorf returns a positioned query error.
func errorf(pos kql.Pos, format string, args ...any) *Error {
	return &Error{Pos: pos, Msg: fmt.Sprintf(format, args...)}
}

// unsupportedf returns a positioned error that wraps convert.ErrUnsupported.
func unsupportedf(pos kql.Pos, format string, args ...any) *Error {
	return &Error{Pos: pos, Msg: fmt.Sprintf(format, args...), Err: convert.ErrUnsupported}
}

// IsUnsupported reports whether err says the engine does not implement a
// construct (as opposed to the query being wrong or the input unreadable).
func IsUnsupported(err error) bool { return errors.Is(err, convert.ErrUnsupported) }
