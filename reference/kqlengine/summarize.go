package kqlengine

import (
	"sort"
	"strings"

	"github.com/ruleport/ruleport/convert/kql"
)

// This file holds the summarize operator
// (https://learn.microsoft.com/kusto/query/summarize-operator): one output
// row per distinct tuple of by values ("" is an ordinary key, and keys are
// compared exactly, so case matters), by columns first, then the
// aggregates in the order written. Groups come out in order of first
// appearance; the run sorts the final result anyway.

// sumCol is one output column of summarize.
type sumCol struct {
	name string
	t    Type
	pos  kql.Pos
	auto bool // a default name, which gets a numeric suffix on collision
}

// aggItem is one aggregate of the list: a plain aggregate (slots read by a
// final expression) or an arg_max/arg_min.
type aggItem struct {
	cols  []sumCol
	final *expr // over the slot values of the group
	arg   *argDef
}

// argDef is a compiled arg_max or arg_min.
type argDef struct {
	sign    int
	target  *expr
	returns []*expr
}

type summarizer struct {
	e     *engine
	in    *compiler
	keys  []*expr
	kcols []sumCol
	slots []*aggDef
	items []aggItem
}

func (e *engine) summarize(src *relation, op *kql.SummarizeOp, sc *scope) (*relation, error) {
	for _, p := range op.Params {
		if !strings.HasPrefix(strings.ToLower(p.Name.Name), "hint.") {
			return nil, unsupportedf(p.Pos(), "summarize parameter %s", p.Name.Name)
		}
		// Hints change how Kusto distributes work, never the result.
	}
	s := &summarizer{e: e, in: e.compiler(sc, src.cols)}
	if err := s.compileKeys(op.Keys); err != nil {
		return nil, err
	}
	for _, a := range op.Aggs {
		if err := s.compileAgg(a, src.cols, sc); err != nil {
			return nil, err
		}
	}
	cols, err := s.columns()
	if err != nil {
		return nil, err
	}
	var it rowIter
	return &relation{cols: cols, next: func() ([]any, error) {
		if it == nil {
			rows, err := s.run(src)
			if err != nil {
				return nil, err
			}
			it = sliceIter(rows)
		}
		return it()
	}}, nil
}

// compileKeys compiles the by expressions. bin(x, ...) keeps the name of
// x, as in the summarize page's "by bin(StartTime, 1d)" example, whose
// output column is StartTime (see resultName).
func (s *summarizer) compileKeys(keys []kql.Expr) error {
	gen := 0
	for _, k := range keys {
		name, valueX := "", k
		if n, ok := k.(*kql.NamedExpr); ok {
			if len(n.Names) != 1 {
				return unsupportedf(n.Pos(), "tuple assignment")
			}
			name, valueX = n.Names[0].Name, n.X
		}
		x, err := s.in.expr(valueX)
		if err != nil {
			return err
		}
		if x.t == TypeDynamic {
			return errorf(k.Pos(), "summarize: a by key of type dynamic must be cast (tostring(), toint() ...)")
		}
		if name == "" {
			name = x.name
		}
		auto := name == ""
		if auto {
			gen++
			name = "Column" + itoa(gen)
		}
		s.keys = append(s.keys, x)
		s.kcols = append(s.kcols, sumCol{name: name, t: x.t, pos: k.Pos(), auto: auto})
	}
	return nil
}

// compileAgg compiles one item of the aggregate list.
func (s *summarizer) compileAgg(a kql.Expr, cols []Column, sc *scope) error {
	var names []*kql.Ident
	valueX := a
	if n, ok := a.(*kql.NamedExpr); ok {
		names, valueX = n.Names, n.X
	}
	if call, ok := valueX.(*kql.CallExpr); ok {
		switch call.Fun.Name {
		case "arg_max", "arg_min", "argmax", "argmin":
			return s.compileArg(call, names, cols)
		}
	}
	if len(names) > 1 {
		return unsupportedf(a.Pos(), "tuple assignment of a single aggregate")
	}
	if !hasAggCall(valueX) {
		if call := unknownCall(valueX); call != nil {
			return unsupportedf(call.Pos(), "function %s()", call.Fun.Name)
		}
		return errorf(valueX.Pos(), "summarize: %s is not an aggregation", exprText(valueX))
	}
	// The aggregate expression reads slots (one per aggregate call inside
	// it), not input columns: count() * 2 is allowed, a bare column is not.
	outer := s.e.compiler(sc, nil)
	var defaultName string
	calls := 0
	outer.aggs = func(call *kql.CallExpr) (*expr, error) {
		def, name, err := s.compileAggCall(call)
		if err != nil {
			return nil, err
		}
		calls++
		defaultName = name
		k := len(s.slots)
		s.slots = append(s.slots, def)
		return &expr{t: def.t, eval: func(r []any) any { return r[k] }}, nil
	}
	x, err := outer.expr(valueX)
	if err != nil {
		return err
	}
	col := sumCol{t: x.t, pos: a.Pos()}
	switch {
	case len(names) == 1:
		col.name = names[0].Name
	case calls == 1 && isCall(valueX) && defaultName != "":
		col.name, col.auto = defaultName, true
	default:
		col.name, col.auto = "Column1", true
	}
	s.items = append(s.items, aggItem{cols: []sumCol{col}, final: x})
	return nil
}

