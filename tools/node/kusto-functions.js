// kusto-functions.js prints every function Kusto.Language knows, one per
// line: "s name" for scalar functions, "a name" for aggregates, sorted.
// convert/kql/kqlfunctions.txt is its output; convert/kql/kusto_test.go
// checks that the file still matches the installed library. Regenerate:
//   node tools/node/kusto-functions.js > convert/kql/kqlfunctions.txt
'use strict';

const path = require('path');
const dir = path.join(__dirname, 'node_modules', '@kusto', 'language-service-next');
require(path.join(dir, 'bridge.min.js'));
require(path.join(dir, 'Kusto.Language.Bridge.min.js'));

const g = Kusto.Language.GlobalState.Default;
const lines = [];
g.Functions.forEach((f) => lines.push('s ' + f.Name));
g.Aggregates.forEach((f) => lines.push('a ' + f.Name));
lines.sort((a, b) => (a.slice(2) < b.slice(2) ? -1 : a.slice(2) > b.slice(2) ? 1 : 0));
process.stdout.write(lines.join('\n') + '\n');
