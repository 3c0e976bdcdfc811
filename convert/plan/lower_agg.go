package plan

import (
	"strings"

	"github.com/ruleport/ruleport/convert/kql"
)

// summarize lowers the group keys and aggregates. The output holds the
// keys first, then the aggregates, as KQL's summarize does.
func (l *lowerer) summarize(op *kql.SummarizeOp, sc *scope) *scope {
	keys, ok := l.groupKeys(op.Keys, sc)
	var aggs []Agg
	var pick *Pick
	for _, x := range op.Aggs {
		if call, names := argCall(x); call != nil {
			if pick != nil {
				l.unsupported(call.Pos(), "a second arg_min or arg_max in one summarize")
				ok = false
				continue
			}
			pick = l.pick(call, names, keys, sc)
			if pick == nil {
				ok = false
				continue
			}
			pick.At = len(aggs)
			continue
		}
		a, good := l.aggregate(x, sc)
		ok = ok && good
		if good {
			aggs = append(aggs, a)
		}
	}
	if pick != nil && len(op.Keys) == 0 {
		l.unsupported(pick.Pos, "arg_min or arg_max in a summarize without by keys")
		ok = false
	}
	if !ok {
		return nil
	}
	out := &scope{unique: []string{}}
	for _, k := range keys {
		out.unique = append(out.unique, k.Name)
	}
	seen := map[string]bool{}
	add := func(name string, t Type, pos kql.Pos) bool {
		if seen[name] {
			l.errorf(pos, kql.ErrSemantic, "summarize makes two columns named %s", name)
			return false
		}
		seen[name] = true
		out.cols = append(out.cols, Column{Name: name, Type: t})
		return true
	}
	for _, k := range keys {
		ok = add(k.Name, k.X.Type(), k.X.Pos()) && ok
	}
	for i := 0; i <= len(aggs); i++ {
		if pick != nil && pick.At == i {
			for _, r := range append([]Assign{pick.Target}, pick.Returns...) {
				if add(r.Name, r.X.Type(), pick.Pos) {
					out.cols[len(out.cols)-1].Origin = originOf(r.X)
				} else {
					ok = false
				}
			}
		}
		if i < len(aggs) {
			ok = add(aggs[i].Name, aggs[i].Type, aggs[i].Pos) && ok
		}
	}
	if !ok {
		return nil
	}
	l.steps = append(l.steps, &Aggregate{StepInfo: l.infoCols(op, "summarize", out.cols), Keys: keys, Aggs: aggs, Pick: pick})
	return out
}

// argCall returns the arg_min or arg_max call of a summarize item and the
// names it assigns ("t = arg_min(...)", "(t, a) = arg_min(...)"), or nil.
func argCall(x kql.Expr) (*kql.CallExpr, []*kql.Ident) {
	var names []*kql.Ident
	if n, ok := x.(*kql.NamedExpr); ok {
		names, x = n.Names, n.X
	}
	call, ok := x.(*kql.CallExpr)
	if !ok {
		return nil, nil
	}
	switch call.Fun.Name {
	case "arg_min", "arg_max", "argmin", "argmax":
		return call, names
	}
	return nil, nil
}

// pick lowers arg_min or arg_max (plan.Pick): the target, then "*" (every
// input column but the keys and the target's column) or the listed
// expressions, named as Kusto names them; names given by the query
// replace the first ones in order.
func (l *lowerer) pick(call *kql.CallExpr, names []*kql.Ident, keys []Assign, sc *scope) *Pick {
	if len(call.Args) < 2 {
		l.errorf(call.Pos(), kql.ErrSemantic, "%s takes the value to minimize and what to return", call.Fun.Name)
		return nil
	}
	pk := &Pick{Max: strings.Contains(call.Fun.Name, "max"), Pos: call.Pos()}
	target := l.expr(call.Args[0], sc)
	if target == nil {
		return nil
	}
	if target.Type() == Dynamic || target.Type() == Bool {
		l.unsupported(call.Args[0].Pos(), "%s of a %s value", call.Fun.Name, target.Type())
		return nil
	}
	tname := derivedName(call.Args[0])
	pk.Target = Assign{Name: tname, X: target}
	isKey := func(n string) bool {
		for _, k := range keys {
			if k.Name == n {
				return true
			}
		}
		return false
	}
	for _, a := range call.Args[1:] {
		if _, star := a.(*kql.StarExpr); star {
			for _, c := range sc.cols {
				if c.Name == tname || isKey(c.Name) {
					continue
				}
				pk.Returns = append(pk.Returns, Assign{Name: c.Name, X: &ColRef{at: at{a.Pos()}, Name: c.Name, T: c.Type, Origin: c.Origin}})
			}
			continue
		}
		e := l.expr(a, sc)
		if e == nil {
			return nil
		}
		pk.Returns = append(pk.Returns, Assign{Name: derivedName(a), X: e})
	}
	all := []*Assign{&pk.Target}
	for i := range pk.Returns {
		all = append(all, &pk.Returns[i])
	}
	if len(names) > len(all) {
		l.errorf(call.Pos(), kql.ErrSemantic, "%s: %d names for %d columns", call.Fun.Name, len(names), len(all))
		return nil
	}
	for i, n := range names {
		all[i].Name = n.Name
	}
	for _, a := range all {
		if a.Name == "" {
			l.unsupported(call.Pos(), "%s of an expression Kusto names Column1 (name it: (a, b) = %s(...))", call.Fun.Name, call.Fun.Name)
			return nil
		}
	}
	return pk
}

