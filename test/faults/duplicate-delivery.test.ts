// Duplicate and out-of-order webhook deliveries, spread over two processes: every message is stored
// once, each conversation gets one reply, and the model sees each burst in WhatsApp's order.
import { hasServerDatabase } from '../helpers/test-database';
import { webhookPayload } from '../helpers/whatsapp-payloads';
import { deliver, makeConversations, newStats, payloadOf, settle, sleep, tally, useFaultWorld } from './fault-harness';

(hasServerDatabase() ? describe : describe.skip)('fault: duplicate and out-of-order deliveries', () => {
  const w = useFaultWorld({ cluster: { extra: { WHATSAPP_BUFFER_MS: '2000' } } });

  test('when every webhook arrives two or three times, to either process, in shuffled order, then each conversation is answered once with its messages in order', async () => {
    const { database, graph, ai, cluster } = w;
    const conversations = makeConversations(20, '62817500', 3);
    // Each message alone, plus one payload carrying the whole burst (Meta batches updates), each
    // delivered 2-3 times; all of it shuffled, so later messages often arrive first.
    const deliveries: unknown[] = [];
    for (const [i, c] of conversations.entries()) {
      for (const m of c.messages) for (let k = 0; k < 2 + (i % 2); k++) deliveries.push(payloadOf(c.phone, m));
      deliveries.push(webhookPayload({ messages: c.messages.map((m) => ({ from: c.phone, text: m.text, id: m.wamid, timestamp: m.timestamp })) }));
    }
    for (let i = deliveries.length - 1; i > 0; i--) { const j = Math.floor(Math.random() * (i + 1)); [deliveries[i], deliveries[j]] = [deliveries[j], deliveries[i]]; }
    const stats = newStats();
    // 20 at a time, all within the window.
    let next = 0;
    await Promise.all(Array.from({ length: 20 }, async (_, w) => {
      while (next < deliveries.length) await deliver(cluster, deliveries[next++], stats, { pick: w });
    }));
    await settle(database.db, graph, conversations, { timeoutMs: 60_000 });
    await sleep(500);
    const t = await tally(`${deliveries.length} deliveries of ${conversations.length * 3} messages (duplicated, shuffled, both processes)`, database.db, graph, conversations);
    expect(t.stored).toBe(t.sent);
    expect(t.lost).toBe(0);
    expect(t.duplicated).toBe(0);
    expect(t.received).toBe(conversations.length); // one burst → one batch → one reply each
    // The model got each burst once, in WhatsApp's order (timestamps), whatever the arrival order.
    for (const c of conversations) {
      const prompts = ai.requests.map((r) => r.body.messages[r.body.messages.length - 1].content).filter((p) => p.includes(`percakapan ${Number(c.phone.slice(-4))}\n`) || p.endsWith(`percakapan ${Number(c.phone.slice(-4))}`));
      expect(prompts).toEqual([c.messages.map((m) => m.text).join('\n')]);
    }
  });
});
