// Baseline for the dispatch benchmark: the seed's approach, an in-memory setTimeout per phone
// (not durable, single process) that posts the reply to the Graph API when the window ends.
const http = require('node:http');
const crypto = require('node:crypto');
const secret = process.env.META_APP_SECRET;
const windowMs = Number(process.env.WHATSAPP_BUFFER_MS);
const graph = `${process.env.META_GRAPH_URL}/v24.0/${process.env.META_PHONE_NUMBER_ID}/messages`;
const buffers = new Map();
const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const raw = Buffer.concat(chunks);
    const got = Buffer.from(String(req.headers['x-hub-signature-256'] || '').slice(7), 'hex');
    const want = crypto.createHmac('sha256', secret).update(raw).digest();
    if (got.length !== want.length || !crypto.timingSafeEqual(got, want)) { res.writeHead(401).end(); return; }
    const body = JSON.parse(raw.toString('utf8'));
    for (const m of body.entry[0].changes[0].value.messages) {
      const b = buffers.get(m.from) || { texts: [] };
      clearTimeout(b.timer);
      b.texts.push(m.text.body);
      b.timer = setTimeout(() => {
        buffers.delete(m.from);
        fetch(graph, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer x' },
          body: JSON.stringify({ messaging_product: 'whatsapp', to: m.from, type: 'text', text: { body: `Echo: ${b.texts.join(' | ')}` } }) }).catch(() => {});
      }, windowMs);
      buffers.set(m.from, b);
    }
    res.writeHead(200).end('EVENT_RECEIVED');
  });
});
server.listen(0, '127.0.0.1', () => console.log(`listening on http://127.0.0.1:${server.address().port}`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
