package cloudwatch

import (
	"github.com/ruleport/ruleport/convert"
	"github.com/ruleport/ruleport/convert/kql"
	"github.com/ruleport/ruleport/convert/plan"
	"github.com/ruleport/ruleport/convert/rule"
	"github.com/ruleport/ruleport/convert/schema"
)

// EmitRule compiles a rule's query to Logs Insights: it parses the KQL,
// lowers it to a plan with the table schemas and emits the query. The
// diagnostics are errors positioned in the rule file (an unsupported
// construct wraps convert.ErrUnsupported); the notes are positioned in
// the query text, and Warnings places them in the rule file.
func EmitRule(r *rule.Rule, opt Options) (string, []Note, convert.Diagnostics) {
	pos := func(p kql.Pos) convert.Pos { return r.QueryPos(int(p)) }
	q, errs := kql.Parse(r.Query)
	if len(errs) > 0 {
		return "", nil, errs.Diagnostics(r.File, pos)
	}
	p, errs := plan.Lower(q, r.Query, schema.Lookup)
	if len(errs) > 0 {
		return "", nil, errs.Diagnostics(r.File, pos)
	}
	query, notes, err := Emit(p, opt)
	if err != nil {
		if el, ok := err.(kql.ErrorList); ok {
			return "", nil, el.Diagnostics(r.File, pos)
		}
		return "", nil, convert.Diagnostics{convert.Errorf(r.File, r.Start(), "cloudwatch: %v", err)}
	}
	return query, notes, nil
}

// Warnings turns notes into warnings at their constructs' places in the
// rule file: "rules/x.yaml:31:17: warning: cloudwatch: toint(...): ...".
func Warnings(r *rule.Rule, notes []Note) convert.Diagnostics {
	var out convert.Diagnostics
	for _, n := range notes {
		p := r.Start()
		if n.Pos.IsValid() {
			p = r.QueryPos(int(n.Pos))
		}
		out = append(out, convert.Warningf(r.File, p, "%s", n.String()))
	}
	return out
}
