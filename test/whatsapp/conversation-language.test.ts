// The person's language on WhatsApp, end to end: signed webhooks → the stored conversation
// language → the fixed texts (busy, daily limit, rate limit, handoff, opt-out, link notices), with
// the real AI processor against a fake OpenRouter and the fake Graph server.
import request from 'supertest';
import { createWhatsAppTestApp, sleep, type WhatsAppTestApp } from '../helpers/whatsapp-test-app';
import { textPayload, webhookPayload } from '../helpers/whatsapp-payloads';
import { errorResponse, startFakeOpenRouter, type FakeOpenRouter } from '../helpers/fake-openrouter-server';

const TOKEN = 'language-test-token';
let t: WhatsAppTestApp;
let or: FakeOpenRouter;

beforeAll(async () => {
  or = await startFakeOpenRouter();
  t = await createWhatsAppTestApp({
    bufferMs: 100,
    env: {
      ADMIN_TOKEN: TOKEN, OPENROUTER_API_KEY: 'sk-or-test', OPENROUTER_URL: or.url, OPENROUTER_MAX_RETRY_MS: '300', OPENROUTER_TIMEOUT_MS: '2000',
      AI_DAILY_TURNS_PER_USER: '2', WHATSAPP_RATE_LIMIT_PER_MINUTE: '6',
    },
  });
  // The real processor answers (the test app builds it when no AI is given).
});
afterAll(async () => { await t.close(); await or.close(); });

async function waitFor(cond: () => boolean | Promise<boolean>, ms = 10_000) {
  const end = Date.now() + ms;
  while (!(await cond())) { if (Date.now() > end) throw new Error('timed out'); await sleep(20); }
}
const sentTo = (phone: string) => t.graph.sent().filter((c) => c.to === phone).map((c) => c.text ?? '');
/** Sends one message and returns what the person got back (`replies` messages). */
async function say(phone: string, text: string, replies = 1): Promise<string[]> {
  const before = sentTo(phone).length;
  await t.post(textPayload(phone, text)).expect(200);
  await waitFor(() => sentTo(phone).length >= before + replies);
  await sleep(50);
  return sentTo(phone).slice(before);
}
const failModel = () => { for (let i = 0; i < 30; i++) or.script(errorResponse(500, 'Internal Server Error')); };
const stored = async (phone: string) =>
  (await t.database.db.query<{ language: string | null }>('SELECT language FROM whatsapp_conversations WHERE conversation_key = $1', [`whatsapp_${phone}`])).rows[0]?.language;

describe('the language of fixed texts on WhatsApp', () => {
  beforeEach(() => or.reset());

  test('when a person writes English, then busy, daily-limit and handoff texts are English, and "ok" keeps English', async () => {
    const phone = '6281500000001';
    expect(await say(phone, 'hello, what is my credit score?')).toEqual([or.defaultText]);
    expect(await stored(phone)).toBe('en');
    failModel();
    expect(await say(phone, 'how can I improve it please?')).toEqual([expect.stringMatching(/^Sorry, our AI admin is busy/)]);
    or.reset();
    // Two model turns used: the limit answers, in the language kept through "ok".
    expect(await say(phone, 'ok')).toEqual([expect.stringMatching(/^Sorry, you have reached today's limit of 2 questions/)]);
    expect(await stored(phone)).toBe('en');
    expect(await say(phone, 'I want to talk to a human')).toEqual([expect.stringMatching(/^Understood, we have passed your request to our team/)]);
  });

  test('when a person writes Indonesian, then the same texts are Indonesian, and "ok" keeps Indonesian', async () => {
    const phone = '6281500000002';
    failModel();
    expect(await say(phone, 'berapa skor kredit saya?')).toEqual([expect.stringMatching(/^Maaf, AI admin kami sedang sibuk/)]);
    or.reset();
    expect(await say(phone, 'ok')).toEqual([or.defaultText]);
    expect(await say(phone, 'ok')).toEqual([expect.stringMatching(/^Maaf, Anda sudah mencapai batas 2 pertanyaan/)]);
    expect(await stored(phone)).toBe('id');
    expect(await say(phone, 'saya mau bicara dengan CS')).toEqual([expect.stringMatching(/^Baik, permintaan Anda sudah kami teruskan/)]);
  });

  test('when an English writer sends STOP and then START, then both confirmations are English', async () => {
    const phone = '6281500000003';
    await say(phone, 'hello, I have a question about my loan');
    expect(await say(phone, 'STOP')).toEqual([expect.stringMatching(/^You have unsubscribed/)]);
    expect(await say(phone, 'START')).toEqual([expect.stringMatching(/^Welcome back!/)]);
  });

  test('when an English writer sends more than the rate limit allows, then the slow-down notice is English', async () => {
    const phone = '6281500000004';
    const texts = Array.from({ length: 8 }, (_, i) => `please tell me about my credit report, question ${i + 1}`);
    const before = sentTo(phone).length;
    await t.post(webhookPayload({ messages: texts.map((text) => ({ from: phone, text })) })).expect(200);
    await waitFor(() => sentTo(phone).length >= before + 2);
    expect(sentTo(phone).slice(before)).toContainEqual(expect.stringMatching(/^⏳ You are sending messages too quickly\. The AI admin reads at most 6 messages a minute/));
  });

  test('when the team links an English writer\'s number outside any turn, then the notice is English', async () => {
    const phone = '6281500000005';
    await say(phone, 'hello, what does my credit report show?');
    await t.deps.users.upsert({ id: 'customer_lang_5', channel: 'web', displayName: 'Lang Five', phone: null });
    await request(t.app).put(`/api/whatsapp/links/${phone}`).set('authorization', `Bearer ${TOKEN}`).send({ userId: 'customer_lang_5' }).expect(200);
    await waitFor(() => sentTo(phone).length >= 2);
    expect(sentTo(phone)[1]).toMatch(/^🔗 Our team has linked this WhatsApp number/);
  });
});
