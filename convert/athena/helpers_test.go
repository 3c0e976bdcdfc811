package athena_test

import (
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/txtar"

	"github.com/ruleport/ruleport/convert"
	"github.com/ruleport/ruleport/convert/athena"
	"github.com/ruleport/ruleport/convert/kql"
	"github.com/ruleport/ruleport/convert/plan"
	"github.com/ruleport/ruleport/convert/rule"
	"github.com/ruleport/ruleport/convert/schema"
)

// compile loads a rule file's text, parses and lowers its query and emits
// the SQL with opt (opt.Period 0 takes the rule's queryPeriod when
// usePeriod). The diagnostics are positioned in the rule file.
func compile(file string, data []byte, opt athena.Options, usePeriod bool) (string, *rule.Rule, convert.Diagnostics) {
	rules, diags := rule.Load(file, data)
	if diags.HasErrors() {
		return "", nil, diags
	}
	if len(rules) != 1 {
		return "", nil, convert.Diagnostics{convert.Errorf(file, convert.Pos{}, "%d rules in one file", len(rules))}
	}
	r := rules[0]
	sql, errs := compileRule(r, opt, usePeriod)
	return sql, r, errs
}

func compileRule(r *rule.Rule, opt athena.Options, usePeriod bool) (string, convert.Diagnostics) {
	pos := func(p kql.Pos) convert.Pos { return r.QueryPos(int(p)) }
	q, errs := kql.Parse(r.Query)
	if len(errs) > 0 {
		return "", errs.Diagnostics(r.File, pos)
	}
	p, errs := plan.Lower(q, r.Query, schema.Lookup)
	if len(errs) > 0 {
		return "", errs.Diagnostics(r.File, pos)
	}
	if usePeriod {
		opt.Period = r.QueryPeriod
	}
	sql, err := athena.Emit(p, opt)
	if err != nil {
		el, ok := err.(kql.ErrorList)
		if !ok {
			return "", convert.Diagnostics{convert.Errorf(r.File, convert.Pos{}, "%v", err)}
		}
		return "", el.Diagnostics(r.File, pos)
	}
	return sql, nil
}

// goldenInputs returns every input of a golden archive, by name.
func goldenInputs(t *testing.T, name, in string) map[string][]byte {
	t.Helper()
	ar, err := txtar.ParseFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]byte{}
	for _, f := range ar.Files {
		if strings.HasSuffix(f.Name, "."+in) {
			out[f.Name] = f.Data
		}
	}
	return out
}

func mustNotErr(t *testing.T, what string, diags convert.Diagnostics) {
	t.Helper()
	if len(diags) > 0 {
		t.Fatalf("%s: %v", what, diags)
	}
}
