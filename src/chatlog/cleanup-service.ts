// Background upkeep of the chat log: every hour, end WhatsApp sessions idle for longer than
// WHATSAPP_SESSION_TIMEOUT_MINUTES (and web sessions idle for a day: a login nobody logged out of);
// with ENABLE_CLEANUP, delete sessions older than CLEANUP_OLD_SESSIONS_DAYS every 24 hours and once
// shortly after start. Several processes may run this at once: the sweep is an idempotent UPDATE
// and the deletion takes an advisory lock (the other processes skip).
import type { Logger } from '../shared/logger';
import type { ChatLogTransport } from './chatlog-repository';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
/** Web sessions normally end at logout; one idle this long was abandoned. */
export const WEB_IDLE_MINUTES = 24 * 60;

export interface CleanupOptions {
  transport: ChatLogTransport;
  logger: Logger;
  whatsappIdleMinutes: number;
  deleteOld: boolean;
  oldSessionsDays: number;
  clock?: () => number;
  sweepEveryMs?: number;
  deleteEveryMs?: number;
  /** Delay of the first deletion after start: let the server settle first. */
  firstDeleteAfterMs?: number;
  /** Several processes (PM2 cluster): a timed run happens only if this process wins the period (cluster-service.ts). */
  claimRun?(job: string, everyMs: number, nowMs: number): Promise<boolean>;
}

export interface CleanupResult { skipped: boolean; sessions: number; messages: number }

export interface CleanupService {
  /** Ends idle sessions now; returns how many were ended. */
  sweepInactive(): Promise<number>;
  /** Deletes old sessions and their messages now. */
  deleteOld(): Promise<CleanupResult>;
  start(): void;
  stop(): Promise<void>;
}

export function createCleanupService(opts: CleanupOptions): CleanupService {
  const log = opts.logger.child({ module: 'chatlog-cleanup' });
  const clock = opts.clock ?? Date.now;
  const timers: NodeJS.Timeout[] = [];
  const running = new Set<Promise<unknown>>();

  const service: CleanupService = {
    async sweepInactive() {
      const whatsapp = await opts.transport.call<{ ended: number }>('chat_log_end_idle', {
        p_channel: 'whatsapp', p_before: new Date(clock() - opts.whatsappIdleMinutes * MINUTE),
      });
      const web = await opts.transport.call<{ ended: number }>('chat_log_end_idle', {
        p_channel: 'web', p_before: new Date(clock() - WEB_IDLE_MINUTES * MINUTE),
      });
      const ended = whatsapp.ended + web.ended;
      if (ended) log.info({ whatsapp: whatsapp.ended, web: web.ended }, `🧹 ended ${ended} inactive chat session(s)`);
      return ended;
    },
    async deleteOld() {
      const r = await opts.transport.call<CleanupResult>('chat_log_delete_before', {
        p_before: new Date(clock() - opts.oldSessionsDays * 24 * HOUR),
      });
      if (r.skipped) log.debug('chat log cleanup already running in another process; skipped');
      else log.info({ sessions: r.sessions, messages: r.messages, olderThanDays: opts.oldSessionsDays },
        `🧹 deleted ${r.sessions} chat session(s) older than ${opts.oldSessionsDays} days`);
      return r;
    },
    start() {
      // A failed run is logged and tried again at the next tick; it never stops the timers.
      const guarded = (name: string, fn: () => Promise<unknown>, everyMs: number) => () => {
        const once = async () => {
          if (opts.claimRun && !(await opts.claimRun(`chatlog ${name}`, everyMs, clock()))) {
            log.debug(`chat log ${name} already done by another process this period; skipped`);
            return;
          }
          await fn();
        };
        const p = once().catch((err) => log.warn({ err: { message: (err as Error).message } }, `chat log ${name} failed; will retry at the next run`));
        running.add(p);
        void p.finally(() => running.delete(p));
      };
      const sweep = guarded('inactivity sweep', service.sweepInactive, opts.sweepEveryMs ?? HOUR);
      timers.push(setInterval(sweep, opts.sweepEveryMs ?? HOUR));
      if (opts.deleteOld) {
        const del = guarded('cleanup', service.deleteOld, opts.deleteEveryMs ?? 24 * HOUR);
        timers.push(setTimeout(del, opts.firstDeleteAfterMs ?? MINUTE));
        timers.push(setInterval(del, opts.deleteEveryMs ?? 24 * HOUR));
      }
      for (const t of timers) t.unref();
    },
    async stop() {
      for (const t of timers.splice(0)) clearInterval(t);
      await Promise.all([...running]);
    },
  };
  return service;
}
