// The Graph API answering 429, 500 and timing out for a while: every reply is delivered once when
// it recovers (two processes share the work and the database).
import { hasServerDatabase } from '../helpers/test-database';
import { graphError } from '../helpers/fake-graph-server';
import { deliver, makeConversations, newStats, payloadOf, settle, sleep, tally, useFaultWorld } from './fault-harness';

(hasServerDatabase() ? describe : describe.skip)('fault: Graph API errors and timeouts', () => {
  const w = useFaultWorld({ cluster: {} });

  test('when the Graph API answers 429, 500 and times out for several seconds, then each reply is delivered exactly once after it recovers', async () => {
    const { database, graph, ai, cluster } = w;
    const conversations = makeConversations(30, '62817200', 1);
    const stats = newStats();
    // Every Graph call fails for about 6 s, in turns: 429 with Retry-After, 500, Meta's throughput
    // code 130429, a hang-up, and answers slower than the 1 s client timeout.
    const faults = [
      graphError(130429, '(#130429) Rate limit hit', 429, { 'retry-after': '1' }),
      { status: 500, body: { error: { message: 'An unexpected error has occurred', code: 2 } } },
      { status: 503, body: 'Service Unavailable' },
      { status: 0, hangUp: true },
      { status: 200, delayMs: 1500 },
    ];
    let turn = 0;
    let failing = true;
    const rotate = (async () => {
      while (failing) { graph.failAlways(faults[turn++ % faults.length]); await sleep(400); }
      graph.failAlways(null);
    })();
    await Promise.all(conversations.map(async (c, i) => {
      await sleep(i * 50);
      await deliver(cluster, payloadOf(c.phone, c.messages[0]), stats, { pick: i });
    }));
    await sleep(4500);
    failing = false;
    await rotate;
    const failedCalls = graph.calls.filter((c) => c.status !== 200).length;
    await settle(database.db, graph, conversations, { timeoutMs: 90_000, quietMs: 3000 });
    const t = await tally(`Graph API 429/500/503/hang-up/timeout for ~6 s (${failedCalls} failed Graph calls)`, database.db, graph, conversations);
    expect(failedCalls).toBeGreaterThan(0);
    expect(t.lost).toBe(0);
    expect(t.duplicated).toBe(0);
    expect(new Set(graph.sent().map((c) => c.to))).toEqual(new Set(conversations.map((c) => c.phone)));
  });
});
