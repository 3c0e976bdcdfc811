package plan

// Dead-column pruning (SEMANTICS.md §2, "Dead columns"): a column that
// never reaches the output is not computed at all, so an expression on it
// cannot fail or cost anything in a backend. The pass runs backwards from
// the output, keeping for each step the columns a later step (or the
// output) reads, and the inputs its kept expressions read.
//
// What is never pruned: a filter's predicate (it decides which rows
// exist), the group keys of summarize and the columns of distinct (they
// decide how many rows there are), and sort keys.

// liveSet is a set of column names.
type liveSet map[string]bool

func (s liveSet) addRefs(e Expr) {
	for _, n := range Refs(e) {
		s[n] = true
	}
}

func prune(p *Plan) {
	live := liveSet{}
	for _, c := range p.Columns() {
		live[c.Name] = true
	}
	prunePipeline(p, live)
	markReads(p)
}

// prunePipeline prunes p given the columns read after its last step (a
// join's right side is pruned to what the join outputs or matches on).
func prunePipeline(p *Plan, live liveSet) {
	for i := len(p.Steps) - 1; i >= 1; i-- {
		live = pruneStep(p.Steps[i], live)
	}
	scan := p.Scan()
	scan.Columns = keepLive(scan.Columns, live)
	var kept []*ScanColumn
	for _, c := range scan.Columns {
		kept = append(kept, c.Origin)
	}
	scan.Sources = kept
}

// pruneStep drops what step computes but nobody reads, given the columns
// read after it, and returns the columns it reads from its input.
func pruneStep(st Step, out liveSet) liveSet {
	in := liveSet{}
	info := st.Info()
	switch st := st.(type) {
	case *Filter:
		copyInto(in, out)
		in.addRefs(st.Pred)
	case *Compute:
		var kept []Assign
		assigned := liveSet{}
		for _, a := range st.Assigns {
			if out[a.Name] {
				kept = append(kept, a)
				assigned[a.Name] = true
			} else {
				info.Pruned = append(info.Pruned, a.Name)
			}
		}
		st.Assigns = kept
		for n := range out {
			if !assigned[n] {
				in[n] = true
			}
		}
		for _, a := range kept {
			in.addRefs(a.X)
		}
	case *Project:
		var kept []Assign
		for _, it := range st.Items {
			if out[it.Name] {
				kept = append(kept, it)
				in.addRefs(it.X)
			} else {
				info.Pruned = append(info.Pruned, it.Name)
			}
		}
		st.Items = kept
	case *Aggregate:
		var kept []Agg
		at := 0
		for i, a := range st.Aggs {
			if out[a.Name] {
				kept = append(kept, a)
				in.addRefs(a.Arg)
				in.addRefs(a.Pred)
				if st.Pick != nil && i < st.Pick.At {
					at++
				}
			} else {
				info.Pruned = append(info.Pruned, a.Name)
			}
		}
		st.Aggs = kept
		if pk := st.Pick; pk != nil {
			// Every returned value decides ties, so all are read; only
			// the live ones are output.
			pk.At = at
			in.addRefs(pk.Target.X)
			for _, r := range pk.Returns {
				in.addRefs(r.X)
			}
			for _, n := range append([]string{pk.Target.Name}, returnNames(pk)...) {
				if !out[n] {
					info.Pruned = append(info.Pruned, n)
				}
			}
		}
		for _, k := range st.Keys {
			in.addRefs(k.X)
		}
		keys := liveSet{}
		for _, k := range st.Keys {
			keys[k.Name] = true
		}
		info.Columns = keepLive(info.Columns, unite(keys, out))
		return in
	case *Distinct:
		for _, c := range info.Columns {
			in[c.Name] = true
		}
		return in
	case *Sort:
		copyInto(in, out)
		for _, k := range st.Keys {
			in[k.Col.Name] = true
		}
	case *Top:
		copyInto(in, out)
		for _, k := range st.Keys {
			in[k.Col.Name] = true
		}
	case *Take:
		copyInto(in, out)
	case *MvExpand:
		// Every item decides how many rows there are: none is pruned,
		// and the index column is the only output that may be.
		copyInto(in, out)
		for _, it := range st.Items {
			delete(in, it.Name)
		}
		for _, it := range st.Items {
			in.addRefs(it.X)
		}
		if st.Index != "" {
			delete(in, st.Index)
			if !out[st.Index] {
				info.Pruned = append(info.Pruned, st.Index)
				st.Index = ""
			}
		}
		out = unite(out, itemNames(st.Items))
	case *Join:
		return pruneJoin(st, out)
	}
	info.Columns = keepLive(info.Columns, out)
	return in
}

