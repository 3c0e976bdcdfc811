package insightsengine

import (
	"sort"
	"strings"
)

// check enforces the documented rules that span commands and works out the
// output columns. From the stats page
// (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/CWL_QuerySyntax-Stats.html):
// at most two stats commands; sort and limit must come after the second
// stats; after a stats only the fields it defined can be referenced, and
// bin (which reads @timestamp) needs @timestamp among them. From the dedup
// page: "The only query command that you can use in a query after the
// dedup command is limit."
func check(q *Query, p *parser) {
	c := &checker{p: p, q: q, okLits: map[expr]bool{}}
	for _, cmd := range q.cmds {
		c.command(cmd)
	}
	q.columns = c.columns()
}

type checker struct {
	p *parser
	q *Query
	// scope is nil before the first stats (any field may exist), then the
	// names the last stats and the commands after it defined.
	scope      map[string]bool
	stats      int
	sortLimit  *span // the first sort or limit seen before a second stats
	dedup      bool
	fields     []string // fields command outputs since the last stats
	statsCols  []string
	display    []string
	hasDisplay bool
	// okLits are the literals standing where they belong: time periods as
	// bin, datefloor and dateceil arguments, regexes after like and =~.
	okLits map[expr]bool
}

func (c *checker) command(cmd command) {
	if _, isLimit := cmd.(*limitCmd); c.dedup && !isLimit {
		c.p.errAt(cmd.pos().off, "only limit can follow dedup")
	}
	switch cmd := cmd.(type) {
	case *fieldsCmd:
		c.items(cmd.items)
		names := make([]string, len(cmd.items))
		for i, it := range cmd.items {
			names[i] = it.name
		}
		if cmd.display {
			c.display, c.hasDisplay = names, true
			return
		}
		for _, n := range names {
			c.define(n)
			if !contains(c.fields, n) {
				c.fields = append(c.fields, n)
			}
		}
	case *filterCmd:
		c.expr(cmd.cond)
	case *statsCmd:
		c.statsCmd(cmd)
	case *sortCmd:
		for _, k := range cmd.keys {
			c.expr(k.x)
		}
		c.noteSortLimit(cmd.span)
	case *limitCmd:
		c.noteSortLimit(cmd.span)
	case *parseCmd:
		c.expr(cmd.src)
		for _, n := range cmd.names {
			c.define(n)
		}
	case *dedupCmd:
		for _, k := range cmd.keys {
			c.expr(k)
		}
		c.dedup = true
	}
}

func (c *checker) define(name string) {
	if c.scope != nil {
		c.scope[name] = true
	}
}

func (c *checker) noteSortLimit(s span) {
	if c.stats < 2 && c.sortLimit == nil {
		c.sortLimit = &s
	}
}

func (c *checker) items(items []item) {
	for _, it := range items {
		c.expr(it.x)
	}
}

func (c *checker) statsCmd(cmd *statsCmd) {
	c.stats++
	if c.stats > 2 {
		c.p.errAt(cmd.off, "a query can have at most two stats commands")
	}
	if c.stats == 2 && c.sortLimit != nil {
		c.p.errAt(c.sortLimit.off, "sort and limit must come after the second stats command")
	}
	for _, it := range cmd.by {
		c.expr(it.x)
	}
	for _, it := range cmd.items {
		if !hasAggregate(it.x) {
			c.p.errAt(it.x.pos().off, "%q has no aggregate function; stats needs one in every item", it.name)
			continue
		}
		c.statsItem(cmd, it.x)
	}
	scope := map[string]bool{}
	c.statsCols = nil
	for _, it := range append(append([]item(nil), cmd.by...), cmd.items...) {
		scope[it.name] = true
		if !contains(c.statsCols, it.name) {
			c.statsCols = append(c.statsCols, it.name)
		}
	}
	c.scope, c.fields, c.display, c.hasDisplay = scope, nil, nil, false
}

func hasAggregate(x expr) bool {
	found := false
	walk(x, func(e expr) bool {
		if c, ok := e.(*callExpr); ok && c.agg != nil {
			found = true
		}
		return !found
	})
	return found
}

