// Signed webhook ingest: the real server (signature check, parse, durable multi-row INSERT before
// the 200) versus a bare node:http server and a plain Express app that only check the HMAC, same
// machine, same run; then two app instances on one database versus one (the load split over both,
// as a load balancer would).
// Usage: npm run build && node bench/whatsapp-ingest.js [seconds] [connections]   (BENCH_ROUNDS=3)
const path = require('node:path');
const autocannon = require('autocannon');
const { waitReady, createDatabase, startProcess, serverEnv, textPayload, sign, META } = require('./_bench-util');
const duration = Number(process.argv[2] || 10);
const connections = Number(process.argv[3] || 50);

function load(url, conns = connections) {
  return autocannon({
    url: `${url}/webhook/whatsapp`, connections: conns, duration, method: 'POST',
    requests: [{
      method: 'POST',
      setupRequest(req) {
        // A new wamid and one of 1,000 senders per request: every request stores a new row.
        const body = textPayload(`62812${String(Math.floor(Math.random() * 1000)).padStart(7, '0')}`, 'berapa skor kredit saya?');
        return { ...req, body, headers: { 'content-type': 'application/json', 'x-hub-signature-256': sign(body) } };
      },
    }],
  });
}
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
// Each server is measured `rounds` times, the servers taking turns, and the median round is
// reported: on a shared 2-core machine one 10-second run varies by ±10 %, more than the
// differences being compared.
const rounds = Number(process.env.BENCH_ROUNDS || 3);
const summarize = (name, rs) => ({
  server: name, 'req/s': median(rs.map((r) => r.rps)), p50ms: median(rs.map((r) => r.p50)), p99ms: median(rs.map((r) => r.p99)),
  non2xx: rs.reduce((n, r) => n + r.non2xx, 0), errors: rs.reduce((n, r) => n + r.errors, 0), rounds: rs.map((r) => r.rps).join(' / '),
});
const one = (r) => ({ rps: Math.round(r.requests.average), p50: r.latency.p50, p99: r.latency.p99, non2xx: r.non2xx, errors: r.errors });
const pair = ([a, b]) => ({ rps: Math.round(a.requests.average + b.requests.average), p50: Math.max(a.latency.p50, b.latency.p50),
  p99: Math.max(a.latency.p99, b.latency.p99), non2xx: a.non2xx + b.non2xx, errors: a.errors + b.errors });

(async () => {
  const db = await createDatabase();
  if (!db) { console.log('whatsapp-ingest: no PostgreSQL at BENCH_DATABASE_URL; skipped'); return; }
  const procs = [];
  try {
    const env = { META_APP_SECRET: META.appSecret };
    const base = await startProcess(path.join(__dirname, '_baseline-hmac-server.js'), env); procs.push(base);
    const ex = await startProcess(path.join(__dirname, '_baseline-express-hmac-server.js'), env); procs.push(ex);
    // Window of 10 minutes: the benchmark measures intake, not replies.
    // BENCH_GRAPH_URL: a Graph API that answers (the read receipts sent during the window then succeed); default: none listening.
    const appEnv = serverEnv(db.url, process.env.BENCH_GRAPH_URL || 'http://127.0.0.1:9', { WHATSAPP_BUFFER_MS: '600000' });
    const app = await startProcess(path.join(__dirname, '../dist/server.js'), appEnv); procs.push(app);
    await waitReady(app.url);
    const app2 = await startProcess(path.join(__dirname, '../dist/server.js'), appEnv); procs.push(app2);
    await waitReady(app2.url);
    const targets = [
      ['bare node:http, HMAC only (baseline)', () => load(base.url).then(one)],
      ['plain Express, HMAC only (baseline)', () => load(ex.url).then(one)],
      ['ai-chat-whatsapp /webhook/whatsapp (stored before 200)', () => load(app.url).then(one)],
      ['ai-chat-whatsapp, two instances (sum; p50/p99 of the slower)', () => Promise.all([load(app.url, connections / 2), load(app2.url, connections / 2)]).then(pair)],
    ];
    for (const [, run] of targets) await run(); // warm-up, same length: fair JIT for all
    const measured = targets.map(() => []);
    for (let r = 0; r < rounds; r++) for (const [i, [, run]] of targets.entries()) measured[i].push(await run());
    const results = targets.map(([name], i) => summarize(name, measured[i]));
    console.table(results);
    const [, express, ours, two] = results;
    console.log(`ours vs plain Express: throughput ${(100 * ours['req/s'] / express['req/s']).toFixed(0)} % (aim ≥ 100 %), p99 ${(ours.p99ms / express.p99ms).toFixed(2)}× (aim ≤ 1.5×); two instances vs one: ${(100 * two['req/s'] / ours['req/s']).toFixed(0)} %`);
    console.log(JSON.stringify({ bench: 'whatsapp-ingest', duration, connections, rounds, results }));
  } finally {
    for (const p of procs) await p.stop();
    await db.drop();
  }
})().catch((err) => { console.error(err); process.exit(1); });
