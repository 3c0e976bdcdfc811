package cloudwatch

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/ruleport/ruleport/convert/kql"

	"github.com/ruleport/ruleport/convert/plan"
)

// Values a regular expression must produce come from parse commands
// before the step's own command: "parse field /regex/" sets a field for
// each named group, and when the field does not match, "the extracted
// fields are null" (CWL_QuerySyntax-Parse.html). parse reads the step's
// input row, so the parallel extend is kept.

// maxRepeat is the largest counted repetition RE2 accepts.
const maxRepeat = 1000

// split is split(s, d)[i] (and split(s, d, i)[0]): the piece captured by a
// regular expression, missing when there is no such piece, as KQL's
// out-of-range index is null. KQL's split keeps empty pieces,
// split("", d) is [""] and a text without d is one piece, which these
// patterns give:
//
//	i >= 0, one character d:   ^(?:[^d]*d){i}(?<p>[^d]*)
//	i < 0, one character d:    (?<p>[^d]*)(?:d[^d]*){-i-1}$
//	i >= 0, longer d:          (?s)^(?:.*?d){i}(?<p>.*?)(?:d|$)
//
// The first takes i delimiters from the start and the piece up to the
// next one; the second anchors the piece -i-1 delimiters before the end;
// the third takes the delimiters lazily from the left, as KQL splits.
func (e *emitter) split(x *plan.SplitIndex) string {
	c, ok := x.Delim.(*plan.Const)
	d, isStr := "", false
	if ok {
		d, isStr = c.Value.(string)
	}
	if !isStr || d == "" {
		e.unsupported(x.Pos(), "split with a delimiter that is not a constant, non-empty string")
		return `""`
	}
	i := x.Index
	if i >= maxRepeat || i < -maxRepeat {
		e.unsupported(x.Pos(), "split index %d (regular expressions repeat at most %d times)", i, maxRepeat)
		return `""`
	}
	src := e.fieldOf(x.S)
	piece := e.fresh(e.hint + "_part")
	var re string
	switch {
	case utf8.RuneCountInString(d) == 1:
		r, _ := utf8.DecodeRuneInString(d)
		not, dd := "[^"+quoteClass(r)+"]*", quoteRegex(d)
		if i >= 0 {
			re = "^" + repeat("(?:"+not+dd+")", i) + "(?<" + piece + ">" + not + ")"
		} else {
			re = "(?<" + piece + ">" + not + ")" + repeat("(?:"+dd+not+")", -i-1) + "$"
		}
	case i >= 0:
		dd := quoteRegex(d)
		re = "(?s)^" + repeat("(?:.*?"+dd+")", i) + "(?<" + piece + ">.*?)(?:" + dd + "|$)"
	default:
		e.unsupported(x.Pos(), "split(s, %s)[%d]: an index from the end with a delimiter of more than one character", strLit(d), i)
		return `""`
	}
	e.pending = append(e.pending, "parse "+src+" /"+re+"/")
	return piece
}

// repeat writes g{n}, or g alone for 1 and nothing for 0.
func repeat(g string, n int) string {
	switch n {
	case 0:
		return ""
	case 1:
		return g
	}
	return g + "{" + strconv.Itoa(n) + "}"
}

// indexOf is indexof(s, t): the length of the text before the first t,
// or -1 when there is none. Logs Insights has no indexOf; a lazy
// (?s)^(?<p>.*?)t captures that text, and strlen counts its characters.
func (e *emitter) indexOf(x *plan.Call) string {
	c, ok := x.Args[1].(*plan.Const)
	t, isStr := "", false
	if ok {
		t, isStr = c.Value.(string)
	}
	if !isStr || t == "" {
		e.unsupported(x.Pos(), "indexof with a text to look for that is not a constant, non-empty string")
		return "0"
	}
	src := e.fieldOf(x.Args[0])
	before := e.fresh(e.hint + "_before")
	e.pending = append(e.pending, "parse "+src+" /(?s)^(?<"+before+">.*?)"+quoteRegex(t)+"/")
	return "coalesce(strlen(" + before + "), -1)"
}

