// What media adds to a WhatsApp turn, excluding the model: server CPU per turn, peak resident memory,
// and the reply delay after the window, for text-only turns (the baseline, same run), turns with a
// 1 MB voice note and turns with a 3 MB photo. The fake Graph API serves the media endpoints and the
// fake OpenRouter answers at once (transcript / reply), so what is measured is the server's own work:
// two Graph downloads, the sha256, base64 for the model request, and the JSON of a multi-MB request.
// Usage: npm run build && node bench/whatsapp-media.js [concurrent conversations per round=50] [windowMs=2000]
const crypto = require('node:crypto');
const fs = require('node:fs');
const http = require('node:http');
const path = require('node:path');
const { request, Agent } = require('undici');
const { waitReady, createDatabase, startProcess, serverEnv, sign, pct, META } = require('./_bench-util');

const conversations = Number(process.argv[2] || 50);
const windowMs = Number(process.argv[3] || 2000);
const agent = new Agent({ connections: 50 });
const FILES = {
  audio: { bytes: Buffer.concat([Buffer.from('OggS'), crypto.randomBytes(1024 * 1024 - 4)]), mime: 'audio/ogg; codecs=opus' },
  image: { bytes: Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), crypto.randomBytes(3 * 1024 * 1024 - 4)]), mime: 'image/jpeg' },
};
for (const f of Object.values(FILES)) f.sha256 = crypto.createHash('sha256').update(f.bytes).digest('hex');

function fakeGraph() {
  const arrivals = new Map();
  let base = '';
  const server = http.createServer((req, res) => {
    const file = /^\/media-file\/(audio|image)/.exec(req.url);
    const meta = /^\/v\d+\.\d+\/(audio|image)-/.exec(req.url);
    if (req.method === 'GET' && (file || meta)) {
      const kind = (file || meta)[1];
      if (file) return res.writeHead(200, { 'content-type': FILES[kind].mime, 'content-length': FILES[kind].bytes.length }).end(FILES[kind].bytes);
      return res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({
        url: `${base}/media-file/${kind}`, mime_type: FILES[kind].mime, sha256: FILES[kind].sha256, file_size: FILES[kind].bytes.length, id: req.url }));
    }
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString() || '{}');
      if (body.type === 'text') {
        if (!arrivals.has(body.to)) arrivals.set(body.to, Date.now());
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ messages: [{ id: `wamid.M${arrivals.size}` }] }));
      } else res.writeHead(200, { 'content-type': 'application/json' }).end('{"success":true}');
    });
  });
  return new Promise((r) => server.listen(0, '127.0.0.1', () => { base = `http://127.0.0.1:${server.address().port}`; r({ url: base, arrivals, close: () => server.close() }); }));
}

/** An OpenRouter that answers at once: a transcript for audio, a short reply otherwise. */
function fakeOpenRouter() {
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString();
      const text = raw.includes('"input_audio"') ? 'berapa skor kredit saya' : 'Skor kredit Anda 742.';
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({
        model: 'bench/fake', choices: [{ finish_reason: 'stop', message: { role: 'assistant', content: text } }], usage: { prompt_tokens: 1, completion_tokens: 1 } }));
    });
  });
  return new Promise((r) => server.listen(0, '127.0.0.1', () => r({ url: `http://127.0.0.1:${server.address().port}/api/v1/chat/completions`, close: () => server.close() })));
}

const ticks = (pid) => { const s = fs.readFileSync(`/proc/${pid}/stat`, 'utf8'); const f = s.slice(s.lastIndexOf(')') + 2).split(' '); return Number(f[11]) + Number(f[12]); };
const rssKb = (pid) => Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))[1]);

let n = 0;
function payload(phone, kind) {
  const id = `wamid.MEDIA${process.pid}.${++n}.${crypto.randomBytes(3).toString('hex')}`;
  const part = kind === 'text' ? { type: 'text', text: { body: 'berapa skor kredit saya' } }
    : kind === 'audio' ? { type: 'audio', audio: { id: `audio-${n}`, mime_type: FILES.audio.mime, sha256: FILES.audio.sha256, voice: true } }
      : { type: 'image', image: { id: `image-${n}`, mime_type: FILES.image.mime, sha256: FILES.image.sha256, caption: 'tagihan saya' } };
  return JSON.stringify({ object: 'whatsapp_business_account', entry: [{ id: '1', changes: [{ field: 'messages', value: {
    messaging_product: 'whatsapp', metadata: { display_phone_number: '15550783881', phone_number_id: META.phoneNumberId },
    contacts: [{ profile: { name: 'Bench' }, wa_id: phone }],
    messages: [{ from: phone, id, timestamp: String(Math.floor(Date.now() / 1000)), ...part }],
  } }] }] });
}

