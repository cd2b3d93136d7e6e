// createApp(deps): middleware, routers, 404, error handler. Never listens, never reads env.
import express, { type Router } from 'express';
import type { AppDeps } from './app-types';
import { earlyErrorForwarder, withEarlyRoutes } from './early-routes';
import { AppError, errorHandler, notFoundHandler } from './shared/errors';
import { createSchemaWait } from './shared/unavailable';
import { createI18nAssets } from './i18n/i18n-assets';

/** The webhook's limit (Meta batches up to 1000 updates per POST); every other route's is smaller. */
const MAX_BODY_BYTES = 3 * 1024 * 1024;

export function createApp(deps: AppDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  if (deps.config.trustProxy) app.set('trust proxy', parseTrustProxy(deps.config.trustProxy));
  // Hot routes run before Express (early-routes.ts) and set the same security headers themselves on
  // success. (express() calls app.handle on every request: its type is not in @types/express.)
  const inner = app as unknown as { handle: Parameters<typeof withEarlyRoutes>[0] };
  // Every route except the probes needs the schema: wait for it (bounded), then 503 (unavailable.ts).
  const schemaWait = createSchemaWait(deps.schema, deps.config.ops.readinessWaitMs, deps.logger);
  inner.handle = withEarlyRoutes(inner.handle.bind(app), deps.modules.flatMap((m) => m.earlyRoutes ?? []).map(schemaWait.early));
  // Security headers on every response (JSON, health probes, 404s). Pages that need more set their
  // own CSP in their router (web chat, /admin), which replaces this one for that response.
  app.use(deps.security.middleware);
  // An error an early route passed on: after the security headers (so refusals carry them like
  // every other answer), straight to the error handler.
  app.use(earlyErrorForwarder);
  // No request body anywhere may exceed the largest route limit (the webhook's); each router also
  // has its own, smaller limit. Checked on the declared length before any byte is read.
  app.use((req, _res, next) => {
    const declared = Number(req.get('content-length') ?? 0);
    if (declared > MAX_BODY_BYTES) return next(new AppError('payload-too-large', 413, 'Request body is too large'));
    next();
  });

  // The pages' language helper (window.I18N): a static file, needed before the schema is there.
  app.use(createI18nAssets());
  app.get('/healthz', (_req, res) => { res.json({ status: 'ok', uptimeSeconds: Math.round(process.uptime()) }); });
  // Connection errors, host:port and migration names are for the operator (admin token) only.
  app.get('/readyz', async (req, res) => {
    const r = await deps.readiness();
    const reason = r.ready ? undefined : r.database !== 'ok' ? 'database-unreachable' : 'migrations-pending';
    res.status(r.ready ? 200 : 503).json(deps.operator.hasToken(req) ? r : { ready: r.ready, ...(reason ? { reason } : {}) });
  });
  // Operator-protected like /api/whatsapp/status; needs no database, so it answers during start-up.
  if (deps.config.ops.metricsEnabled) {
    app.get('/metrics', deps.operator.api, async (_req, res, next) => {
      try {
        const m = await deps.metrics.render();
        res.set('Content-Type', m.contentType).set('Cache-Control', 'no-store').send(m.body);
      } catch (err) { next(err); }
    });
  }
  app.use(schemaWait.middleware);

  // Each capability brings its own router with its own body parser: the webhook must read the raw
  // body itself, so there is no global JSON parser in front of it.
  for (const m of deps.modules) {
    if (m.router) app.use(m.mountPath ?? '/', m.router as Router);
  }

  app.use(notFoundHandler());
  app.use(errorHandler(deps.logger, { defaultLanguage: deps.config.defaultLanguage }));
  return app;
}

function parseTrustProxy(v: string): boolean | number | string {
  if (v === 'true') return true;
  if (v === 'false') return false;
  if (/^\d+$/.test(v)) return Number(v);
  return v;
}
