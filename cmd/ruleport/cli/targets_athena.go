package cli

import (
	"github.com/ruleport/ruleport/convert"
	"github.com/ruleport/ruleport/convert/athena"
	"github.com/ruleport/ruleport/convert/kql"
	"github.com/ruleport/ruleport/convert/plan"
	"github.com/ruleport/ruleport/convert/rule"
	"github.com/ruleport/ruleport/convert/schema"
	"github.com/ruleport/ruleport/convert/terraform"
)

// The athena and athena-tf targets. The registry in targets.go lists them
// as {"athena", athenaTarget} and {"athena-tf", athenaTFTarget}.

// AthenaQueryFile is the name of the athena target's file, relative to the
// rule's output folder; athena-tf writes terraform.AthenaFile beside it.
const AthenaQueryFile = "athena/query.sql"

// athenaTarget is the rule's query as Trino SQL for Athena, in its
// deployed form: the window ends at current_timestamp and spans the
// rule's queryPeriod.
func athenaTarget(r *rule.Rule) ([]convert.File, convert.Diagnostics) {
	sql, diags := athenaSQL("athena", r)
	if diags != nil {
		return nil, diags
	}
	return []convert.File{{Name: AthenaQueryFile, Data: []byte(sql)}}, nil
}

// athenaTFTarget is the Terraform that deploys the athena target's SQL as a
// scheduled Athena query.
func athenaTFTarget(r *rule.Rule) ([]convert.File, convert.Diagnostics) {
	sql, diags := athenaSQL("athena-tf", r)
	if diags != nil {
		return nil, diags
	}
	return terraform.Athena(r, sql)
}

// athenaSQL compiles a rule's query: parse, lower to the plan, emit SQL.
// Every diagnostic is positioned in the rule file and names the target;
// constructs the plan or the emitter cannot express wrap
// convert.ErrUnsupported.
func athenaSQL(target string, r *rule.Rule) (string, convert.Diagnostics) {
	if r.QueryPeriod <= 0 {
		// NRT rules have no queryPeriod: without a window the query would
		// read the whole trail on every run.
		return "", convert.Diagnostics{convert.Unsupportedf(r.File, r.Start(),
			"%s: a rule without queryPeriod (kind %s) has no window to bound the query", target, r.Kind)}
	}
	pos := func(p kql.Pos) convert.Pos { return r.QueryPos(int(p)) }
	q, errs := kql.Parse(r.Query)
	if len(errs) > 0 {
		return "", named(target, errs.Diagnostics(r.File, pos))
	}
	p, errs := plan.Lower(q, r.Query, schema.Lookup)
	if len(errs) > 0 {
		return "", named(target, errs.Diagnostics(r.File, pos))
	}
	sql, err := athena.Emit(p, athena.Options{Period: r.QueryPeriod})
	if err != nil {
		if el, ok := err.(kql.ErrorList); ok {
			return "", named(target, el.Diagnostics(r.File, pos))
		}
		return "", convert.Diagnostics{convert.Errorf(r.File, r.Start(), "%s: %v", target, err)}
	}
	return sql, nil
}

// named prefixes each message with the target, as the CLI reports
// diagnostics per target.
func named(target string, diags convert.Diagnostics) convert.Diagnostics {
	for _, d := range diags {
		d.Msg = target + ": " + d.Msg
	}
	return diags
}