// aggregate writes a summarize as one stats command. Logs Insights allows
// two stats in a query and no sort or limit before the second.
func (e *emitter) aggregate(st *plan.Aggregate) {
	if pk := st.Pick; pk != nil {
		// earliest and latest return a field of the event with the least
		// or greatest @timestamp only (CWL_QuerySyntax-operations-functions.html).
		fn := "arg_min"
		if pk.Max {
			fn = "arg_max"
		}
		e.unsupported(pk.Pos, "aggregate %s (Logs Insights has no aggregate that returns the row with the least or greatest value of an expression)", fn)
		return
	}
	if !e.countStats(st.Info().Pos) {
		return
	}
	var keys, aggs []string
	for _, k := range st.Keys {
		e.hint = k.Name
		keys = append(keys, e.key(k))
		if k.X.Type() == plan.String {
			e.note(NoteEmptyAsMissing, st.Info().Pos, "summarize ... by "+keyNames(st.Keys))
		}
	}
	for _, a := range st.Aggs {
		e.hint = a.Name
		aggs = append(aggs, e.agg(a)+" as "+ident(a.Name))
	}
	if len(st.Keys) == 0 {
		e.note(NoteSummarizeEmpty, st.Info().Pos, clip(st.Info().Text))
	}
	if len(aggs) == 0 {
		// stats needs an aggregate; this one is never displayed.
		aggs = []string{"count(*) as " + e.fresh("rows")}
	}
	e.command(statsCommand(aggs, keys))
}

// keyNames lists the group keys' names.
func keyNames(keys []plan.Assign) string {
	names := make([]string, len(keys))
	for i, k := range keys {
		names[i] = k.Name
	}
	return strings.Join(names, ", ")
}

// countStats counts a stats command, reporting false (and an error) when
// Logs Insights cannot take it.
func (e *emitter) countStats(pos kql.Pos) bool {
	e.stats++
	switch {
	case e.stats > maxStats:
		e.unsupported(pos, "a third summarize or distinct (Logs Insights allows %d stats commands)", maxStats)
		return false
	case e.stats == maxStats && e.sortedAt.IsValid():
		e.unsupported(e.sortedAt, "sort, top or take before a second summarize or distinct (Logs Insights allows sort and limit only after the second stats)")
		return false
	}
	return true
}

// key writes one group key: the column's name, or "value as name".
func (e *emitter) key(k plan.Assign) string {
	v := e.value(k.X)
	if v == ident(k.Name) {
		return v
	}
	return trimParens(v) + " as " + ident(k.Name)
}

// distinct is stats with every column as a key and a count nobody reads.
func (e *emitter) distinct(st *plan.Distinct) {
	if !e.countStats(st.Info().Pos) {
		return
	}
	var keys []string
	for _, c := range st.Info().Columns {
		e.hint = c.Name
		keys = append(keys, e.key(plan.Assign{Name: c.Name, X: e.inputRef(st, c.Name)}))
		if c.Type == plan.String {
			e.note(NoteEmptyAsMissing, st.Info().Pos, clip(st.Info().Text))
		}
	}
	e.command(statsCommand([]string{"count(*) as " + e.fresh("rows")}, keys))
}

// inputRef is a reference to the column name of the step before st, with
// the origin it has there.
func (e *emitter) inputRef(st plan.Step, name string) *plan.ColRef {
	for i, s := range e.p.Steps {
		if s == st && i > 0 {
			for _, c := range e.p.Steps[i-1].Info().Columns {
				if c.Name == name {
					return &plan.ColRef{Name: name, T: c.Type, Origin: c.Origin}
				}
			}
		}
	}
	return &plan.ColRef{Name: name}
}

// agg writes one aggregate (CWL_QuerySyntax-Stats.html, "Functions to use
// with stats"). countif is the sum of 1 for each true condition; dcountif
// counts the distinct values case() keeps (a false condition gives
// nothing to count).
func (e *emitter) agg(a plan.Agg) string {
	arg := func() string { return trimParens(e.value(a.Arg)) }
	switch a.Func {
	case plan.Count:
		return "count(*)"
	case plan.CountIf:
		return "sum(if(" + e.pos(a.Pred) + ", 1, 0))"
	case plan.DCount:
		e.noteAt(NoteCountDistinct, a.Pos)
		return "count_distinct(" + arg() + ")"
	case plan.DCountIf:
		e.noteAt(NoteCountDistinct, a.Pos)
		return "count_distinct(case(" + e.pos(a.Pred) + ", " + arg() + "))"
	case plan.Min:
		return "min(" + arg() + ")"
	case plan.Max:
		return "max(" + arg() + ")"
	case plan.Sum:
		return "sum(" + arg() + ")"
	case plan.Avg:
		return "avg(" + arg() + ")"
	}
	e.unsupported(a.Pos, "aggregate %s (Logs Insights has no aggregate that collects values)", a.Func)
	return "count(*)"
}

// statsCommand formats "stats aggs by keys", the keys on lines of their
// own when the command is long.
func statsCommand(aggs, keys []string) string {
	s := list("stats", aggs)
	if len(keys) == 0 {
		return s
	}
	one := s + " by " + strings.Join(keys, ", ")
	if len(one) <= 100 && !strings.Contains(one, "\n") {
		return one
	}
	return s + "\n" + wrapList("    by ", keys, len("    by "))
}
