// createApp(deps): middleware, routers, 404, error handler. Never listens, never reads env.
import express, { type Router } from 'express';
import type { AppDeps } from './deps';
import { errorHandler, notFoundHandler } from './shared/errors';

export function createApp(deps: AppDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  if (deps.config.trustProxy) app.set('trust proxy', parseTrustProxy(deps.config.trustProxy));

  app.get('/healthz', (_req, res) => { res.json({ status: 'ok', uptimeSeconds: Math.round(process.uptime()) }); });
  app.get('/readyz', async (_req, res) => {
    const r = await deps.readiness();
    res.status(r.ready ? 200 : 503).json(r);
  });

  // Each capability brings its own router with its own body parser: the webhook must read the raw
  // body itself, so there is no global JSON parser in front of it.
  for (const m of deps.modules) {
    if (m.router) app.use(m.mountPath ?? '/', m.router as Router);
  }

  app.use(notFoundHandler());
  app.use(errorHandler(deps.logger));
  return app;
}

function parseTrustProxy(v: string): boolean | number | string {
  if (v === 'true') return true;
  if (v === 'false') return false;
  if (/^\d+$/.test(v)) return Number(v);
  return v;
}
