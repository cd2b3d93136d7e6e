// Cost of the web chat layer, on the real server process (dist/), compared with /healthz measured
// in the same run: GET /api/me (session read from Postgres), GET /api/chat/history, and
// POST /api/chat (session + CSRF + one AI turn with the placeholder responder + two history rows),
// with the rate limiter off and on (one upsert per request in web_rate_limits).
// Usage: npm run build && [DATABASE_URL=postgres://...] node bench/web-chat.js [seconds]
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const autocannon = require('autocannon');

const root = path.resolve(__dirname, '..');
const seconds = Number(process.argv[2] || 5);

async function startServer(port, env) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'aicw-bench-web-'));
  const child = spawn(process.execPath, [path.join(root, 'dist/server.js'), '--original'], {
    cwd: dataDir,
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'silent', EMBEDDED_DB_DIR: path.join(dataDir, 'pglite'), ...env },
    stdio: 'ignore',
  });
  for (let i = 0; ; i++) {
    try { if ((await fetch(`http://127.0.0.1:${port}/readyz`)).ok) break; } catch { /* not yet */ }
    if (child.exitCode !== null || i > 300) throw new Error(`server on port ${port} did not start (exit code ${child.exitCode})`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return { child, dataDir };
}

async function signIn(base, name) {
  const r = await fetch(`${base}/auth/demo`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name }) });
  const body = await r.json();
  return { cookie: r.headers.get('set-cookie').split(';')[0], csrf: body.csrfToken };
}

function run(opts) {
  return new Promise((resolve, reject) => {
    autocannon({ connections: 10, duration: seconds, ...opts }, (err, res) => (err ? reject(err) : resolve(res)));
  });
}

const row = (name, r) => `| ${name} | ${Math.round(r.requests.average)} | ${r.latency.p50} | ${r.latency.p99} | ${r.non2xx} |`;

(async () => {
  const rows = [];
  for (const [label, limit] of [['limiter off', '0'], ['limiter on', '10000']]) {
    const port = 20000 + Math.floor(Math.random() * 20000);
    const base = `http://127.0.0.1:${port}`;
    const { child, dataDir } = await startServer(port, { WEB_CHAT_RATE_LIMIT_PER_MINUTE: limit });
    try {
      const s = await signIn(base, `bench ${label}`);
      const headers = { cookie: s.cookie };
      if (!rows.length) {
        rows.push(row('GET /healthz (baseline)', await run({ url: `${base}/healthz` })));
        rows.push(row('GET /api/me', await run({ url: `${base}/api/me`, headers })));
      }
      rows.push(row(`POST /api/chat (${label})`, await run({
        url: `${base}/api/chat`, method: 'POST',
        headers: { ...headers, 'content-type': 'application/json', 'x-csrf-token': s.csrf },
        body: JSON.stringify({ message: 'What is my credit score?' }),
      })));
      if (rows.length === 3) rows.push(row('GET /api/chat/history (100 msgs)', await run({ url: `${base}/api/chat/history`, headers })));
    } finally {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await new Promise((r) => child.once('exit', r));
      }
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }
  console.log(`engine: ${process.env.DATABASE_URL ? 'PostgreSQL server' : 'embedded'}; ${seconds}s per row, 10 connections\n`);
  console.log('| request | req/s | p50 ms | p99 ms | non-2xx |\n|---|---|---|---|---|');
  console.log(rows.join('\n'));
})().catch((err) => { console.error(err); process.exit(1); });
