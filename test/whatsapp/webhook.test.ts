// POST/GET /webhook/whatsapp through the real app and a real database.
import request from 'supertest';
import fixtures from '../fixtures/meta-webhook-examples.json';
import { createTestApp } from '../helpers/test-app';
import { parseWebhook } from '../../src/whatsapp/parse-webhook';
import { createWhatsAppTestApp, type WhatsAppTestApp } from '../helpers/whatsapp-test-app';
import { signPayload, textPayload, TEST_META, webhookPayload, statusUpdate } from '../helpers/whatsapp-payloads';

const inboundCount = 'SELECT count(*)::int AS n FROM whatsapp_inbound';

describe('WhatsApp webhook', () => {
  let w: WhatsAppTestApp;
  // Long window: these tests look at intake only; no batch is answered while they run.
  beforeAll(async () => { w = await createWhatsAppTestApp({ bufferMs: 600_000 }); });
  afterAll(async () => { await w.close(); });

  describe('verify handshake (GET)', () => {
    test('when Meta sends subscribe with our verify token, then the answer is 200 with exactly the challenge and the seed log line', async () => {
      const r = await request(w.app).get('/webhook/whatsapp')
        .query({ 'hub.mode': 'subscribe', 'hub.verify_token': TEST_META.verifyToken, 'hub.challenge': '1158201444' }).expect(200);
      expect(r.text).toBe('1158201444');
      expect(w.logs.text()).toContain('✅ WhatsApp webhook verified successfully');
    });
    test.each([
      [{ 'hub.mode': 'subscribe', 'hub.verify_token': 'wrong', 'hub.challenge': 'x' }],
      [{ 'hub.mode': 'unsubscribe', 'hub.verify_token': TEST_META.verifyToken, 'hub.challenge': 'x' }],
      [{}],
    ])('when the token or mode is wrong (%j), then 403', async (q) => {
      await request(w.app).get('/webhook/whatsapp').query(q).expect(403);
    });
  });

  describe('signature (POST)', () => {
    test('when the signature is right, then 200 and the message is stored', async () => {
      const p = textPayload('6281200000001', 'halo');
      await w.post(p).expect(200);
      expect(await w.count(`${inboundCount} WHERE conversation_key = 'whatsapp_6281200000001'`)).toBe(1);
    });
    test('when the signature header is missing, then 401 "Invalid webhook signature" and nothing is stored', async () => {
      const before = await w.count(inboundCount);
      const r = await request(w.app).post('/webhook/whatsapp').set('content-type', 'application/json')
        .send(JSON.stringify(textPayload('6281200000002', 'x'))).expect(401);
      expect(r.body.error.message).toBe('Invalid webhook signature');
      expect(await w.count(inboundCount)).toBe(before);
    });
    test('when the signature was made with another secret, then 401 and nothing is stored', async () => {
      const before = await w.count(inboundCount);
      await w.post(textPayload('6281200000003', 'x'), 'not-the-secret').expect(401);
      expect(await w.count(inboundCount)).toBe(before);
    });
    test('when the body was altered after signing, then 401 and nothing is stored', async () => {
      const before = await w.count(inboundCount);
      const body = JSON.stringify(textPayload('6281200000004', 'pay 10'));
      const sig = signPayload(body, TEST_META.appSecret);
      await request(w.app).post('/webhook/whatsapp').set({ 'content-type': 'application/json', 'x-hub-signature-256': sig })
        .send(body.replace('pay 10', 'pay 99')).expect(401);
      expect(await w.count(inboundCount)).toBe(before);
    });
    test('when the body is signed but not JSON, then 400 and it is logged', async () => {
      const body = '{"object": "whatsapp_business_account", ';
      await request(w.app).post('/webhook/whatsapp').set({ 'content-type': 'application/json', 'x-hub-signature-256': signPayload(body, TEST_META.appSecret) })
        .send(body).expect(400);
      expect(w.logs.text()).toContain('not valid JSON');
    });
    test('when the body is larger than the limit, then 413', async () => {
      const big = JSON.stringify({ object: 'whatsapp_business_account', pad: 'x'.repeat(3.5 * 1024 * 1024) });
      await request(w.app).post('/webhook/whatsapp').set({ 'content-type': 'application/json', 'x-hub-signature-256': signPayload(big, TEST_META.appSecret) })
        .send(big).expect(413);
    });
    test('when signed JSON has the wrong shape, then 200 (nothing to do), never 500', async () => {
      for (const p of [[], { entry: 5 }, { object: 'whatsapp_business_account', entry: [{ changes: [{ value: { messages: [{ id: 1 }] } }] }] }, 'null']) {
        await w.post(p).expect(200);
      }
    });
    test('when a signed body is compressed, then 415 with a clear error and nothing is stored', async () => {
      const before = await w.count(inboundCount);
      const body = JSON.stringify(textPayload('6281200000005', 'x'));
      const r = await request(w.app).post('/webhook/whatsapp')
        .set({ 'content-type': 'application/json', 'content-encoding': 'gzip', 'x-hub-signature-256': signPayload(body, TEST_META.appSecret) })
        .send(body).expect(415);
      expect(r.body.error.code).toBe('unsupported-encoding');
      expect(await w.count(inboundCount)).toBe(before);
    });
    test('when the webhook refuses a delivery (401, 413), then the refusal still carries the security headers', async () => {
      const bad = await w.post(textPayload('6281200000006', 'x'), 'not-the-secret').expect(401);
      expect(bad.headers['x-content-type-options']).toBe('nosniff');
      expect(bad.headers['content-security-policy']).toBeDefined();
      const big = JSON.stringify({ pad: 'x'.repeat(3.5 * 1024 * 1024) });
      const tooBig = await request(w.app).post('/webhook/whatsapp').set('content-type', 'application/json').send(big).expect(413);
      expect(tooBig.headers['x-frame-options']).toBeDefined();
    });
  });

  test('when the delivery URL has a trailing slash, other letter case or a query string, then it is taken like the plain path; other methods get 404', async () => {
    // The POST runs before Express (early-routes.ts) but must match the paths Express would.
    for (const [i, path] of ['/webhook/whatsapp/', '/Webhook/WhatsApp', '/webhook/whatsapp?source=meta'].entries()) {
      const body = JSON.stringify(textPayload(`628120000009${i}`, 'halo'));
      await request(w.app).post(path).set('content-type', 'application/json').set('x-hub-signature-256', signPayload(body, TEST_META.appSecret)).send(body).expect(200);
      expect(await w.count(`${inboundCount} WHERE conversation_key = 'whatsapp_628120000009${i}'`)).toBe(1);
    }
    const put = await request(w.app).put('/webhook/whatsapp').send('{}').expect(404);
    expect(put.body.error.code).toBe('not-found');
  });

  test('when 120 deliveries for 12 senders arrive at once, each sent twice, then every one is acknowledged 200 and each message is stored once', async () => {
    // Concurrent deliveries share group INSERTs; two groups holding the same wamid and the same
    // conversations used to deadlock now and then (a 503, so Meta re-delivered minutes later).
    const payloads = Array.from({ length: 60 }, (_, i) => textPayload(`62813000000${String(i % 12).padStart(2, '0')}`, `pesan ${i}`));
    const statuses = await Promise.all([...payloads, ...payloads.slice().reverse()].map(async (p) => (await w.post(p)).status));
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
    expect(await w.count(`${inboundCount} WHERE conversation_key LIKE 'whatsapp_62813000000%'`)).toBe(60);
  });

  test('when every example payload Meta publishes is delivered signed, then each gets 200 and no error is answered', async () => {
    for (const f of fixtures as { source: string; payload: unknown }[]) {
      const r = await w.post(f.payload);
      expect([f.source, r.status]).toEqual([f.source, 200]);
    }
    // Meta's examples reuse wamids, so each distinct one is stored once under the sample sender.
    const distinct = new Set((fixtures as { payload: unknown }[]).flatMap((f) => parseWebhook(f.payload).messages)
      .filter((m) => m.phone === '16505551234').map((m) => m.wamid));
    expect(await w.count(`${inboundCount} WHERE conversation_key = 'whatsapp_16505551234'`)).toBe(distinct.size);
    expect(await w.count("SELECT count(*)::int AS n FROM whatsapp_statuses WHERE status = 'failed'")).toBe(1);
    expect(w.logs.text()).toMatch(/could not deliver a message: error \d+/);
  });

  test('when the same webhook is delivered three times, then it is acknowledged each time and stored once', async () => {
    const p = textPayload('6281200000010', 'sekali saja');
    for (let i = 0; i < 3; i++) await w.post(p).expect(200);
    expect(await w.count(`${inboundCount} WHERE conversation_key = 'whatsapp_6281200000010'`)).toBe(1);
  });

  test('when one webhook carries messages from two phones, then each is stored under its own conversation and logged per phone', async () => {
    await w.post(webhookPayload({ messages: [
      { from: '6281200000021', text: 'a1' }, { from: '6281200000022', text: 'b1' }, { from: '6281200000021', text: 'a2' }] })).expect(200);
    expect(await w.count(`${inboundCount} WHERE conversation_key = 'whatsapp_6281200000021'`)).toBe(2);
    expect(await w.count(`${inboundCount} WHERE conversation_key = 'whatsapp_6281200000022'`)).toBe(1);
    expect(w.logs.text()).toContain('📱 Received 2 messages from 6281****021');
    expect(w.logs.text()).toContain('📱 Received 1 messages from 6281****022');
  });

  test('when a status callback arrives, then it is recorded and no conversation becomes due', async () => {
    const pending = await w.count('SELECT count(*)::int AS n FROM whatsapp_conversations WHERE due_at IS NOT NULL');
    await w.post(webhookPayload({ statuses: [statusUpdate({ id: 'wamid.OUT1', status: 'delivered' }), statusUpdate({ id: 'wamid.OUT1', status: 'read' })] })).expect(200);
    expect(await w.count("SELECT count(*)::int AS n FROM whatsapp_statuses WHERE wamid = 'wamid.OUT1'")).toBe(2);
    expect(await w.count('SELECT count(*)::int AS n FROM whatsapp_conversations WHERE due_at IS NOT NULL')).toBe(pending);
  });

  test('when a username user writes without a phone number, then the conversation is keyed by the business-scoped id, apart from others', async () => {
    await w.post(webhookPayload({ messages: [{ from: '', userId: 'US.777', text: 'hai' }] })).expect(200);
    expect(await w.count(`${inboundCount} WHERE conversation_key = 'whatsapp_bsuid_US.777'`)).toBe(1);
  });
});

