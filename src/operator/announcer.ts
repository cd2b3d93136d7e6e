// New needs_human conversations are announced: a log line always, and a POST of
// { userId, channel, reason, at } to OPERATOR_WEBHOOK_URL (a Slack/Teams/e-mail bridge) when set.
// Retried with backoff in the background: the customer's reply never waits for it.
import type { Logger } from '../shared/logger';

export interface Announcement { userId: string; channel: 'whatsapp' | 'web'; reason: string; at: string }

export interface Announcer {
  announce(a: Announcement): void;
  /** Waits for announcements in flight (shutdown, tests). */
  drain(): Promise<void>;
}

export function createAnnouncer(deps: { url: string | undefined; logger: Logger; attempts?: number; retryBaseMs?: number; timeoutMs?: number }): Announcer {
  const log = deps.logger.child({ module: 'operator' });
  const attempts = deps.attempts ?? 5;
  const base = deps.retryBaseMs ?? 500;
  const inFlight = new Set<Promise<void>>();

  async function post(a: Announcement): Promise<void> {
    for (let i = 1; i <= attempts; i++) {
      try {
        const res = await fetch(deps.url!, {
          method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(a),
          signal: AbortSignal.timeout(deps.timeoutMs ?? 5000),
        });
        await res.arrayBuffer().catch(() => undefined);
        if (res.ok) return;
        // A 4xx other than 408/429 will not get better by asking again.
        if (res.status < 500 && res.status !== 408 && res.status !== 429) throw Object.assign(new Error(`HTTP ${res.status}`), { final: true });
        throw new Error(`HTTP ${res.status}`);
      } catch (err) {
        const final = (err as { final?: boolean }).final || i === attempts;
        if (final) {
          log.warn({ userId: a.userId, attempts: i, err: { message: (err as Error).message } }, 'could not announce the conversation to OPERATOR_WEBHOOK_URL');
          return;
        }
        await new Promise((r) => setTimeout(r, base * 2 ** (i - 1)).unref());
      }
    }
  }

  return {
    announce(a) {
      log.info({ userId: a.userId, channel: a.channel, reason: a.reason }, `🙋 Conversation ${a.userId} needs a human operator (${a.reason})`);
      if (!deps.url) return;
      const p = post(a).finally(() => inFlight.delete(p));
      inFlight.add(p);
    },
    async drain() { await Promise.all([...inFlight]); },
  };
}
