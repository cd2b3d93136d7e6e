// Linking a WhatsApp number to the person's web account, end to end: sign in on the web, ask for
// a code, send it from WhatsApp (signed webhook → buffer → link → confirmation through the fake
// Graph server), then ask a question and look at the prompt the fake OpenRouter server received.
import request from 'supertest';
import { generateDummyProfile } from '../../src/credit/dummy-profile';
import { startFakeOpenRouter, type FakeOpenRouter } from '../helpers/fake-openrouter-server';
import { createWhatsAppTestApp, sleep, type WhatsAppTestApp } from '../helpers/whatsapp-test-app';
import { textPayload } from '../helpers/whatsapp-payloads';
import { demoSignIn, type Agent } from '../helpers/web-session';

let or: FakeOpenRouter;
let t: WhatsAppTestApp;

beforeAll(async () => {
  or = await startFakeOpenRouter();
  t = await createWhatsAppTestApp({ bufferMs: 100, env: { OPENROUTER_API_KEY: 'sk-or-v1-test-key', OPENROUTER_URL: or.url } });
});
afterAll(async () => { await t.close(); await or.close(); });

async function waitFor(cond: () => boolean | Promise<boolean>, ms = 8000) {
  const end = Date.now() + ms;
  while (!(await cond())) { if (Date.now() > end) throw new Error('timed out'); await sleep(20); }
}
const sentTo = (phone: string) => t.graph.sent().filter((c) => c.to === phone).map((c) => c.text ?? '');
async function replyTo(phone: string, text: string): Promise<string> {
  const before = sentTo(phone).length;
  await t.post(textPayload(phone, text)).expect(200);
  await waitFor(() => sentTo(phone).length > before);
  await sleep(50);
  return sentTo(phone).slice(before).join('\n');
}
const promptOf = (i: number) => or.requests[i].body.messages.map((m) => (typeof m.content === 'string' ? m.content : JSON.stringify(m.content))).join('\n');

/** A web account with a real (not generated) credit report whose lender names are easy to find. */
async function webAccount(name: string, marker: string): Promise<{ agent: Agent; csrf: string; userId: string }> {
  const s = await demoSignIn(t.app, name);
  await t.database.db.query('DELETE FROM usercreditinsights WHERE user_id = $1', [s.userId]);
  await t.database.db.query('DELETE FROM usertradelinedata WHERE user_id = $1', [s.userId]);
  const profile = generateDummyProfile(s.userId);
  profile.tradelines.forEach((tl, i) => { tl.lender_name = `${marker} ${i}`; });
  profile.insights.score_provider = 'Pefindo Biro Kredit';
  await t.database.db.transaction((tx) => t.deps.credit.insertProfile(tx, s.userId, profile, false));
  return s;
}

