// Operator endpoints, security headers and body limits, seen from outside like an attacker would:
// real HTTP requests to the real app, from loopback and from this machine's non-loopback address.
import http from 'node:http';
import os from 'node:os';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { createWhatsAppTestApp, type WhatsAppTestApp } from '../helpers/whatsapp-test-app';
import { demoSignIn } from '../helpers/web-session';

const ADMIN_TOKEN = 'admin-token-for-tests-0123456789';
const ADMIN_ENDPOINTS: { method: 'get' | 'post'; path: string }[] = [
  { method: 'get', path: '/api/whatsapp/status' },
  { method: 'post', path: '/api/whatsapp/refresh-kb' },
  { method: 'get', path: '/api/analytics' },
  { method: 'get', path: '/admin' },
];

/** An address of this machine that is not loopback (a request to it does not come from 127.0.0.1). */
const OWN_ADDRESS = Object.values(os.networkInterfaces()).flat()
  .find((i) => i && !i.internal && i.family === 'IPv4')?.address;

async function listen(t: WhatsAppTestApp): Promise<{ port: number; close(): Promise<void> }> {
  const server = http.createServer(t.app);
  await new Promise<void>((r) => server.listen(0, '0.0.0.0', r));
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}

describe('admin endpoints with ADMIN_TOKEN set', () => {
  let t: WhatsAppTestApp;
  beforeAll(async () => { t = await createWhatsAppTestApp({ env: { ADMIN_TOKEN }, start: false }); });
  afterAll(async () => { await t.close(); });

  it.each(ADMIN_ENDPOINTS)('when $method $path is called without a token or with a wrong one, then it answers 401 even from the machine itself', async ({ method, path }) => {
    const none = await request(t.app)[method](path);
    expect(none.status).toBe(401);
    expect(none.body.error.code).toBe('unauthorized');
    const wrong = await request(t.app)[method](path).set('Authorization', `Bearer ${ADMIN_TOKEN}x`);
    expect(wrong.status).toBe(401);
    const wrongQuery = await request(t.app)[method](`${path}?token=nope`);
    expect(wrongQuery.status).toBe(401);
  });

  it.each(ADMIN_ENDPOINTS)('when $method $path is called with the right token, then it is served', async ({ method, path }) => {
    const ok = await request(t.app)[method](path).set('Authorization', `Bearer ${ADMIN_TOKEN}`);
    expect(ok.status).toBe(200);
  });
});

describe('admin endpoints without ADMIN_TOKEN', () => {
  let t: WhatsAppTestApp;
  let server: { port: number; close(): Promise<void> };
  beforeAll(async () => {
    t = await createWhatsAppTestApp({ env: { TRUST_PROXY: '1' }, start: false });
    server = await listen(t);
  });
  afterAll(async () => { await server.close(); await t.close(); });

  (OWN_ADDRESS ? it.each(ADMIN_ENDPOINTS) : it.skip.each(ADMIN_ENDPOINTS))('when $method $path is called from another address, then it answers 403, whatever X-Forwarded-For says', async ({ method, path }) => {
    const base = `http://${OWN_ADDRESS}:${server.port}`;
    const res = await request(base)[method](path);
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('forbidden');
    const spoofed = await request(base)[method](path).set('X-Forwarded-For', '127.0.0.1');
    expect(spoofed.status).toBe(403);
  });

  it.each(ADMIN_ENDPOINTS)('when $method $path comes from loopback through a proxy (X-Forwarded-For), then it answers 403', async ({ method, path }) => {
    const res = await request(`http://127.0.0.1:${server.port}`)[method](path).set('X-Forwarded-For', '203.0.113.9');
    expect(res.status).toBe(403);
  });

  it.each(ADMIN_ENDPOINTS)('when $method $path is called on the machine itself, then it is served', async ({ method, path }) => {
    const res = await request(`http://127.0.0.1:${server.port}`)[method](path);
    expect(res.status).toBe(200);
  });
});

describe('security headers and body limits', () => {
  let t: WhatsAppTestApp;
  beforeAll(async () => { t = await createWhatsAppTestApp({ start: false }); });
  afterAll(async () => { await t.close(); });

  const HELMET = ['x-content-type-options', 'x-frame-options', 'referrer-policy', 'cross-origin-opener-policy', 'content-security-policy'];

  it.each(['/healthz', '/readyz', '/api/me', '/no-such-page', '/webhook/whatsapp?hub.mode=subscribe', '/', '/api/whatsapp/status'])(
    'when %s is requested, then the response carries the security headers and no X-Powered-By', async (path) => {
      const res = await request(t.app).get(path);
      for (const h of HELMET) expect(res.headers[h]).toBeDefined();
      expect(res.headers['x-powered-by']).toBeUndefined();
      expect(res.headers['x-content-type-options']).toBe('nosniff');
    });

  it('when a signed webhook is posted, then its answer carries the security headers too', async () => {
    const res = await t.post({ object: 'whatsapp_business_account', entry: [] });
    expect(res.status).toBe(200);
    for (const h of HELMET) expect(res.headers[h]).toBeDefined();
  });

  it('when the web chat page and /admin are served, then they keep their own strict script policy', async () => {
    const page = await request(t.app).get('/');
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.headers['content-security-policy']).toContain('googleusercontent.com');
    const admin = await request(t.app).get('/admin');
    expect(admin.headers['content-security-policy']).toContain("form-action 'none'");
    expect(admin.headers['x-frame-options']).toBeDefined();
  });

  it('when the server runs outside production, then no response asks the browser to upgrade to HTTPS', async () => {
    const res = await request(t.app).get('/healthz');
    expect(res.headers['content-security-policy']).not.toContain('upgrade-insecure-requests');
    expect(res.headers['strict-transport-security']).toBeUndefined();
  });

  it('when a body larger than 3 MB is sent to any route, then it answers 413 and the server keeps serving', async () => {
    const big = 'x'.repeat(3 * 1024 * 1024 + 10);
    for (const path of ['/webhook/whatsapp', '/api/chat', '/auth/demo', '/api/whatsapp/refresh-kb', '/no-such-route']) {
      const res = await request(t.app).post(path).set('content-type', 'application/json').send(big);
      expect([path, res.status]).toEqual([path, 413]);
    }
    expect((await request(t.app).get('/healthz')).status).toBe(200);
  });

  it('when the web chat gets a body over its own limits, then it answers 413 with a clear error', async () => {
    const { agent, csrf } = await demoSignIn(t.app, 'Limit');
    const chat = await agent.post('/api/chat').set('X-CSRF-Token', csrf).set('content-type', 'application/json')
      .send(JSON.stringify({ message: 'a'.repeat(40 * 1024) }));
    expect(chat.status).toBe(413);
    expect(chat.body.error.code).toBe('payload-too-large');
    const demo = await request(t.app).post('/auth/demo').set('content-type', 'application/json').send(JSON.stringify({ name: 'b'.repeat(8 * 1024) }));
    expect(demo.status).toBe(413);
  });

  it('when the webhook gets a body over 3 MB, then it answers 413 and stores nothing', async () => {
    const res = await request(t.app).post('/webhook/whatsapp').set('content-type', 'application/json').send(`{"a":"${'y'.repeat(3 * 1024 * 1024)}"}`);
    expect(res.status).toBe(413);
    expect(await t.count('SELECT count(*)::int AS n FROM whatsapp_inbound')).toBe(0);
  });
});
