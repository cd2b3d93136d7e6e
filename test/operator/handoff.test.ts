// Human handoff over WhatsApp, end to end: signed webhooks → buffer → the handoff gate → the fake
// Graph server; the operator API with ADMIN_TOKEN; needs_human announcements to a fake receiver.
import request from 'supertest';
import { createWhatsAppTestApp, recordingAi, sleep, type WhatsAppTestApp } from '../helpers/whatsapp-test-app';
import { statusUpdate, textPayload, webhookPayload } from '../helpers/whatsapp-payloads';
import { startFakeReceiver, type FakeReceiver } from '../helpers/fake-webhook-receiver';
import { demoSignIn } from '../helpers/web-session';

const TOKEN = 'operator-test-token';
let t: WhatsAppTestApp;
let hook: FakeReceiver;
const recording = recordingAi();
// The model's structured "a person must handle this" flag, as the processor would set it.
const ai = {
  turns: recording.turns,
  async reply(input: Parameters<typeof recording.reply>[0]) {
    const r = await recording.reply(input);
    if (input.messages.some((m) => m.includes('panduan'))) return { ...r, sources: [{ file: 'panduan-kredit.pdf', page: 3 }] };
    return input.messages.some((m) => m.includes('sanggahan')) ? { ...r, handoff: { reason: 'dispute the AI must not decide' } } : r;
  },
};

beforeAll(async () => {
  hook = await startFakeReceiver();
  t = await createWhatsAppTestApp({ bufferMs: 100, ai, env: { ADMIN_TOKEN: TOKEN, OPERATOR_WEBHOOK_URL: hook.url } });
});
afterAll(async () => { await t.close(); await hook.close(); });

async function waitFor(cond: () => boolean | Promise<boolean>, ms = 8000) {
  const end = Date.now() + ms;
  while (!(await cond())) { if (Date.now() > end) throw new Error('timed out'); await sleep(20); }
}
const sentTo = (phone: string) => t.graph.sent().filter((c) => c.to === phone).map((c) => c.text ?? '');
const typingOf = (_phone: string) => t.graph.reads().filter((c) => c.body.typing_indicator).length; // typing indicators, all numbers
const pending = () => t.count('SELECT count(*) AS n FROM whatsapp_conversations WHERE due_at IS NOT NULL OR open_batch_id IS NOT NULL');
/** Sends and waits until the batch is answered (or silently stored). */
async function say(phone: string, text: string): Promise<string[]> {
  const before = sentTo(phone).length;
  const stored = await t.count('SELECT count(*) AS n FROM conversation_messages WHERE content = $1', [text]);
  await t.post(textPayload(phone, text)).expect(200);
  await waitFor(async () => (await t.count('SELECT count(*) AS n FROM conversation_messages WHERE content = $1', [text])) > stored && (await pending()) === 0);
  await sleep(30);
  return sentTo(phone).slice(before);
}
const api = () => ({
  get: (path: string) => request(t.app).get(path).set('authorization', `Bearer ${TOKEN}`),
  post: (path: string, body: unknown = {}, key?: string) => {
    const r = request(t.app).post(path).set('authorization', `Bearer ${TOKEN}`);
    return (key ? r.set('idempotency-key', key) : r).send(body as object);
  },
});
const conv = (userId: string) => `/api/operator/conversations/${userId}`;

