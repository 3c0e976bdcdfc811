// Package athena turns a plan into Trino SQL for Amazon Athena over the
// standard CloudTrail table (TableDDL, shared/TARGETS.md §2), faithful to
// the KQL it came from (shared/SEMANTICS.md §2, the Trino column).
//
// The SQL is one WITH query, readable next to the rule:
//
//   - The first CTE, named after the KQL table (awscloudtrail), reads
//     cloudtrail_logs: only the columns the query needs, each under its KQL
//     name and type ("EventName", "TimeGenerated"), string columns
//     COALESCE'd to ” because KQL strings are never null, and the window
//     predicate (below).
//   - Then one CTE per KQL operator, named <operator>_<n>[_<column>]: the
//     operator with "-" as "_", n its position in the pipeline (1 is the
//     first operator after the table), and for where/extend/project the
//     first column it reads or assigns, lower-cased (where_1_eventname,
//     extend_9_useridentityarn, summarize_13). Above each CTE, "-- |"
//     quotes the KQL operator as written. Every CTE lists its columns, so
//     the dead columns the plan pruned visibly disappear, and a comment
//     names them.
//   - mv-expand is a CROSS JOIN UNNEST ... WITH ORDINALITY of the value's
//     elements, and a join a JOIN of the left side's CTE with the last CTE
//     of the right side, whose own CTEs (from its own scan of the table,
//     awscloudtrail_<n> for the join at operator n) come just before it
//     (expand.go).
//   - The final SELECT returns the output columns in KQL's order, quoted so
//     Athena keeps their case ("Start", "end").
//   - Trino folds identifiers to lower case, quoted ones too: where two KQL
//     columns differ only in letter case (Type and type in the S3 ACL
//     rules), the CTEs call the later one type_2 and the final SELECT
//     gives it its KQL name back (assignNames).
//
// The window: a scheduled rule looks back queryPeriod from its run time
// (SEMANTICS.md §4). The scan keeps the events whose eventtime is in
// [window_end - period, window_end), where window_end is current_timestamp
// in a deployed query and a pinned TIMESTAMP literal under test (Options.Now);
// nothing else differs between the two. It also restricts the partition
// "timestamp" so Athena reads only the days the window needs. CloudTrail
// names a file's partition after the day it DELIVERED the file, minutes
// after the events in it (the reference/logs Athena projection documents
// this), so an event of day D can sit in partition D+1: the partition
// range runs from the window start's day to the day after the window end.
// A delivery lag over a day would be missed; AWS documents an average of
// about five minutes. Unverified: that Athena's partition projection
// prunes on date_format(current_timestamp ...) as it does on literal
// strings (Trino evaluates current_timestamp once per query, so the
// bounds are constants at planning); a pinned query's bounds are literals.
//
// Known differences from KQL, each where no Trino function says otherwise:
// Resources read as text (tostring, output) has the table's lower-case
// keys (arn, accountid, type), not CloudTrail's (ARN, accountId); a
// dynamic number read as text is spelt as json_parse writes it back, Java's
// way (4.0 stays "4.0", 1e2 becomes "100.0"); a dynamic output column is
// varchar: a number or boolean there is its text where KQL keeps the
// number, an object or array its JSON text, whose keys come out sorted
// (json_parse orders map entries by key), and so is the text a property
// bag compared with a string is read as (== '{"b":1,"a":2}' never holds
// in Athena, where KQL compares the keys as written); parse_json of text
// that is not JSON, used as a whole value, is CAST(text AS JSON). Columns whose
// CloudTrail field the Athena table does not declare (managementEvent,
// eventCategory, tlsDetails, ec2RoleDelivery, userIdentity.identityStoreArn
// and userId) hold their empty value, and the SQL says so where it reads
// them ("is not in the Athena table"); a query that computes with one is
// refused. The table's JSON reader matches keys ignoring letter case
// ("principalid" fills principalId), which KQL does not; CloudTrail writes
// one spelling. eventTime keeps milliseconds (from_iso8601_timestamp is
// timestamp(3)), KQL 100-nanosecond ticks. mv-expand's with_itemindex
// numbers a bag's properties in the sorted order json_parse gives them,
// KQL in the order written. make_set and make_list hold their elements
// in the order array_agg gives them, which Kusto leaves undefined (the KQL
// interpreter keeps the order of first appearance). arg_min and arg_max
// break ties by the returned values (plan.Pick), a dynamic value by its
// json_format text and Resources by the table's lower-case keys, so a tie
// only such text breaks may go to another row. mv-expand kind=array
// and to typeof(datetime) or typeof(timespan) are refused.
package athena

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/ruleport/ruleport/convert/kql"
	"github.com/ruleport/ruleport/convert/plan"
)

