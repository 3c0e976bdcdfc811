package plan

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Format prints the plan as indented text, one step per paragraph: the
// form the tests' golden files hold and a reader can check against the
// query. Expressions print as (Operation operands...) so every KQL
// semantic the plan made explicit shows by name.
func Format(p *Plan) string {
	var b strings.Builder
	formatPlan(&b, p, "")
	return b.String()
}

// formatPlan writes p's steps, each line after indent; a join's right side
// comes before the join, indented by two more spaces after "right:".
func formatPlan(w *strings.Builder, p *Plan, indent string) {
	for _, st := range p.Steps {
		var b strings.Builder
		formatOne(&b, st)
		if j, ok := st.(*Join); ok {
			fmt.Fprintf(w, "%sright:\n", indent)
			formatPlan(w, j.Right, indent+"  ")
		}
		for _, line := range strings.SplitAfter(b.String(), "\n") {
			if line != "" {
				w.WriteString(indent + line)
			}
		}
	}
}

// formatOne writes one step.
func formatOne(b *strings.Builder, st Step) {
	info := st.Info()
	if s, ok := st.(*Scan); ok {
		fmt.Fprintf(b, "scan %s\n", s.Table)
		for _, c := range s.Sources {
			src := c.Source
			switch {
			case src == "" && c.Const != "":
				src = strconv.Quote(c.Const) + " (constant)"
			case src == "":
				src = "(no CloudTrail field)"
			}
			read := ""
			if c.Read {
				read = " read"
			}
			fmt.Fprintf(b, "  %s %s <- %s%s\n", c.Name, c.Type, src, read)
		}
		return
	}
	fmt.Fprintf(b, "%d %s: %s\n", info.Index, info.Op, oneLine(info.Text))
	formatStep(b, st)
	if len(info.Pruned) > 0 {
		fmt.Fprintf(b, "  pruned: %s\n", strings.Join(info.Pruned, ", "))
	}
	fmt.Fprintf(b, "  out: %s\n", formatColumns(info.Columns))
}

func formatStep(b *strings.Builder, st Step) {
	switch st := st.(type) {
	case *Filter:
		fmt.Fprintf(b, "  filter %s\n", FormatExpr(st.Pred))
	case *Compute:
		for _, a := range st.Assigns {
			fmt.Fprintf(b, "  %s = %s\n", a.Name, FormatExpr(a.X))
		}
	case *Project:
		for _, a := range st.Items {
			fmt.Fprintf(b, "  %s = %s\n", a.Name, FormatExpr(a.X))
		}
	case *Aggregate:
		for _, k := range st.Keys {
			fmt.Fprintf(b, "  key %s = %s\n", k.Name, FormatExpr(k.X))
		}
		for _, a := range st.Aggs {
			args := []string{}
			if a.Arg != nil {
				args = append(args, FormatExpr(a.Arg))
			}
			if a.Pred != nil {
				args = append(args, FormatExpr(a.Pred))
			}
			fmt.Fprintf(b, "  agg %s = %s(%s) %s\n", a.Name, a.Func, strings.Join(args, ", "), a.Type)
		}
		if pk := st.Pick; pk != nil {
			fn := "arg_min"
			if pk.Max {
				fn = "arg_max"
			}
			fmt.Fprintf(b, "  pick %s after %d aggs: %s = %s\n", fn, pk.At, pk.Target.Name, FormatExpr(pk.Target.X))
			for _, r := range pk.Returns {
				fmt.Fprintf(b, "    %s = %s\n", r.Name, FormatExpr(r.X))
			}
		}
	case *Sort:
		fmt.Fprintf(b, "  by %s\n", formatKeys(st.Keys))
	case *Top:
		fmt.Fprintf(b, "  %d by %s\n", st.N, formatKeys(st.Keys))
	case *Take:
		fmt.Fprintf(b, "  %d\n", st.N)
	case *MvExpand:
		for _, it := range st.Items {
			fmt.Fprintf(b, "  expand %s = %s to %s\n", it.Name, FormatExpr(it.X), it.To)
		}
		kind := "bag"
		if st.BagAsArray {
			kind = "array"
		}
		fmt.Fprintf(b, "  bags as %s, limit %d", kind, st.Limit)
		if st.Index != "" {
			fmt.Fprintf(b, ", index %s", st.Index)
		}
		b.WriteString("\n")
	case *Join:
		kind := st.Kind.String()
		if st.UniqueLeft {
			kind = "innerunique as inner (the left side is unique on the keys)"
		}
		var on, renames []string
		for _, k := range st.On {
			on = append(on, "$left."+k.Left+" == $right."+k.Right)
		}
		for _, r := range st.RightCols {
			if r.From == r.To {
				renames = append(renames, r.To)
			} else {
				renames = append(renames, r.To+" = "+r.From)
			}
		}
		fmt.Fprintf(b, "  %s on %s\n  right columns: %s\n", kind, strings.Join(on, ", "), strings.Join(renames, ", "))
	}
}

