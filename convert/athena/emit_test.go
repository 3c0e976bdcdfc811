package athena_test

import (
	"context"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/txtar"

	"github.com/ruleport/ruleport/convert/athena"
	"github.com/ruleport/ruleport/internal/golden"
	"github.com/ruleport/ruleport/reference/athenaengine/trinogrammar"
)

// TestEmitGolden checks the deployed SQL of each rule of
// testdata/emit.txtar: the seed and five corpus rules.
func TestEmitGolden(t *testing.T) {
	golden.Pairs(t, "testdata/emit.txtar", "yaml", "sql", func(t *testing.T, in txtar.File) string {
		sql, _, diags := compile(in.Name, in.Data, athena.Options{}, true)
		mustNotErr(t, in.Name, diags)
		return sql
	})
}

// TestGrammar: every SQL text this package's tests produce parses as Trino
// SQL (dt-sql-parser's TrinoSQL grammar, the grammar of Trino's
// SqlBase.g4): the golden rules deployed and pinned, and the rules of
// every fixture case as run there.
func TestGrammar(t *testing.T) {
	now := time.Date(2026, 3, 3, 0, 0, 0, 0, time.UTC)
	var names, sqls []string
	for name, in := range goldenInputs(t, "emit.txtar", "yaml") {
		for _, opt := range []athena.Options{{}, {Now: &now}} {
			sql, _, diags := compile(name, in, opt, true)
			mustNotErr(t, name, diags)
			names, sqls = append(names, name), append(sqls, sql)
		}
		// No window at all, as for a fixture case without now.
		sql, _, diags := compile(name, in, athena.Options{Now: &now}, false)
		mustNotErr(t, name, diags)
		names, sqls = append(names, name+" (no window)"), append(sqls, sql)
	}
	errs, err := trinogrammar.CheckAll(context.Background(), sqls)
	if err != nil {
		t.Fatalf("grammar check cannot run: %v", err)
	}
	for i, e := range errs {
		if e != nil {
			t.Errorf("%s: not Trino SQL:\n%v\n%s", names[i], e, sqls[i])
		}
	}
	t.Logf("%d SQL texts pass the Trino grammar", len(sqls))
}