// Options control the emitted query.
type Options struct {
	// Now pins the end of the evaluation window (and KQL's now()). nil is a
	// deployed query: the window ends at current_timestamp.
	Now *time.Time
	// Period is the window's length, the rule's queryPeriod. Zero means no
	// window at all: every event in the table is in scope, as `ruleport
	// run` without --now reads every given event.
	Period time.Duration
	// Table is the CloudTrail table to read; "" is DefaultTable.
	Table string
}

// Emit returns the SQL text for p. The error, when not nil, is a
// kql.ErrorList whose entries are positioned in the plan's query text and
// are of kind kql.ErrUnsupported: constructs this backend cannot express
// faithfully.
func Emit(p *plan.Plan, opt Options) (string, error) {
	if opt.Table == "" {
		opt.Table = DefaultTable
	}
	e := &emitter{plan: p, opt: opt}
	e.windowEnd = "current_timestamp"
	if opt.Now != nil {
		e.windowEnd = timestampLiteral(*opt.Now)
	}
	e.query()
	if len(e.errs) > 0 {
		e.errs.Sort()
		return "", e.errs
	}
	return e.b.String(), nil
}

// emitter holds the state of one Emit call.
type emitter struct {
	plan      *plan.Plan
	opt       Options
	windowEnd string
	b         strings.Builder
	errs      kql.ErrorList
	// used holds the CTE names given so far, ctes their number.
	used map[string]bool
	ctes int
	// names maps every column name of the plan to its Trino identifier
	// (assignNames).
	names map[string]string
}

func (e *emitter) unsupported(pos kql.Pos, format string, args ...any) {
	e.errs = append(e.errs, &kql.Error{Pos: pos, Kind: kql.ErrUnsupported, Msg: "unsupported " + fmt.Sprintf(format, args...)})
}

// timestampLiteral is Trino's literal for an instant, in UTC.
func timestampLiteral(t time.Time) string {
	t = t.UTC()
	layout := "2006-01-02 15:04:05"
	if t.Nanosecond() != 0 {
		layout += ".000"
	}
	return "TIMESTAMP '" + t.Format(layout) + " UTC'"
}

// query writes the whole statement.
func (e *emitter) query() {
	e.used = map[string]bool{}
	e.assignNames()
	e.b.WriteString("WITH\n")
	last := e.pipeline(e.plan, "")
	e.b.WriteString("\n")
	e.final(last)
}

// pipeline writes the CTEs of p's steps, a join's right side just before
// the join, and returns the name of the last CTE. suffix tells a join's
// right-side scan apart from the main one (awscloudtrail_5 is the table
// read for the join that is operator 5).
func (e *emitter) pipeline(p *plan.Plan, suffix string) string {
	prev := ""
	for i, st := range p.Steps {
		var right string
		if j, ok := st.(*plan.Join); ok {
			right = e.pipeline(j.Right, "_"+strconv.Itoa(j.Index))
		}
		if e.ctes > 0 {
			e.b.WriteString(",\n")
		}
		e.ctes++
		if _, scan := st.(*plan.Scan); scan && suffix != "" {
			// A join's right side reads the table again.
			fmt.Fprintf(&e.b, "-- the right side of the join at operator %s:\n", suffix[1:])
		}
		e.b.WriteString(plan.Quote(st, "--"))
		name := e.cteName(st, suffix)
		fmt.Fprintf(&e.b, "%s AS (\n", name)
		switch st := st.(type) {
		case *plan.Scan:
			e.scan(st)
		case *plan.Join:
			e.join(st, p.Steps[i-1], prev, right)
		default:
			e.step(st, p.Steps[i-1], prev)
		}
		e.b.WriteString(")")
		prev = name
	}
	return prev
}