describe('human handoff on WhatsApp', () => {
  it('when a customer asks for a person, then they get the fixed answer without a model call, the conversation waits for an operator, is announced (retried), and later messages get no reply and no typing', async () => {
    const phone = '6281400000001';
    const user = `whatsapp_${phone}`;
    expect(await say(phone, 'halo, cek skor saya')).toHaveLength(1);
    const turns = ai.turns.length;
    hook.failNext(1); // the bridge fails once: the announcement is retried
    const ack = await say(phone, 'saya mau bicara dengan CS');
    expect(ack.join(' ')).toMatch(/petugas akan membalas/);
    expect(ai.turns.length).toBe(turns);
    const list = await api().get('/api/operator/conversations?state=needs_human').expect(200);
    expect(list.body.conversations.map((c: { userId: string }) => c.userId)).toContain(user);
    await waitFor(() => hook.received.some((r) => r.userId === user), 10_000);
    expect(hook.received.find((r) => r.userId === user)).toEqual({ userId: user, channel: 'whatsapp', reason: 'customer asked for a person', at: expect.any(String) });
    expect(hook.attempts).toBeGreaterThanOrEqual(2);
    expect(t.logs.text()).toMatch(/Conversation whatsapp_6281\*+001 needs a human operator \(customer asked for a person\)/); // phone masked by the logger

    const typing = typingOf(phone);
    expect(await say(phone, 'halo? ada orang?')).toEqual([]);
    expect(ai.turns.length).toBe(turns);
    expect(typingOf(phone)).toBe(typing); // no typing indicator from the bot (the blue ticks stay: the message is in an operator's inbox)
    const thread = await api().get(conv(user)).expect(200);
    expect(thread.body.conversation).toMatchObject({ userId: user, state: 'needs_human', channel: 'whatsapp', phone: '6281****001' });
    expect(thread.body.messages.map((m: { text: string }) => m.text)).toContain('halo? ada orang?');
    expect(thread.body.actions).toEqual([expect.objectContaining({ actor: 'customer', action: 'escalate' })]);
  });

  it('when an operator takes over, replies (twice with one key) and releases, then the reply is sent once, the AI stays silent meanwhile and reads the operator turn after the hand-back', async () => {
    const phone = '6281400000002';
    const user = `whatsapp_${phone}`;
    await say(phone, 'pinjaman saya ditolak');
    await api().post(`${conv(user)}/takeover`).expect(200, { userId: user, state: 'human', operator: 'admin' });
    const turns = ai.turns.length;
    expect(await say(phone, 'kenapa ditolak?')).toEqual([]);
    expect(ai.turns.length).toBe(turns);

    const key = 'reply-key-0001';
    const [a, b] = await Promise.all([
      api().post(`${conv(user)}/messages`, { text: 'Halo, saya **Rina** dari tim kami. Saya cek dulu ya.' }, key),
      api().post(`${conv(user)}/messages`, { text: 'Halo, saya **Rina** dari tim kami. Saya cek dulu ya.' }, key),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 201]);
    expect(sentTo(phone).filter((s) => s.includes('Rina'))).toEqual(['Halo, saya *Rina* dari tim kami. Saya cek dulu ya.']);
    const again = await api().post(`${conv(user)}/messages`, { text: 'ignored' }, key).expect(200);
    expect(again.body).toMatchObject({ duplicate: true, message: { status: 'sent', text: expect.stringContaining('Rina') } });
    await api().post(`${conv(user)}/messages`, { text: 'no key' }).expect(400);

    // Meta reports the operator's message read: the thread shows it.
    const wamid = t.graph.sent().find((c) => c.text?.includes('Rina'))!.messageId!;
    await t.post(webhookPayload({ statuses: [statusUpdate({ id: wamid, status: 'delivered', recipient: phone }), statusUpdate({ id: wamid, status: 'read', recipient: phone })] })).expect(200);
    await waitFor(async () => (await t.count('SELECT count(*) AS n FROM whatsapp_statuses WHERE wamid = $1', [wamid])) === 2);
    const thread = await api().get(conv(user)).expect(200);
    expect(thread.body.messages.find((m: { role: string }) => m.role === 'operator')).toMatchObject({ operator: 'admin', status: 'read', channel: 'whatsapp' });

    await api().post(`${conv(user)}/release`).expect(200, { userId: user, state: 'ai', operator: null });
    const answer = await say(phone, 'terima kasih, jadi apa langkah saya?');
    expect(answer).toHaveLength(1);
    const last = ai.turns[ai.turns.length - 1];
    expect(last.history.map((m) => `${m.role}:${m.text}`)).toEqual(expect.arrayContaining(['operator:Halo, saya **Rina** dari tim kami. Saya cek dulu ya.', 'user:kenapa ditolak?']));
    const actions = (await api().get(conv(user)).expect(200)).body.actions.map((x: { action: string }) => x.action);
    expect(actions).toEqual(['takeover', 'message', 'release']);
  });

  it('when another operator holds the conversation, then taking over needs force, and sending as someone else is refused', async () => {
    const phone = '6281400000003';
    const user = `whatsapp_${phone}`;
    await say(phone, 'halo');
    await t.database.db.query("UPDATE operator_conversations SET state = 'human', operator = 'budi@example.com' WHERE user_id = $1", [user]);
    const refused = await api().post(`${conv(user)}/takeover`).expect(409);
    expect(refused.body.error).toMatchObject({ code: 'held-by-other', details: { operator: 'budi@example.com' } });
    await api().post(`${conv(user)}/messages`, { text: 'halo' }, 'reply-key-0003').expect(409);
    await api().post(`${conv(user)}/takeover`, { force: true }).expect(200, { userId: user, state: 'human', operator: 'admin' });
    const actions = (await api().get(conv(user)).expect(200)).body.actions;
    expect(actions[actions.length - 1]).toMatchObject({ actor: 'admin', action: 'takeover', detail: { forcedFrom: 'budi@example.com' } });
    await api().post('/api/operator/conversations/whatsapp_6200000/takeover').expect(404);
    await request(t.app).post(`${conv(user)}/takeover`).expect(401);
  });

  it('when a person sends STOP, then they get one confirmation and nothing else (AI, operator, notices) until START', async () => {
    const phone = '6281400000004';
    const user = `whatsapp_${phone}`;
    await say(phone, 'halo');
    const turns = ai.turns.length;
    const stop = await say(phone, 'stop');
    // STOP is the same word in both languages: the answer is in the language the person writes in.
    expect(stop).toEqual([expect.stringMatching(/^Anda telah berhenti berlangganan/)]);
    expect(await say(phone, 'berapa skor saya?')).toEqual([]);
    expect(await say(phone, 'STOP')).toEqual([]); // one confirmation only
    expect(ai.turns.length).toBe(turns);
    const r = await api().post(`${conv(user)}/messages`, { text: 'halo' }, 'reply-key-0004').expect(409);
    expect(r.body.error.code).toBe('opted-out');
    await api().post(`${conv(user)}/takeover`).expect(409);
    await t.deps.notices.send(phone, 'a link notice');
    expect(sentTo(phone)).not.toContain('a link notice');
    expect((await api().get('/api/operator/conversations?state=opted_out').expect(200)).body.conversations.map((c: { userId: string }) => c.userId)).toContain(user);

    const start = await say(phone, 'MULAI');
    expect(start.join(' ')).toMatch(/Selamat datang kembali/);
    expect(await say(phone, 'berapa skor saya sekarang?')).toHaveLength(1);
    expect(ai.turns.length).toBe(turns + 1);
  });

  it('when a number that sent STOP floods past the rate limit, then it gets no "slow down" notice either', async () => {
    const phone = '6281400000008';
    await say(phone, 'STOP');
    const before = sentTo(phone).length;
    await t.post(webhookPayload({ messages: Array.from({ length: 25 }, (_, i) => ({ from: phone, text: `banjir ${i}` })) })).expect(200);
    await waitFor(async () => (await t.count("SELECT count(*) AS n FROM conversation_messages WHERE content = 'banjir 0'")) === 1 && (await pending()) === 0);
    await sleep(100);
    expect(t.logs.text()).toContain('Rate limit:');
    expect(sentTo(phone).length).toBe(before);
  });

  it('when the customer\'s last message is older than 24 hours, then an operator message is refused with 422 and a sentence', async () => {
    const phone = '6281400000005';
    const user = `whatsapp_${phone}`;
    await say(phone, 'halo');
    await t.database.db.query("UPDATE operator_conversations SET wa_last_inbound_at = now() - interval '25 hours' WHERE user_id = $1", [user]);
    await t.database.db.query("UPDATE whatsapp_conversations SET last_inbound_at = now() - interval '25 hours' WHERE recipient = $1", [phone]);
    const r = await api().post(`${conv(user)}/messages`, { text: 'halo lagi' }, 'reply-key-0005').expect(422);
    expect(r.body.error).toMatchObject({ code: 'outside-24h-window', message: expect.stringMatching(/24 jam/) });
    expect(sentTo(phone).some((s) => s.includes('halo lagi'))).toBe(false);
  });

  it('when an operator holding a conversation is idle too long, then it goes back to the AI and the customer is told a person still reads', async () => {
    const phone = '6281400000006';
    const user = `whatsapp_${phone}`;
    await say(phone, 'halo');
    await api().post(`${conv(user)}/takeover`).expect(200);
    await t.database.db.query("UPDATE operator_conversations SET operator_activity_at = now() - interval '61 minutes' WHERE user_id = $1", [user]);
    expect(await t.deps.handoff.releaseIdle()).toBeGreaterThanOrEqual(1);
    expect(sentTo(phone).pop()).toMatch(/Petugas kami tetap akan membaca/);
    const thread = (await api().get(conv(user)).expect(200)).body;
    expect(thread.conversation.state).toBe('ai');
    expect(thread.actions.pop()).toMatchObject({ actor: 'system', action: 'auto-release' });
  });

  it('when the model flags a turn for a person, then its answer is sent, the conversation waits for an operator and is announced', async () => {
    const phone = '6281400000007';
    const user = `whatsapp_${phone}`;
    expect(await say(phone, 'saya ajukan sanggahan atas tagihan ini')).toHaveLength(1);
    const thread = (await api().get(conv(user)).expect(200)).body;
    expect(thread.conversation).toMatchObject({ state: 'needs_human', reason: 'dispute the AI must not decide' });
    expect(thread.actions).toEqual([expect.objectContaining({ actor: 'ai', action: 'escalate' })]);
    await waitFor(() => hook.received.some((r) => r.userId === user && r.reason === 'dispute the AI must not decide'));
    const turns = ai.turns.length;
    expect(await say(phone, 'jadi bagaimana?')).toEqual([]);
    expect(ai.turns.length).toBe(turns);
  });

  it('when the AI answered from the knowledge base, then the thread shows the pages used and Meta\'s delivery status of the reply', async () => {
    const phone = '6281400000009';
    const user = `whatsapp_${phone}`;
    await say(phone, 'apa kata panduan soal kolektibilitas?');
    const wamid = t.graph.sent().filter((c) => c.to === phone).pop()!.messageId!;
    await t.post(webhookPayload({ statuses: [statusUpdate({ id: wamid, status: 'delivered', recipient: phone })] })).expect(200);
    await waitFor(async () => (await t.count('SELECT count(*) AS n FROM whatsapp_statuses WHERE wamid = $1', [wamid])) === 1);
    const reply = (await api().get(conv(user)).expect(200)).body.messages.find((m: { role: string }) => m.role === 'assistant');
    expect(reply).toMatchObject({ channel: 'whatsapp', status: 'delivered', sources: [{ file: 'panduan-kredit.pdf', page: 3 }] });
  });

  it('when searching and filtering the inbox, then conversations are found by masked phone digits, name or id, newest first, and a bad state is refused', async () => {
    const all = (await api().get('/api/operator/conversations').expect(200)).body.conversations;
    expect(all.length).toBeGreaterThanOrEqual(5);
    const times = all.map((c: { lastMessageAt: string }) => Date.parse(c.lastMessageAt));
    expect(times).toEqual([...times].sort((x, y) => y - x));
    expect(all[0]).toEqual(expect.objectContaining({ userId: expect.any(String), channel: 'whatsapp', state: expect.any(String), unread: expect.any(Number), lastMessage: expect.any(String) }));
    const found = (await api().get('/api/operator/conversations?q=0000005').expect(200)).body.conversations;
    expect(found.map((c: { userId: string }) => c.userId)).toEqual(['whatsapp_6281400000005']);
    await api().get('/api/operator/conversations?state=bogus').expect(400);
  });

  it('when two AI replies to one number follow each other quickly, then each shows the ticks of the batch that sent it', async () => {
    const phone = '6281400000010';
    const user = `whatsapp_${phone}`;
    await say(phone, 'pertanyaan pertama');
    await say(phone, 'pertanyaan kedua');
    const [first, second] = t.graph.sent().filter((c) => c.to === phone).map((c) => c.messageId!);
    await t.post(webhookPayload({ statuses: [statusUpdate({ id: first, status: 'read', recipient: phone }), statusUpdate({ id: second, status: 'delivered', recipient: phone })] })).expect(200);
    await waitFor(async () => (await t.count('SELECT count(*) AS n FROM whatsapp_statuses WHERE wamid = ANY($1)', [[first, second]])) === 2);
    const replies = (await api().get(conv(user)).expect(200)).body.messages.filter((m: { role: string }) => m.role === 'assistant');
    expect(replies.map((m: { text: string; status: string }) => [m.text, m.status])).toEqual([
      ['Reply to: pertanyaan pertama', 'read'], ['Reply to: pertanyaan kedua', 'delivered']]);
  });

  it('when the AI answered a web chat question from the knowledge base, then the operator thread shows the pages it used', async () => {
    const { agent, csrf, userId } = await demoSignIn(t.app, 'Web Sumber');
    await agent.post('/api/chat').set('X-CSRF-Token', csrf).send({ message: 'apa kata panduan soal kolektibilitas?' }).expect(200);
    await agent.post('/api/chat').set('X-CSRF-Token', csrf).send({ message: 'terima kasih' }).expect(200);
    const replies = (await api().get(conv(userId)).expect(200)).body.messages.filter((m: { role: string }) => m.role === 'assistant');
    expect(replies).toEqual([
      expect.objectContaining({ channel: 'web', text: 'Reply to: apa kata panduan soal kolektibilitas?', sources: [{ file: 'panduan-kredit.pdf', page: 3 }] }),
      expect.not.objectContaining({ sources: expect.anything() }),
    ]);
  });
});

describe('the credit summary beside a thread', () => {
  it('when operators read a thread, then the credit summary is in their page language', async () => {
    const phone = '6281400000099';
    await say(phone, 'halo, skor kredit saya berapa?');
    const id = await api().get(conv(`whatsapp_${phone}`)).set('accept-language', 'id-ID').expect(200);
    const en = await api().get(conv(`whatsapp_${phone}`)).set('accept-language', 'en-US').expect(200);
    expect(id.body.conversation.credit).toMatch(/^(Data kredit pengguna ini|Pengguna ini belum)/);
    expect(en.body.conversation.credit).toMatch(/^(This user's credit data|This user has no credit data)/);
  });
});
