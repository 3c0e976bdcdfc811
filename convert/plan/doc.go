// Package plan is ruleport's typed logical plan: a KQL query lowered once,
// with its semantics made explicit, so that each backend (convert/athena
// now, convert/cloudwatch next) translates operations instead of
// rediscovering what KQL means by a function name.
//
// # Shape
//
// Lower(query, src, schema.Lookup) returns a *Plan: a pipeline. Steps[0]
// is the *Scan of the table; every later step reads the output of the
// step before it; the last step's Columns are the alert columns, in KQL's
// order and with KQL's names and types. A *Join holds its right side as a
// pipeline of its own (Join.Right, a *Plan with its own Scan); Walk visits
// every step of both. Unions, mv-apply and the other operators are
// unsupported (an error, below). Tabular lets and materialize() are
// inlined where they are used (a let used twice is lowered twice); scalar
// lets are replaced by their constant values.
//
// Every step carries a StepInfo: the KQL operator as written (Op, Text),
// its span in the query (Pos, End, byte offsets for
// (*rule.Rule).QueryPos), its 1-based position among the query's
// operators as lowered (Index, unique across a join's sides), its output
// Columns after pruning, and the columns pruned there (Pruned).
// Emitters quote Text next to what they generate for the step.
//
// The steps:
//
//	*Scan       the table; Sources are the columns the query needs, each
//	            with its CloudTrail field path (userIdentity.principalId),
//	            its KQL type, and Read when an expression reads it.
//	*Filter     where: keep rows whose Pred is true (null drops the row).
//	*Compute    extend: Assigns evaluated in PARALLEL against the input
//	            row; an existing name is replaced in place, a new one
//	            appended; Columns says the result.
//	*Project    project, project-away/keep/rename/reorder: exactly Items.
//	*Aggregate  summarize and count: Keys (never pruned), then Aggs, and
//	            at most one Pick (arg_min, arg_max: one row's values,
//	            ties broken by the greatest returned values).
//	*Distinct   distinct: one row per tuple of Columns.
//	*Sort, *Top, *Take.
//	*MvExpand   mv-expand and mvexpand: one row per element of each
//	            item's dynamic value (arrays, a bag's properties, null as
//	            one null, a scalar as itself), items in parallel, at most
//	            Limit rows per input row (128 for the legacy mvexpand).
//	*Join       join: kinds inner and leftouter, and innerunique where the
//	            left side is already unique on the keys (a summarize or
//	            distinct by them): there it is inner. Elsewhere innerunique
//	            is unsupported, since Kusto keeps an arbitrary left row per
//	            key and SQL has no row order to keep the same one. Output
//	            columns are named as Kusto.Language names them (a clashing
//	            right column gets the first free numeric suffix).
//
// take and top after an mv-expand or join (before any summarize or
// distinct) are unsupported: which rows they keep depends on an order
// the SQL does not keep.
//
// A Column's Origin is the Scan column it still holds unchanged, through
// copies, renames and filters (nil once computed or aggregated): a backend
// may keep a source field in its native shape along such a chain (Athena
// keeps Resources as its array of rows, so parse_json(Resources)[0].ARN is
// an element access rather than a JSON parse). Columns with no CloudTrail
// field (Log Analytics' TenantId, OperationName) have Source "" and may
// only pass through: the plan rejects a query that reads one.
//
// # Expressions
//
// Expressions are typed (Type: string, bool, int, long, real, datetime,
// timespan, dynamic) and each concrete node is one KQL operation with its
// meaning written on the type: EqualsFold (=~), StringMatch (contains,
// startswith, endswith, has; case-insensitive unless CaseSensitive),
// InList (in, in~; never null), IsEmptyString vs IsNull (isempty on a
// string vs on anything else), ToInt (toint truncates toward zero, a
// numeric string converts, anything else is null), ToString (null is ""),
// FromDynamic (the implicit conversion when a dynamic value meets a typed
// one), JSONPath (parse_json(s).a.b[0]: invalid or truncated JSON text has
// no members), SplitIndex (split(s, d)[i] with a negative i from the end,
// and split(s, d, i)[0]), Case (iff, iif, case), BoundariesBetween
// (datetime_diff: boundaries crossed, not elapsed units), Now (the window
// end; ago(d) is Now - d), and Call for functions whose meaning is one
// line (tolower, strlen, substring, indexof, bin...). Arith carries KQL's
// result type: two ints multiply to a long.
//
// Nulls: a String is never null in KQL. The plan names the two places a
// backend may hold NULL for one: a String scan column (NullAsEmpty: an
// absent field is "") and ToString's result. Everything else follows SQL's
// null propagation, which is KQL's for these operations; Compare (Eq and
// Ne of a null and a non-null value are false and true), InList and the
// aggregates say where they differ.
//
// # Dead columns
//
// A column that never reaches the output is pruned (SEMANTICS.md §2,
// "Dead columns"): its assignment is dropped from the Compute or Project
// that made it (and listed in Pruned), the Scan does not read a field
// only it needed, and so an expression on it is never evaluated: a cast
// that would fail there cannot drop a row. Filter predicates, group keys,
// distinct columns and sort keys are never pruned; they decide which and
// how many rows exist.
//
// # Errors
//
// Lower returns a kql.ErrorList positioned in the query text. A construct
// the plan does not support is an error of kind kql.ErrUnsupported whose
// message reads "unsupported <construct>" ("unsupported operator
// mv-apply", "unsupported function arg_max"); ErrorList.Diagnostics turns
// it into a rule-file diagnostic wrapping convert.ErrUnsupported. Mistakes
// in the query (unknown names, type errors) are other kinds. After an
// operator fails, later operators are only checked for being unsupported.
//
// Format prints a plan as text (the form of testdata/lower.txtar); it is
// the quickest way to see what a backend will be asked to translate.
package plan
