// Meta's send rate per business number: 80 messages per second by default (more at higher tiers);
// above it Graph answers 130429 and the message must be sent again later. When many conversation
// windows end together every reply would otherwise go out at once, and most of the burst bounce.
// Instead every send waits for a slot. The slots live in the database (whatsapp_send_slots: the
// next free slot's time), so all instances of a cluster share one rate, whatever each one's load:
// one statement reserves slots for every message waiting in this process (up to a quarter second's
// worth, so other instances interleave), and each message is sent at its slot's time, measured on
// the database's clock (instances' clocks may differ). Slots are spaced at 90 % of the configured
// rate: timers and the network deliver some messages late and the next ones on time, which at
// 95 % still put one message too many in some one-second window on a loaded machine.
import type { Database } from '../db/database';
import type { Logger } from '../shared/logger';
import type { Metrics } from '../metrics/metrics';

export const SEND_RATE_HEADROOM = 0.9;
const RESERVE_TIMEOUT_MS = 1000;

export interface SendRateLimiter {
  /** Resolves when this process may send one message. */
  acquire(): Promise<void>;
}

export function createSendRateLimiter(deps: {
  db: Database; phoneNumberId: string; messagesPerSecond: number; logger: Logger;
  metrics?: Pick<Metrics, 'sendRateWait'>; clock?: () => number;
}): SendRateLimiter {
  const { db, phoneNumberId, messagesPerSecond } = deps;
  if (messagesPerSecond <= 0) return { acquire: async () => {} };
  const clock = deps.clock ?? Date.now;
  const log = deps.logger.child({ module: 'whatsapp-send-rate' });
  const intervalMs = 1000 / (messagesPerSecond * SEND_RATE_HEADROOM);
  const maxReserve = Math.max(1, Math.ceil(messagesPerSecond / 4));
  const waiting: { resolve: () => void; since: number }[] = [];
  let reserving = false;
  let localNext = 0; // used only while the database cannot be reached
  let warned = false;

  // A send must not wait on a slow or unreachable database while its batch's lease runs out: after
  // this long the process paces itself alone (the late reservation is simply not used).
  function reserveWithin(n: number): Promise<number> {
    const reserving = reserve(n);
    reserving.catch(() => {});
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${RESERVE_TIMEOUT_MS} ms`)), RESERVE_TIMEOUT_MS);
      timer.unref();
    });
    return Promise.race([reserving, timeout]).finally(() => clearTimeout(timer));
  }

  async function reserve(n: number): Promise<number> {
    const r = await db.query<{ end_ms: number }>(
      `INSERT INTO whatsapp_send_slots AS s (phone_number_id, next_slot_at)
       VALUES ($1, clock_timestamp() + make_interval(secs => $2::float8))
       ON CONFLICT (phone_number_id) DO UPDATE
         SET next_slot_at = greatest(s.next_slot_at, clock_timestamp()) + make_interval(secs => $2::float8)
       RETURNING (extract(epoch FROM s.next_slot_at - clock_timestamp()) * 1000)::float8 AS end_ms`,
      [phoneNumberId, (n * intervalMs) / 1000]);
    // Where the first reserved slot starts, in milliseconds from now.
    return Number(r.rows[0].end_ms) - n * intervalMs;
  }

  function release(batch: typeof waiting, startInMs: number): void {
    batch.forEach((w, k) => {
      const at = Math.max(0, startInMs + k * intervalMs);
      const go = () => { deps.metrics?.sendRateWait.observe((clock() - w.since) / 1000); w.resolve(); };
      if (at < 1) go(); else setTimeout(go, at).unref();
    });
  }

  async function pump(): Promise<void> {
    if (reserving) return;
    reserving = true;
    try {
      while (waiting.length) {
        const batch = waiting.splice(0, maxReserve);
        let startInMs: number;
        try {
          startInMs = await reserveWithin(batch.length);
          warned = false;
        } catch (err) {
          // Sending must not stop because the slots cannot be read: pace this process alone meanwhile.
          if (!warned) log.warn({ error: (err as Error).message }, 'send-rate slots unavailable (database unreachable?): pacing this process on its own');
          warned = true;
          const now = clock();
          localNext = Math.max(localNext, now);
          startInMs = localNext - now;
          localNext += batch.length * intervalMs;
        }
        release(batch, startInMs);
      }
    } finally {
      reserving = false;
    }
  }

  return {
    acquire() {
      return new Promise<void>((resolve) => {
        waiting.push({ resolve, since: clock() });
        void pump();
      });
    },
  };
}
