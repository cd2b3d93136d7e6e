// kill -9 of either of two server processes at random moments during a stream of conversations:
// after recovery every batch is answered exactly once and no message is lost.
import { hasServerDatabase } from '../helpers/test-database';
import { deliver, makeConversations, newStats, payloadOf, settle, sleep, tally, useFaultWorld } from './fault-harness';

// A small seeded generator: a failing run can be repeated with FAULT_SEED.
function random(seed: number) {
  let a = seed >>> 0;
  return () => { a = (a + 0x6d2b79f5) >>> 0; let t = a; t = Math.imul(t ^ (t >>> 15), t | 1); t ^= t + Math.imul(t ^ (t >>> 7), t | 61); return ((t ^ (t >>> 14)) >>> 0) / 4294967296; };
}

(hasServerDatabase() ? describe : describe.skip)('fault: kill -9 during a stream of conversations', () => {
  const w = useFaultWorld({ aiText: 'Skor kredit Anda baik.' });

  test('when either process is killed at random moments and restarted, then every batch is answered exactly once and nothing is lost', async () => {
    const { database, graph } = w;
    const seed = Number(process.env.FAULT_SEED ?? Date.now() % 100_000);
    const rnd = random(seed);
    const cluster = await w.startCluster();
    const conversations = makeConversations(40, '62817100', 2);
    const stats = newStats();

    // The killer: four kills of a random process at random moments over the stream and its
    // replies; each killed process is restarted 0.3-1.5 s later.
    const killTimes = Array.from({ length: 4 }, () => Math.floor(500 + rnd() * 9000)).sort((x, y) => x - y);
    const killer = (async () => {
      const t0 = Date.now();
      for (const at of killTimes) {
        await sleep(Math.max(0, t0 + at - Date.now()));
        const i = rnd() < 0.5 ? 0 : 1;
        if (cluster.isDown(i)) continue;
        await cluster.kill9(i);
        await sleep(300 + rnd() * 1200);
        await cluster.start(i);
      }
    })();

    // The stream: a new conversation every 150 ms, each a burst of two messages 200 ms apart.
    await Promise.all(conversations.map(async (c, i) => {
      await sleep(i * 150);
      await deliver(cluster, payloadOf(c.phone, c.messages[0]), stats, { pick: i });
      await sleep(200);
      await deliver(cluster, payloadOf(c.phone, c.messages[1]), stats, { pick: i + 1 });
    }));
    await killer;
    await Promise.all(cluster.servers.map((_, i) => (cluster.isDown(i) ? cluster.start(i) : null)));
    await settle(database.db, graph, conversations, { timeoutMs: 60_000, quietMs: 4000 });

    const t = await tally(`kill -9 x${cluster.kills} (seed ${seed}, at ${killTimes.join('/')} ms; ${stats.networkErrors} refused deliveries re-sent)`, database.db, graph, conversations);
    expect(cluster.kills).toBeGreaterThan(0);
    expect(t.lost).toBe(0);
    expect(t.duplicated).toBe(0);
    expect(t.stored).toBe(t.sent);
    // Every conversation got an answer.
    expect(new Set(graph.sent().map((c) => c.to))).toEqual(new Set(conversations.map((c) => c.phone)));
  });
});
