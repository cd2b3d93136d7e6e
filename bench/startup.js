// Time from process start until /healthz and /readyz answer 200 (the "under 2 s" promise).
// Usage: npm run build && node bench/startup.js [runs]
const { spawn } = require('node:child_process');
const path = require('node:path');
const root = path.resolve(__dirname, '..');
const runs = Number(process.argv[2] || 5);

async function once(port) {
  const t0 = process.hrtime.bigint();
  const child = spawn(process.execPath, [path.join(root, 'dist/server.js')], {
    cwd: root, env: { ...process.env, PORT: String(port), LOG_LEVEL: 'silent' }, stdio: 'ignore',
  });
  let healthMs = null;
  let readyMs = null;
  while (readyMs === null) {
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    if (ms > 15000) break;
    try {
      if (healthMs === null && (await fetch(`http://127.0.0.1:${port}/healthz`)).ok) healthMs = ms;
      if ((await fetch(`http://127.0.0.1:${port}/readyz`)).ok) readyMs = Number(process.hrtime.bigint() - t0) / 1e6;
    } catch { /* not yet */ }
    await new Promise((r) => setTimeout(r, 10));
  }
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
  return { healthMs, readyMs };
}

(async () => {
  const results = [];
  for (let i = 0; i < runs; i++) results.push(await once(3900 + i));
  const med = (xs) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  console.log(JSON.stringify({ runs, healthzMedianMs: Math.round(med(results.map((r) => r.healthMs))), readyzMedianMs: Math.round(med(results.map((r) => r.readyMs))), all: results }, null, 2));
})();