// groupKeys lowers the by clause. An unnamed key takes the name Kusto
// derives for it (derivedName: a column, bin(TimeGenerated, 1min) and
// bin(startofday(TimeGenerated), 1d) are TimeGenerated).
func (l *lowerer) groupKeys(xs []kql.Expr, sc *scope) ([]Assign, bool) {
	var keys []Assign
	ok := true
	for _, x := range xs {
		name := ""
		val := x
		switch k := x.(type) {
		case *kql.NamedExpr:
			if len(k.Names) != 1 {
				l.unsupported(k.Pos(), "tuple assignment in summarize")
				ok = false
				continue
			}
			name, val = k.Names[0].Name, k.X
		default:
			name = derivedName(x)
		}
		if name == "" {
			l.unsupported(x.Pos(), "unnamed group key expression (KQL would name it Column1)")
			ok = false
			continue
		}
		e := l.expr(val, sc)
		if e == nil {
			ok = false
			continue
		}
		if e.Type() == Dynamic {
			l.errorf(x.Pos(), kql.ErrSemantic, "summarize cannot group by the dynamic value %s", name)
			ok = false
			continue
		}
		keys = append(keys, Assign{Name: name, X: e})
	}
	return keys, ok
}

// aggFuncs maps KQL aggregate names to the plan's, with the prefix KQL
// gives an unnamed aggregate's column (count() is count_, sum(x) is
// sum_x, make_set(x) is set_x).
var aggFuncs = map[string]struct {
	fn     AggFunc
	prefix string
	args   [2]int // minimum and maximum number of arguments
}{
	"count":     {Count, "count_", [2]int{0, 0}},
	"countif":   {CountIf, "countif_", [2]int{1, 1}},
	"dcount":    {DCount, "dcount_", [2]int{1, 2}},
	"dcountif":  {DCountIf, "dcountif_", [2]int{2, 3}},
	"min":       {Min, "min_", [2]int{1, 1}},
	"max":       {Max, "max_", [2]int{1, 1}},
	"sum":       {Sum, "sum_", [2]int{1, 1}},
	"avg":       {Avg, "avg_", [2]int{1, 1}},
	"make_set":  {MakeSet, "set_", [2]int{1, 2}},
	"makeset":   {MakeSet, "set_", [2]int{1, 2}},
	"make_list": {MakeList, "list_", [2]int{1, 2}},
	"makelist":  {MakeList, "list_", [2]int{1, 2}},
}

// aggregate lowers one aggregate of summarize.
func (l *lowerer) aggregate(x kql.Expr, sc *scope) (Agg, bool) {
	name := ""
	if n, ok := x.(*kql.NamedExpr); ok {
		if len(n.Names) != 1 {
			l.unsupported(n.Pos(), "tuple assignment in summarize")
			return Agg{}, false
		}
		name, x = n.Names[0].Name, n.X
	}
	call, ok := x.(*kql.CallExpr)
	if !ok {
		l.unsupported(x.Pos(), "summarize expression that is not an aggregate call")
		return Agg{}, false
	}
	f, ok := aggFuncs[call.Fun.Name]
	if !ok {
		l.unsupported(call.Pos(), "aggregate function %s", call.Fun.Name)
		return Agg{}, false
	}
	if n := len(call.Args); n < f.args[0] || n > f.args[1] {
		l.errorf(call.Pos(), kql.ErrSemantic, "%s takes %s, found %d", call.Fun.Name, argCount(f.args), n)
		return Agg{}, false
	}
	a := Agg{Name: name, Func: f.fn, Type: Long, Pos: call.Pos()}
	switch f.fn {
	case Count:
	case CountIf:
		a.Pred = l.boolExpr(call.Args[0], sc)
		ok = a.Pred != nil
	case DCountIf:
		a.Arg = l.expr(call.Args[0], sc)
		a.Pred = l.boolExpr(call.Args[1], sc)
		ok = a.Arg != nil && a.Pred != nil
	default:
		a.Arg = l.expr(call.Args[0], sc)
		ok = a.Arg != nil
	}
	if !ok {
		return Agg{}, false
	}
	if a.Arg != nil && a.Arg.Type() == Dynamic && f.fn != MakeSet && f.fn != MakeList {
		l.unsupported(call.Args[0].Pos(), "%s of a dynamic value", call.Fun.Name)
		return Agg{}, false
	}
	a.Type = aggType(f.fn, a.Arg)
	if a.Type == Unknown {
		l.errorf(call.Pos(), kql.ErrSemantic, "%s needs a number, found %s", call.Fun.Name, a.Arg.Type())
		return Agg{}, false
	}
	if a.Name == "" {
		a.Name = f.prefix
		if a.Arg != nil {
			id, isID := call.Args[0].(*kql.Ident)
			if !isID {
				l.unsupported(call.Pos(), "unnamed aggregate of an expression")
				return Agg{}, false
			}
			a.Name += id.Name
		}
	}
	return a, true
}

// aggType is the KQL result type of an aggregate: sum of integers is a
// long, avg a real, min and max keep their argument's type, the make_*
// functions give dynamic arrays, the counts longs.
func aggType(f AggFunc, arg Expr) Type {
	switch f {
	case Min, Max:
		return arg.Type()
	case Sum:
		switch arg.Type() {
		case Int, Long:
			return Long
		case Real:
			return Real
		case Timespan:
			return Timespan
		}
		return Unknown
	case Avg:
		if arg.Type().IsNumeric() {
			return Real
		}
		return Unknown
	case MakeSet, MakeList:
		return Dynamic
	}
	return Long
}

func argCount(n [2]int) string {
	switch {
	case n[0] == n[1] && n[0] == 0:
		return "no arguments"
	case n[0] == n[1] && n[0] == 1:
		return "1 argument"
	case n[0] == n[1]:
		return itoa(n[0]) + " arguments"
	}
	return itoa(n[0]) + " to " + itoa(n[1]) + " arguments"
}
