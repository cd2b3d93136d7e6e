// Runs conversations on both channels, the failure paths (bad signatures, Graph and OpenRouter
// errors, wrong admin tokens) and the operator endpoints with a real pino logger at debug level,
// then scans every captured line: no secret and no full phone number may appear, in any format.
import request from 'supertest';
import { errorResponse, startFakeOpenRouter, type FakeOpenRouter } from '../helpers/fake-openrouter-server';
import { graphError } from '../helpers/fake-graph-server';
import { createWhatsAppTestApp, sleep, type WhatsAppTestApp } from '../helpers/whatsapp-test-app';
import { statusUpdate, textPayload, webhookPayload } from '../helpers/whatsapp-payloads';
import { demoSignIn } from '../helpers/web-session';

const SECRETS = {
  META_APP_SECRET: 'appsecret-5f2c9e1d7a4b',
  META_ACCESS_TOKEN: 'EAAGaccesstoken8d1e7f2c3b',
  META_WEBHOOK_VERIFY_TOKEN: 'verifytoken-3b9a7c1e',
  OPENROUTER_API_KEY: 'sk-or-v1-secretkey4c7d9e2f',
  SESSION_SECRET: 'sessionsecret-9e8f7a6b5c4d3e2f',
  ADMIN_TOKEN: 'admintoken-1a2b3c4d5e6f',
};
const PHONES = ['6281234567890', '6285712345678', '15551234567'];
/** The digits of a phone with any usual separators between them (+62 812-3456-7890, 0812 3456 7890). */
const phonePattern = (digits: string) => new RegExp(digits.split('').join('[\\s\\-.()]{0,2}'));

let or: FakeOpenRouter;
let t: WhatsAppTestApp;
const cookies: string[] = [];

beforeAll(async () => {
  or = await startFakeOpenRouter();
  t = await createWhatsAppTestApp({ bufferMs: 100, env: { ...SECRETS, OPENROUTER_URL: or.url, OPENROUTER_MAX_RETRY_MS: '300', LOG_LEVEL: 'debug' } });
});
afterAll(async () => { await t.close(); await or.close(); });

async function waitSent(n: number) {
  const end = Date.now() + 10_000;
  while (t.graph.sent().length < n) { if (Date.now() > end) throw new Error(`only ${t.graph.sent().length} of ${n} sent`); await sleep(20); }
  await sleep(100);
}

describe('what never appears in the logs', () => {
  it('when both channels, their failures and the operator endpoints have run, then no secret and no full phone number is in the log', async () => {
    const [p1, p2, p3] = PHONES;
    // Meta's verify handshake, right and wrong.
    await request(t.app).get('/webhook/whatsapp').query({ 'hub.mode': 'subscribe', 'hub.verify_token': SECRETS.META_WEBHOOK_VERIFY_TOKEN, 'hub.challenge': '42' }).expect(200);
    await request(t.app).get('/webhook/whatsapp').query({ 'hub.mode': 'subscribe', 'hub.verify_token': 'wrong', 'hub.challenge': '42' }).expect(403);
    // A normal conversation, whose text also contains phone numbers in several formats.
    await t.post(textPayload(p1, `Halo, nomor saya +62 812-3456-7890 dan istri 0857-1234-5678, skor saya berapa?`, { name: `Budi ${p1}` }), SECRETS.META_APP_SECRET).expect(200);
    await waitSent(1);
    // Graph API fails (token expired, then 500s), OpenRouter fails (500s: the busy message).
    t.graph.failNext(graphError(190, 'Error validating access token: Session has expired', 401), 1, 'text');
    await t.post(textPayload(p2, 'pesan kedua'), SECRETS.META_APP_SECRET).expect(200);
    await sleep(600);
    or.script(errorResponse(500, 'upstream down'), errorResponse(500, 'upstream down'), errorResponse(500, 'upstream down'));
    await t.post(textPayload(p3, 'third message'), SECRETS.META_APP_SECRET).expect(200);
    await sleep(1200);
    // A failed-delivery status callback naming the recipient, a forged webhook, a foreign number.
    await t.post(webhookPayload({ statuses: [statusUpdate({ id: 'wamid.X', status: 'failed', recipient: p1, errorCode: 131026, errorTitle: `Message undeliverable to ${p1}` })] }), SECRETS.META_APP_SECRET).expect(200);
    await t.post(textPayload(p1, 'forged'), 'not-the-secret').expect(401);
    await t.post(webhookPayload({ messages: [{ from: p2, text: 'other business' }], phoneNumberId: '999' }), SECRETS.META_APP_SECRET).expect(200);

    // Web chat: sign in, ask, sign out.
    const web = await demoSignIn(t.app, 'Sari');
    await web.agent.post('/api/chat').set('X-CSRF-Token', web.csrf).send({ message: `Nomor WA saya ${p1}, apa itu kolektibilitas?` });
    const me = await web.agent.get('/api/me');
    cookies.push(...([] as string[]).concat(me.request.cookies ?? []));
    await web.agent.post('/auth/logout').set('X-CSRF-Token', web.csrf);

    // Operator endpoints: right token (header and ?token=), wrong token.
    await request(t.app).get('/api/whatsapp/status').set('Authorization', `Bearer ${SECRETS.ADMIN_TOKEN}`).expect(200);
    await request(t.app).get(`/admin?token=${SECRETS.ADMIN_TOKEN}`).expect(200);
    await request(t.app).get('/api/analytics').set('Authorization', `Bearer ${SECRETS.ADMIN_TOKEN}x`).expect(401);
    await request(t.app).post('/api/whatsapp/refresh-kb').set('Authorization', `Bearer ${SECRETS.ADMIN_TOKEN}`).expect(200);
    await t.deps.chatLogger.flush();

    const text = t.logs.text();
    if (process.env.SHOW_LOGS) console.log(t.logs.lines().map((l) => `${l.level} ${l.msg}`).join('\n'), cookies);
    expect(t.logs.lines().length).toBeGreaterThan(20); // the scan looked at a real log
    expect(text).toMatch(/Received 1 messages from 6281\*{4}890/); // phones are there, shortened
    for (const [name, secret] of Object.entries(SECRETS)) expect([name, text.includes(secret)]).toEqual([name, false]);
    for (const phone of PHONES) expect([phone, phonePattern(phone).test(text)]).toEqual([phone, false]);
    for (const formatted of ['0857-1234-5678', '0857 1234 5678', '085712345678']) expect(text).not.toContain(formatted);
    // The login session id is a credential too.
    const sid = /aicw\.sid=s%3A([^.;]+)/.exec(cookies.join(';'))?.[1];
    if (sid) expect(text).not.toContain(decodeURIComponent(sid));
  });
});
