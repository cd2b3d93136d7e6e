// The debounced, durable buffer end to end: webhook → database → one AI turn → Graph API.
import { createWhatsAppTestApp, recordingAi, sleep, type WhatsAppTestApp } from '../helpers/whatsapp-test-app';
import { textPayload, webhookPayload } from '../helpers/whatsapp-payloads';

describe('WhatsApp message buffer', () => {
  let w: WhatsAppTestApp;
  let ai: ReturnType<typeof recordingAi>;
  beforeEach(async () => {
    ai = recordingAi();
    w = await createWhatsAppTestApp({ bufferMs: 1000, ai });
  });
  afterEach(async () => { await w.close(); });

  test('when three messages arrive 300 ms apart within a 1 s window, then they become one AI turn and one reply, in order', async () => {
    for (const text of ['halo', 'saya mau tanya', 'skor kredit saya berapa?']) {
      await w.post(textPayload('6281234567801', text)).expect(200);
      await sleep(300);
    }
    await w.graph.waitFor((g) => g.sent().length >= 1);
    await sleep(1300); // longer than another window: nothing more may arrive
    expect(ai.turns).toHaveLength(1);
    expect(ai.turns[0]).toMatchObject({ userId: 'whatsapp_6281234567801', channel: 'whatsapp', messages: ['halo', 'saya mau tanya', 'skor kredit saya berapa?'], userName: 'Test User' });
    expect(w.graph.sent().map((c) => [c.to, c.text])).toEqual([['6281234567801', 'Reply to: halo | saya mau tanya | skor kredit saya berapa?']]);
    expect(w.logs.text()).toContain('✅ Message sent to 6281****801');
  });

  test('when the reply goes out, then the batch is marked sent with the Graph message id, read+typing came first, and the user exists with a dummy profile', async () => {
    await w.post(textPayload('6281234567802', 'halo')).expect(200);
    await w.graph.waitFor((g) => g.sent().length === 1);
    await sleep(100);
    const sent = w.graph.sent()[0];
    const batch = await w.database.db.query<{ status: string; graph_message_ids: string[] }>("SELECT status, graph_message_ids FROM whatsapp_batches WHERE conversation_key = 'whatsapp_6281234567802'");
    expect(batch.rows).toEqual([{ status: 'sent', graph_message_ids: [sent.messageId] }]);
    const kinds = w.graph.calls.map((c) => c.kind);
    expect(kinds.indexOf('read')).toBeLessThan(kinds.indexOf('text'));
    // The message is marked read as it arrives; typing is shown when the window ends, before the reply.
    expect(w.graph.reads()[0].body).toEqual({ messaging_product: 'whatsapp', status: 'read', message_id: expect.any(String) });
    const typing = w.graph.calls.findIndex((c) => c.kind === 'read' && Boolean(c.body.typing_indicator));
    expect(typing).toBeGreaterThan(0);
    expect(typing).toBeLessThan(kinds.indexOf('text'));
    expect(sent.authorization).toBe('Bearer test-access-token');
    expect(sent.path).toBe('/v26.0/106540352242922/messages');
    expect(await w.count("SELECT count(*)::int AS n FROM usercreditinsights WHERE user_id = 'whatsapp_6281234567802' AND is_dummy")).toBe(1);
    expect(await w.count("SELECT count(*)::int AS n FROM users WHERE id = 'whatsapp_6281234567802' AND display_name = 'Test User'")).toBe(1);
  });

  test('when the same webhook is delivered three times, then exactly one reply is sent', async () => {
    const p = textPayload('6281234567803', 'satu');
    for (let i = 0; i < 3; i++) await w.post(p).expect(200);
    await w.graph.waitFor((g) => g.sent().length >= 1);
    await w.post(p).expect(200); // and once more after the reply
    await sleep(1500);
    expect(w.graph.sent()).toHaveLength(1);
  });

  test('when two phones write interleaved, then each gets one reply with only its own messages', async () => {
    await w.post(textPayload('6281111111101', 'A1')).expect(200);
    await w.post(textPayload('6282222222202', 'B1')).expect(200);
    await w.post(textPayload('6281111111101', 'A2')).expect(200);
    await w.post(textPayload('6282222222202', 'B2')).expect(200);
    await w.graph.waitFor((g) => g.sent().length >= 2);
    await sleep(300);
    const byTo = Object.fromEntries(w.graph.sent().map((c) => [c.to, c.text]));
    expect(byTo).toEqual({ '6281111111101': 'Reply to: A1 | A2', '6282222222202': 'Reply to: B1 | B2' });
    expect(w.graph.sent()).toHaveLength(2);
  });

  test('when messages arrive while a batch is being answered, then they form the next turn, which sees the previous batch and reply in its history', async () => {
    w.graph.setDelay(700); // the first reply is slow to send
    await w.post(textPayload('6281234567805', 'pertama')).expect(200);
    await w.graph.waitFor((g) => g.calls.some((c) => c.kind === 'read' && Boolean(c.body.typing_indicator)), 5000); // the window ended
    await w.post(textPayload('6281234567805', 'kedua')).expect(200);
    await w.graph.waitFor((g) => g.sent().length >= 2, 15_000);
    w.graph.setDelay(0);
    expect(w.graph.sent().map((c) => c.text)).toEqual(['Reply to: pertama', 'Reply to: kedua']);
    expect(ai.turns[1].history.map((h) => [h.role, h.text])).toEqual([['user', 'pertama'], ['assistant', 'Reply to: pertama']]);
  });

  test('when media, location and a reaction arrive, then media joins the turn as a description and the reaction alone starts nothing', async () => {
    await w.post(webhookPayload({ messages: [
      { from: '6281234567806', type: 'image', content: { caption: 'tagihan saya', id: 'media1', mime_type: 'image/jpeg' } },
      { from: '6281234567806', type: 'location', content: { latitude: -6.2, longitude: 106.8, name: 'Kantor' } },
    ] })).expect(200);
    await w.post(webhookPayload({ messages: [{ from: '6281234567807', type: 'reaction', content: { message_id: 'wamid.X', emoji: '👍' } }] })).expect(200);
    await w.graph.waitFor((g) => g.sent().length >= 1);
    await sleep(1300);
    expect(ai.turns.map((t) => t.messages)).toEqual([['[image: tagihan saya]', '[location: Kantor (-6.2, 106.8)]']]);
    expect(w.graph.sent().map((c) => c.to)).toEqual(['6281234567806']);
  });

  test('when messages arrive out of order within the window, then the turn has them in the order they were sent', async () => {
    const t0 = Math.floor(Date.now() / 1000);
    await w.post(textPayload('6281234567808', 'kedua', { timestamp: t0 + 2 })).expect(200);
    await w.post(textPayload('6281234567808', 'pertama', { timestamp: t0 })).expect(200);
    await w.graph.waitFor((g) => g.sent().length >= 1);
    expect(ai.turns[0].messages).toEqual(['pertama', 'kedua']);
  });

  test('when a username user without a phone number writes, then the reply goes to their business-scoped id', async () => {
    await w.post(webhookPayload({ messages: [{ from: '', userId: 'US.424242', text: 'hai' }] })).expect(200);
    await w.graph.waitFor((g) => g.sent().length >= 1);
    expect(w.graph.sent()[0].to).toBe('US.424242');
    expect(ai.turns[0].userId).toBe('whatsapp_bsuid_US.424242');
  });

  test('when a batch is answered, then the chat log records the user messages and the reply of that turn', async () => {
    await w.post(textPayload('6281234567810', 'satu')).expect(200);
    await w.post(textPayload('6281234567810', 'dua')).expect(200);
    await w.graph.waitFor((g) => g.sent().length >= 1);
    await sleep(200);
    await w.deps.chatLogger.flush();
    const r = await w.database.db.query<{ role: string; content: string; kind: string | null }>(
      "SELECT role, content, kind FROM chat_messages WHERE user_id = 'whatsapp_6281234567810' AND channel = 'whatsapp' ORDER BY created_at, seq");
    expect(r.rows.map((m) => [m.role, m.content])).toEqual([['user', 'satu'], ['user', 'dua'], ['assistant', 'Reply to: satu | dua']]);
  });

  test('when the AI fails unexpectedly once, then the batch is retried a little later and answered once, not lost', async () => {
    const flaky = recordingAi();
    let calls = 0;
    const w2 = await createWhatsAppTestApp({ bufferMs: 300, ai: { async reply(input) { if (++calls === 1) throw new Error('boom'); return flaky.reply(input); } } });
    try {
      await w2.post(textPayload('6281234567811', 'tolong')).expect(200);
      await w2.graph.waitFor((g) => g.sent().length >= 1, 10_000);
      await sleep(500);
      expect(w2.graph.sent().map((c) => c.text)).toEqual(['Reply to: tolong']);
      expect(w2.logs.text()).toContain('batch failed; it will be retried');
    } finally { await w2.close(); }
  });
});
