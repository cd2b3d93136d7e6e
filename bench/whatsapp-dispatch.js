// Reply-dispatch delay after the buffer window ends, instant AI (offline processor, no model call):
// time from the end of each conversation's window to the moment its reply reaches the (fake) Graph
// API. Baseline in the same run: the seed's in-memory setTimeout debounce.
// Delay is measured from (request start + window): an upper bound of the real delay.
// spreadMs = 0: every webhook as fast as possible (all windows end within the ingest time: the worst
// case); spreadMs > 0: the conversations' first messages are spread evenly over that time (a stream).
// Usage: npm run build && node bench/whatsapp-dispatch.js [conversations] [windowMs] [spreadMs]
const fs = require('node:fs');
const http = require('node:http');
// undici's request() with kept-alive connections: about a quarter of fetch()'s CPU per webhook. The
// load generator shares the 2 cores with the server and the database, so its cost is kept small.
const { request, Agent } = require('undici');
const agent = new Agent({ connections: 50 });
const path = require('node:path');
const { waitReady, createDatabase, startProcess, serverEnv, textPayload, sign, pct, META } = require('./_bench-util');
const conversations = Number(process.argv[2] || 1000);
const windowMs = Number(process.argv[3] || 5000);
const spreadMs = Number(process.argv[4] || 0);

function fakeGraph() {
  const arrivals = new Map();
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString() || '{}');
      if (body.type === 'text') {
        if (!arrivals.has(body.to)) arrivals.set(body.to, Date.now());
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ messages: [{ id: `wamid.B${arrivals.size}` }] }));
      } else res.writeHead(200, { 'content-type': 'application/json' }).end('{"success":true}');
    });
  });
  return new Promise((r) => server.listen(0, '127.0.0.1', () => r({ url: `http://127.0.0.1:${server.address().port}`, arrivals, close: () => server.close() })));
}

// CPU seconds (user + system) of the server process and of all PostgreSQL processes (Linux /proc),
// read at the start and end of a round: CPU per answered conversation, the cost that bounds how many
// windows per second one machine can answer.
const ticks = (pid) => { try { const s = fs.readFileSync(`/proc/${pid}/stat`, 'utf8'); const f = s.slice(s.lastIndexOf(')') + 2).split(' '); return Number(f[11]) + Number(f[12]); } catch { return 0; } };
const postgresTicks = () => fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d)).reduce((sum, d) => {
  try { return fs.readFileSync(`/proc/${d}/comm`, 'utf8').startsWith('postgres') ? sum + ticks(d) : sum; } catch { return sum; }
}, 0);
// Resident memory of the server process (Linux): sampled before the round and right after the
// last webhook, while every conversation is buffered and none answered yet (window > ingest time).
const rssKb = (pid) => { try { return Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))[1]); } catch { return NaN; } };

async function round(srv, graph, phones, text) {
  graph.arrivals.clear();
  const rssBefore = rssKb(srv.child.pid);
  const cpuBefore = { app: ticks(srv.child.pid), db: postgresTicks() };
  const starts = new Map();
  let next = 0;
  const t0 = Date.now();
  await Promise.all(Array.from({ length: 50 }, async () => {
    while (next < phones.length) {
      const i = next++;
      const phone = phones[i];
      const at = t0 + (spreadMs * i) / phones.length;
      if (at > Date.now()) await new Promise((r) => setTimeout(r, at - Date.now()));
      const body = textPayload(phone, text);
      starts.set(phone, Date.now());
      const r = await request(`${srv.url}/webhook/whatsapp`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature-256': sign(body) }, body, dispatcher: agent });
      await r.body.dump();
      if (r.statusCode !== 200) throw new Error(`webhook answered ${r.statusCode}`);
    }
  }));
  const ingestMs = Date.now() - t0;
  const bytesPerConversation = Math.round(((rssKb(srv.child.pid) - rssBefore) * 1024) / phones.length);
  const deadline = Date.now() + windowMs + 120_000;
  while (phones.some((p) => !graph.arrivals.has(p)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  // 100 ticks per second on Linux: ticks * 10,000 / n = microseconds per conversation.
  const perConversationUs = (t) => Math.round((t * 10_000) / phones.length);
  const appCpuUs = perConversationUs(ticks(srv.child.pid) - cpuBefore.app);
  const dbCpuUs = perConversationUs(postgresTicks() - cpuBefore.db);
  const delays = phones.filter((p) => graph.arrivals.has(p)).map((p) => graph.arrivals.get(p) - (starts.get(p) + windowMs));
  return { replied: delays.length, spreadMs, ingestMs, p50ms: pct(delays, 50), p99ms: pct(delays, 99), maxMs: Math.max(...delays), bytesPerConversation, appCpuUs, dbCpuUs };
}

async function run(name, file, env, graph) {
  const srv = await startProcess(file, env);
  if (path.basename(file) === 'server.js') await waitReady(srv.url);
  const phones = Array.from({ length: conversations }, (_, i) => `62813${String(i).padStart(7, '0')}`);
  try {
    // Round 1: every number is new (user row + dummy credit profile). Round 2: the same people again.
    const first = await round(srv, graph, phones, 'halo');
    await new Promise((r) => setTimeout(r, 1000));
    const again = await round(srv, graph, phones, 'lagi');
    return [{ server: name, round: 'first contact', conversations, ...first }, { server: name, round: 'returning users', conversations, ...again }];
  } finally { await srv.stop(); }
}

(async () => {
  const db = await createDatabase();
  if (!db) { console.log('whatsapp-dispatch: no PostgreSQL at BENCH_DATABASE_URL; skipped'); return; }
  const results = [];
  try {
    if (!process.env.BENCH_SKIP_BASELINE) { // BENCH_SKIP_BASELINE=1: the app only (profiling)
      const g1 = await fakeGraph();
      results.push(...await run('in-memory setTimeout debounce (baseline, not durable)', path.join(__dirname, '_baseline-debounce-server.js'),
        { META_APP_SECRET: META.appSecret, WHATSAPP_BUFFER_MS: String(windowMs), META_GRAPH_URL: g1.url, META_PHONE_NUMBER_ID: META.phoneNumberId }, g1));
      g1.close();
    }
    const g2 = await fakeGraph();
    results.push(...await run('ai-chat-whatsapp durable buffer', path.join(__dirname, '../dist/server.js'),
      // Unpaced: this measures how fast the server can dispatch, not Meta's send rate (whatsapp-send-rate.js).
      serverEnv(db.url, g2.url, { WHATSAPP_BUFFER_MS: String(windowMs), META_MESSAGES_PER_SECOND: '0' }), g2));
    g2.close();
  } finally { await db.drop(); }
  console.table(results);
  console.log(JSON.stringify({ bench: 'whatsapp-dispatch', windowMs, spreadMs, results }));
  await agent.close();
})().catch((err) => { console.error(err); process.exit(1); });