// hasAggCall reports whether x calls an aggregation function.
func hasAggCall(x kql.Expr) bool {
	found := false
	kql.Inspect(x, func(n kql.Node) bool {
		if c, ok := n.(*kql.CallExpr); ok {
			if _, ok := aggFuncs[c.Fun.Name]; ok {
				found = true
			}
		}
		return !found
	})
	return found
}

// unknownCall returns the first call in x of a function the engine does
// not know, which may be an aggregation it does not implement.
func unknownCall(x kql.Expr) *kql.CallExpr {
	var found *kql.CallExpr
	kql.Inspect(x, func(n kql.Node) bool {
		if c, ok := n.(*kql.CallExpr); ok && found == nil {
			if _, ok := scalarFuncs[c.Fun.Name]; !ok && c.Fun.Name != "toscalar" {
				found = c
			}
		}
		return found == nil
	})
	return found
}

func isCall(x kql.Expr) bool {
	_, ok := x.(*kql.CallExpr)
	return ok
}

func exprText(x kql.Expr) string {
	if id, ok := x.(*kql.Ident); ok {
		return id.Name
	}
	return "the expression"
}

// compileAggCall compiles one aggregation call and its default column
// name: prefix_arg, where arg is the argument's column name or empty
// (count() is count_, countif(x > 0) is countif_, make_set(y) is set_y,
// per the summarize page's examples).
func (s *summarizer) compileAggCall(x *kql.CallExpr) (*aggDef, string, error) {
	spec := aggFuncs[x.Fun.Name]
	if spec.build == nil {
		return nil, "", errorf(x.Pos(), "%s() must be used alone, not inside an expression", x.Fun.Name)
	}
	if len(x.Args) < spec.min || (spec.max >= 0 && len(x.Args) > spec.max) {
		return nil, "", errorf(x.Pos(), "%s() takes %s, not %d", x.Fun.Name, argCount(fnSpec{min: spec.min, max: spec.max}), len(x.Args))
	}
	args := make([]*expr, len(x.Args))
	for i, a := range x.Args {
		if _, ok := a.(*kql.StarExpr); ok && x.Fun.Name == "count" {
			args = args[:0]
			break
		}
		e, err := s.in.expr(a)
		if err != nil {
			return nil, "", err
		}
		args[i] = e
	}
	def, err := spec.build(s.in, x, args)
	if err != nil {
		return nil, "", err
	}
	arg := ""
	if len(args) > 0 {
		arg = args[0].name
	}
	if x.Fun.Name == "take_any" {
		// Kusto.Language names take_any(s) s, and any(s) any_s.
		return def, arg, nil
	}
	return def, spec.prefix + "_" + arg, nil
}

