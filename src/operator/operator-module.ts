// The operator console as one AppModule: sign-in, the operator API, the console's files next to the
// /admin dashboard, and the idle auto-release (once per minute for the whole cluster).
import path from 'node:path';
import express, { Router } from 'express';
import type { AppDeps, AppModule } from '../app-types';
import { createAnnouncer, type Announcer } from './announcer';
import { createOperatorAuth } from './operator-auth';
import { createOperatorRepository } from './operator-repository';
import { createOperatorRouter } from './operator-router';
import { createOperatorService, type OperatorService } from './operator-service';
import { createPageRenderer, skipTemplates } from '../i18n/page-renderer';

const PUBLIC_DIR = path.join(__dirname, 'public');

/** Built in deps.ts before the channels, which ask it before every turn. */
export function createOperator(deps: Pick<AppDeps, 'config' | 'logger' | 'db' | 'credit' | 'notices'>, opts: { clock?: () => number; announcerRetryMs?: number } = {}):
  { service: OperatorService; announcer: Announcer } {
  const announcer = createAnnouncer({ url: deps.config.operator.webhookUrl, logger: deps.logger, retryBaseMs: opts.announcerRetryMs });
  const service = createOperatorService({
    repo: createOperatorRepository({ db: deps.db }), credit: deps.credit, logger: deps.logger, announcer, clock: opts.clock,
    idleReleaseMinutes: deps.config.operator.idleReleaseMinutes,
    sendWhatsApp: (to, text) => deps.notices.deliver(to, text),
    languageOf: (recipient) => deps.notices.languageOf(recipient),
  });
  return { service, announcer };
}

export function createOperatorModule(deps: AppDeps, opts: { clock?: () => number; idleCheckEveryMs?: number } = {}): AppModule {
  const { config, logger } = deps;
  const clock = opts.clock ?? Date.now;
  const service = deps.handoff;
  const auth = createOperatorAuth({ config, db: deps.db, logger, guard: deps.operator });
  const router = Router();
  router.use(auth.router);
  router.use(createOperatorRouter({ service, requireOperator: auth.requireOperator, requireJsonWrite: auth.requireJsonWrite, defaultLanguage: deps.config.defaultLanguage }));
  const pages = createPageRenderer({ defaultLanguage: config.defaultLanguage });
  router.get('/admin/login', (req, res) => {
    res.set({ 'Cache-Control': 'no-store', 'Content-Security-Policy': "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'" });
    pages.send(req, res, path.join(PUBLIC_DIR, 'login.html'), { namespaces: ['console'] });
  });
  router.use('/admin/console', skipTemplates, express.static(PUBLIC_DIR, { index: false, maxAge: '1h' }));

  const everyMs = opts.idleCheckEveryMs ?? 60_000;
  let timer: NodeJS.Timeout | null = null;
  const sweep = () => deps.cluster.claimRun('operator idle release', everyMs, clock())
    .then((won) => (won ? service.releaseIdle() : 0))
    .catch((err) => logger.warn({ module: 'operator', err: { message: (err as Error).message } }, 'idle release sweep failed'));
  return {
    name: 'operator',
    router,
    start() { timer = setInterval(() => void sweep(), everyMs).unref(); },
    async stop() {
      if (timer) clearInterval(timer);
      await auth.close();
    },
  };
}
