// The model's own "a person must handle this" signal, end to end with the real AI processor against
// the fake OpenRouter: a call of the handoff_to_human tool (never the wording of the reply) puts the
// conversation in needs_human on both channels, announces it and tells the customer; a model
// without tool support still answers, once.
import request from 'supertest';
import { t } from '../../src/i18n/catalogue';
import { NO_TOOL_USE, completion, startFakeOpenRouter, toolCallCompletion, type FakeOpenRouter } from '../helpers/fake-openrouter-server';
import { startFakeReceiver, type FakeReceiver } from '../helpers/fake-webhook-receiver';
import { createWhatsAppTestApp, sleep, type WhatsAppTestApp } from '../helpers/whatsapp-test-app';
import { textPayload } from '../helpers/whatsapp-payloads';
import { demoSignIn } from '../helpers/web-session';

const TOKEN = 'operator-test-token';
const MODEL = 'google/gemini-2.0-flash-exp:free';

async function waitFor(cond: () => boolean | Promise<boolean>, ms = 8000) {
  const end = Date.now() + ms;
  while (!(await cond())) { if (Date.now() > end) throw new Error('timed out'); await sleep(20); }
}

async function setup() {
  const or = await startFakeOpenRouter();
  const hook = await startFakeReceiver();
  const t = await createWhatsAppTestApp({ bufferMs: 100, env: { ADMIN_TOKEN: TOKEN, OPERATOR_WEBHOOK_URL: hook.url, OPENROUTER_API_KEY: 'sk-or-v1-test-key', OPENROUTER_URL: or.url } });
  const sentTo = (phone: string) => t.graph.sent().filter((c) => c.to === phone).map((c) => c.text ?? '');
  const pending = () => t.count('SELECT count(*) AS n FROM whatsapp_conversations WHERE due_at IS NOT NULL OR open_batch_id IS NOT NULL');
  return {
    or, hook, t, sentTo,
    /** Sends and waits until the batch is finished (answered or silently stored). */
    async say(phone: string, text: string): Promise<string[]> {
      const before = sentTo(phone).length;
      const stored = () => t.count('SELECT count(*) AS n FROM conversation_messages WHERE content = $1', [text]);
      const was = await stored();
      await t.post(textPayload(phone, text)).expect(200);
      await waitFor(async () => (await stored()) > was && (await pending()) === 0);
      await sleep(30);
      return sentTo(phone).slice(before);
    },
    thread: async (userId: string) => (await request(t.app).get(`/api/operator/conversations/${userId}`).set('authorization', `Bearer ${TOKEN}`).expect(200)).body,
    async close() { await t.close(); await or.close(); await hook.close(); },
  };
}

