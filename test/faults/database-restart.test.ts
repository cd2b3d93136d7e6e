// The database restarted mid-load: webhooks answer 5xx while it is down (nothing acknowledged that
// was not stored), Meta-style re-delivery afterwards loses nothing and duplicates nothing.
import { createPostgresDatabase, type Database } from '../../src/db/database';
import { hasServerDatabase } from '../helpers/test-database';
import { startFakeGraphServer, type FakeGraphServer } from '../helpers/fake-graph-server';
import { startFakeOpenRouter, type FakeOpenRouter } from '../helpers/fake-openrouter-server';
import { Cluster, deliver, faultEnv, makeConversations, newStats, payloadOf, settle, sleep, tally } from './fault-harness';
import { canRunOwnPostgres, startOwnPostgres, type OwnPostgres } from './own-postgres';

(hasServerDatabase() && canRunOwnPostgres() ? describe : describe.skip)('fault: database restarted mid-load', () => {
  let pg: OwnPostgres;
  let db: Database;
  let graph: FakeGraphServer;
  let ai: FakeOpenRouter;
  let cluster: Cluster;

  beforeAll(async () => {
    pg = await startOwnPostgres();
    db = createPostgresDatabase({ url: pg.url, poolMax: 2 });
    graph = await startFakeGraphServer();
    ai = await startFakeOpenRouter();
    // The servers migrate the empty database themselves at start.
    // A lease longer than the outage: a batch whose reply went out just before the database stopped
    // stays with its process, which records it when the database is back (see persist() in batch-service.ts).
    cluster = new Cluster(faultEnv({ databaseUrl: pg.url, graph, openRouterUrl: ai.url, extra: { WHATSAPP_LEASE_MS: '10000' } }), 2);
    await cluster.startAll();
    for (const s of cluster.alive()) {
      for (let i = 0; i < 100 && (await fetch(`${s.url}/readyz`)).status !== 200; i++) await sleep(100);
    }
  });
  afterAll(async () => {
    await cluster?.stopAll();
    await db?.close().catch(() => {});
    await graph?.close();
    await ai?.close();
    pg?.destroy();
  });

  test('when the database stops during a stream and comes back, then webhooks answer 5xx meanwhile and every message is answered exactly once afterwards', async () => {
    const conversations = makeConversations(60, '62817400', 1);
    const stats = newStats();
    let downAt = 0;
    let upAt = 0;
    // A stream of 60 conversations over 6 s; the database is down from 1.5 s to about 4.5 s.
    const outage = (async () => {
      await sleep(1500);
      pg.stop();
      downAt = Date.now();
      await sleep(3000);
      pg.start();
      upAt = Date.now();
    })();
    const statuses: number[][] = [];
    await Promise.all(conversations.map(async (c, i) => {
      await sleep(i * 100);
      statuses[i] = await deliver(cluster, payloadOf(c.phone, c.messages[0]), stats, { pick: i, deadlineMs: 120_000 });
    }));
    await outage;
    await settle(db, graph, conversations, { timeoutMs: 90_000, quietMs: 3000 });
    const refused = [...stats.non2xx.entries()].map(([s, n]) => `${n}x${s}`).join(', ');
    const t = await tally(`database down for ${upAt - downAt} ms (webhooks answered ${refused || 'nothing but 200'}, then re-delivered)`, db, graph, conversations);
    // While it was down, webhooks were refused with a 5xx and nothing else.
    expect([...stats.non2xx.keys()].every((s) => s >= 500)).toBe(true);
    expect(stats.non2xx.get(503) ?? 0).toBeGreaterThan(0);
    expect(t.stored).toBe(t.sent);
    expect(t.lost).toBe(0);
    expect(t.duplicated).toBe(0);
    expect(new Set(graph.sent().map((c) => c.to))).toEqual(new Set(conversations.map((c) => c.phone)));
    // Both processes survived the outage.
    expect(cluster.alive()).toHaveLength(2);
  });
});
