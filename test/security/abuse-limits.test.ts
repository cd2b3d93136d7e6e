// Memory and connections an unauthenticated client can make the server hold: unsigned webhook
// bodies in flight, a declared body over the limit, and the HTTP server's own timeouts. Real
// sockets against the real app on 127.0.0.1.
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { createHttpServer, SERVER_LIMITS } from '../../src/server';
import { createWhatsAppTestApp, type WhatsAppTestApp } from '../helpers/whatsapp-test-app';
import { signedRequest } from '../helpers/whatsapp-payloads';

/** Opens a raw connection and sends `head` (and `body`, if any); resolves the first bytes answered. */
function rawRequest(port: number, head: string, body = ''): { socket: net.Socket; answer: Promise<string> } {
  const socket = net.connect(port, '127.0.0.1');
  const answer = new Promise<string>((resolve) => {
    let got = '';
    socket.on('data', (d) => { got += d.toString(); if (got.includes('\r\n\r\n')) resolve(got); });
    socket.on('close', () => resolve(got));
    socket.on('error', () => resolve(got));
  });
  socket.write(head + body);
  return { socket, answer };
}

const post = (length: number, extra = '') =>
  `POST /webhook/whatsapp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${length}\r\n${extra}\r\n`;

describe('unauthenticated webhook bodies', () => {
  let t: WhatsAppTestApp;
  let server: ReturnType<typeof createHttpServer>;
  let port: number;
  beforeAll(async () => {
    t = await createWhatsAppTestApp({ env: { WEBHOOK_UNVERIFIED_MAX_BYTES: String(64 * 1024) }, start: false });
    server = createHttpServer(t.app);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    await t.close();
  });

  test('when a webhook declares a body over 3 MB, then it gets 413 at once, without the server waiting for the body', async () => {
    const started = Date.now();
    const { socket, answer } = rawRequest(port, post(4 * 1024 * 1024));
    const text = await answer;
    socket.destroy();
    expect(text).toMatch(/^HTTP\/1\.1 413/);
    expect(text).toMatch(/connection: close/i);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  test('when stalled unsigned uploads hold the unverified-bytes budget, then a further one gets 503 with Retry-After before anything is read, and the budget comes back when they go away', async () => {
    // 50 kB declared, 10 bytes sent, then silence: holds its 50 kB reservation.
    const stalled = rawRequest(port, post(50_000), '{"object":');
    await new Promise((r) => setTimeout(r, 150));
    const refused = rawRequest(port, post(20_000));
    const text = await refused.answer;
    refused.socket.destroy();
    expect(text).toMatch(/^HTTP\/1\.1 503/);
    expect(text).toMatch(/retry-after: 5/i);

    stalled.socket.destroy();
    await new Promise((r) => setTimeout(r, 150));
    const { body, headers } = signedRequest({ object: 'whatsapp_business_account', entry: [] });
    const ok = await fetch(`http://127.0.0.1:${port}/webhook/whatsapp`, { method: 'POST', headers, body });
    expect(ok.status).toBe(200);
  });

  test('when a small signed delivery arrives while the budget has room, then it is stored as before', async () => {
    const { body, headers } = signedRequest({ object: 'whatsapp_business_account', entry: [] });
    const res = await fetch(`http://127.0.0.1:${port}/webhook/whatsapp`, { method: 'POST', headers, body });
    expect(res.status).toBe(200);
  });
});

describe('HTTP server limits', () => {
  test('when the server is made, then slow headers, slow bodies and idle keep-alive connections are bounded', () => {
    const server = createHttpServer(() => {});
    expect(server.headersTimeout).toBe(SERVER_LIMITS.headersTimeout);
    expect(server.requestTimeout).toBe(SERVER_LIMITS.requestTimeout);
    expect(server.keepAliveTimeout).toBe(SERVER_LIMITS.keepAliveTimeout);
    expect(SERVER_LIMITS.headersTimeout).toBeLessThanOrEqual(20_000);
    expect(SERVER_LIMITS.requestTimeout).toBeLessThanOrEqual(30_000);
    // Node's per-socket request cap answers 503 instead of closing: not set.
    expect(server.maxRequestsPerSocket).toBeFalsy();
  });

  test('when a client sends its headers too slowly, then the connection is closed', async () => {
    const server = createHttpServer((_req, res) => res.end('ok'));
    server.headersTimeout = 300;
    server.requestTimeout = 300;
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const { socket, answer } = rawRequest((server.address() as AddressInfo).port, 'GET / HTTP/1.1\r\nHost: x\r\n');
      const started = Date.now();
      const text = await answer;
      socket.destroy();
      expect(text).toMatch(/^HTTP\/1\.1 408|^$/);
      expect(Date.now() - started).toBeLessThan(SERVER_LIMITS.connectionsCheckingInterval + 2000);
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });
});
