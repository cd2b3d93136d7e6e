// Meta's per-number send rate, shared through the database by every instance: bursts are paced,
// never above META_MESSAGES_PER_SECOND in any one-second window, and nothing is dropped.
import { migrate } from '../../src/db/migrator';
import { silentLogger } from '../../src/shared/logger';
import { createSendRateLimiter } from '../../src/whatsapp/send-rate';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database';
import { createWhatsAppTestApp } from '../helpers/whatsapp-test-app';
import { webhookPayload } from '../helpers/whatsapp-payloads';

/** The largest number of timestamps inside any one-second window. */
function maxInOneSecond(times: number[]): number {
  const t = [...times].sort((a, b) => a - b);
  let best = 0;
  for (let i = 0, j = 0; i < t.length; i++) {
    while (t[i] - t[j] >= 1000) j++;
    best = Math.max(best, i - j + 1);
  }
  return best;
}

describe('send rate', () => {
  let database: TestDatabase;
  beforeAll(async () => { database = await createTestDatabase(); await migrate(database.db); });
  afterAll(async () => { await database.drop(); });

  test('when two instances send a burst on one number, then together they stay under the rate and every message gets its slot', async () => {
    const make = () => createSendRateLimiter({ db: database.db, phoneNumberId: 'burst-number', messagesPerSecond: 40, logger: silentLogger() });
    const a = make();
    const b = make();
    const granted: number[] = [];
    const started = Date.now();
    await Promise.all(Array.from({ length: 80 }, (_, i) => (i % 2 ? a : b).acquire().then(() => { granted.push(Date.now()); })));
    const tookMs = Date.now() - started;
    expect(granted).toHaveLength(80);
    // The slots are 1/36 s apart; a timer firing late on a loaded machine can bunch two of them.
    expect(maxInOneSecond(granted)).toBeLessThanOrEqual(42);
    // 80 messages at 90 % of 40/s: about 2.2 s, not the 0 s of a burst nor much longer.
    expect(tookMs).toBeGreaterThan(1700);
    expect(tookMs).toBeLessThan(4000);
  });

  test('when another number sends at the same time, then it has its own slots', async () => {
    const busy = createSendRateLimiter({ db: database.db, phoneNumberId: 'busy-number', messagesPerSecond: 5, logger: silentLogger() });
    const other = createSendRateLimiter({ db: database.db, phoneNumberId: 'quiet-number', messagesPerSecond: 5, logger: silentLogger() });
    const burst = Promise.all(Array.from({ length: 10 }, () => busy.acquire()));
    const started = Date.now();
    await other.acquire();
    expect(Date.now() - started).toBeLessThan(500);
    await burst;
  });

  test('when META_MESSAGES_PER_SECOND is 0, then sends are not paced', async () => {
    const none = createSendRateLimiter({ db: database.db, phoneNumberId: 'x', messagesPerSecond: 0, logger: silentLogger() });
    const started = Date.now();
    await Promise.all(Array.from({ length: 100 }, () => none.acquire()));
    expect(Date.now() - started).toBeLessThan(200);
  });

  test('when many conversation windows end together, then the replies reach Graph paced at META_MESSAGES_PER_SECOND and all are delivered', async () => {
    const t = await createWhatsAppTestApp({ bufferMs: 300, env: { META_MESSAGES_PER_SECOND: '15', WHATSAPP_RATE_LIMIT_PER_MINUTE: '0' } });
    try {
      const phones = Array.from({ length: 30 }, (_, i) => `62812000${String(i).padStart(4, '0')}`);
      await t.post(webhookPayload({ messages: phones.map((from) => ({ from, text: 'halo' })) })).expect(200);
      await t.graph.waitFor((g) => g.sent().length === 30, 20_000);
      const times = t.graph.sent().map((c) => c.at).sort((x, y) => x - y);
      // Unpaced, all 30 leave within a few milliseconds; paced at 90 % of 15/s they span about 2.1 s.
      // (Arrival times are taken in this process, so a loaded machine can bunch a few together.)
      expect(times[29] - times[0]).toBeGreaterThan(1700);
      expect(maxInOneSecond(times)).toBeLessThanOrEqual(17);
      expect(new Set(t.graph.sent().map((c) => c.to))).toEqual(new Set(phones));
    } finally { await t.close(); }
  });
});
