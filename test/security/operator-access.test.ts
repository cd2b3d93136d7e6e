// Operator access as an attacker sees it: production without a token, a token passed in the
// query string, DNS rebinding (a foreign Host on loopback), cross-site forms, /readyz details,
// and sender ids that only look like phone numbers. Real app, real database, real HTTP.
import request from 'supertest';
import { ConfigError, parseConfig } from '../../src/config';
import { parseWebhook } from '../../src/whatsapp/parse-webhook';
import { createWhatsAppTestApp, type WhatsAppTestApp } from '../helpers/whatsapp-test-app';
import { createSandboxTestApp, type SandboxTestApp } from '../helpers/sandbox-app';

const TOKEN = 'operator-token-0123456789abcdef-0123456789';
const PROD = { NODE_ENV: 'production', SESSION_SECRET: 's'.repeat(40) };
const OPERATOR_ROUTES: { method: 'get' | 'post' | 'delete'; path: string }[] = [
  { method: 'get', path: '/api/whatsapp/status' },
  { method: 'post', path: '/api/whatsapp/refresh-kb' },
  { method: 'get', path: '/api/analytics' },
  { method: 'get', path: '/admin' },
];

describe('ADMIN_TOKEN in production', () => {
  test('when ADMIN_TOKEN is shorter than 32 characters in production, then the boot fails naming it', () => {
    expect(() => parseConfig({ ...PROD, ADMIN_TOKEN: 'short-token' })).toThrow(ConfigError);
    expect(() => parseConfig({ ...PROD, ADMIN_TOKEN: 'short-token' })).toThrow(/ADMIN_TOKEN: must be at least 32 characters/);
    expect(parseConfig({ ...PROD, ADMIN_TOKEN: TOKEN }).adminToken).toBe(TOKEN);
    // Outside production a short token stays allowed (local convenience).
    expect(parseConfig({ ADMIN_TOKEN: 'short-token' }).adminToken).toBe('short-token');
  });

  describe('when production runs without ADMIN_TOKEN', () => {
    let t: WhatsAppTestApp;
    beforeAll(async () => { t = await createWhatsAppTestApp({ env: PROD, start: false }); });
    afterAll(async () => { await t.close(); });

    it.each(OPERATOR_ROUTES)('then $method $path answers 403 from the machine itself, with a sentence saying how to set the token', async ({ method, path }) => {
      const res = await request(t.app)[method](path).set('Accept-Language', 'en');
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('admin-token-not-set');
      expect(res.body.error.message).toMatch(/set ADMIN_TOKEN|ADMIN_TOKEN is set/);
      expect(res.body.error.message).toMatch(/Authorization: Bearer/);
    });

    test('then the boot log says so once', () => {
      expect(t.logs.lines().filter((l) => /ADMIN_TOKEN is not set/.test(String(l.msg)))).toHaveLength(1);
    });
  });
});

describe('the token on API routes and pages', () => {
  let t: WhatsAppTestApp;
  beforeAll(async () => { t = await createWhatsAppTestApp({ env: { ADMIN_TOKEN: TOKEN }, start: false }); });
  afterAll(async () => { await t.close(); });

  test('when the right token is sent as ?token= to an API route, then it is refused (it would end up in proxy logs)', async () => {
    expect((await request(t.app).get(`/api/whatsapp/status?token=${TOKEN}`)).status).toBe(401);
    expect((await request(t.app).get(`/api/analytics?token=${TOKEN}`)).status).toBe(401);
    expect((await request(t.app).post(`/api/whatsapp/refresh-kb?token=${TOKEN}`)).status).toBe(401);
  });

  test('when the right token is sent as ?token= to load the /admin page, then the page loads', async () => {
    expect((await request(t.app).get(`/admin?token=${TOKEN}`)).status).toBe(200);
  });

  test('when /readyz is asked without the token, then it says only ready and a coarse reason; with it, the details', async () => {
    const pub = await request(t.app).get('/readyz').expect(200);
    expect(pub.body).toEqual({ ready: true });
    const op = await request(t.app).get('/readyz').set('Authorization', `Bearer ${TOKEN}`).expect(200);
    expect(op.body).toEqual({ ready: true, database: 'ok', migrations: 'ok' });
  });
});

