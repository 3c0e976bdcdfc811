// Package trinogrammar checks SQL text against Trino's grammar, so that a
// test can prove emitted SQL is something Athena would parse: DuckDB, which
// runs the SQL in reference/athenaengine, also accepts its own dialect
// (x::int, ILIKE, QUALIFY, SELECT * EXCLUDE, [1, 2] lists) and would hide it.
//
// The check shells out to Node: tools/node/trino-check.mjs with the npm
// package dt-sql-parser (TrinoSQL, an ANTLR port of Trino's SqlBase.g4),
// bundled by esbuild on first use into the user cache directory, since the
// package's own ES modules do not load under Node 20. It is meant for tests;
// `make deps` installs the packages. A grammar check is only a grammar
// check: unknown functions, columns and types pass.
package trinogrammar

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"
)

// Error is one syntax error, with a 1-based line and column in the SQL text.
type Error struct {
	Line, Col int
	Msg       string
}

// Errors are every syntax error of one text.
type Errors []Error

// Error prints "line:col: message" per error, one per line.
func (es Errors) Error() string {
	lines := make([]string, len(es))
	for i, e := range es {
		lines[i] = fmt.Sprintf("%d:%d: trino grammar: %s", e.Line, e.Col, e.Msg)
	}
	return strings.Join(lines, "\n")
}

// CheckTrinoGrammar returns nil when sql parses as Trino SQL, Errors when
// it does not, and another error when the checker cannot run.
func CheckTrinoGrammar(sql string) error {
	errs, err := CheckAll(context.Background(), []string{sql})
	if err != nil {
		return err
	}
	return errs[0]
}

// CheckAll checks many texts with one Node process (starting Node and
// loading the grammar costs about a third of a second). The result holds
// one entry per text: nil, or its Errors.
func CheckAll(ctx context.Context, sqls []string) ([]error, error) {
	bundle, err := bundlePath()
	if err != nil {
		return nil, err
	}
	input, err := json.Marshal(sqls)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "node", bundle)
	cmd.Stdin = bytes.NewReader(input)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("trinogrammar: node %s: %v: %s", bundle, err, strings.TrimSpace(stderr.String()))
	}
	var results []struct {
		Errors []struct {
			Line    int    `json:"line"`
			Col     int    `json:"col"`
			Message string `json:"message"`
		} `json:"errors"`
	}
	if err := json.Unmarshal(out, &results); err != nil || len(results) != len(sqls) {
		return nil, fmt.Errorf("trinogrammar: unexpected checker output %.200q (%v)", out, err)
	}
	errs := make([]error, len(sqls))
	for i, r := range results {
		if len(r.Errors) == 0 {
			continue
		}
		es := make(Errors, len(r.Errors))
		for j, e := range r.Errors {
			es[j] = Error{Line: e.Line, Col: e.Col, Msg: e.Message}
		}
		errs[i] = es
	}
	return errs, nil
}

var bundle struct {
	once sync.Once
	path string
	err  error
}

// bundlePath returns the esbuild bundle of trino-check.mjs, building it
// when the script or the installed packages changed since the last build.
func bundlePath() (string, error) {
	bundle.once.Do(func() { bundle.path, bundle.err = build() })
	return bundle.path, bundle.err
}

func build() (string, error) {
	dir, err := nodeDir()
	if err != nil {
		return "", err
	}
	script := filepath.Join(dir, "trino-check.mjs")
	esbuild := filepath.Join(dir, "node_modules", ".bin", "esbuild")
	if _, err := os.Stat(esbuild); err != nil {
		return "", fmt.Errorf("trinogrammar: %s missing: run `make deps` (npm ci in tools/node)", esbuild)
	}
	h := sha256.New()
	for _, f := range []string{script, filepath.Join(dir, "package-lock.json")} {
		data, err := os.ReadFile(f)
		if err != nil {
			return "", fmt.Errorf("trinogrammar: %w", err)
		}
		h.Write(data)
	}
	cache, err := os.UserCacheDir()
	if err != nil {
		cache = os.TempDir()
	}
	out := filepath.Join(cache, "ruleport", "trino-check-"+hex.EncodeToString(h.Sum(nil))[:16]+".mjs")
	if _, err := os.Stat(out); err == nil {
		return out, nil
	}
	if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
		return "", fmt.Errorf("trinogrammar: %w", err)
	}
	// Build under a private name, then rename: concurrent test binaries
	// never see a half-written bundle.
	tmp := fmt.Sprintf("%s.%d.tmp.mjs", out, os.Getpid())
	cmd := exec.Command(esbuild, script, "--bundle", "--platform=node", "--format=esm",
		"--log-level=warning", "--outfile="+tmp)
	cmd.Dir = dir
	if msg, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("trinogrammar: esbuild: %v: %s", err, msg)
	}
	if err := os.Rename(tmp, out); err != nil {
		return "", fmt.Errorf("trinogrammar: %w", err)
	}
	return out, nil
}

// nodeDir finds tools/node from this source file's directory upward, so the
// check works from any package's test.
func nodeDir() (string, error) {
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		return "", errors.New("trinogrammar: cannot locate the module")
	}
	for dir := filepath.Dir(file); ; dir = filepath.Dir(dir) {
		if _, err := os.Stat(filepath.Join(dir, "tools", "node", "trino-check.mjs")); err == nil {
			return filepath.Join(dir, "tools", "node"), nil
		}
		if parent := filepath.Dir(dir); parent == dir {
			return "", errors.New("trinogrammar: tools/node/trino-check.mjs not found above " + filepath.Dir(file))
		}
	}
}
