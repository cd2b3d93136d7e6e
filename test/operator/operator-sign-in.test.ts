// Operators sign in with Google (fake provider on 127.0.0.1), restricted to OPERATOR_EMAILS, and
// hand a web chat conversation over and back; the escalation phrases are recognised offline.
import request from 'supertest';
import { createEmptyKnowledgeBase } from '../../src/knowledge/types';
import { asksForHuman, optKeyword } from '../../src/operator/handoff-keywords';
import { startFakeGoogle, type FakeGoogle } from '../helpers/fake-google-server';
import { createTestApp, type TestApp } from '../helpers/test-app';
import { googleSignIn, type Agent } from '../helpers/web-session';
import { recordingAi } from '../helpers/whatsapp-test-app';

let google: FakeGoogle;
let t: TestApp;
const ai = recordingAi();

beforeAll(async () => {
  google = await startFakeGoogle();
  t = await createTestApp({
    env: { ...google.env, ADMIN_TOKEN: 'tok-operator-sign-in', OPERATOR_EMAILS: 'rina@example.com, Budi@Example.com' },
    build: { overrides: { ai, knowledge: createEmptyKnowledgeBase() } },
  });
});
afterAll(async () => { await t.close(); await google.close(); });

/** The operator flow: /admin/auth/google → fake Google → /admin/auth/google/callback. */
async function operatorSignIn(email: string): Promise<{ agent: Agent; location: string }> {
  google.account = { sub: `op-${email.replace(/\W/g, '')}`, name: `Operator ${email}`, email, email_verified: true };
  const agent = request.agent(t.app);
  const start = await agent.get('/admin/auth/google').expect(302);
  const consent = await fetch(new URL(start.headers.location), { redirect: 'manual' });
  const back = new URL(consent.headers.get('location')!);
  expect(back.pathname).toBe('/admin/auth/google/callback');
  const done = await agent.get(back.pathname + back.search).expect(303);
  return { agent, location: done.headers.location };
}

async function webCustomer(): Promise<{ agent: Agent; csrf: string; userId: string }> {
  google.account = { sub: '555000111', name: 'Nasabah Web', email: 'nasabah@example.com', email_verified: true };
  const agent = request.agent(t.app);
  await googleSignIn(agent);
  const me = await agent.get('/api/me').expect(200);
  return { agent, csrf: me.body.csrfToken, userId: me.body.user.id };
}

describe('operator sign-in', () => {
  it('when an allowed operator signs in with Google, then the console and the operator API open without a token; the address is compared case-insensitively', async () => {
    const { agent, location } = await operatorSignIn('budi@example.com');
    expect(location).toBe('/admin#conversations');
    expect((await agent.get('/api/operator/me').expect(200)).body.operator).toEqual({ email: 'budi@example.com', name: 'Operator budi@example.com', via: 'google' });
    await agent.get('/admin').expect(200).expect('content-type', /html/);
    await agent.get('/api/operator/conversations').expect(200);
    await agent.get('/api/analytics').expect(200);
    // The operator cookie is not a web chat sign-in.
    await agent.get('/api/me').expect(401);
    await agent.post('/admin/auth/logout').expect(200);
    await agent.get('/api/operator/me').expect(401);
  });

  it('when someone not in OPERATOR_EMAILS signs in, then they are sent back to the sign-in page and get nothing; without a session /admin goes to the sign-in page, while the token keeps working', async () => {
    const { agent, location } = await operatorSignIn('stranger@example.com');
    expect(location).toBe('/admin/login?signin=refused');
    await agent.get('/api/operator/conversations').expect(401);
    const page = await request(t.app).get('/admin').expect(303);
    expect(page.headers.location).toBe('/admin/login');
    await request(t.app).get('/admin/login').expect(200).expect('content-type', /html/);
    await request(t.app).get('/api/operator/conversations').set('authorization', 'Bearer tok-operator-sign-in').expect(200);
    await request(t.app).get('/admin?token=tok-operator-sign-in').expect(200);
  });
});

