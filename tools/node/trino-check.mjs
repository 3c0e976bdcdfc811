// trino-check: parse SQL texts with dt-sql-parser's Trino grammar (an ANTLR
// port of Trino's SqlBase.g4) and report syntax errors with line:col, so that
// SQL DuckDB would accept but Athena would reject (x::int, ILIKE, QUALIFY,
// SELECT * EXCLUDE ...) fails ruleport's tests.
//
// Usage:
//   node trino-check.bundle.mjs FILE...   one SQL text per file
//   node trino-check.bundle.mjs < texts.json   a JSON array of SQL strings
//
// Output (stdout): a JSON array with one entry per text, in input order:
//   {"errors": [{"line": 3, "col": 6, "endLine": 3, "endCol": 11, "message": "..."}]}
// lines and columns 1-based. Exit status 0 when every text was checked
// (whatever it found), 2 on bad usage or unreadable input.
//
// dt-sql-parser's ES module build imports directories, which Node 20 refuses;
// ruleport runs this file through esbuild (see
// reference/athenaengine/trinogrammar), which resolves them.
import { readFileSync } from 'node:fs';
import { TrinoSQL } from 'dt-sql-parser';

function readTexts(args) {
  if (args.length > 0) {
    return args.map((f) => readFileSync(f, 'utf8'));
  }
  const texts = JSON.parse(readFileSync(0, 'utf8'));
  if (!Array.isArray(texts) || texts.some((t) => typeof t !== 'string')) {
    throw new Error('stdin must be a JSON array of strings');
  }
  return texts;
}

function check(parser, sql) {
  return {
    errors: parser.validate(sql).map((e) => ({
      line: e.startLine,
      col: e.startColumn,
      endLine: e.endLine,
      endCol: e.endColumn,
      message: e.message,
    })),
  };
}

let texts;
try {
  texts = readTexts(process.argv.slice(2));
} catch (err) {
  process.stderr.write(`trino-check: ${err.message}\n`);
  process.exit(2);
}
const parser = new TrinoSQL();
process.stdout.write(JSON.stringify(texts.map((sql) => check(parser, sql))) + '\n');
