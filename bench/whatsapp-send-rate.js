// Meta's send rate: N conversation windows ending together, against a fake Graph API that enforces
// a per-number limit like Meta (at most `limit` accepted messages in any one-second window; above it
// HTTP 429 with error 130429). Compares, in the same run, the server unpaced
// (META_MESSAGES_PER_SECOND=0, the behaviour before the send-rate limiter: every reply fired at once,
// 130429 retried with backoff) with the server paced at the same rate as the fake's limit.
// Reported: 130429 answers, replies delivered, the time from the first to the last reply accepted
// (ideal: about N / limit seconds) and from the last window's end to the last reply. The windows end
// within the ingest time of the N webhooks (shown), so use a window longer than that.
// Usage: npm run build && node bench/whatsapp-send-rate.js [conversations=1000] [limit=80] [windowMs=3000]
const http = require('node:http');
const path = require('node:path');
const { request, Agent } = require('undici');
const { waitReady, createDatabase, startProcess, serverEnv, textPayload, sign } = require('./_bench-util');

const conversations = Number(process.argv[2] || 1000);
const limit = Number(process.argv[3] || 80);
const windowMs = Number(process.argv[4] || 3000);
const agent = new Agent({ connections: 50 });

function rateLimitedGraph() {
  const accepted = []; // times of accepted text messages, oldest first
  const delivered = new Map();
  const stats = { rejected: 0, maxInOneSecond: 0 };
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString() || '{}');
      if (body.type !== 'text') return res.writeHead(200, { 'content-type': 'application/json' }).end('{"success":true}');
      const now = performance.now();
      while (accepted.length && accepted[0] <= now - 1000) accepted.shift();
      if (accepted.length >= limit) {
        stats.rejected++;
        return res.writeHead(429, { 'content-type': 'application/json' }).end(JSON.stringify({ error: {
          message: '(#130429) Rate limit hit', type: 'OAuthException', code: 130429,
          error_data: { messaging_product: 'whatsapp', details: 'Cloud API message throughput has been reached.' },
        } }));
      }
      accepted.push(now);
      stats.maxInOneSecond = Math.max(stats.maxInOneSecond, accepted.length);
      if (!delivered.has(body.to)) delivered.set(body.to, Date.now());
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ messages: [{ id: `wamid.R${delivered.size}.${accepted.length}` }] }));
    });
  });
  return new Promise((r) => server.listen(0, '127.0.0.1', () => r({
    url: `http://127.0.0.1:${server.address().port}`, delivered, stats, close: () => server.close(),
  })));
}

async function run(name, rate, dbUrl) {
  const graph = await rateLimitedGraph();
  const srv = await startProcess(path.join(__dirname, '../dist/server.js'),
    serverEnv(dbUrl, graph.url, { WHATSAPP_BUFFER_MS: String(windowMs), META_MESSAGES_PER_SECOND: String(rate), WHATSAPP_RATE_LIMIT_PER_MINUTE: '0' }));
  try {
    await waitReady(srv.url);
    const phones = Array.from({ length: conversations }, (_, i) => `62814${String(i).padStart(7, '0')}`);
    let next = 0;
    let lastStart = 0;
    const t0 = Date.now();
    await Promise.all(Array.from({ length: 50 }, async () => {
      while (next < phones.length) {
        const body = textPayload(phones[next++], 'halo');
        lastStart = Date.now();
        const r = await request(`${srv.url}/webhook/whatsapp`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature-256': sign(body) }, body, dispatcher: agent });
        await r.body.dump();
        if (r.statusCode !== 200) throw new Error(`webhook answered ${r.statusCode}`);
      }
    }));
    const ingestS = Number(((Date.now() - t0) / 1000).toFixed(1));
    const windowsEnd = lastStart + windowMs;
    const deadline = windowsEnd + 180_000;
    while (graph.delivered.size < conversations && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    const last = Math.max(...graph.delivered.values());
    const first = Math.min(...graph.delivered.values());
    return {
      server: name, conversations, fakeLimitPerSecond: limit, ingestS, answers130429: graph.stats.rejected, delivered: graph.delivered.size,
      // First to last reply accepted: at the limit this cannot be below (N - limit) / limit seconds.
      repliesSpanS: Number(((last - first) / 1000).toFixed(1)), idealS: Number((conversations / limit).toFixed(1)),
      lastReplyAfterLastWindowS: Number(((last - windowsEnd) / 1000).toFixed(1)),
      maxAcceptedInOneSecond: graph.stats.maxInOneSecond,
    };
  } finally { await srv.stop(); graph.close(); }
}

(async () => {
  const results = [];
  for (const [name, rate] of [['unpaced (META_MESSAGES_PER_SECOND=0, as before)', 0], [`paced (META_MESSAGES_PER_SECOND=${limit})`, limit]]) {
    const db = await createDatabase();
    if (!db) { console.log('whatsapp-send-rate: no PostgreSQL at BENCH_DATABASE_URL; skipped'); return; }
    try { results.push(await run(name, rate, db.url)); } finally { await db.drop(); }
  }
  console.table(results);
  console.log(JSON.stringify({ bench: 'whatsapp-send-rate', windowMs, results }));
  await agent.close();
})().catch((err) => { console.error(err); process.exit(1); });
