// The local WhatsApp sandbox as one AppModule, registered only when config.whatsapp.sandbox is true
// (outside production, without META_* or with WHATSAPP_SANDBOX=true; never in production and never
// with --original). Its credentials replace the META_* ones for the WhatsApp module, so the real
// webhook (signature check on), buffer, AI processor and Graph client run unchanged.
import { Router } from 'express';
import type { AppDeps, AppModule } from '../../app-types';
import type { EarlyHandler } from '../../early-routes';
import { AppError } from '../../shared/errors';
import type { WhatsAppCredentials } from '../credentials';
import { WEBHOOK_PATH } from '../webhook-router';
import { createSandboxGraphRouter } from './sandbox-graph-router';
import { createSandboxRepository } from './sandbox-repository';
import { createSandboxMediaStore } from './sandbox-media';
import { createSandboxRouter } from './sandbox-router';
import { createOperatorGuard } from '../../shared/admin-auth';
import { createSandboxService, type SandboxService } from './sandbox-service';

export interface SandboxModule extends AppModule { credentials: WhatsAppCredentials; service: SandboxService }

export function createSandboxModule(deps: Pick<AppDeps, 'config' | 'logger' | 'db'>, opts: { clock?: () => number } = {}): SandboxModule {
  const { config, logger } = deps;
  const service = createSandboxService({ config, logger, repo: createSandboxRepository({ db: deps.db }), media: createSandboxMediaStore(deps.db), clock: opts.clock });
  const learnPort: EarlyHandler = (req, _res, next) => { service.learnPort(req.socket.localPort); next(); };
  // The secrets come from the database: until they are loaded the webhook cannot check a
  // signature, so it answers 503 (Meta, and the sandbox, deliver again later) instead of 401.
  const whenLoaded: EarlyHandler = (_req, _res, next) => {
    if (service.isLoaded()) return next();
    service.load().then(() => next(), (err) => {
      logger.warn({ module: 'whatsapp-sandbox', err: { message: (err as Error).message } }, 'sandbox secrets not readable yet');
      next(new AppError('sandbox-starting', 503, 'The WhatsApp sandbox is starting (database not ready); please retry'));
    });
  };
  let listeningOn: number | null = null;
  const router = Router();
  // Every request to the webhook or the sandbox tells us the port we can reach ourselves on.
  router.use([WEBHOOK_PATH, '/sandbox'], learnPort);
  router.use(WEBHOOK_PATH, whenLoaded);
  router.use(createSandboxGraphRouter({ service }));
  router.use(createSandboxRouter({
    service, operator: createOperatorGuard(config), bufferMs: config.whatsapp.bufferMs, graphVersion: config.meta.graphVersion,
    aiOnline: Boolean(config.openRouter.apiKey), defaultLanguage: config.defaultLanguage,
  }));
  return {
    name: 'whatsapp-sandbox',
    // The webhook's POST is an early route (see AppModule.earlyRoutes): gate it there too. This
    // module is registered before the WhatsApp module, so these run first.
    earlyRoutes: [{ method: 'post', path: WEBHOOK_PATH, handler: learnPort }, { method: 'post', path: WEBHOOK_PATH, handler: whenLoaded }],
    router,
    credentials: service.credentials,
    service,
    listening({ port }) { listeningOn = port; service.learnPort(port); },
    async start() {
      await service.load();
      // The simulate CLI posts to http://localhost:3000 by default: on any other port (PORT=3100
      // npm start) the suggested command names this server's own local address.
      const port = listeningOn ?? config.port;
      const url = port === 3000 ? '' : ` --url http://localhost:${port}`;
      logger.info({ module: 'whatsapp-sandbox', page: `${config.publicUrl}/sandbox` },
        `🧪 WhatsApp sandbox on (no Meta account needed): open ${config.publicUrl}/sandbox or run: npm run simulate --${url} --from <phone> "halo"`);
    },
  };
}