describe('linking a WhatsApp number from the web chat', () => {
  it('when a web user sends their code from WhatsApp, then the number is linked without a model call, and the next question carries the account\'s credit data and shared history', async () => {
    const phone = '6281300000001';
    const web = await webAccount('Sari Linked', 'Bank Sari Web');
    await web.agent.post('/api/chat').set('x-csrf-token', web.csrf).send({ message: 'pertanyaan-dari-web-77' }).expect(200);

    // Before linking: the number has its own generated demo profile (test mode) and says something.
    await replyTo(phone, 'halo-sebelum-link-55');
    expect(await t.count("SELECT count(*) AS n FROM usercreditinsights WHERE user_id = 'whatsapp_6281300000001'")).toBe(1);

    const code = await web.agent.post('/api/link/whatsapp').set('x-csrf-token', web.csrf).send({}).expect(200);
    expect(code.body).toMatchObject({ code: expect.stringMatching(/^[A-Z2-9]{4}-[A-Z2-9]{4}$/), url: null });
    expect(code.body.text).toContain(code.body.code);
    expect(Date.parse(code.body.expiresAt) - Date.now()).toBeGreaterThan(9 * 60_000);

    const calls = or.requests.length;
    // Typed by hand: lower case, spaces instead of the hyphen.
    const typed = `kode ${code.body.code.toLowerCase().replace('-', ' ')}`;
    const confirmation = await replyTo(phone, typed);
    expect(confirmation).toMatch(/terhubung dengan akun Sari Linked/);
    expect(or.requests.length).toBe(calls); // no model call for a code

    // The number's demo profile is gone; what it said before is in the account's history.
    expect(await t.count("SELECT count(*) AS n FROM usercreditinsights WHERE user_id = 'whatsapp_6281300000001'")).toBe(0);
    expect(await t.count('SELECT count(*) AS n FROM conversation_messages WHERE user_id = $1 AND content = $2', [web.userId, 'halo-sebelum-link-55'])).toBe(1);

    await replyTo(phone, 'skor kredit saya berapa?');
    const prompt = promptOf(or.requests.length - 1);
    expect(prompt).toContain('Bank Sari Web 0');
    expect(prompt).toContain('pertanyaan-dari-web-77');
    expect(prompt).toContain('halo-sebelum-link-55');
    expect(prompt).not.toMatch(/dummy/i);
    expect(prompt).not.toContain(typed);

    const me = await web.agent.get('/api/me').expect(200);
    expect(me.body.whatsapp).toEqual({ linked: true, phone: '6281****001' });
    const history = await web.agent.get('/api/chat/history').expect(200);
    expect(history.body.messages).toEqual(expect.arrayContaining([
      expect.objectContaining({ role: 'user', text: 'skor kredit saya berapa?', channel: 'whatsapp' }),
      expect.objectContaining({ role: 'user', text: 'pertanyaan-dari-web-77', channel: 'web' }),
    ]));

    // The next web turn sees the WhatsApp turns.
    await web.agent.post('/api/chat').set('x-csrf-token', web.csrf).send({ message: 'dan di web?' }).expect(200);
    expect(promptOf(or.requests.length - 1)).toContain('skor kredit saya berapa?');
  });

  it('when a code is requested from an English page, then the confirmation on WhatsApp is in English', async () => {
    const web = await webAccount('Anna English', 'Bank Anna');
    const code = await web.agent.post('/api/link/whatsapp').set('x-csrf-token', web.csrf).set('Accept-Language', 'en-GB,en;q=0.9').send({}).expect(200);
    expect(code.body.text).toMatch(/^WhatsApp link code: /);
    expect(await replyTo('6281300000002', code.body.text)).toMatch(/now linked to the account Anna English/);
  });

  it('when a wrong code is sent, then a polite answer links nothing; after five wrong codes in an hour, code messages get no answer', async () => {
    const phone = '6281300000003';
    const calls = or.requests.length;
    for (let i = 0; i < 5; i++) expect(await replyTo(phone, `kode ABCD-234${i + 2}`)).toMatch(/tidak berlaku atau sudah kedaluwarsa/);
    expect(or.requests.length).toBe(calls);
    expect(await t.count('SELECT count(*) AS n FROM whatsapp_links WHERE phone = $1', [phone])).toBe(0);

    // The sixth, even the right one, is refused quietly: no answer, no link.
    const web = await webAccount('Guess Victim', 'Bank Guess');
    const code = await web.agent.post('/api/link/whatsapp').set('x-csrf-token', web.csrf).send({}).expect(200);
    await t.post(textPayload(phone, code.body.text)).expect(200);
    await waitFor(async () => (await t.count("SELECT count(*) AS n FROM whatsapp_conversations WHERE conversation_key = 'whatsapp_6281300000003' AND due_at IS NULL AND open_batch_id IS NULL")) === 1);
    await sleep(300);
    expect(sentTo(phone)).toHaveLength(5);
    expect(await t.count('SELECT count(*) AS n FROM whatsapp_links WHERE phone = $1', [phone])).toBe(0);

    // An ordinary question that happens to hold a code-like word still reaches the AI.
    expect(await replyTo('6281300000004', 'cicilan saya di bank ABCD 2345 gimana ya statusnya?')).toContain(or.defaultText);
  });

  it('when two numbers send the same code at the same moment, then exactly one is linked', async () => {
    const web = await webAccount('Race Owner', 'Bank Race');
    const code = await web.agent.post('/api/link/whatsapp').set('x-csrf-token', web.csrf).send({}).expect(200);
    const [a, b] = ['6281300000005', '6281300000006'];
    await Promise.all([t.post(textPayload(a, code.body.text)).expect(200), t.post(textPayload(b, code.body.text)).expect(200)]);
    await waitFor(() => sentTo(a).length > 0 && sentTo(b).length > 0);
    const answers = [...sentTo(a), ...sentTo(b)];
    expect(answers.filter((x) => /terhubung dengan akun Race Owner/.test(x))).toHaveLength(1);
    expect(answers.filter((x) => /tidak berlaku/.test(x))).toHaveLength(1);
    expect(await t.count('SELECT count(*) AS n FROM whatsapp_links WHERE user_id = $1', [web.userId])).toBe(1);
  });

  it('when a number linked to one account sends another account\'s code, then it is refused until unlinked, and unlinking tells the number', async () => {
    const phone = '6281300000007';
    const first = await webAccount('First Owner', 'Bank First');
    const second = await webAccount('Second Owner', 'Bank Second');
    const c1 = await first.agent.post('/api/link/whatsapp').set('x-csrf-token', first.csrf).send({}).expect(200);
    expect(await replyTo(phone, c1.body.text)).toMatch(/First Owner/);
    const c2 = await second.agent.post('/api/link/whatsapp').set('x-csrf-token', second.csrf).send({}).expect(200);
    expect(await replyTo(phone, c2.body.text)).toMatch(/sudah terhubung dengan akun lain/);

    await first.agent.delete('/api/link/whatsapp').expect(403); // CSRF header required
    const before = sentTo(phone).length;
    const un = await first.agent.delete('/api/link/whatsapp').set('x-csrf-token', first.csrf).expect(200);
    expect(un.body.whatsapp).toEqual({ linked: false, phone: null });
    await waitFor(() => sentTo(phone).length > before);
    expect(sentTo(phone).at(-1)).toMatch(/tidak lagi terhubung/);

    // The refused code was not used up: it works now.
    expect(await replyTo(phone, c2.body.text)).toMatch(/Second Owner/);
    expect((await second.agent.get('/api/me').expect(200)).body.whatsapp.linked).toBe(true);
    expect((await first.agent.get('/api/me').expect(200)).body.whatsapp).toEqual({ linked: false, phone: null });
  });

  it('when the account behind a code is deleted, then the code is refused politely', async () => {
    const web = await webAccount('Gone Soon', 'Bank Gone');
    const code = await web.agent.post('/api/link/whatsapp').set('x-csrf-token', web.csrf).send({}).expect(200);
    await t.database.db.query('DELETE FROM users WHERE id = $1', [web.userId]);
    expect(await replyTo('6281300000008', code.body.text)).toMatch(/tidak berlaku/);
  });

  it('when a code has expired, then it is refused and a new request replaces the old code', async () => {
    const web = await webAccount('Slow Typist', 'Bank Slow');
    const old = await web.agent.post('/api/link/whatsapp').set('x-csrf-token', web.csrf).send({}).expect(200);
    const fresh = await web.agent.post('/api/link/whatsapp').set('x-csrf-token', web.csrf).send({}).expect(200);
    expect(await replyTo('6281300000009', old.body.text)).toMatch(/tidak berlaku/);
    await t.database.db.query("UPDATE whatsapp_link_codes SET expires_at = now() - interval '1 second' WHERE user_id = $1", [web.userId]);
    expect(await replyTo('6281300000009', fresh.body.text)).toMatch(/tidak berlaku/);
  });

  it('when the link endpoints are called without signing in or without the CSRF header, then they refuse', async () => {
    await request(t.app).post('/api/link/whatsapp').send({}).expect(401);
    const web = await demoSignIn(t.app, 'No Token');
    const r = await web.agent.post('/api/link/whatsapp').send({}).expect(403);
    expect(r.body.error.code).toBe('csrf-token-invalid');
  });
});
