// Shared helpers for the WhatsApp benchmarks: a throwaway PostgreSQL database, the real server
// (dist/server.js) as a child process, and signed payloads.
const { spawn } = require('node:child_process');
const crypto = require('node:crypto');
const path = require('node:path');
const root = path.resolve(__dirname, '..');

const ADMIN_URL = process.env.BENCH_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
const META = { appSecret: 'bench-secret', verifyToken: 'bench-verify', accessToken: 'bench-token', phoneNumberId: '106540352242922' };

async function createDatabase() {
  const pg = require('pg');
  const name = `aicw_bench_${process.pid}_${crypto.randomBytes(3).toString('hex')}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  try { await admin.connect(); } catch (err) { return null; }
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  const u = new URL(ADMIN_URL); u.pathname = `/${name}`;
  return {
    url: u.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: ADMIN_URL }); await c.connect();
      await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`); await c.end();
    },
  };
}

function startProcess(file, env) {
  return new Promise((resolve, reject) => {
    // BENCH_NODE_ARGS: extra node flags for the server processes (e.g. --cpu-prof --cpu-prof-dir=/tmp/prof).
    const nodeArgs = (process.env.BENCH_NODE_ARGS || '').split(' ').filter(Boolean);
    const child = spawn(process.execPath, [...nodeArgs, file], { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const onData = (d) => {
      out += d.toString();
      const m = /listening on http:\/\/(?:localhost|127\.0\.0\.1):(\d+)/.exec(out);
      if (m) { child.stdout.off('data', onData); child.stdout.resume(); resolve({ child, url: `http://127.0.0.1:${m[1]}`, output: () => out, stop: () => stop(child) }); }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (d) => { out += d.toString(); });
    child.once('exit', (code) => reject(new Error(`${file} exited ${code}:\n${out}`)));
    setTimeout(() => { if (!/listening on/.test(out)) { child.kill('SIGKILL'); reject(new Error(`${file} did not start:\n${out}`)); } }, 20_000).unref();
  });
}
function stop(child) {
  return new Promise((r) => { if (child.exitCode !== null) return r(); child.once('exit', r); child.kill('SIGTERM'); setTimeout(() => child.kill('SIGKILL'), 8000).unref(); });
}

function serverEnv(dbUrl, graphUrl, extra = {}) {
  return {
    NODE_ENV: 'production', SESSION_SECRET: 'bench', LOG_LEVEL: 'info', LOG_FORMAT: 'json', HOST: '127.0.0.1', PORT: '0',
    DATABASE_URL: dbUrl, META_APP_SECRET: META.appSecret, META_WEBHOOK_VERIFY_TOKEN: META.verifyToken, META_ACCESS_TOKEN: META.accessToken,
    META_PHONE_NUMBER_ID: META.phoneNumberId, META_GRAPH_URL: graphUrl, ENABLE_CHAT_LOGGING: 'false', ...extra,
  };
}

let n = 0;
function textPayload(phone, text) {
  const id = `wamid.BENCH${process.pid}.${++n}.${crypto.randomBytes(3).toString('hex')}`;
  return JSON.stringify({ object: 'whatsapp_business_account', entry: [{ id: '1', changes: [{ field: 'messages', value: {
    messaging_product: 'whatsapp', metadata: { display_phone_number: '15550783881', phone_number_id: META.phoneNumberId },
    contacts: [{ profile: { name: 'Bench' }, wa_id: phone }],
    messages: [{ from: phone, id, timestamp: String(Math.floor(Date.now() / 1000)), type: 'text', text: { body: text } }],
  } }] }] });
}
const sign = (body) => `sha256=${crypto.createHmac('sha256', META.appSecret).update(body).digest('hex')}`;

/** The app listens before migrations finish; wait for /readyz like a load balancer would. */
async function waitReady(url) {
  for (let i = 0; i < 200; i++) {
    try { if ((await fetch(`${url}/readyz`)).ok) return; } catch { /* not yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} never became ready`);
}

const pct = (xs, p) => { const s = [...xs].sort((a, b) => a - b); return s.length ? s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] : NaN; };

/**
 * Deterministic filler pages in the same domain (its words recur in the guide) so retrieval is not
 * trivially easy: `vocab` words drawn by a seeded generator, 5 blocks of 4 sentences per page.
 */
function fillerPages(seed, n, vocab) {
  let a = seed >>> 0;
  const rnd = () => { a = (a + 0x6d2b79f5) >>> 0; let t = Math.imul(a ^ (a >>> 15), a | 1); t ^= t + Math.imul(t ^ (t >>> 7), t | 61); return ((t ^ (t >>> 14)) >>> 0) / 4294967296; };
  const sentence = () => { const len = 8 + Math.floor(rnd() * 10); const w = []; for (let i = 0; i < len; i++) w.push(vocab[Math.floor(rnd() * vocab.length)]); const s = w.join(' '); return `${s[0].toUpperCase()}${s.slice(1)}.`; };
  return Array.from({ length: n }, (_, p) => ({
    title: `Lampiran ${seed}.${p + 1}: ketentuan umum produk dan layanan`,
    blocks: Array.from({ length: 5 }, () => Array.from({ length: 4 }, sentence).join(' ')),
  }));
}

module.exports = { fillerPages, waitReady, root, META, createDatabase, startProcess, serverEnv, textPayload, sign, pct };