// cteName names a step's CTE (package doc); suffix follows a scan's name.
func (e *emitter) cteName(st plan.Step, suffix string) string {
	info := st.Info()
	n := sanitize(info.Op) + suffix
	if _, scan := st.(*plan.Scan); !scan {
		n = sanitize(info.Op) + "_" + strconv.Itoa(info.Index)
		if col := hintColumn(st); col != "" {
			n += "_" + col
		}
	}
	for e.used[n] {
		n += "_"
	}
	e.used[n] = true
	return n
}

// hintColumn is the column a where, extend or project step is about,
// lower-cased and cut to letters, digits and "_".
func hintColumn(st plan.Step) string {
	var col string
	switch st := st.(type) {
	case *plan.Filter:
		if refs := plan.Refs(st.Pred); len(refs) > 0 {
			col = refs[0]
		}
	case *plan.Compute:
		if len(st.Assigns) > 0 {
			col = st.Assigns[0].Name
		} else if len(st.Pruned) > 0 {
			col = st.Pruned[0]
		}
	case *plan.MvExpand:
		col = st.Items[0].Name
	}
	col = sanitize(col)
	if len(col) > 24 {
		col = col[:24]
	}
	return col
}

func sanitize(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '_':
			b.WriteRune(r)
		case r == '-':
			b.WriteByte('_')
		}
	}
	return strings.Trim(b.String(), "_")
}

// ident quotes a KQL column name as a Trino delimited identifier, which
// keeps its case in the result.
func ident(name string) string {
	return `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
}

// assignNames gives every column name of the plan the Trino identifier
// the CTEs call it by. Trino folds identifiers to lower case, quoted ones
// too (trinodb/trino#17), so two KQL columns that differ only in letter
// case (AWSCloudTrail's Type and a computed type) would be one column
// there: the first spelling met keeps its name, each later one is
// renamed with the first suffix _2, _3 ... that no name of the plan holds
// in any case. The final SELECT gives a renamed output column its KQL
// name back; a query's output may hold names that differ only in case,
// which Trino refuses only when it creates a table or view from them
// (trinodb/trino#30450, #31040).
func (e *emitter) assignNames() {
	e.names = map[string]string{}
	taken := map[string]bool{}
	var order []string
	e.plan.Walk(func(st plan.Step) {
		for _, c := range st.Info().Columns {
			if _, ok := e.names[c.Name]; !ok {
				e.names[c.Name] = ""
				order = append(order, c.Name)
				taken[strings.ToLower(c.Name)] = true
			}
		}
	})
	spelt := map[string]string{} // lower-case name -> the spelling that keeps it
	for _, n := range order {
		k := strings.ToLower(n)
		if first, ok := spelt[k]; !ok || first == n {
			spelt[k] = n
			e.names[n] = n
			continue
		}
		for i := 2; ; i++ {
			cand := n + "_" + strconv.Itoa(i)
			if !taken[strings.ToLower(cand)] {
				taken[strings.ToLower(cand)] = true
				e.names[n] = cand
				break
			}
		}
	}
}

// ident quotes the Trino identifier of the KQL column name (assignNames).
func (e *emitter) ident(name string) string {
	if n, ok := e.names[name]; ok {
		return ident(n)
	}
	return ident(name)
}

// selectList writes a SELECT list: columns passed on as they are share
// lines (up to about 100 characters), every computed item has its own.
func (e *emitter) selectList(items []string, distinct bool) {
	kw := "SELECT"
	if distinct {
		kw = "SELECT DISTINCT"
	}
	if len(items) == 0 {
		// A step whose every column is dead still has rows to count.
		items = []string{`1 AS "_"`}
	}
	indent := strings.Repeat(" ", len(kw)+3)
	line := "  " + kw + " "
	for i, it := range items {
		last := i == len(items)-1
		sep := ","
		if last {
			sep = ""
		}
		switch {
		case i == 0:
			line += it + sep
		case isBareIdent(it) && isBareIdent(items[i-1]) && len(line)+len(it)+1 <= 100:
			line += " " + it + sep
		default:
			e.b.WriteString(line + "\n")
			line = indent + it + sep
		}
	}
	e.b.WriteString(line + "\n")
}

// isBareIdent reports whether a select item is a plain quoted column name.
func isBareIdent(s string) bool {
	return len(s) > 1 && s[0] == '"' && s[len(s)-1] == '"' && !strings.ContainsAny(s[1:len(s)-1], `" `)
}

