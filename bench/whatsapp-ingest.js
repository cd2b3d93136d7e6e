// Signed webhook ingest: the real server (signature check, parse, durable multi-row INSERT before
// the 200) versus a bare node:http server and a plain Express app that only check the HMAC, same
// machine, same run; then two app instances on one database versus one (the load split over both,
// as a load balancer would).
// Usage: npm run build && node bench/whatsapp-ingest.js [seconds] [connections]
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
const row = (name, r) => ({ server: name, 'req/s': Math.round(r.requests.average), p50ms: r.latency.p50, p99ms: r.latency.p99, non2xx: r.non2xx, errors: r.errors });

(async () => {
  const db = await createDatabase();
  if (!db) { console.log('whatsapp-ingest: no PostgreSQL at BENCH_DATABASE_URL; skipped'); return; }
  const results = [];
  try {
    const base = await startProcess(path.join(__dirname, '_baseline-hmac-server.js'), { META_APP_SECRET: META.appSecret });
    await load(base.url); // warm-up run is the same length: fair JIT for both
    results.push(row('bare node:http, HMAC only (baseline)', await load(base.url)));
    await base.stop();
    const ex = await startProcess(path.join(__dirname, '_baseline-express-hmac-server.js'), { META_APP_SECRET: META.appSecret });
    await load(ex.url);
    results.push(row('plain Express, HMAC only (baseline)', await load(ex.url)));
    await ex.stop();
    // Window of 10 minutes: the benchmark measures intake, not replies.
    const app = await startProcess(path.join(__dirname, '../dist/server.js'), serverEnv(db.url, 'http://127.0.0.1:9', { WHATSAPP_BUFFER_MS: '600000' }));
    await waitReady(app.url);
    await load(app.url);
    results.push(row('ai-chat-whatsapp /webhook/whatsapp (stored before 200)', await load(app.url)));
    // Two instances on the same database, the same total connections split between them.
    const app2 = await startProcess(path.join(__dirname, '../dist/server.js'), serverEnv(db.url, 'http://127.0.0.1:9', { WHATSAPP_BUFFER_MS: '600000' }));
    await waitReady(app2.url);
    await Promise.all([load(app.url, connections / 2), load(app2.url, connections / 2)]);
    const [r1, r2] = await Promise.all([load(app.url, connections / 2), load(app2.url, connections / 2)]);
    results.push({ server: 'ai-chat-whatsapp, two instances (sum; p50/p99 of the slower)', 'req/s': Math.round(r1.requests.average + r2.requests.average),
      p50ms: Math.max(r1.latency.p50, r2.latency.p50), p99ms: Math.max(r1.latency.p99, r2.latency.p99), non2xx: r1.non2xx + r2.non2xx, errors: r1.errors + r2.errors });
    await app.stop();
    await app2.stop();
  } finally { await db.drop(); }
  console.table(results);
  console.log(JSON.stringify({ bench: 'whatsapp-ingest', duration, connections, results }));
})().catch((err) => { console.error(err); process.exit(1); });
