package kql

import "fmt"

// op prints one tabular operator, without the pipe before it.
func (p *printer) op(o Operator) {
	switch o := o.(type) {
	case *WhereOp:
		p.str(o.Name + " ")
		p.expr(o.Pred, 0)
	case *ExtendOp:
		p.str("extend ")
		p.list(o.Exprs)
	case *ProjectOp:
		p.str(o.Kind + " ")
		p.list(o.Exprs)
	case *SummarizeOp:
		p.summarize(o)
	case *DistinctOp:
		p.str("distinct ")
		p.list(o.Exprs)
	case *SortOp:
		p.str(o.Name + " by ")
		for i, k := range o.Keys {
			if i > 0 {
				p.str(", ")
			}
			p.sortKey(k)
		}
	case *TopOp:
		p.str("top ")
		p.expr(o.N, 0)
		p.str(" by ")
		p.sortKey(o.Key)
	case *TakeOp:
		p.str(o.Name + " ")
		p.expr(o.N, 0)
	case *CountOp:
		p.str("count")
	case *JoinOp:
		p.join("join", o.Params, o.Right, o.Conds)
	case *LookupOp:
		p.join("lookup", o.Params, o.Right, o.Conds)
	case *UnionOp:
		p.str("union")
		p.params(o.Params)
		p.str(" ")
		p.tables(o.Tables)
	case *MvExpandOp:
		p.str(o.Name)
		p.params(o.Params)
		p.mvItems(o.Items, o.Limit)
	case *MvApplyOp:
		p.mvApply(o)
	case *MakeSeriesOp:
		p.makeSeries(o)
	case *ParseOp:
		p.parse(o)
	case *EvaluateOp:
		p.str("evaluate")
		p.params(o.Params)
		p.str(" ")
		p.primary(o.Call)
	case *BadOp:
		p.str("<bad operator>")
	default:
		p.str(fmt.Sprintf("<unprintable %T>", o))
	}
}

func (p *printer) summarize(o *SummarizeOp) {
	p.str("summarize")
	p.params(o.Params)
	if len(o.Aggs) > 0 {
		p.str(" ")
		p.list(o.Aggs)
	}
	if len(o.Keys) > 0 || o.By.IsValid() {
		p.str(" by ")
		p.list(o.Keys)
	}
}

func (p *printer) sortKey(k *SortKey) {
	p.expr(k.X, 0)
	if k.Dir != "" {
		p.str(" " + k.Dir)
	}
	if k.Nulls != "" {
		p.str(" nulls " + k.Nulls)
	}
}

func (p *printer) join(kw string, params []*Param, right Expr, conds []Expr) {
	p.str(kw)
	p.params(params)
	p.str(" ")
	p.expr(right, precPostfix)
	p.str(" on ")
	p.list(conds)
}

func (p *printer) mvItem(it *MvExpandItem) {
	p.expr(it.X, 0)
	if it.ToType != "" {
		p.str(" to typeof(" + it.ToType + ")")
	}
}

func (p *printer) mvItems(items []*MvExpandItem, limit Expr) {
	for i, it := range items {
		if i == 0 {
			p.str(" ")
		} else {
			p.str(", ")
		}
		p.mvItem(it)
	}
	if limit != nil {
		p.str(" limit ")
		p.expr(limit, 0)
	}
}

func (p *printer) mvApply(o *MvApplyOp) {
	p.str("mv-apply")
	p.params(o.Params)
	p.mvItems(o.Items, o.Limit)
	p.str(" on (")
	p.indent++
	for i, b := range o.Body {
		p.newline()
		if i > 0 {
			p.str("| ")
		}
		p.op(b)
	}
	p.indent--
	p.newline()
	p.str(")")
}

func (p *printer) seriesAgg(a *MakeSeriesAgg) {
	p.expr(a.X, 0)
	if a.Default != nil {
		p.str(" default = ")
		p.expr(a.Default, 0)
	}
}

func (p *printer) makeSeries(o *MakeSeriesOp) {
	p.str("make-series")
	p.params(o.Params)
	for i, a := range o.Aggs {
		if i == 0 {
			p.str(" ")
		} else {
			p.str(", ")
		}
		p.seriesAgg(a)
	}
	p.str(" on ")
	p.expr(o.Axis, 0)
	if o.From != nil {
		p.str(" from ")
		p.expr(o.From, 0)
	}
	if o.To != nil {
		p.str(" to ")
		p.expr(o.To, 0)
	}
	p.str(" step ")
	p.expr(o.Step, 0)
	if len(o.Keys) > 0 {
		p.str(" by ")
		p.list(o.Keys)
	}
}

func (p *printer) parse(o *ParseOp) {
	p.str("parse")
	p.params(o.Params)
	p.str(" ")
	p.expr(o.X, 0)
	p.str(" with")
	for _, part := range o.Parts {
		p.str(" ")
		p.expr(part, 0)
	}
}