// passThrough lists input columns kept as they are; a column still
// holding its source field keeps the table's shape (see scan).
func (e *emitter) passThrough(cols []plan.Column) []string {
	out := make([]string, len(cols))
	for i, c := range cols {
		out[i] = e.ident(c.Name)
	}
	return out
}

// step writes the body of a CTE for one operator reading the CTE from,
// which prev made.
func (e *emitter) step(st, prev plan.Step, from string) {
	info := st.Info()
	switch st := st.(type) {
	case *plan.Filter:
		e.selectList(e.passThrough(info.Columns), false)
		fmt.Fprintf(&e.b, "  FROM %s\n  WHERE %s\n", from, trimParens(e.boolean(st.Pred)))
	case *plan.Compute:
		assigned := map[string]plan.Expr{}
		for _, a := range st.Assigns {
			assigned[a.Name] = a.X
		}
		var items []string
		for _, c := range info.Columns {
			if x, ok := assigned[c.Name]; ok {
				items = append(items, e.item(plan.Assign{Name: c.Name, X: x}))
			} else {
				items = append(items, e.ident(c.Name))
			}
		}
		e.selectList(items, false)
		fmt.Fprintf(&e.b, "  FROM %s\n", from)
	case *plan.Project:
		var items []string
		for _, it := range st.Items {
			items = append(items, e.item(it))
		}
		e.selectList(items, false)
		fmt.Fprintf(&e.b, "  FROM %s\n", from)
	case *plan.Aggregate:
		e.aggregate(st, from)
	case *plan.Distinct:
		var items []string
		for _, c := range info.Columns {
			items = append(items, e.item(plan.Assign{Name: c.Name, X: &plan.ColRef{Name: c.Name, T: c.Type, Origin: originIn(prev, c.Name)}}))
		}
		e.selectList(items, true)
		fmt.Fprintf(&e.b, "  FROM %s\n", from)
	case *plan.Sort:
		e.selectList(e.passThrough(info.Columns), false)
		fmt.Fprintf(&e.b, "  FROM %s\n", from)
	case *plan.Top:
		e.selectList(e.passThrough(info.Columns), false)
		fmt.Fprintf(&e.b, "  FROM %s\n  ORDER BY %s\n  LIMIT %d\n", from, e.orderBy(st.Keys), st.N)
	case *plan.Take:
		e.selectList(e.passThrough(info.Columns), false)
		fmt.Fprintf(&e.b, "  FROM %s\n  LIMIT %d\n", from, st.N)
	case *plan.MvExpand:
		e.mvExpand(st, prev, from)
	}
}

// item writes "value AS name", or just the name when the item passes a
// column on under its own name and shape.
func (e *emitter) item(it plan.Assign) string {
	if c, ok := it.X.(*plan.ColRef); ok && c.Name == it.Name {
		return e.ident(c.Name)
	}
	if c, ok := it.X.(*plan.ColRef); ok && isNative(c) {
		return e.ident(c.Name) + " AS " + e.ident(it.Name)
	}
	return e.value(it.X) + " AS " + e.ident(it.Name)
}

// originIn returns the origin of the column name among the output
// columns of st: Distinct and Join read it to convert a native column.
func originIn(st plan.Step, name string) *plan.ScanColumn {
	for _, c := range st.Info().Columns {
		if c.Name == name {
			return c.Origin
		}
	}
	return nil
}

func (e *emitter) orderBy(keys []plan.SortKey) string {
	parts := make([]string, len(keys))
	for i, k := range keys {
		dir, nulls := "ASC", "NULLS LAST"
		if k.Desc {
			dir = "DESC"
		}
		if k.NullsFirst {
			nulls = "NULLS FIRST"
		}
		parts[i] = e.ident(k.Col.Name) + " " + dir + " " + nulls
	}
	return strings.Join(parts, ", ")
}

