// Privacy as one AppModule: DELETE /api/privacy/users/:userId (operator token) and the daily
// retention sweep. Several processes share the database: the sweep runs once per period for the
// whole cluster (cluster-service claimRun), the same way the chat-log cleanup does.
import { Router } from 'express';
import type { ChatLogTransport } from '../chatlog/chatlog-repository';
import type { AppDeps, AppModule } from '../app-types';
import { createPrivacyService, type PrivacyService } from './privacy-service';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
export const RETENTION_JOB = 'privacy retention';

export interface PrivacyModule extends AppModule { service: PrivacyService }

export function createPrivacyModule(deps: Pick<AppDeps, 'config' | 'db' | 'logger' | 'cluster' | 'operator' | 'chatLogger'>, opts: {
  chatLog?: ChatLogTransport; clock?: () => number; sweepEveryMs?: number; firstSweepAfterMs?: number;
} = {}): PrivacyModule {
  const { config, logger } = deps;
  const log = logger.child({ module: 'privacy' });
  const clock = opts.clock ?? Date.now;
  const service = createPrivacyService({ db: deps.db, logger, retentionDays: config.privacy.retentionDays, chatLog: opts.chatLog, clock });

  const router = Router();
  router.delete('/api/privacy/users/:userId', deps.operator.api, async (req, res, next) => {
    try {
      // Turns still queued in this process's chat logger are written first, then erased with the rest.
      await deps.chatLogger.flush().catch(() => {});
      const result = await service.forget(String(req.params.userId));
      res.set('Cache-Control', 'no-store').json(result);
    } catch (err) { next(err); }
  });

  const timers: NodeJS.Timeout[] = [];
  const running = new Set<Promise<unknown>>();
  const everyMs = opts.sweepEveryMs ?? DAY;
  const tick = () => {
    const p = (async () => {
      if (!(await deps.cluster.claimRun(RETENTION_JOB, everyMs, clock()))) {
        log.debug('retention sweep already done by another process this period; skipped');
        return;
      }
      await service.sweep();
    })().catch((err) => log.warn({ err: { message: (err as Error).message } }, 'retention sweep failed; will retry at the next run'));
    running.add(p);
    void p.finally(() => running.delete(p));
  };

  return {
    name: 'privacy',
    router,
    service,
    start() {
      if (!config.privacy.retentionEnabled) return;
      timers.push(setTimeout(tick, opts.firstSweepAfterMs ?? MINUTE), setInterval(tick, everyMs));
      for (const t of timers) t.unref();
    },
    async stop() {
      for (const t of timers.splice(0)) clearTimeout(t);
      await Promise.all([...running]);
    },
  };
}
