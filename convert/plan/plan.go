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

func (*Scan) step()      {}
func (*Filter) step()    {}
func (*Compute) step()   {}
func (*Project) step()   {}
func (*Aggregate) step() {}
func (*Sort) step()      {}
func (*Take) step()      {}
func (*Top) step()       {}
func (*Distinct) step()  {}