describe('WhatsApp webhook without credentials or database', () => {
  test('when META_* are not configured in production (where no sandbox stands in), then POST answers 503 "WhatsApp integration is not fully configured" and GET 403', async () => {
    const t = await createTestApp({ env: { NODE_ENV: 'production', SESSION_SECRET: 'x'.repeat(32) } });
    try {
      const r = await request(t.app).post('/webhook/whatsapp').set('content-type', 'application/json').send('{}').expect(503);
      expect(r.body.error.message).toBe('WhatsApp integration is not fully configured');
      await request(t.app).get('/webhook/whatsapp').query({ 'hub.mode': 'subscribe', 'hub.verify_token': 'x', 'hub.challenge': 'y' }).expect(403);
    } finally { await t.close(); }
  });

  test('when the database is down, then the webhook answers 503 so Meta re-delivers, nothing is acknowledged, and the failure is logged once', async () => {
    const w = await createWhatsAppTestApp({ bufferMs: 600_000, start: false });
    try {
      await w.database.db.close();
      const r = await w.post(textPayload('6281200000099', 'halo'));
      expect(r.status).toBe(503);
      expect(r.body.error.code).toBe('storage-unavailable');
      expect(r.text).not.toContain('EVENT_RECEIVED');
      const errors = w.logs.lines().filter((l) => Number(l.level) >= 50);
      expect(errors.map((l) => l.msg)).toEqual(['could not store webhook messages; answering 503 so Meta re-delivers']);
    } finally {
      await w.graph.close();
      await w.database.drop().catch(() => {});
    }
  });
});
