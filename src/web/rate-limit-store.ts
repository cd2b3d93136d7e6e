// An express-rate-limit Store over our Database: a fixed-window counter per key (the user id) in
// table web_rate_limits. A memory store would count per process, so two PM2 instances would each
// allow the full limit; one atomic upsert per request keeps the count shared by every instance.
import type { ClientRateLimitInfo, Options, Store } from 'express-rate-limit';
import type { Database } from '../db/database';

export function createDatabaseRateLimitStore(deps: { db: Database; clock?: () => number; prefix?: string }): Store {
  const { db } = deps;
  const clock = deps.clock ?? Date.now;
  const prefix = deps.prefix ?? 'web-chat:';
  let windowMs = 60_000;
  const windowStart = () => new Date(Math.floor(clock() / windowMs) * windowMs);

  return {
    prefix,
    localKeys: false,
    init(options: Options) { windowMs = options.windowMs; },
    async get(key): Promise<ClientRateLimitInfo | undefined> {
      const start = windowStart();
      const r = await db.query<{ hits: number }>('SELECT hits FROM web_rate_limits WHERE key = $1 AND window_start = $2', [prefix + key, start]);
      return r.rows[0] ? { totalHits: r.rows[0].hits, resetTime: new Date(start.getTime() + windowMs) } : undefined;
    },
    async increment(key) {
      const start = windowStart();
      const r = await db.query<{ hits: number }>(
        `INSERT INTO web_rate_limits (key, window_start, hits) VALUES ($1, $2, 1)
         ON CONFLICT (key, window_start) DO UPDATE SET hits = web_rate_limits.hits + 1
         RETURNING hits`, [prefix + key, start]);
      const hits = r.rows[0].hits;
      // First hit of a new window: the user's older windows are of no use any more.
      if (hits === 1) await db.query('DELETE FROM web_rate_limits WHERE key = $1 AND window_start < $2', [prefix + key, start]);
      return { totalHits: hits, resetTime: new Date(start.getTime() + windowMs) };
    },
    async decrement(key) {
      await db.query('UPDATE web_rate_limits SET hits = hits - 1 WHERE key = $1 AND window_start = $2 AND hits > 0', [prefix + key, windowStart()]);
    },
    async resetKey(key) {
      await db.query('DELETE FROM web_rate_limits WHERE key = $1', [prefix + key]);
    },
  };
}
