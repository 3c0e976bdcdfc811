// kusto-check.js: a second opinion on KQL from Microsoft's own parser and
// binder, Kusto.Language (npm @kusto/language-service-next), for ruleport's
// tests (convert/kql/kusto_test.go).
//
// Input on stdin, one JSON object:
//   {"tables": {"AWSCloudTrail": [["EventName", "string"], ...], ...},
//    "queries": [{"id": "aws/x.yaml", "query": "AWSCloudTrail | ..."}, ...]}
// Output on stdout, one JSON array in input order:
//   [{"id": ..., "syntax": [diag...], "diagnostics": [diag...],
//     "columns": [["name", "type"], ...] or null}, ...]
// where diag is {"code", "severity", "message", "start", "length"} with
// start and length in UTF-16 code units of the query (the same as byte
// offsets for ASCII text). "diagnostics" holds syntax and semantic ones.
//
// All queries run in one process: loading the library takes seconds.
'use strict';

const path = require('path');
const dir = path.join(__dirname, 'node_modules', '@kusto', 'language-service-next');
// bridge.min.js defines the Bridge.NET runtime the library is compiled
// against; it must be loaded first (TARGETS.md §3).
require(path.join(dir, 'bridge.min.js'));
require(path.join(dir, 'Kusto.Language.Bridge.min.js'));
const K = Kusto.Language;

function quoteName(name) {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) ? name : "['" + name.replace(/\\/g, '\\\\').replace(/'/g, "\\'") + "']";
}

function globals(tables) {
  const symbols = Object.keys(tables).sort().map((name) => {
    const schema = '(' + tables[name].map(([col, type]) => quoteName(col) + ':' + type).join(', ') + ')';
    return new K.Symbols.TableSymbol.$ctor7(name, schema, null);
  });
  const db = new K.Symbols.DatabaseSymbol('ruleport', symbols);
  return K.GlobalState.Default.WithDatabase(db);
}

function diags(list) {
  const out = [];
  for (let i = 0; i < list.Count; i++) {
    const d = list.getItem(i);
    out.push({ code: d.Code, severity: d.Severity, message: d.Message, start: d.Start, length: d.Length });
  }
  return out;
}

function columns(type) {
  if (!type || !type.Columns) {
    return null;
  }
  const out = [];
  for (let i = 0; i < type.Columns.Count; i++) {
    const c = type.Columns.getItem(i);
    out.push([c.Name, c.Type.Name]);
  }
  return out;
}

function analyse(q, g) {
  const code = K.KustoCode.ParseAndAnalyze(q.query, g);
  return {
    id: q.id,
    syntax: diags(code.GetSyntaxDiagnostics()),
    diagnostics: diags(code.GetDiagnostics()),
    columns: columns(code.ResultType),
  };
}

function main() {
  const chunks = [];
  process.stdin.on('data', (c) => chunks.push(c));
  process.stdin.on('end', () => {
    const input = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    const g = globals(input.tables || {});
    const out = input.queries.map((q) => analyse(q, g));
    process.stdout.write(JSON.stringify(out));
  });
}

main();
