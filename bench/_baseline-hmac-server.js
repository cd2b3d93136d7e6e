// Baseline for the ingest benchmark: a bare node:http server that reads the body, checks the
// HMAC in constant time and answers 200. It stores nothing.
const http = require('node:http');
const crypto = require('node:crypto');
const secret = process.env.META_APP_SECRET;
const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const raw = Buffer.concat(chunks);
    const header = req.headers['x-hub-signature-256'] || '';
    const got = Buffer.from(String(header).slice(7), 'hex');
    const want = crypto.createHmac('sha256', secret).update(raw).digest();
    if (got.length !== want.length || !crypto.timingSafeEqual(got, want)) { res.writeHead(401).end(); return; }
    JSON.parse(raw.toString('utf8'));
    res.writeHead(200, { 'content-type': 'text/plain' }).end('EVENT_RECEIVED');
  });
});
server.listen(0, '127.0.0.1', () => console.log(`listening on http://127.0.0.1:${server.address().port}`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
