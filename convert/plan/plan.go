package plan

import (
	"strings"

	"github.com/ruleport/ruleport/convert/kql"
)

// Type is a KQL scalar type as the plan sees it. Int and Long are kept
// apart because toint's 32-bit range is observable; Guid columns are read
// as String (the Athena table and a log event hold them as text).
type Type int

// The plan's types.
const (
	Unknown Type = iota
	String
	Bool
	Int
	Long
	Real
	Datetime
	Timespan
	Dynamic
)

var typeNames = [...]string{"unknown", "string", "bool", "int", "long", "real", "datetime", "timespan", "dynamic"}

// String returns the KQL name of the type.
func (t Type) String() string {
	if int(t) < len(typeNames) {
		return typeNames[t]
	}
	return "unknown"
}

// IsNumeric reports whether t is int, long or real.
func (t Type) IsNumeric() bool { return t == Int || t == Long || t == Real }

// typeOf maps a KQL type name (schema files, typed literals) to a Type.
func typeOf(name string) Type {
	switch strings.ToLower(name) {
	case "string", "guid":
		return String
	case "bool", "boolean":
		return Bool
	case "int":
		return Int
	case "long":
		return Long
	case "real", "double", "decimal":
		return Real
	case "datetime", "date":
		return Datetime
	case "timespan", "time":
		return Timespan
	case "dynamic":
		return Dynamic
	}
	return Unknown
}

// Plan is a query lowered to a straight pipeline: Steps[0] is the *Scan,
// every later step reads the output of the one before it, and the last
// step's Columns are the query's output columns in KQL's order.
type Plan struct {
	Steps []Step
	// Source is the query text the plan was lowered from; StepInfo spans
	// index into it.
	Source string
}

// Scan returns the plan's first step.
func (p *Plan) Scan() *Scan { return p.Steps[0].(*Scan) }

// Walk calls f on every step of p in order, and on the steps of a join's
// right side just before the join: the order in which the right side's
// rows are computed.
func (p *Plan) Walk(f func(Step)) {
	for _, st := range p.Steps {
		if j, ok := st.(*Join); ok {
			j.Right.Walk(f)
		}
		f(st)
	}
}

// Scans returns the scans of p, the main one first, then those of join
// right sides in the order Walk visits them.
func (p *Plan) Scans() []*Scan {
	out := []*Scan{p.Scan()}
	p.Walk(func(st Step) {
		if s, ok := st.(*Scan); ok && s != p.Scan() {
			out = append(out, s)
		}
	})
	return out
}

// Columns returns the output columns: names, order and types of the
// alert rows.
func (p *Plan) Columns() []Column { return p.Steps[len(p.Steps)-1].Info().Columns }

// Column is one named, typed column of a step's output.
type Column struct {
	Name string
	Type Type
	// Origin is the scan column this column still holds unchanged (through
	// renames, copies and filters), or nil once it has been computed or
	// has passed an aggregate or distinct. An emitter may keep a source
	// field in its native shape along such a chain (see package doc).
	Origin *ScanColumn
}

// ScanColumn is a column of the source table that the query reads and
// that reaches the output, directly or through an expression that does.
type ScanColumn struct {
	// Name is the KQL column name, Type its KQL type.
	Name string
	Type Type
	// Source is the CloudTrail record field the column is filled from, as
	// a dotted path ("userIdentity.principalId"); "" for Const columns.
	Source string
	// Const is the value of a column Log Analytics fills with a constant
	// (AWSCloudTrail's Type), when Source is "".
	Const string
	// Pos is the first use of the column in the query, for messages.
	Pos kql.Pos
	// NullAsEmpty is set for String columns but guids: KQL strings are never null,
	// so an absent or null source field reads as "" and an emitter must
	// turn its backend's NULL into "" when it reads the field.
	NullAsEmpty bool
	// Read is set when a kept expression reads the value (a predicate, a
	// computed column, an aggregate's argument), as opposed to the column
	// only passing through to the output or being a group key as is. An
	// emitter that cannot fill a column may output its empty value when
	// Read is false, and must refuse the query when it is true.
	Read bool
}

// Step is one operator of the pipeline.
type Step interface {
	Info() *StepInfo
	step()
}