// aggregate writes a GROUP BY. Keys are never NULL where KQL has a string
// (the plan's strings are COALESCE'd at the source), so SQL's groups are
// KQL's: "" is an ordinary key.
func (e *emitter) aggregate(st *plan.Aggregate, from string) {
	if st.Pick != nil {
		e.pick(st, from)
		return
	}
	items, groups := e.groupKeys(st.Keys)
	for _, a := range st.Aggs {
		items = append(items, e.agg(a)+" AS "+e.ident(a.Name))
	}
	e.selectList(items, false)
	fmt.Fprintf(&e.b, "  FROM %s\n", from)
	if len(groups) > 0 {
		e.b.WriteString("  GROUP BY " + strings.Join(groups, ", ") + "\n")
	}
}

// groupKeys returns a GROUP BY's select items and grouping expressions.
func (e *emitter) groupKeys(keys []plan.Assign) (items, groups []string) {
	for _, k := range keys {
		v := e.value(k.X)
		groups = append(groups, v)
		if c, ok := k.X.(*plan.ColRef); ok && c.Name == k.Name && !isNative(c) {
			items = append(items, v)
		} else {
			items = append(items, v+" AS "+e.ident(k.Name))
		}
	}
	return items, groups
}

// final writes the outer SELECT: the output columns in KQL's order, a
// dynamic value as the KQL interpreter and Logs Insights show it (a JSON
// string as its content, an object or array as its JSON text, a number or
// boolean as its text in a varchar column, JSON null as NULL), and the
// order of a last sort.
func (e *emitter) final(from string) {
	var items []string
	for _, c := range e.plan.Columns() {
		ref := &plan.ColRef{Name: c.Name, T: c.Type, Origin: c.Origin}
		switch n := e.ident(c.Name); {
		case isNative(ref):
			items = append(items, e.value(ref)+" AS "+ident(c.Name))
		case c.Type == plan.Dynamic:
			items = append(items, "COALESCE(json_extract_scalar("+n+", '$'), NULLIF(json_format("+n+"), 'null')) AS "+ident(c.Name))
		case n != ident(c.Name):
			// A column renamed in the CTEs gets its KQL name back.
			items = append(items, n+" AS "+ident(c.Name))
		default:
			items = append(items, n)
		}
	}
	e.b.WriteString("SELECT " + strings.Join(items, ", ") + "\n")
	fmt.Fprintf(&e.b, "FROM %s\n", from)
	if keys := e.finalOrder(); keys != "" {
		e.b.WriteString("ORDER BY " + keys + "\n")
	}
}

// finalOrder is the ORDER BY of the query: the keys of the last sort or
// top, when no later step regroups the rows and the keys are still output
// columns. (KQL's order otherwise does not survive, and alerts are
// compared as sets anyway.)
func (e *emitter) finalOrder() string {
	out := map[string]bool{}
	for _, c := range e.plan.Columns() {
		out[c.Name] = true
	}
	for i := len(e.plan.Steps) - 1; i > 0; i-- {
		var keys []plan.SortKey
		switch st := e.plan.Steps[i].(type) {
		case *plan.Sort:
			keys = st.Keys
		case *plan.Top:
			keys = st.Keys
		case *plan.Aggregate, *plan.Distinct, *plan.MvExpand, *plan.Join:
			return ""
		default:
			continue
		}
		for _, k := range keys {
			if !out[k.Col.Name] {
				return ""
			}
		}
		return e.orderBy(keys)
	}
	return ""
}

// trimParens drops one pair of parentheses around a whole expression.
func trimParens(s string) string {
	if len(s) < 2 || s[0] != '(' || s[len(s)-1] != ')' {
		return s
	}
	depth := 0
	inStr := false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\'':
			inStr = !inStr
		case inStr:
		case c == '(':
			depth++
		case c == ')':
			depth--
			if depth == 0 && i < len(s)-1 {
				return s
			}
		}
	}
	return s[1 : len(s)-1]
}
