package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/ruleport/ruleport/cmd/ruleport/cli"
	"github.com/ruleport/ruleport/fixtures"
)

// TestMain lets the test binary stand in for the ruleport binary: scripts
// run `exec ruleport ...` as a separate process, exactly as a user would,
// with real exit codes and streams.
func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"ruleport": func() { os.Exit(cli.Run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr)) },
	})
}

// TestScripts runs testdata/script/*.txtar: each script holds the command
// lines, their input files and the expected stdout, stderr and exit codes.
// Every script starts with the seed rule as seed.yaml in its folder.
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:                 "testdata/script",
		RequireExplicitExec: true,
		Setup: func(env *testscript.Env) error {
			seed, err := fixtures.Seed.ReadFile(fixtures.SeedRulePath)
			if err != nil {
				return err
			}
			return os.WriteFile(filepath.Join(env.WorkDir, "seed.yaml"), seed, 0o644)
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"subst": subst,
		},
	})
}

// subst FILE OLD NEW OUT writes FILE with every OLD replaced by NEW to OUT;
// it fails when OLD does not occur, so a script cannot test an unchanged
// rule by mistake.
func subst(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 4 {
		ts.Fatalf("usage: subst FILE OLD NEW OUT")
	}
	data := ts.ReadFile(args[0])
	if !strings.Contains(data, args[1]) {
		ts.Fatalf("subst: %q does not occur in %s", args[1], args[0])
	}
	out := strings.ReplaceAll(data, args[1], args[2])
	ts.Check(os.WriteFile(ts.MkAbs(args[3]), []byte(out), 0o644))
}