describe('loopback trust outside production (no ADMIN_TOKEN)', () => {
  let s: SandboxTestApp;
  beforeAll(async () => { s = await createSandboxTestApp(); });
  afterAll(async () => { await s.close(); });
  const port = () => new URL(s.url).port;

  test('when a request from the machine itself names a foreign host (DNS rebinding), then operator and sandbox routes answer 403', async () => {
    for (const path of ['/api/whatsapp/status', '/sandbox/api/credentials', '/api/analytics']) {
      const res = await request(s.url).get(path).set('Host', `rebind.attacker.example:${port()}`);
      expect(res.status).toBe(403);
      expect(JSON.stringify(res.body)).not.toContain('appSecret');
    }
  });

  test('when the Host is localhost, 127.0.0.1 or [::1] with any port, then the machine itself is trusted', async () => {
    for (const host of [`localhost:${port()}`, `127.0.0.1:${port()}`, `[::1]:${port()}`, 'localhost']) {
      expect((await request(s.url).get('/api/whatsapp/status').set('Host', host)).status).toBe(200);
    }
    const creds = await request(s.url).get('/sandbox/api/credentials');
    expect(creds.body.appSecret).toEqual(expect.any(String));
  });

  test('when a cross-site page posts to refresh-kb or the sandbox, then it answers 403 and nothing happens', async () => {
    const refresh = await request(s.url).post('/api/whatsapp/refresh-kb').set('Origin', 'http://evil.example').set('Content-Type', 'application/x-www-form-urlencoded').send('a=1');
    expect(refresh.status).toBe(403);
    expect(refresh.body.error.code).toBe('cross-origin');
    const fetchMeta = await request(s.url).post('/api/whatsapp/refresh-kb').set('Sec-Fetch-Site', 'cross-site');
    expect(fetchMeta.status).toBe(403);
    const before = await s.database.db.query('SELECT count(*)::int AS n FROM sandbox_events');
    const sandbox = await request(s.url).post('/sandbox/api/messages').set('Origin', 'null').send({ phone: '+6281200000009', text: 'halo' });
    expect(sandbox.status).toBe(403);
    const after = await s.database.db.query('SELECT count(*)::int AS n FROM sandbox_events');
    expect(after.rows[0]).toEqual(before.rows[0]);
  });

  test('when the server\'s own page (same origin) or a tool without Origin posts, then it is accepted', async () => {
    const same = await request(s.url).post('/api/whatsapp/refresh-kb').set('Origin', s.url).set('Sec-Fetch-Site', 'same-origin');
    expect(same.status).toBe(200);
    const curl = await request(s.url).post('/api/whatsapp/refresh-kb');
    expect(curl.status).toBe(200);
  });
});

describe('strict sender ids', () => {
  const payload = (from: string, extra: Record<string, unknown> = {}) => ({
    object: 'whatsapp_business_account',
    entry: [{ id: 'W', changes: [{ field: 'messages', value: {
      messaging_product: 'whatsapp', metadata: { phone_number_id: '1' },
      contacts: [{ wa_id: from, profile: { name: 'X' } }],
      messages: [{ from, id: `wamid.${from.length}`, timestamp: '1700000000', type: 'text', text: { body: 'halo' }, ...extra }],
    } }] }],
  });

  it.each(['+62 812-0000-0001', '62812abc0001', '6281200000001 ', '123456', '1234567890123456', '62812\u0660\u0661'])(
    'when `from` is %j, then it never becomes a phone number', (from) => {
      const parsed = parseWebhook(payload(from), new Date());
      expect(parsed.messages.map((m) => m.phone)).toEqual([]);
    });

  test('when `from` is 7 to 15 digits, then it is the phone number', () => {
    expect(parseWebhook(payload('6281200000001'), new Date()).messages[0].phone).toBe('6281200000001');
    expect(parseWebhook(payload('1234567'), new Date()).messages[0].phone).toBe('1234567');
  });

  test('when `from` is not a phone number but Meta sent a user id, then the user id is used and no phone is invented', () => {
    const parsed = parseWebhook(payload('not-a-phone', { from_user_id: 'ID.123' }), new Date());
    expect(parsed.messages[0]).toMatchObject({ phone: null, bsuid: 'ID.123' });
  });
});
