package insightsengine

import (
	"regexp"
)

// span is the byte range [off, end) of a node in the query text.
type span struct{ off, end int }

func (s span) pos() span { return s }

// expr is an expression node.
type expr interface{ pos() span }

type numLit struct {
	span
	v float64
}

type boolLit struct {
	span
	v bool
}

type strLit struct {
	span
	s string
}

type regexLit struct {
	span
	src string
	re  *regexp.Regexp
}

// periodLit is a time period such as 5m, with the count already capped the
// way the datetime-functions note describes (bin(300s) runs as 60s).
type periodLit struct {
	span
	n    int64
	unit string // canonical: ms s m h d w mo q y
}

type listLit struct {
	span
	elems []expr
}

// fieldRef names a field by a dotted path. Which prefix of the path is the
// field and which part is member access on its value is decided per event:
// the longest prefix the event has wins (see eval.go).
type fieldRef struct {
	span
	segs []string
}

type memberExpr struct {
	span
	x   expr
	key string
}

type indexExpr struct {
	span
	x     expr
	index expr
}

type callExpr struct {
	span
	name string // lower case
	args []expr
	star bool // count(*)
	fn   *funcDef
	agg  *aggDef
	slot int // the aggregate's accumulator index within its stats command
}

type unaryExpr struct {
	span
	op string // "-" or "not"
	x  expr
}

type binaryExpr struct {
	span
	op   string // or and = != < <= > >= + - * / % ^
	l, r expr
}

// likeExpr is "x like pat", "x not like pat" and "x =~ pat".
type likeExpr struct {
	span
	x, pat expr
	not    bool
}

type inExpr struct {
	span
	x, list expr
	not     bool
}

// command is one stage of the pipeline.
type command interface{ pos() span }

// item is one output of fields, display or stats: an expression and the
// name its result goes by.
type item struct {
	x    expr
	name string
}

type fieldsCmd struct {
	span
	items   []item
	display bool
}

type filterCmd struct {
	span
	cond expr
}

type statsCmd struct {
	span
	items []item
	by    []item
	aggs  []*callExpr // every aggregate call in items, by slot
}

type sortKey struct {
	x    expr
	desc bool
}

type sortCmd struct {
	span
	keys []sortKey
}

type limitCmd struct {
	span
	n int
}

// parseCmd extracts fields from src with re; a glob pattern is compiled
// into re with one group per "*", named after the aliases.
type parseCmd struct {
	span
	src   expr
	re    *regexp.Regexp
	names []string
}

type dedupCmd struct {
	span
	keys []expr
}

// parenExpr keeps parentheses so an unaliased column is named by the text
// the query wrote.
type parenExpr struct {
	span
	x expr
}
