// `npm run bench`: runs every benchmark in turn. Each prints its own table with its baseline.
const { spawnSync } = require('node:child_process');
const path = require('node:path');
const fs = require('node:fs');
const only = process.argv.slice(2);
const benches = fs.readdirSync(__dirname).filter((f) => /\.js$/.test(f) && f !== 'run.js' && !f.startsWith('_'))
  .filter((f) => !only.length || only.some((o) => f.includes(o)));
let failed = 0;
for (const b of benches) {
  console.log(`\n=== ${b}`);
  const r = spawnSync(process.execPath, [path.join(__dirname, b)], { stdio: 'inherit' });
  if (r.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