// compileArg compiles arg_max/arg_min(target, * | expr, ...): the row of
// the group with the greatest (least) non-null target, returning the
// target and the listed expressions, or with * every input column but the
// by keys and the target
// (https://learn.microsoft.com/kusto/query/arg-max-aggregation-function).
// Ties keep the row whose returned values are greatest (argDef.less); a
// group whose targets are all null returns such a row too, with a null
// target (the doc's null-handling example: Banana, null Version, Yellow,
// not Green).
func (s *summarizer) compileArg(x *kql.CallExpr, names []*kql.Ident, cols []Column) error {
	def := &argDef{sign: 1}
	if strings.Contains(x.Fun.Name, "min") {
		def.sign = -1
	}
	target, err := s.in.expr(x.Args[0])
	if err != nil {
		return err
	}
	if target.t == TypeDynamic {
		return errorf(x.Args[0].Pos(), "%s() of a dynamic value", x.Fun.Name)
	}
	def.target = target
	var out []sumCol
	out = append(out, sumCol{name: target.name, t: target.t, pos: x.Args[0].Pos()})
	for _, a := range x.Args[1:] {
		if _, ok := a.(*kql.StarExpr); ok {
			for i, c := range cols {
				if c.Name == target.name || s.isKey(c.Name) {
					continue
				}
				i := i
				def.returns = append(def.returns, &expr{t: c.Type, eval: func(r []any) any { return r[i] }})
				out = append(out, sumCol{name: c.Name, t: c.Type, pos: a.Pos()})
			}
			continue
		}
		e, err := s.in.expr(a)
		if err != nil {
			return err
		}
		def.returns = append(def.returns, e)
		out = append(out, sumCol{name: e.name, t: e.t, pos: a.Pos()})
	}
	if len(names) > 0 {
		if len(names) > len(out) {
			return errorf(x.Pos(), "%s(): %d names for %d columns", x.Fun.Name, len(names), len(out))
		}
		for i, n := range names {
			out[i].name = n.Name
		}
	}
	for _, c := range out {
		if c.name == "" {
			return unsupportedf(c.pos, "%s() of an unnamed expression (name it: (a, b) = %s(...))", x.Fun.Name, x.Fun.Name)
		}
	}
	s.items = append(s.items, aggItem{cols: out, arg: def})
	return nil
}

func (s *summarizer) isKey(name string) bool {
	for _, k := range s.kcols {
		if k.name == name {
			return true
		}
	}
	return false
}

