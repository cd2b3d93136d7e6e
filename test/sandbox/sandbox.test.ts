// The local sandbox drives the real path: its page API signs a genuine webhook and POSTs it over
// HTTP to /webhook/whatsapp; the real buffer, AI turn and Graph client answer through the sandbox's
// Graph endpoint. And it never exists in production.
import request from 'supertest';
import { parseConfig } from '../../src/config';
import { verifySignature } from '../../src/whatsapp/signature';
import { createTestApp } from '../helpers/test-app';
import { recordingAi } from '../helpers/whatsapp-test-app';
import { createSandboxTestApp, eventually, type SandboxTestApp } from '../helpers/sandbox-app';
import { metaEnv, signedRequest, textPayload } from '../helpers/whatsapp-payloads';
import { startFakeGraphServer } from '../helpers/fake-graph-server';

interface Conversation {
  messages: { id: string; from: 'user' | 'bot'; text: string; read: boolean }[];
  typing: boolean; pending: boolean;
  events: { id: number; direction: string; kind: string; path: string; headers: Record<string, string>; body: string; responseStatus: number; responseBody: string }[];
}

const send = (t: SandboxTestApp, text: string, phone = '+62 812-3456-7890', name = 'Budi') =>
  fetch(`${t.url}/sandbox/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ phone, name, text }) });
const conversation = async (t: SandboxTestApp, phone = '6281234567890'): Promise<Conversation> =>
  (await fetch(`${t.url}/sandbox/api/conversation?phone=${phone}`)).json() as Promise<Conversation>;

describe('WhatsApp sandbox', () => {
  let t: SandboxTestApp;
  const ai = recordingAi();
  beforeAll(async () => { t = await createSandboxTestApp({ ai, bufferMs: 400 }); });
  afterAll(async () => { await t.close(); });

  test('when two messages are sent from the sandbox page, then one merged reply comes back through the real webhook, buffer and Graph client', async () => {
    const first = await send(t, 'halo');
    expect(first.status).toBe(200);
    await expect(first.json()).resolves.toMatchObject({ status: 200, response: 'EVENT_RECEIVED' });
    expect((await send(t, 'skor kredit saya berapa?')).status).toBe(200);

    const c = await eventually(async () => {
      const x = await conversation(t);
      return x.messages.some((m) => m.from === 'bot') && !x.pending ? x : undefined;
    });
    expect(c.messages.map((m) => [m.from, m.text])).toEqual([
      ['user', 'halo'], ['user', 'skor kredit saya berapa?'], ['bot', 'Reply to: halo | skor kredit saya berapa?'],
    ]);
    expect(ai.turns).toHaveLength(1);
    expect(ai.turns[0]).toMatchObject({ userId: 'whatsapp_6281234567890', channel: 'whatsapp', userName: 'Budi' });
    // Both user messages were marked read by the Graph client's read receipt + typing indicator.
    expect(c.messages.filter((m) => m.from === 'user').every((m) => m.read)).toBe(true);

    // The panel shows the exact signed webhooks and the Graph calls, in the shapes Meta uses.
    const credentials = (await request(t.app).get('/sandbox/api/credentials')).body as { appSecret: string; phoneNumberId: string };
    const webhooks = c.events.filter((e) => e.direction === 'webhook');
    expect(webhooks).toHaveLength(2);
    for (const w of webhooks) {
      expect(w.path).toBe('/webhook/whatsapp');
      expect(verifySignature(w.body, w.headers['x-hub-signature-256'], credentials.appSecret)).toBe(true);
      expect(JSON.parse(w.body)).toMatchObject({ object: 'whatsapp_business_account', entry: [{ changes: [{ field: 'messages', value: {
        messaging_product: 'whatsapp', metadata: { phone_number_id: credentials.phoneNumberId }, contacts: [{ profile: { name: 'Budi' }, wa_id: '6281234567890' }],
      } }] }] });
    }
    const graph = c.events.filter((e) => e.direction === 'graph');
    const read = graph.find((e) => e.kind === 'read' && /typing_indicator/.test(e.body))!; // after the window (reads without typing came during it)
    expect(read.path).toBe(`/sandbox/graph/v26.0/${credentials.phoneNumberId}/messages`);
    expect(JSON.parse(read.body)).toMatchObject({ messaging_product: 'whatsapp', status: 'read', typing_indicator: { type: 'text' } });
    expect(JSON.parse(read.responseBody)).toEqual({ success: true });
    const text = graph.find((e) => e.kind === 'text')!;
    expect(JSON.parse(text.body)).toMatchObject({ messaging_product: 'whatsapp', recipient_type: 'individual', to: '6281234567890', type: 'text' });
    expect(JSON.parse(text.responseBody)).toMatchObject({ messaging_product: 'whatsapp', contacts: [{ wa_id: '6281234567890' }], messages: [{ id: expect.stringMatching(/^wamid\./) }] });
    expect(c.typing).toBe(false);
  });

  test('when a reply is longer than WhatsApp allows, then the real client splits it and the sandbox receives every part', async () => {
    const long = recordingAi(() => `${'Kalimat panjang tentang skor kredit. '.repeat(150)}Selesai.`);
    const t2 = await createSandboxTestApp({ ai: long, bufferMs: 100 });
    try {
      await send(t2, 'jelaskan semuanya', '+6285712345678');
      const c = await eventually(async () => {
        const x = await conversation(t2, '6285712345678');
        return x.messages.some((m) => m.from === 'bot') && !x.pending ? x : undefined;
      });
      const parts = c.messages.filter((m) => m.from === 'bot');
      expect(parts.length).toBe(2);
      expect(parts.every((p) => p.text.length <= 4096)).toBe(true);
      expect(parts[1].text.endsWith('Selesai.')).toBe(true);
    } finally { await t2.close(); }
  });

  test('when a webhook is signed with another secret, then the sandbox webhook still refuses it with 401', async () => {
    const { body, headers } = signedRequest(textPayload('6281111111111', 'forged'), 'not-the-sandbox-secret');
    const res = await request(t.app).post('/webhook/whatsapp').set(headers).send(body);
    expect(res.status).toBe(401);
    expect(res.body.error.message).toBe('Invalid webhook signature');
  });

  test('when Meta-style verification uses the sandbox verify token, then the challenge is echoed; a wrong token gets 403', async () => {
    const { verifyToken } = (await request(t.app).get('/sandbox/api/credentials')).body as { verifyToken: string };
    const ok = await request(t.app).get('/webhook/whatsapp').query({ 'hub.mode': 'subscribe', 'hub.verify_token': verifyToken, 'hub.challenge': '42' });
    expect(ok.status).toBe(200);
    expect(ok.text).toBe('42');
    const bad = await request(t.app).get('/webhook/whatsapp').query({ 'hub.mode': 'subscribe', 'hub.verify_token': '', 'hub.challenge': '42' });
    expect(bad.status).toBe(403);
  });

  test('when the Graph endpoint is called without the sandbox access token, then it answers like Meta: 401 with error 190', async () => {
    const res = await fetch(`${t.url}/sandbox/graph/v26.0/100000000000001/messages`, {
      method: 'POST', headers: { authorization: 'Bearer wrong', 'content-type': 'application/json' },
      body: JSON.stringify({ messaging_product: 'whatsapp', to: '628', type: 'text', text: { body: 'x' } }),
    });
    expect(res.status).toBe(401);
    await expect(res.json()).resolves.toMatchObject({ error: { code: 190, type: 'OAuthException' } });
  });

  test('when the status endpoint is asked, then it says the sandbox is on and the webhook is configured', async () => {
    const res = await request(t.app).get('/api/whatsapp/status');
    expect(res.status).toBe(200);
    expect(res.body.sandbox).toEqual({ enabled: true, page: '/sandbox' });
    expect(res.body.webhook.isConfigured).toBe(true);
    expect(res.body.graph.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/sandbox\/graph$/);
  });

  test('when the page sends bad input, then it gets a clear 400 and nothing is sent', async () => {
    const res = await fetch(`${t.url}/sandbox/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ phone: '12', text: 'x' }) });
    expect(res.status).toBe(400);
    await expect(res.json()).resolves.toMatchObject({ error: { code: 'invalid-phone' } });
    const empty = await fetch(`${t.url}/sandbox/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ phone: '+628123', text: '  ' }) });
    expect(empty.status).toBe(400);
  });

  test('when the page is opened, then it is served with a strict Content-Security-Policy (no inline script)', async () => {
    const res = await request(t.app).get('/sandbox');
    expect(res.status).toBe(200);
    expect(res.text).toContain('<script src="/sandbox/sandbox.js"');
    expect(res.headers['content-security-policy']).toContain("script-src 'self'");
    expect(res.headers['content-security-policy']).not.toContain('unsafe-inline\'; script');
  });
});

describe('WhatsApp sandbox on demand and at start', () => {
  test('when WHATSAPP_SANDBOX=true while META_* are set, then the sandbox answers and nothing reaches the configured Graph API', async () => {
    const meta = await startFakeGraphServer();
    const t = await createSandboxTestApp({ ai: recordingAi(), bufferMs: 100, env: { ...metaEnv(meta.url), WHATSAPP_SANDBOX: 'true' } });
    try {
      expect((await send(t, 'halo', '+6281398765432')).status).toBe(200);
      const c = await eventually(async () => {
        const x = await conversation(t, '6281398765432');
        return x.messages.some((m) => m.from === 'bot') && !x.pending ? x : undefined;
      });
      expect(c.messages.at(-1)).toMatchObject({ from: 'bot', text: 'Reply to: halo' });
      expect(meta.calls).toEqual([]);
    } finally { await t.close(); await meta.close(); }
  });

  test('when a webhook arrives before the sandbox secrets can be read, then it gets 503 (delivered again later), not 401', async () => {
    const t = await createTestApp({ build: { overrides: { ai: recordingAi() } } });
    try {
      await t.database.db.close();
      const { body, headers } = signedRequest(textPayload('6281234567890', 'halo'), 'whatever');
      const res = await request(t.app).post('/webhook/whatsapp').set(headers).send(body);
      expect(res.status).toBe(503);
      expect(res.body.error.code).toBe('sandbox-starting');
    } finally { await t.close().catch(() => {}); }
  });
});

describe('WhatsApp sandbox with an ADMIN_TOKEN', () => {
  test('when the sandbox API is called without the token, then it answers 401 and the secret stays hidden', async () => {
    const t = await createTestApp({ env: { ADMIN_TOKEN: 'admin-secret' } });
    try {
      const res = await request(t.app).get('/sandbox/api/credentials');
      expect(res.status).toBe(401);
      expect(JSON.stringify(res.body)).not.toMatch(/appSecret/);
      const ok = await request(t.app).get('/sandbox/api/credentials').set('authorization', 'Bearer admin-secret');
      expect(ok.status).toBe(200);
      expect(ok.body.appSecret).toMatch(/^[0-9a-f]{48}$/);
    } finally { await t.close(); }
  });
});

describe('WhatsApp sandbox in production', () => {
  test('when NODE_ENV=production, then the sandbox is off whatever the variables say and its routes do not exist', async () => {
    const env = { NODE_ENV: 'production', SESSION_SECRET: 'x'.repeat(40), WHATSAPP_SANDBOX: 'true' };
    expect(parseConfig(env).whatsapp.sandbox).toBe(false);
    const t = await createTestApp({ env });
    try {
      for (const path of ['/sandbox', '/sandbox/', '/sandbox/sandbox.js', '/sandbox/api/credentials', '/sandbox/api/info']) {
        expect((await request(t.app).get(path)).status).toBe(404);
      }
      expect((await request(t.app).post('/sandbox/graph/v26.0/100000000000001/messages').send({})).status).toBe(404);
      // Without META_* the production webhook is simply not configured.
      const { body, headers } = signedRequest(textPayload('6281234567890', 'halo'), 'anything');
      const res = await request(t.app).post('/webhook/whatsapp').set(headers).send(body);
      expect(res.status).toBe(503);
      expect(res.body.error.message).toBe('WhatsApp integration is not fully configured');
      expect(t.deps.modules.map((m) => m.name)).not.toContain('whatsapp-sandbox');
    } finally { await t.close(); }
  });

  test('when the server runs with --original, then there is no sandbox either', async () => {
    const t = await createTestApp({ argv: ['--original'] });
    try {
      expect(t.config.whatsapp.sandbox).toBe(false);
      expect((await request(t.app).get('/sandbox/api/info')).status).toBe(404);
    } finally { await t.close(); }
  });
});
