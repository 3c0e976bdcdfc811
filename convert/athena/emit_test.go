package athena_test

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
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

// TestBenchmarkCopy: the Athena engine's BenchmarkBigLog runs a copy of
// the seed's deployed SQL (it may not import convert), which must be what
// the emitter writes today, or the benchmark measures an old query.
func TestBenchmarkCopy(t *testing.T) {
	const copyPath = "../../reference/athenaengine/testdata/seed_emitted.sql"
	want, err := os.ReadFile(copyPath)
	if err != nil {
		t.Fatal(err)
	}
	for name, in := range goldenInputs(t, "emit.txtar", "yaml") {
		if name != "SuspiciousAWSEC2ComputeResourceDeployments.yaml" {
			continue
		}
		sql, _, diags := compile(name, in, athena.Options{}, true)
		mustNotErr(t, name, diags)
		if sql != string(want) {
			t.Errorf("%s is not the SQL emitted for %s today; copy it again:\n%s", copyPath, name, cmp.Diff(string(want), sql))
		}
		return
	}
	t.Fatal("emit.txtar has no seed rule")
}