describe('the model hands a turn to a person', () => {
  let s: Awaited<ReturnType<typeof setup>>;
  beforeAll(async () => { s = await setup(); });
  afterAll(() => s.close());

  it('when the model calls handoff_to_human with words on WhatsApp, then the customer gets its words once, the conversation waits for an operator, is announced, and the AI stays silent after', async () => {
    const phone = '6281400000101';
    const user = `whatsapp_${phone}`;
    s.or.script(toolCallCompletion('handoff_to_human', { reason: 'dispute' }, 'Sanggahan Anda akan ditangani petugas kami. Mohon tunggu ya.'));
    expect(await s.say(phone, 'saya ajukan sanggahan, tunggakan di Bank X itu sudah lunas')).toEqual(['Sanggahan Anda akan ditangani petugas kami. Mohon tunggu ya.']);
    expect(s.or.requests[0].body.tools).toEqual([expect.objectContaining({ type: 'function', function: expect.objectContaining({ name: 'handoff_to_human' }) })]);
    expect(String(s.or.requests[0].body.messages[0].content)).toMatch(/handoff_to_human/);
    const thread = await s.thread(user);
    expect(thread.conversation).toMatchObject({ state: 'needs_human', reason: 'AI flagged: dispute it must not decide' });
    expect(thread.actions).toEqual([expect.objectContaining({ actor: 'ai', action: 'escalate' })]);
    await waitFor(() => s.hook.received.some((r) => r.userId === user));
    expect(s.hook.received.find((r) => r.userId === user)).toEqual({ userId: user, channel: 'whatsapp', reason: 'AI flagged: dispute it must not decide', at: expect.any(String) });
    const calls = s.or.requests.length;
    expect(await s.say(phone, 'jadi bagaimana?')).toEqual([]);
    expect(s.or.requests.length).toBe(calls);
  });

  it('when the model only calls the tool, without words, then the customer is told in their language that a person will reply', async () => {
    const phone = '6281400000102';
    s.or.script(toolCallCompletion('handoff_to_human', { reason: 'fraud' }));
    expect(await s.say(phone, 'there is a loan on my report that is not mine, someone used my identity')).toEqual([t('en', 'bot.escalated')]);
    expect((await s.thread(`whatsapp_${phone}`)).conversation).toMatchObject({ state: 'needs_human', reason: 'AI flagged: suspected fraud or identity theft' });
  });

  it('when the model merely mentions an operator in its reply without calling the tool, then nothing is handed over', async () => {
    const phone = '6281400000103';
    s.or.script(completion('Untuk sanggahan, hubungi petugas kami atau operator di kantor cabang.'));
    expect(await s.say(phone, 'bagaimana cara mengajukan sanggahan?')).toHaveLength(1);
    expect((await s.thread(`whatsapp_${phone}`)).conversation.state).toBe('ai');
  });

  it('when the model calls the tool in the web chat, then the reply says a person will answer, the conversation waits for an operator and is announced, and the next message is held', async () => {
    const { agent, csrf, userId } = await demoSignIn(s.t.app, 'Sanggah Web');
    s.or.script(toolCallCompletion('handoff_to_human', { reason: 'complaint' }));
    const r = await agent.post('/api/chat').set('X-CSRF-Token', csrf).send({ message: 'saya mau komplain, pelayanan cabang sangat buruk' }).expect(200);
    expect(r.body.reply.text).toBe(t('id', 'bot.escalated'));
    expect((await s.thread(userId)).conversation).toMatchObject({ state: 'needs_human', reason: 'AI flagged: complaint', channel: 'web' });
    await waitFor(() => s.hook.received.some((x) => x.userId === userId && x.channel === 'web'));
    const calls = s.or.requests.length;
    const next = await agent.post('/api/chat').set('X-CSRF-Token', csrf).send({ message: 'halo?' }).expect(200);
    expect(next.body.reply.held).toBe(true);
    expect(s.or.requests.length).toBe(calls);
  });
});

describe.each(['whatsapp', 'web'] as const)('a model without tool support (%s)', (channel) => {
  let s: Awaited<ReturnType<typeof setup>>;
  beforeAll(async () => { s = await setup(); s.or.noToolModels.add(MODEL); });
  afterAll(() => s.close());

  it('when OpenRouter answers that no endpoint supports tool use, then the turn is asked again without tools and answered exactly once; the next turn goes without tools straight away', async () => {
    const ask = async (text: string): Promise<string[]> => {
      if (channel === 'whatsapp') return s.say('6281400000201', text);
      const { agent, csrf } = await demoSignIn(s.t.app, 'Tanpa Tool');
      return [(await agent.post('/api/chat').set('X-CSRF-Token', csrf).send({ message: text }).expect(200)).body.reply.text];
    };
    expect(await ask('apa itu SLIK OJK?')).toEqual([s.or.defaultText]);
    expect(s.or.requests.map((r) => Boolean(r.body.tools))).toEqual([true, false]);
    expect(s.t.logs.text()).toContain(NO_TOOL_USE.slice(0, 40));
    expect(await ask('dan kolektibilitas?')).toEqual([s.or.defaultText]);
    expect(s.or.requests.map((r) => Boolean(r.body.tools))).toEqual([true, false, false]);
  });
});