async function round(srv, graph, kind, phones) {
  graph.arrivals.clear();
  const pid = srv.child.pid;
  const rssBefore = rssKb(pid);
  let peak = rssBefore;
  const sampler = setInterval(() => { try { peak = Math.max(peak, rssKb(pid)); } catch { /* exited */ } }, 10);
  const cpuBefore = ticks(pid);
  const starts = new Map();
  await Promise.all(phones.map(async (phone) => {
    const body = payload(phone, kind);
    starts.set(phone, Date.now());
    const r = await request(`${srv.url}/webhook/whatsapp`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature-256': sign(body) }, body, dispatcher: agent });
    await r.body.dump();
    if (r.statusCode !== 200) throw new Error(`webhook answered ${r.statusCode}`);
  }));
  const deadline = Date.now() + windowMs + 120_000;
  while (phones.some((p) => !graph.arrivals.has(p)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  clearInterval(sampler);
  const cpuMsPerTurn = ((ticks(pid) - cpuBefore) * 10) / phones.length;
  const delays = phones.filter((p) => graph.arrivals.has(p)).map((p) => graph.arrivals.get(p) - (starts.get(p) + windowMs));
  return { turns: kind, conversations: phones.length, replied: delays.length, cpuMsPerTurn: Math.round(cpuMsPerTurn * 10) / 10,
    peakRssAddedMB: Math.round((peak - rssBefore) / 102.4) / 10, p50ms: pct(delays, 50), p99ms: pct(delays, 99) };
}

(async () => {
  const db = await createDatabase();
  if (!db) { console.log('whatsapp-media: no PostgreSQL at BENCH_DATABASE_URL; skipped'); return; }
  const graph = await fakeGraph();
  const or = await fakeOpenRouter();
  const srv = await startProcess(path.join(__dirname, '../dist/server.js'), serverEnv(db.url, graph.url, {
    WHATSAPP_BUFFER_MS: String(windowMs), OPENROUTER_API_KEY: 'bench', OPENROUTER_URL: or.url, OPENROUTER_MODEL: 'bench/main', OPENROUTER_FALLBACK_MODELS: '',
    WHATSAPP_RATE_LIMIT_PER_MINUTE: '0',
  }));
  const results = [];
  try {
    await waitReady(srv.url);
    const phones = (tag) => Array.from({ length: conversations }, (_, i) => `6281${tag}${String(i).padStart(6, '0')}`);
    // First contact for everyone, untimed: the rounds below compare returning users only.
    for (const tag of ['11', '22', '33', '44']) await round(srv, graph, 'text', phones(tag));
    const label = (kind, how) => `${kind}${kind === 'audio' ? ' (1 MB voice note)' : kind === 'image' ? ' (3 MB photo)' : ''}, ${how}`;
    const kinds = [['text', '11'], ['audio', '22'], ['image', '33'], ['text', '44']];
    // One turn at a time, 10 times (CPU ticks are 10 ms: one turn alone is below the resolution).
    for (const [kind, tag] of kinds) {
      const rs = [];
      for (let i = 0; i < 10; i++) rs.push(await round(srv, graph, kind, phones(tag).slice(i, i + 1)));
      results.push({ turns: label(kind, 'one at a time (10 turns)'), conversations: 1, replied: rs.reduce((a, r) => a + r.replied, 0),
        cpuMsPerTurn: Math.round(rs.reduce((a, r) => a + r.cpuMsPerTurn, 0)) / 10, peakRssAddedMB: Math.max(...rs.map((r) => r.peakRssAddedMB)),
        p50ms: pct(rs.map((r) => r.p50ms), 50), p99ms: Math.max(...rs.map((r) => r.p99ms)) });
    }
    for (const [kind, tag] of kinds) {
      results.push({ ...await round(srv, graph, kind, phones(tag)), turns: label(kind, `${conversations} concurrent`) });
      await new Promise((r) => setTimeout(r, 500));
    }
  } finally {
    await srv.stop(); graph.close(); or.close(); await db.drop(); await agent.close();
  }
  console.table(results);
  console.log(JSON.stringify({ bench: 'whatsapp-media', windowMs, conversations, results }));
})().catch((err) => { console.error(err); process.exit(1); });