// StepInfo is what every step carries: where it came from and what it
// outputs.
type StepInfo struct {
	// Op is the KQL operator as written ("where", "extend",
	// "project-away", "summarize", ...), or the table name for the scan.
	Op string
	// Index is the step's 1-based position among the query's operators
	// (0 for the scan), used to name things after it.
	Index int
	// Pos and End span the operator in the query text (without the pipe).
	Pos, End kql.Pos
	// Text is the operator's text as written in the query, which may span
	// several lines.
	Text string
	// Columns are the step's output columns after dead-column pruning, in
	// KQL's order.
	Columns []Column
	// Pruned names the columns this step would have produced in KQL but
	// that never reach the output, so the plan drops them here.
	Pruned []string
}

// Info returns the step's common fields.
func (s *StepInfo) Info() *StepInfo { return s }

// Scan reads the source table. Columns lists only the table columns the
// query needs, in schema order.
type Scan struct {
	StepInfo
	Table   string
	Sources []*ScanColumn
}

// Filter keeps the rows for which Pred is true; a null predicate drops the
// row, in KQL and in SQL alike.
type Filter struct {
	StepInfo
	Pred Expr
}

// Assign names the value of an expression.
type Assign struct {
	Name string
	X    Expr
}

// Compute is KQL's extend: every expression in Assigns reads the step's
// INPUT row, never a column assigned by the same step (SEMANTICS.md §2,
// "extend A = f(A), B = g(A)": B sees the old A). An assigned name that
// already exists replaces that column in place; a new one is appended.
// Columns lists the result; a column not in Assigns passes through.
type Compute struct {
	StepInfo
	Assigns []Assign
}

// Project outputs exactly Items, in order; each item reads the input row
// (project, project-away, project-keep, project-rename and project-reorder
// all lower to it; an item is usually a *ColRef).
type Project struct {
	StepInfo
	Items []Assign
}

// AggFunc is an aggregate function.
type AggFunc int

// The aggregates. Count counts rows; CountIf counts rows whose predicate is
// true; DCount counts distinct non-null values (an estimate in KQL, exact
// for the small cardinalities of alerts); Min, Max, Sum and Avg ignore
// nulls and yield null for a group without a non-null value; MakeSet and
// MakeList collect non-null values into a dynamic array.
const (
	Count AggFunc = iota
	CountIf
	DCount
	DCountIf
	Min
	Max
	Sum
	Avg
	MakeSet
	MakeList
)

var aggNames = [...]string{"count", "countif", "dcount", "dcountif", "min", "max", "sum", "avg", "make_set", "make_list"}

// String returns the KQL name of the aggregate.
func (f AggFunc) String() string { return aggNames[f] }

// Agg is one aggregate column.
type Agg struct {
	Name string
	Func AggFunc
	// Arg is the aggregated value (nil for Count and CountIf).
	Arg Expr
	// Pred is the condition of CountIf and DCountIf, else nil.
	Pred Expr
	Type Type
	Pos  kql.Pos
}

// Aggregate is KQL's summarize: one row per distinct tuple of Keys (with
// no keys, exactly one row even over no input), the keys first and the
// aggregates after them. Key values are never pruned: they decide the
// groups even when a later step drops the column.
type Aggregate struct {
	StepInfo
	Keys []Assign
	Aggs []Agg
	// Pick is the summarize's arg_min or arg_max, or nil; its columns
	// come after the first Pick.At aggregates.
	Pick *Pick
}

// Pick is arg_min or arg_max (with Max)
// (https://learn.microsoft.com/kusto/query/arg-min-aggregation-function):
// the values of one row of the group, the row whose Target is least
// (greatest), rows with a null Target ignored unless every row has one.
// Where several rows tie, Kusto "finds a row" and does not say which;
// ruleport takes the one whose Returns values are least, compared in
// order, each ascending with null first (strings by code point, bools
// false first, a dynamic value by its JSON text with sorted keys), so
// that every engine picks the same row (docs/ARCHITECTURE.md, Decisions:
// arg_min and arg_max). The output holds Target (under its name) and the
// Returns, each Returns value also deciding ties when its column is
// pruned. For "*" the Returns are every input column but the keys and
// the target's own column, in input order, as Kusto.Language lays them
// out.
type Pick struct {
	Max     bool
	Target  Assign
	Returns []Assign
	At      int
	Pos     kql.Pos
}

// SortKey orders rows by a column.
type SortKey struct {
	Col        *ColRef
	Desc       bool
	NullsFirst bool
}

