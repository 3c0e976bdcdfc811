// Package kqlengine interprets a rule's KQL query, from its syntax tree,
// over the rows of Sentinel tables (AWSCloudTrail, projected from CloudTrail
// records, or tables given in memory). It is the judge the translations are
// measured against, so it follows Microsoft's KQL reference and the
// project's SEMANTICS.md construct by construct, and it refuses what it does
// not implement with a positioned error wrapping convert.ErrUnsupported
// rather than guess.
//
// The engine type-checks before it reads a row: every expression is
// compiled, against the columns of its operator's input, into a closure of
// a fixed KQL type, so a type error is reported on an empty input too.
// Operators are pull iterators; only summarize, sort, top, join, distinct
// and materialize hold rows.
package kqlengine

import (
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"time"

	"github.com/ruleport/ruleport/convert"
	"github.com/ruleport/ruleport/convert/kql"
	"github.com/ruleport/ruleport/reference/alerts"
	"github.com/ruleport/ruleport/reference/logs"
)

// Options pin what a run depends on besides the query and the rows.
type Options struct {
	// Window restricts tables to rows whose TimeGenerated falls in it,
	// before the query runs, as Sentinel's scheduled queries see only
	// their lookback period. The zero Window keeps every row.
	Window logs.Window
	// Now is the evaluation time: the value of now() and the origin of
	// ago(). When zero, the Window's End is used (a scheduled rule runs
	// at the end of its lookback), and when that is zero too, the wall
	// clock, read once per run (Kusto too evaluates now() once per query:
	// https://learn.microsoft.com/kusto/query/now-function).
	Now time.Time
}

func (o Options) evalTime() time.Time {
	switch {
	case !o.Now.IsZero():
		return ticks(o.Now)
	case !o.Window.End.IsZero():
		return ticks(o.Window.End)
	}
	return ticks(time.Now())
}

// RunTables runs q over in-memory tables, keyed by the names the query
// uses. Tables with a TimeGenerated datetime column are restricted to
// opt.Window first. The result has the query's output columns in KQL's
// order and its rows sorted with alerts.Table.Sort.
func RunTables(q *kql.Query, tables map[string]*Table, opt Options) (alerts.Table, error) {
	e := newEngine(opt)
	for name, t := range tables {
		src, err := memorySource(name, t, opt.Window)
		if err != nil {
			return alerts.Table{}, err
		}
		e.tables[name] = src
	}
	return e.run(q)
}

// engine holds the state of one run.
type engine struct {
	now    time.Time
	tables map[string]*tableSource
	mats   map[*kql.CallExpr]*matCache
	// err is the first runtime error an expression met; iterators stop
	// at the row that raised it.
	err     error
	regexps map[string]*regexp.Regexp
	json    jsonCache
}

func newEngine(opt Options) *engine {
	return &engine{
		now:     opt.evalTime(),
		tables:  map[string]*tableSource{},
		mats:    map[*kql.CallExpr]*matCache{},
		regexps: map[string]*regexp.Regexp{},
	}
}

// fail records a runtime error; the first one wins.
func (e *engine) fail(err error) {
	if e.err == nil {
		e.err = err
	}
}

// run evaluates the statements of q and drains the result.
func (e *engine) run(q *kql.Query) (alerts.Table, error) {
	rel, err := e.evaluate(q)
	if err != nil {
		return alerts.Table{}, err
	}
	return e.drain(rel)
}

// evaluate binds the statements of q and returns the result relation,
// whose rows are not read yet.
func (e *engine) evaluate(q *kql.Query) (*relation, error) {
	if q == nil {
		return nil, errorf(kql.NoPos, "no query")
	}
	e.planStreaming(q)
	var sc *scope
	var result *relation
	for _, st := range q.Stmts {
		switch s := st.(type) {
		case *kql.LetStmt:
			next, err := e.bindLet(sc, s)
			if err != nil {
				return nil, err
			}
			sc = next
		case *kql.ExprStmt:
			if result != nil {
				return nil, unsupportedf(s.Pos(), "a query with more than one result")
			}
			rel, err := e.tabular(s.X, sc)
			if err != nil {
				return nil, err
			}
			result = rel
		default:
			return nil, unsupportedf(st.Pos(), "statement %s", typeName(st))
		}
	}
	if result == nil {
		return nil, errorf(q.EOF, "the query has no tabular result")
	}
	return result, nil
}

// drain reads every row of rel into an alerts table of output values.
func (e *engine) drain(rel *relation) (alerts.Table, error) {
	t := alerts.Table{Columns: make([]string, len(rel.cols))}
	for i, c := range rel.cols {
		t.Columns[i] = c.Name
	}
	for {
		row, err := rel.next()
		if err != nil {
			return alerts.Table{}, err
		}
		if row == nil {
			break
		}
		out := make([]any, len(row))
		for i, v := range row {
			out[i] = outputValue(v)
		}
		t.Rows = append(t.Rows, out)
	}
	t.Sort()
	return t, nil
}

// outputValue converts an engine value to the alerts contract: int becomes
// int64, dynamic values become their JSON text.
func outputValue(v any) any {
	switch x := v.(type) {
	case nil, string, bool, int64, float64, time.Time, time.Duration:
		return x
	case int32:
		return int64(x)
	}
	return json.RawMessage(dynamicJSON(v))
}

// ---------------------------------------------------------------------------
// relations

// rowIter yields rows; a nil row marks the end. Rows are shared between
// operators and must not be modified once yielded.
type rowIter func() ([]any, error)

// relation is a tabular value being computed: its columns and its rows.
type relation struct {
	cols []Column
	next rowIter
}

func emptyIter() ([]any, error) { return nil, nil }

// sliceIter yields the rows of a slice.
func sliceIter(rows [][]any) rowIter {
	i := 0
	return func() ([]any, error) {
		if i >= len(rows) {
			return nil, nil
		}
		i++
		return rows[i-1], nil
	}
}

// collect reads every row of rel.
func collect(rel *relation) ([][]any, error) {
	var rows [][]any
	for {
		row, err := rel.next()
		if err != nil {
			return nil, err
		}
		if row == nil {
			return rows, nil
		}
		rows = append(rows, row)
	}
}

// matCache holds the rows of one materialize() call, filled on first use
// (https://learn.microsoft.com/kusto/query/materialize-function).
type matCache struct {
	cols   []Column
	inner  *relation
	rows   [][]any
	filled bool
}

func (m *matCache) relation() *relation {
	var it rowIter
	return &relation{cols: m.cols, next: func() ([]any, error) {
		if it == nil {
			if !m.filled {
				rows, err := collect(m.inner)
				if err != nil {
					return nil, err
				}
				m.rows, m.filled = rows, true
			}
			it = sliceIter(m.rows)
		}
		return it()
	}}
}

// ---------------------------------------------------------------------------
// errors

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

func typeName(v any) string { return fmt.Sprintf("%T", v) }
