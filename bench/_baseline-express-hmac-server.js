// Second baseline for the ingest benchmark: a plain Express app that reads the raw body, checks
// the HMAC in constant time, parses the JSON and answers 200. It stores nothing.
const crypto = require('node:crypto');
const express = require('express');
const secret = process.env.META_APP_SECRET;
const app = express();
app.post('/webhook/whatsapp', express.raw({ type: () => true, limit: '3mb' }), (req, res) => {
  const raw = req.body;
  const got = Buffer.from(String(req.get('x-hub-signature-256') || '').slice(7), 'hex');
  const want = crypto.createHmac('sha256', secret).update(raw).digest();
  if (got.length !== want.length || !crypto.timingSafeEqual(got, want)) { res.sendStatus(401); return; }
  JSON.parse(raw.toString('utf8'));
  res.status(200).type('text/plain').send('EVENT_RECEIVED');
});
const server = app.listen(0, '127.0.0.1', () => console.log(`listening on http://127.0.0.1:${server.address().port}`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
