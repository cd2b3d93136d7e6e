// Identity as one AppModule: the operator link routes, and the hourly removal of link codes that
// expired unused (once per period for the whole cluster). The service itself is built in deps.ts,
// because the WhatsApp channel and the web chat both ask it.
import type { AppDeps, AppModule } from '../app-types';
import { createIdentityRepository } from './identity-repository';
import { createOperatorLinkRouter } from './operator-link-router';

export function createIdentityModule(deps: AppDeps, opts: { clock?: () => number; cleanupEveryMs?: number } = {}): AppModule {
  const { logger } = deps;
  const clock = opts.clock ?? Date.now;
  const everyMs = opts.cleanupEveryMs ?? 60 * 60_000;
  const repo = createIdentityRepository({ db: deps.db });
  let timer: NodeJS.Timeout | null = null;
  const cleanup = () => deps.cluster.claimRun('expired link codes', everyMs, clock())
    .then((won) => (won ? repo.deleteExpiredCodes(clock()) : 0))
    .catch((err) => logger.warn({ module: 'identity', err: { message: (err as Error).message } }, 'could not delete expired link codes'));
  return {
    name: 'identity',
    router: createOperatorLinkRouter({ identity: deps.identity, admin: deps.operator.api }),
    start() {
      void cleanup();
      timer = setInterval(() => void cleanup(), everyMs).unref();
    },
    stop() { if (timer) clearInterval(timer); },
  };
}