describe('handoff in the web chat', () => {
  it('when a web customer asks for a person, then they wait without the AI; the operator takes over and replies into the chat; after release the AI answers with the operator turn in its history', async () => {
    const c = await webCustomer();
    const ask = (message: string) => c.agent.post('/api/chat').set('x-csrf-token', c.csrf).send({ message }).expect(200);
    const turns = ai.turns.length;
    const esc = await ask('Saya mau bicara dengan admin manusia soal sanggahan');
    expect(esc.body.reply.text).toMatch(/petugas/);
    expect(ai.turns.length).toBe(turns);

    const { agent: op } = await operatorSignIn('rina@example.com');
    const inbox = (await op.get('/api/operator/conversations?state=needs_human').expect(200)).body.conversations;
    expect(inbox).toEqual([expect.objectContaining({ userId: c.userId, channel: 'web', name: 'Nasabah Web', state: 'needs_human', unread: 1 })]);
    // A cookie-authenticated write must be JSON (no cross-site form posts).
    await op.post(`/api/operator/conversations/${c.userId}/takeover`).type('form').send('force=true').expect(415);
    await op.post(`/api/operator/conversations/${c.userId}/takeover`).send({}).expect(200, { userId: c.userId, state: 'human', operator: 'rina@example.com' });

    const held = await ask('Halo? Masih menunggu');
    expect(held.body.reply).toMatchObject({ held: true, text: '' });
    expect(ai.turns.length).toBe(turns);
    await op.post(`/api/operator/conversations/${c.userId}/messages`).set('idempotency-key', 'web-reply-000001')
      .send({ text: 'Halo, saya Rina. Sanggahan Anda sedang kami proses.' }).expect(201);
    const history = (await c.agent.get('/api/chat/history').expect(200)).body.messages;
    expect(history.at(-1)).toMatchObject({ role: 'operator', channel: 'web', text: 'Halo, saya Rina. Sanggahan Anda sedang kami proses.' });

    const thread = (await op.get(`/api/operator/conversations/${c.userId}`).expect(200)).body;
    expect(thread.messages.at(-1)).toMatchObject({ role: 'operator', operator: 'rina@example.com', status: 'sent' });
    expect(thread.conversation).toMatchObject({ state: 'human', operator: 'rina@example.com', credit: expect.any(String) });
    expect(thread.actions.map((a: { actor: string; action: string }) => `${a.actor} ${a.action}`)).toEqual(['customer escalate', 'rina@example.com takeover', 'rina@example.com message']);

    await op.post(`/api/operator/conversations/${c.userId}/release`).send({}).expect(200);
    const after = await ask('Terima kasih, kapan selesai?');
    expect(after.body.reply.held).toBeUndefined();
    expect(ai.turns.at(-1)!.history.at(-1)).toMatchObject({ role: 'operator', text: expect.stringContaining('Rina') });
  });
});

describe('opt-out and the web chat', () => {
  it('when a person who opted out on WhatsApp (STOP) asks in the web chat, then the web chat still answers them', async () => {
    const c = await webCustomer();
    await t.database.db.query("INSERT INTO operator_conversations (user_id, state) VALUES ($1, 'opted_out') ON CONFLICT (user_id) DO UPDATE SET state = 'opted_out'", [c.userId]);
    const turns = ai.turns.length;
    const r = await c.agent.post('/api/chat').set('x-csrf-token', c.csrf).send({ message: 'berapa skor saya?' }).expect(200);
    expect(r.body.reply.held).toBeUndefined();
    expect(ai.turns.length).toBe(turns + 1);
  });
});

describe('recognising a request for a person (no model)', () => {
  it.each([
    ['mau bicara dengan CS', 'id'], ['saya ingin ngobrol sama orang', 'id'], ['admin manusia dong', 'id'], ['operator', 'id'],
    ['Can I talk to a human agent?', 'en'], ['I want to speak with someone', 'en'], ['customer service please', 'en'],
  ])('when the message is "%s", then it asks for a person (%s)', (text, lang) => {
    expect(asksForHuman(text)).toBe(lang);
  });
  it.each(['berapa skor kredit saya?', 'operator seluler saya Telkomsel', 'kenapa kolektibilitas saya 2?'])('when the message is "%s", then it does not', (text) => {
    expect(asksForHuman(text)).toBeNull();
  });
  it('when a message is exactly STOP, BERHENTI, UNSUBSCRIBE, START or MULAI in any case, then it is a keyword; inside a sentence it is not', () => {
    expect(['STOP', 'berhenti', 'Unsubscribe', 'start', 'MULAI'].map((w) => optKeyword(w)?.kind)).toEqual(['stop', 'stop', 'stop', 'start', 'start']);
    expect(optKeyword('tolong stop tagihan ini')).toBeNull();
  });
});
