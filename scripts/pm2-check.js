#!/usr/bin/env node
// The README's deploy path, exercised: starts ecosystem.config.cjs under a real PM2 (from
// devDependencies) in a private PM2_HOME against a fresh PostgreSQL database, then checks that
//   1. two cluster instances come online and both serve (each answers /metrics with its own id),
//   2. `pm2 logs ai-chat-whatsapp` shows the app's own lines from both instances,
//   3. a configuration error (no SESSION_SECRET in production) is visible in `pm2 logs` and the
//      instances end "stopped" without restarting,
//   4. two instances on the embedded database are refused the same way.
// The PM2 daemon is killed and its home removed at the end, whatever happened.
// Usage: npm run build && TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres node scripts/pm2-check.js
'use strict';
const { execFileSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const http = require('node:http');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const { Client } = require('pg');

const ROOT = path.resolve(__dirname, '..');
const PM2 = path.join(ROOT, 'node_modules/pm2/bin/pm2');
const APP = 'ai-chat-whatsapp';
const ADMIN_TOKEN = crypto.randomBytes(16).toString('hex');
const adminUrl = process.env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
const home = fs.mkdtempSync(path.join(os.tmpdir(), 'aicw-pm2-'));
const dbName = `aicw_pm2_${process.pid}_${crypto.randomBytes(3).toString('hex')}`;

function withDatabase(url, name) { const u = new URL(url); u.pathname = `/${name}`; return u.toString(); }
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Runs the pm2 CLI with the given app environment; only PATH and HOME come from outside. */
function pm2(args, env = {}) {
  return execFileSync(process.execPath, [PM2, ...args], {
    cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000,
    env: { PATH: process.env.PATH, HOME: process.env.HOME || home, PM2_HOME: home, ...env },
  });
}
const list = () => JSON.parse(pm2(['jlist'])).filter((p) => p.name === APP)
  .map((p) => ({ id: p.pm_id, status: p.pm2_env.status, restarts: p.pm2_env.restart_time, exitCode: p.pm2_env.exit_code }));
// What an operator sees: `pm2 logs <app>` (colours removed).
const logsWithIds = () => pm2(['logs', APP, '--nostream', '--lines', '200']).replace(/\x1b\[[0-9;]*m/g, '');

/** A GET on a fresh connection each time (a kept-alive one would always reach the same instance). */
function get(url, headers = {}) {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent: false, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => { body += d; });
      res.on('end', () => resolve({ status: res.statusCode, body }));
    });
    req.on('error', reject);
  });
}

async function freePort() {
  const s = net.createServer();
  await new Promise((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address();
  await new Promise((r) => s.close(r));
  return port;
}

async function waitFor(what, check, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    try { last = await check(); if (last) return last; } catch (err) { last = err; }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} (last: ${last instanceof Error ? last.message : JSON.stringify(last)})`);
    await sleep(500);
  }
}

function assert(cond, message) {
  if (!cond) throw new Error(`✗ ${message}`);
  console.log(`✓ ${message}`);
}

async function admin(sql) {
  const c = new Client({ connectionString: adminUrl });
  await c.connect();
  try { await c.query(sql); } finally { await c.end(); }
}

function appEnv(extra) {
  return {
    NODE_ENV: 'production', HOST: '127.0.0.1', LOG_FORMAT: 'json', ADMIN_TOKEN,
    KB_CACHE_DIR: path.join(home, 'kb-cache'), EMBEDDED_DB_DIR: path.join(home, 'pglite'),
    ...extra,
  };
}

async function clusterServes() {
  const port = await freePort();
  pm2(['start', 'ecosystem.config.cjs'], appEnv({
    DATABASE_URL: withDatabase(adminUrl, dbName), PORT: String(port), WEB_CONCURRENCY: '2', SESSION_SECRET: crypto.randomBytes(24).toString('hex'),
  }));
  const base = `http://127.0.0.1:${port}`;
  await waitFor('both instances online', () => { const l = list(); return l.length === 2 && l.every((p) => p.status === 'online'); });
  await waitFor('/readyz 200', async () => (await get(`${base}/readyz`)).status === 200);
  // Round robin over the cluster: every instance answers some of the requests with its own id.
  const seen = new Set();
  await waitFor('answers from both instances', async () => {
    const r = await get(`${base}/metrics`, { Authorization: `Bearer ${ADMIN_TOKEN}` });
    const m = /^process_start_time_seconds\{instance="(\d+)"/m.exec(r.body);
    if (r.status === 200 && m) seen.add(m[1]);
    return seen.size === 2;
  }, 30_000);
  assert(seen.size === 2, `two instances serve (metrics from instances ${[...seen].sort().join(' and ')})`);
  const text = logsWithIds();
  for (const id of [0, 1]) {
    assert(new RegExp(`${id}\\|${APP.slice(0, 8)}.*listening on http://localhost:${port}`).test(text), `pm2 logs shows instance ${id}'s "listening" line`);
  }
  assert(/applied \d+ database migration|Knowledge base loaded/.test(text), 'pm2 logs shows the app\'s own log lines (not only PM2\'s)');
  assert(list().every((p) => p.restarts === 0), 'no instance restarted');
  pm2(['delete', APP]);
}

async function refused(what, extra, expected) {
  // A fresh daemon: PM2 keeps the environment of the command that started it.
  pm2(['kill']);
  pm2(['start', 'ecosystem.config.cjs'], appEnv(extra));
  const final = await waitFor(`${what}: instances stopped`, () => { const l = list(); return l.length > 0 && l.every((p) => p.status === 'stopped') && l; }, 30_000);
  await sleep(2000); // long enough for a restart loop to show
  const after = list();
  assert(after.every((p) => p.status === 'stopped' && p.restarts === 0 && p.exitCode === 78),
    `${what}: every instance stopped with exit code 78 and was not restarted (${JSON.stringify(final)})`);
  const text = logsWithIds();
  assert(text.includes(expected), `${what}: pm2 logs shows "${expected}"`);
  pm2(['delete', APP]);
}

async function main() {
  if (!fs.existsSync(path.join(ROOT, 'dist/server.js'))) throw new Error('dist/server.js is missing: run npm run build first');
  await admin(`CREATE DATABASE "${dbName}"`);
  try {
    await clusterServes();
    await refused('no SESSION_SECRET in production', { DATABASE_URL: withDatabase(adminUrl, dbName), PORT: String(await freePort()), WEB_CONCURRENCY: '2' },
      'SESSION_SECRET: required when NODE_ENV=production');
    await refused('two instances on the embedded database', { PORT: String(await freePort()), WEB_CONCURRENCY: '2', SESSION_SECRET: 'x'.repeat(32) },
      'DATABASE_URL: required for 2 instances');
    console.log('PM2 check passed');
  } catch (err) {
    try { console.error(logsWithIds()); } catch { /* no daemon */ }
    try { console.error(fs.readFileSync(path.join(home, 'pm2.log'), 'utf8').split('\n').slice(-15).join('\n')); } catch { /* none */ }
    throw err;
  } finally {
    try { pm2(['kill']); } catch { /* daemon already gone */ }
    fs.rmSync(home, { recursive: true, force: true });
    await admin(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`).catch((err) => console.error(`could not drop ${dbName}: ${err.message}`));
  }
}

main().catch((err) => {
  console.error(err.message);
  process.exitCode = 1;
});