func itemNames(items []ExpandItem) liveSet {
	out := liveSet{}
	for _, it := range items {
		out[it.Name] = true
	}
	return out
}

// pruneJoin keeps the right columns read after the join and the keys on
// both sides, prunes the right side's pipeline to them, and returns the
// left columns the join reads.
func pruneJoin(st *Join, out liveSet) liveSet {
	info := st.Info()
	rightNames := liveSet{}
	var kept []Rename
	for _, r := range st.RightCols {
		rightNames[r.To] = true
		if out[r.To] {
			kept = append(kept, r)
		} else {
			info.Pruned = append(info.Pruned, r.To)
		}
	}
	st.RightCols = kept
	in, rightLive := liveSet{}, liveSet{}
	for n := range out {
		if !rightNames[n] {
			in[n] = true
		}
	}
	for _, r := range kept {
		rightLive[r.From] = true
	}
	for _, k := range st.On {
		in[k.Left], rightLive[k.Right] = true, true
	}
	prunePipeline(st.Right, rightLive)
	info.Columns = keepLive(info.Columns, out)
	return in
}

func keepLive(cols []Column, live liveSet) []Column {
	var out []Column
	for _, c := range cols {
		if live[c.Name] {
			out = append(out, c)
		}
	}
	return out
}

func copyInto(dst, src liveSet) {
	for k := range src {
		dst[k] = true
	}
}

func unite(a, b liveSet) liveSet {
	out := liveSet{}
	copyInto(out, a)
	copyInto(out, b)
	return out
}

// StepExprs returns every expression a step evaluates, in source order:
// predicates, assigned values, group keys, aggregate arguments and
// predicates, sort keys.
func StepExprs(st Step) []Expr {
	var out []Expr
	switch st := st.(type) {
	case *Filter:
		out = append(out, st.Pred)
	case *Compute:
		for _, a := range st.Assigns {
			out = append(out, a.X)
		}
	case *Project:
		for _, a := range st.Items {
			out = append(out, a.X)
		}
	case *Aggregate:
		for _, k := range st.Keys {
			out = append(out, k.X)
		}
		for _, a := range st.Aggs {
			if a.Arg != nil {
				out = append(out, a.Arg)
			}
			if a.Pred != nil {
				out = append(out, a.Pred)
			}
		}
		if st.Pick != nil {
			out = append(out, st.Pick.Target.X)
			for _, r := range st.Pick.Returns {
				out = append(out, r.X)
			}
		}
	case *Sort:
		for _, k := range st.Keys {
			out = append(out, k.Col)
		}
	case *Top:
		for _, k := range st.Keys {
			out = append(out, k.Col)
		}
	case *MvExpand:
		for _, it := range st.Items {
			out = append(out, it.X)
		}
	}
	return out
}

// markReads sets ScanColumn.Read for source columns that a kept expression
// reads, as opposed to one that is the whole value of an assignment, group
// key or sort key (a column passed on as is).
func markReads(p *Plan) {
	p.Walk(func(st Step) {
		for _, e := range StepExprs(st) {
			if _, bare := e.(*ColRef); bare {
				continue
			}
			Inspect(e, func(x Expr) bool {
				if c, ok := x.(*ColRef); ok && c.Origin != nil {
					c.Origin.Read = true
				}
				return true
			})
		}
	})
}

func returnNames(pk *Pick) []string {
	out := make([]string, len(pk.Returns))
	for i, r := range pk.Returns {
		out[i] = r.Name
	}
	return out
}