func formatKeys(keys []SortKey) string {
	parts := make([]string, len(keys))
	for i, k := range keys {
		dir, nulls := "asc", "last"
		if k.Desc {
			dir = "desc"
		}
		if k.NullsFirst {
			nulls = "first"
		}
		parts[i] = fmt.Sprintf("%s %s nulls %s", k.Col.Name, dir, nulls)
	}
	return strings.Join(parts, ", ")
}

func formatColumns(cols []Column) string {
	if len(cols) == 0 {
		return "(none)"
	}
	parts := make([]string, len(cols))
	for i, c := range cols {
		parts[i] = c.Name + ":" + c.Type.String()
	}
	return strings.Join(parts, " ")
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// FormatExpr prints an expression as (Operation operands...).
func FormatExpr(e Expr) string {
	switch e := e.(type) {
	case nil:
		return "<nil>"
	case *ColRef:
		return e.Name
	case *Const:
		return formatConst(e)
	case *Now:
		return "(Now)"
	case *Not:
		return sexp("Not", e.X)
	case *Logic:
		return sexp([]string{"And", "Or"}[e.Op], e.X, e.Y)
	case *Compare:
		return sexp("Compare"+e.Op.String(), e.X, e.Y)
	case *EqualsFold:
		return sexp(neg("EqualsFold", e.Negate), e.X, e.Y)
	case *StringMatch:
		name := strings.ToUpper(e.Op.String()[:1]) + e.Op.String()[1:]
		if !e.CaseSensitive {
			name += "Fold"
		}
		return sexp(neg(name, e.Negate), e.X, e.Pattern)
	case *InList:
		name := "In"
		if e.Fold {
			name = "InFold"
		}
		return sexp(neg(name, e.Negate), append([]Expr{e.X}, e.List...)...)
	case *Arith:
		return sexp("Arith"+e.Op.String()+":"+e.T.String(), e.X, e.Y)
	case *ToInt:
		if e.Bits == 32 {
			return sexp("ToInt32Truncating", e.X)
		}
		return sexp("ToInt64Truncating", e.X)
	case *FromDynamic:
		return sexp("FromDynamic:"+e.To.String(), e.X)
	case *JSONPath:
		return fmt.Sprintf("(JSONPath %s %s)", FormatExpr(e.Src), FormatPath(e.Steps))
	case *SplitIndex:
		return fmt.Sprintf("(SplitIndex %s %s %d)", FormatExpr(e.S), FormatExpr(e.Delim), e.Index)
	case *Case:
		var parts []Expr
		for _, w := range e.Whens {
			parts = append(parts, w.Cond, w.Then)
		}
		return sexp("Case:"+e.T.String(), append(parts, e.Else)...)
	case *BoundariesBetween:
		return fmt.Sprintf("(%sBoundariesBetween %s %s)", strings.ToUpper(e.Unit[:1])+e.Unit[1:], FormatExpr(e.Start), FormatExpr(e.End))
	case *Call:
		return sexp("Call:"+e.Fn, e.Args...)
	}
	name := strings.TrimPrefix(fmt.Sprintf("%T", e), "*plan.")
	return sexp(name, Children(e)...)
}

func neg(name string, negate bool) string {
	if negate {
		return "Not" + name
	}
	return name
}

func sexp(name string, args ...Expr) string {
	parts := []string{name}
	for _, a := range args {
		parts = append(parts, FormatExpr(a))
	}
	return "(" + strings.Join(parts, " ") + ")"
}

// FormatPath prints JSONPath steps as .a.b[0]["x y"].
func FormatPath(steps []PathStep) string {
	var b strings.Builder
	for _, s := range steps {
		switch {
		case s.IsIndex:
			fmt.Fprintf(&b, "[%d]", s.Index)
		case isPlainName(s.Name):
			b.WriteString("." + s.Name)
		default:
			fmt.Fprintf(&b, "[%s]", strconv.Quote(s.Name))
		}
	}
	return b.String()
}

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

func isPlainName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(isAlnum(c) || c == '_') || i == 0 && c >= '0' && c <= '9' {
			return false
		}
	}
	return true
}

func formatConst(c *Const) string {
	switch v := c.Value.(type) {
	case nil:
		return c.T.String() + "(null)"
	case string:
		return strconv.Quote(v)
	case int64:
		return strconv.FormatInt(v, 10)
	case float64:
		return strconv.FormatFloat(v, 'g', -1, 64)
	case bool:
		return strconv.FormatBool(v)
	case time.Time:
		return "datetime(" + v.Format(time.RFC3339Nano) + ")"
	case time.Duration:
		return "timespan(" + v.String() + ")"
	}
	return "dynamic(" + jsonText(c.Value) + ")"
}
