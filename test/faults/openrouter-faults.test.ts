// OpenRouter answering 429, 500 and timing out: the model's reply is delivered once when it
// recovers within the retry budget; when it does not, the user gets the polite "busy" message once.
import { hasServerDatabase } from '../helpers/test-database';
import { errorResponse } from '../helpers/fake-openrouter-server';
import { deliver, makeConversations, newStats, payloadOf, settle, tally, useFaultWorld } from './fault-harness';

(hasServerDatabase() ? describe : describe.skip)('fault: OpenRouter errors and timeouts', () => {
  const w = useFaultWorld({
    aiText: 'Jawaban AI setelah pulih.',
    // A 6 s retry budget per turn: long enough to ride out a short outage, short enough to test giving up.
    cluster: { extra: { OPENROUTER_MAX_RETRY_MS: '6000' } },
  });

  test('when OpenRouter answers 429, 500 and times out for a while, then each conversation gets the model\'s reply exactly once', async () => {
    const { database, graph, ai, cluster } = w;
    const conversations = makeConversations(10, '62817300', 1);
    // The first 15 calls fail (any process, any conversation), then it recovers.
    for (let i = 0; i < 5; i++) {
      ai.script(errorResponse(429, 'Rate limit exceeded', { 'retry-after': '1' }), errorResponse(500, 'Internal Server Error'), { status: 200, delayMs: 1500, body: {} });
    }
    const stats = newStats();
    await Promise.all(conversations.map((c, i) => deliver(cluster, payloadOf(c.phone, c.messages[0]), stats, { pick: i })));
    await settle(database.db, graph, conversations, { timeoutMs: 60_000 });
    const t = await tally('OpenRouter 429/500/timeout for the first 15 calls, then recovers', database.db, graph, conversations);
    expect(t.lost).toBe(0);
    expect(t.duplicated).toBe(0);
    for (const c of conversations) expect(graph.sent().filter((s) => s.to === c.phone).map((s) => s.text)).toEqual(['Jawaban AI setelah pulih.']);
  });

  test('when OpenRouter keeps failing, then each conversation gets the polite busy message exactly once', async () => {
    const { database, graph, ai, cluster } = w;
    graph.reset();
    const conversations = makeConversations(6, '62817301', 1);
    for (let i = 0; i < 400; i++) ai.script(i % 2 ? errorResponse(500, 'Internal Server Error') : errorResponse(429, 'Rate limit exceeded'));
    const stats = newStats();
    await Promise.all(conversations.map((c, i) => deliver(cluster, payloadOf(c.phone, c.messages[0]), stats, { pick: i })));
    await settle(database.db, graph, conversations, { timeoutMs: 60_000 });
    ai.reset();
    const t = await tally('OpenRouter failing throughout (polite fallback)', database.db, graph, conversations);
    expect(t.lost).toBe(0);
    expect(t.duplicated).toBe(0);
    for (const c of conversations) {
      const texts = graph.sent().filter((s) => s.to === c.phone).map((s) => s.text);
      expect(texts).toHaveLength(1);
      expect(texts[0]).toMatch(/sedang sibuk|is busy/);
    }
  });
});