// Sort orders the rows (sort by, order by). KQL's default is descending
// with nulls last; ascending puts nulls first.
type Sort struct {
	StepInfo
	Keys []SortKey
}

// Take keeps N rows (take, limit); which ones is unspecified in KQL.
type Take struct {
	StepInfo
	N int64
}

// Top keeps the first N rows in the order of Keys.
type Top struct {
	StepInfo
	Keys []SortKey
	N    int64
}

// Distinct keeps one row per distinct tuple of its Columns.
type Distinct struct {
	StepInfo
}

// ExpandItem is one expanded value of mv-expand: X (Dynamic) is read
// against the step's input row, and its elements fill the column Name,
// replacing an input column of that name in place or appended after the
// input columns. To is the column's type: Dynamic, or the type of "to
// typeof(T)", which casts an element of that type and makes any other
// element null ("" for a String).
type ExpandItem struct {
	Name string
	X    Expr
	To   Type
	Pos  kql.Pos
}

// MvExpand is KQL's mv-expand (and its legacy spelling mvexpand): each
// input row becomes one row per element of its Items' values
// (https://learn.microsoft.com/kusto/query/mv-expand-operator). The
// elements of a value are: an array's top-level elements in order; a
// property bag's properties in order, each as a bag of that one property
// (or as a [key, value] array when BagAsArray, kind=array); for null, one
// null element; for any other scalar, the scalar itself (an older version
// of the page: "If the value in a row is not an array, the row is kept as
// is"). An empty array or bag has no elements, so the row disappears.
// Several Items expand in parallel: the row count is the longest list's,
// the shorter ones padded with null. At most Limit rows come from one
// input row (limit N; without it 2147483647, or 128 for mvexpand, the
// page's "legacy version has a default row limit of 128"). Index, when
// not "", names a Long column appended last holding the element's 0-based
// position (with_itemindex). Every other column is copied.
type MvExpand struct {
	StepInfo
	Items      []ExpandItem
	BagAsArray bool
	Index      string
	Limit      int64
}

// JoinKind is the flavour of a join.
type JoinKind int

// The join kinds the plan lowers. Inner returns every pair of matching
// rows. LeftOuter also returns each left row without a match, once, its
// right columns empty ("" for strings, null otherwise). KQL's default,
// innerunique, deduplicates the left side on the keys first, keeping an
// arbitrary row; the plan lowers it only where the left side holds one
// row per key already (Join.UniqueLeft), where it is Inner.
const (
	Inner JoinKind = iota
	LeftOuter
)

var joinKindNames = [...]string{"inner", "leftouter"}

// String returns the KQL name of the kind.
func (k JoinKind) String() string { return joinKindNames[k] }

// JoinKey is one equality of the on clause: a left input column and a
// right one of the same type. Rows whose key is null match nothing.
type JoinKey struct {
	Left, Right string
}

// Rename is a right-side column as the join outputs it: From is its name
// on the right side, To its output name (From, or From with the first
// numeric suffix that makes it unique, as Kusto names a clashing column).
type Rename struct {
	From, To string
}

// Join is KQL's join (https://learn.microsoft.com/kusto/query/join-operator)
// of the step's input, the left side, with Right, a pipeline of its own
// (its Steps[0] is a *Scan of the table). The output holds the left
// columns, then the right columns RightCols names, renamed; every key of
// On must be equal (case-sensitively for strings) for two rows to match.
// A step's Columns say the result; a column keeps its Origin through the
// join (a leftouter join's padding is the empty value an absent field has
// too).
type Join struct {
	StepInfo
	Kind JoinKind
	// UniqueLeft is set when the query asked for innerunique, which the
	// plan lowered as Inner because the left side already holds at most
	// one row per key (it comes from a summarize or distinct by keys the
	// join reads): deduplicating it would change nothing.
	UniqueLeft bool
	Right      *Plan
	On         []JoinKey
	RightCols  []Rename
}

func (*Scan) step()      {}
func (*MvExpand) step()  {}
func (*Join) step()      {}
func (*Filter) step()    {}
func (*Compute) step()   {}
func (*Project) step()   {}
func (*Aggregate) step() {}
func (*Sort) step()      {}
func (*Take) step()      {}
func (*Top) step()       {}
func (*Distinct) step()  {}