// columns lays out the output: keys, then aggregates. Default names that
// collide get a numeric suffix (set_y, set_y1 in the summarize page);
// explicit names that collide are an error.
func (s *summarizer) columns() ([]Column, error) {
	used := map[string]bool{}
	var out []Column
	add := func(c *sumCol) error {
		name := c.name
		if used[name] {
			if !c.auto {
				return errorf(c.pos, "summarize: column %s appears twice", name)
			}
			for i := 1; used[name]; i++ {
				name = c.name + itoa(i)
			}
		}
		used[name] = true
		out = append(out, Column{Name: name, Type: c.t})
		return nil
	}
	for i := range s.kcols {
		if err := add(&s.kcols[i]); err != nil {
			return nil, err
		}
	}
	for _, it := range s.items {
		for i := range it.cols {
			if err := add(&it.cols[i]); err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}

// group is the state of one key tuple.
type group struct {
	keys  []any
	aggs  []aggregator
	best  []any // arg_max/arg_min: best target per item
	rows  [][]any
	first bool
}

// run reads every input row into groups and returns the output rows.
func (s *summarizer) run(src *relation) ([][]any, error) {
	groups := map[string]*group{}
	var order []*group
	var buf []byte
	for {
		row, err := src.next()
		if err != nil {
			return nil, err
		}
		if row == nil {
			break
		}
		buf = buf[:0]
		keys := make([]any, len(s.keys))
		for i, k := range s.keys {
			keys[i] = k.eval(row)
			buf = appendKey(buf, keys[i])
		}
		g := groups[string(buf)]
		if g == nil {
			g = s.newGroup(keys)
			groups[string(buf)] = g
			order = append(order, g)
		}
		s.add(g, row)
		if s.e.err != nil {
			return nil, s.e.err
		}
	}
	if len(order) == 0 && len(s.keys) == 0 {
		return [][]any{s.emptyRow()}, nil
	}
	out := make([][]any, len(order))
	for i, g := range order {
		out[i] = s.result(g)
	}
	return out, s.e.err
}

func (s *summarizer) newGroup(keys []any) *group {
	// A key string may be a substring of its row's source record; copying
	// it lets the record go once the row is aggregated, so memory grows with
	// the number of groups, not with the log.
	for i, k := range keys {
		if str, ok := k.(string); ok {
			keys[i] = strings.Clone(str)
		}
	}
	g := &group{keys: keys, aggs: make([]aggregator, len(s.slots))}
	for i, d := range s.slots {
		g.aggs[i] = d.make()
	}
	g.best = make([]any, len(s.items))
	g.rows = make([][]any, len(s.items))
	return g
}

func (s *summarizer) add(g *group, row []any) {
	for _, a := range g.aggs {
		a.add(row)
	}
	for i, it := range s.items {
		if it.arg == nil {
			continue
		}
		v := it.arg.target.eval(row)
		if isNullish(v) {
			// The least row stands in while every target is null.
			if g.best[i] == nil && (g.rows[i] == nil || it.arg.less(row, g.rows[i])) {
				g.rows[i] = row
			}
			continue
		}
		c := 1
		if g.best[i] != nil {
			c = compareNonNull(v, g.best[i]) * it.arg.sign
		}
		if c > 0 || c == 0 && it.arg.less(row, g.rows[i]) {
			g.best[i], g.rows[i] = v, row
		}
	}
}

// less reports whether row a is preferred to row b among rows that tie
// on the target of arg_min or arg_max (docs/ARCHITECTURE.md, Decisions:
// arg_min and arg_max). Kusto "finds a row in the group that minimizes"
// the target and says no more (arg-min-aggregation-function page);
// ruleport takes the row whose returned values are greatest, compared in
// order, a null below any value: strings by code point (Go's byte order
// of UTF-8), numbers by value, false before true, times by instant, a
// dynamic value by its JSON text with sorted keys, as the Athena SQL
// orders them (json_format of a parsed value). That is the row the pages'
// one example with candidates shows (Banana's Yellow, not Green, where
// every Version is null), and every engine picks it whatever order the
// rows come in.
func (d *argDef) less(a, b []any) bool {
	for _, r := range d.returns {
		x, y := r.eval(a), r.eval(b)
		if c := tieOrder(x, y); c != 0 {
			return c > 0
		}
	}
	return false
}

// tieOrder orders two values of one column for less, a null first.
func tieOrder(x, y any) int {
	switch {
	case x == nil && y == nil:
		return 0
	case x == nil:
		return -1
	case y == nil:
		return 1
	}
	_, xs := x.(string)
	_, ys := y.(string)
	if kindOf(x) == "dynamic" || kindOf(y) == "dynamic" || xs != ys {
		return strings.Compare(sortedJSON(x), sortedJSON(y))
	}
	return compareNonNull(x, y)
}

// result builds the output row of a group.
func (s *summarizer) result(g *group) []any {
	slots := make([]any, len(g.aggs))
	for i, a := range g.aggs {
		slots[i] = a.result()
	}
	row := append([]any(nil), g.keys...)
	for i, it := range s.items {
		if it.arg == nil {
			row = append(row, it.final.eval(slots))
			continue
		}
		row = append(row, g.best[i])
		for _, r := range it.arg.returns {
			row = append(row, r.eval(g.rows[i]))
		}
	}
	return row
}

// emptyRow is the single row of a summarize without keys over no rows:
// each aggregate's default value (summarize page, "Default values of
// aggregations": 0 for counts and sums, [] for make_*, null otherwise).
func (s *summarizer) emptyRow() []any {
	slots := make([]any, len(s.slots))
	for i, d := range s.slots {
		slots[i] = d.empty
	}
	var row []any
	for _, it := range s.items {
		if it.arg == nil {
			row = append(row, it.final.eval(slots))
			continue
		}
		for _, c := range it.cols {
			row = append(row, zeroOf(c.t))
		}
	}
	return row
}

// sortedJSON is v's JSON text with every property bag's keys sorted, the
// text tieOrder compares dynamic values by.
func sortedJSON(v any) string {
	var b strings.Builder
	writeSortedJSON(&b, v)
	return b.String()
}

func writeSortedJSON(b *strings.Builder, v any) {
	switch x := v.(type) {
	case []any:
		b.WriteByte('[')
		for i, e := range x {
			if i > 0 {
				b.WriteByte(',')
			}
			writeSortedJSON(b, e)
		}
		b.WriteByte(']')
	case *Bag:
		idx := make([]int, len(x.keys))
		for i := range idx {
			idx[i] = i
		}
		sort.SliceStable(idx, func(i, j int) bool { return x.keys[idx[i]] < x.keys[idx[j]] })
		b.WriteByte('{')
		for n, i := range idx {
			if n > 0 {
				b.WriteByte(',')
			}
			writeJSONString(b, x.keys[i])
			b.WriteByte(':')
			writeSortedJSON(b, x.vals[i])
		}
		b.WriteByte('}')
	default:
		writeJSON(b, v)
	}
}