// statsItem checks one stats output: fields may appear only inside an
// aggregate's arguments. It gives every aggregate call its slot.
func (c *checker) statsItem(cmd *statsCmd, x expr) {
	walk(x, func(e expr) bool {
		switch e := e.(type) {
		case *callExpr:
			if e.agg != nil {
				e.slot = len(cmd.aggs)
				cmd.aggs = append(cmd.aggs, e)
				if e.agg.usesTime && c.scope != nil && !c.scope["@timestamp"] {
					c.p.errAt(e.off, "%s reads @timestamp, which the previous stats did not keep", e.name)
				}
				for _, a := range e.args {
					c.expr(a)
				}
				return false
			}
			c.call(e)
		case *fieldRef:
			c.p.errAt(e.off, "%s is outside an aggregate function; group by it with by instead", strings.Join(e.segs, "."))
		case *likeExpr:
			c.okLits[e.pat] = true
		case *periodLit, *regexLit:
			c.literal(e)
		}
		return true
	})
}

// expr checks an expression outside stats items.
func (c *checker) expr(x expr) {
	walk(x, func(e expr) bool {
		switch e := e.(type) {
		case *callExpr:
			if e.agg != nil {
				c.p.errAt(e.off, "%s is an aggregate function; use it in stats", e.name)
				return false
			}
			c.call(e)
		case *fieldRef:
			c.field(e)
		case *likeExpr:
			c.okLits[e.pat] = true
		case *periodLit, *regexLit:
			c.literal(e)
		}
		return true
	})
}

// call checks a scalar call; its period arguments are allowed literals.
func (c *checker) call(e *callExpr) {
	switch e.name {
	case "bin":
		if c.scope != nil && !c.scope["@timestamp"] {
			c.p.errAt(e.off, "bin reads @timestamp, which the previous stats did not keep")
		}
	case "now":
		if c.q.nowAt == nil {
			c.q.nowAt = &e.span
		}
	}
	if e.fn != nil {
		for _, i := range e.fn.periods {
			if i < len(e.args) {
				c.okLits[e.args[i]] = true
			}
		}
	}
}

func (c *checker) literal(e expr) {
	if c.okLits[e] {
		return
	}
	switch e := e.(type) {
	case *periodLit:
		c.p.errAt(e.off, "a time period is only valid as an argument of bin, datefloor or dateceil")
	case *regexLit:
		c.p.errAt(e.off, "a regular expression is only valid after like or =~")
	}
}

func (c *checker) field(f *fieldRef) {
	if c.scope == nil {
		return
	}
	for k := len(f.segs); k > 0; k-- {
		if c.scope[strings.Join(f.segs[:k], ".")] {
			return
		}
	}
	known := make([]string, 0, len(c.scope))
	for n := range c.scope {
		known = append(known, n)
	}
	sort.Strings(known)
	c.p.errAt(f.off, "%s is not available after stats, which kept only: %s", strings.Join(f.segs, "."), strings.Join(known, ", "))
}

// columns: the last display after the last stats names the columns ("If
// you specify this command more than once in your query, only the fields
// you specify in the last occurrence are used"); else the stats output
// followed by fields added after it; else every field that fields commands
// named ("If your query has multiple fields commands and doesn't include a
// display command, the results display all fields that are specified in
// the fields commands"); else @timestamp and @message, which the filter
// example says a query without fields shows.
// Guess: stats lists its by fields first, then the aggregates, the order
// the console's result table shows; the comparison ignores column order.
func (c *checker) columns() []string {
	switch {
	case c.hasDisplay:
		return c.display
	case c.stats > 0:
		return append(append([]string(nil), c.statsCols...), c.fields...)
	case len(c.fields) > 0:
		return c.fields
	}
	return []string{"@timestamp", "@message"}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// walk calls f on x and, while f returns true, on its subexpressions in
// order.
func walk(x expr, f func(expr) bool) {
	if x == nil || !f(x) {
		return
	}
	switch x := x.(type) {
	case *parenExpr:
		walk(x.x, f)
	case *listLit:
		for _, e := range x.elems {
			walk(e, f)
		}
	case *memberExpr:
		walk(x.x, f)
	case *indexExpr:
		walk(x.x, f)
		walk(x.index, f)
	case *callExpr:
		for _, a := range x.args {
			walk(a, f)
		}
	case *unaryExpr:
		walk(x.x, f)
	case *binaryExpr:
		walk(x.l, f)
		walk(x.r, f)
	case *likeExpr:
		walk(x.x, f)
		walk(x.pat, f)
	case *inExpr:
		walk(x.x, f)
		walk(x.list, f)
	}
}
