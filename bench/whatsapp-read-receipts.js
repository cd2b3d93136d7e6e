// Graph calls per burst: what marking messages read during the window (blue ticks) costs. The real
// server (dist/) with the seed's 15 s window against a fake Graph API that counts calls; bursts of
// 10 messages from different numbers at once, each with its own spacing. Per burst: plain read calls
// (during the window), read+typing calls (window end and the 15 s refreshes), replies. Baseline in
// the same table: one read per message (what "mark each message read as it arrives" costs uncombined).
// Usage: npm run build && node bench/whatsapp-read-receipts.js [messages=10]
const http = require('node:http');
const { request } = require('undici');
const { waitReady, createDatabase, startProcess, serverEnv, textPayload, sign } = require('./_bench-util');

const messages = Number(process.argv[2] || 10);
const SPACINGS = [0, 100, 300, 1000, 2000]; // ms between two messages of a burst

function countingGraph() {
  const calls = [];
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString() || '{}');
      calls.push({ at: Date.now(), body });
      if (body.type === 'text') {
        return res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ messaging_product: 'whatsapp', messages: [{ id: `wamid.OUT${calls.length}` }] }));
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"success":true}');
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, calls, url: `http://127.0.0.1:${server.address().port}` })));
}

async function main() {
  const db = await createDatabase();
  if (!db) { console.log('PostgreSQL not reachable (TEST_DATABASE_URL / 127.0.0.1:5432): skipped'); return; }
  const graph = await countingGraph();
  const app = await startProcess('dist/server.js', serverEnv(db.url, graph.url, { WHATSAPP_BUFFER_MS: '15000', WHATSAPP_RATE_LIMIT_PER_MINUTE: '0' }));
  try {
    await waitReady(app.url);
    const owner = new Map(); // wamid → phone
    const post = async (phone, text) => {
      const body = textPayload(phone, text);
      owner.set(JSON.parse(body).entry[0].changes[0].value.messages[0].id, phone);
      const r = await request(`${app.url}/webhook/whatsapp`, { method: 'POST', body, headers: { 'content-type': 'application/json', 'x-hub-signature-256': sign(body) } });
      await r.body.text();
      if (r.statusCode !== 200) throw new Error(`webhook answered ${r.statusCode}`);
    };
    const phones = SPACINGS.map((_, i) => `62819000000${i}`);
    const started = Date.now();
    await Promise.all(SPACINGS.map(async (gap, i) => {
      for (let m = 0; m < messages; m++) {
        await post(phones[i], `pesan nomor ${m + 1} tentang skor kredit saya`);
        if (gap) await new Promise((r) => setTimeout(r, gap));
      }
    }));
    // Every burst answered (its window is 15 s after its last message).
    const deadline = Date.now() + 120_000;
    const replies = () => graph.calls.filter((c) => c.body.type === 'text').map((c) => c.body.to);
    while (phones.some((p) => !replies().includes(p)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    await new Promise((r) => setTimeout(r, 2000)); // nothing late
    console.log(`${messages} messages per burst, WHATSAPP_BUFFER_MS=15000, read interval 1.5 s; ${((Date.now() - started) / 1000).toFixed(0)} s`);
    console.log('| spacing | burst length | plain reads | read+typing | replies | Graph calls | one read per message (baseline) |');
    console.log('|---|---|---|---|---|---|---|');
    SPACINGS.forEach((gap, i) => {
      const mine = graph.calls.filter((c) => (c.body.type === 'text' ? c.body.to === phones[i] : owner.get(c.body.message_id) === phones[i]));
      const plain = mine.filter((c) => c.body.status === 'read' && !c.body.typing_indicator).length;
      const typing = mine.filter((c) => c.body.typing_indicator).length;
      const sent = mine.filter((c) => c.body.type === 'text').length;
      console.log(`| ${gap} ms | ${((messages - 1) * gap / 1000).toFixed(1)} s | ${plain} | ${typing} | ${sent} | ${plain + typing + sent} | ${messages + typing + sent} |`);
    });
  } finally {
    await app.stop();
    graph.server.close();
    await db.drop();
  }
}

main().catch((err) => { console.error(err); process.exit(1); });
