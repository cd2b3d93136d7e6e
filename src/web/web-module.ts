// The web chat as one AppModule: the page at /, Google (or demo) sign-in, sessions in Postgres,
// POST /api/chat and GET /api/chat/history. Served in both modes; `--original` only drops WhatsApp.
import path from 'node:path';
import express, { Router, type RequestHandler } from 'express';
import helmet from 'helmet';
import { rateLimit } from 'express-rate-limit';
import type { AppDeps, AppModule } from '../app-types';
import { AppError } from '../shared/errors';
import { localized } from '../shared/app-error';
import { createWebAuth } from './auth';
import { createAuthRouter } from './auth-router';
import { createChatRouter } from './chat-router';
import { createChatService } from './chat-service';
import { createDatabaseRateLimitStore } from './rate-limit-store';
import { createSessionMiddleware } from './session-store';
import { createLinkRouter } from '../identity/link-router';
import { t } from '../i18n/catalogue';
import { chatLanguage } from './chat-language';
import { createPageRenderer, skipTemplates } from '../i18n/page-renderer';

const PUBLIC_DIR = path.join(__dirname, 'public');
// Served from node_modules: the machine (and many users' networks) cannot reach a CDN.
// Neither package exports these browser builds, so they are found next to a file it does export.
const VENDOR: Record<string, string> = {
  '/vendor/marked.js': path.join(path.dirname(require.resolve('marked/package.json')), 'lib/marked.umd.js'),
  '/vendor/purify.js': path.join(path.dirname(require.resolve('dompurify')), 'purify.min.js'),
};

export function createWebModule(deps: AppDeps, opts: { clock?: () => number } = {}): AppModule {
  const { config, db, logger } = deps;
  const sessions = createSessionMiddleware({ config, db, logger });
  const pages = createPageRenderer({ defaultLanguage: config.defaultLanguage });
  const auth = createWebAuth({ config, logger, users: deps.users, credit: deps.credit });
  const chat = createChatService({
    db, history: deps.history, chatLogger: deps.chatLogger, logger, clock: opts.clock,
    // Read deps.ai at call time: whatever responder the wiring settles on is the one that answers.
    ai: { reply: (input) => deps.ai.reply(input) },
    handoff: deps.handoff,
  });

  const perMinute = config.webChat.rateLimitPerMinute;
  const now = opts.clock ?? Date.now;
  const limiter: RequestHandler = perMinute > 0 ? rateLimit({
    windowMs: 60_000,
    limit: perMinute,
    // Shared by every instance on the database; a memory store would count per process.
    store: createDatabaseRateLimitStore({ db, clock: opts.clock }),
    keyGenerator: (req) => req.user!.id,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    // The key is the signed-in user, not the address, so the IP-related checks do not apply.
    validate: { ip: false, trustProxy: false, xForwardedForHeader: false, forwardedHeader: false },
    handler: (req, res, next) => {
      logger.warn({ module: 'web', userId: req.user?.id }, 'web chat rate limit reached');
      // express-rate-limit computes Retry-After on the wall clock, the store's window on ours:
      // computed here on ours, so the two always agree (and a test's frozen clock gives a real wait).
      const reset = (req as { rateLimit?: { resetTime?: Date } }).rateLimit?.resetTime;
      const wait = reset ? Math.max(1, Math.ceil((reset.getTime() - now()) / 1000)) : 60;
      res.setHeader('Retry-After', String(wait));
      next(localized(new AppError('rate-limited', 429, t(chatLanguage(req, config.defaultLanguage), 'bot.webRateLimit', { perMinute, wait }), { retryAfterSeconds: wait })));
    },
  }) : (_req, _res, next) => next();

  if (config.production && !config.trustProxy) {
    logger.warn({ module: 'web' }, 'NODE_ENV=production sends the login cookie over HTTPS only: behind a TLS-terminating proxy set TRUST_PROXY (e.g. 1) or sign-in will not stick');
  }

  const router = Router();
  router.use(helmet({
    contentSecurityPolicy: {
      directives: {
        // No inline script anywhere: even if a reply slipped past the sanitiser it could not run.
        'script-src': ["'self'"],
        'img-src': ["'self'", 'data:', 'https://*.googleusercontent.com'],
        'upgrade-insecure-requests': config.production ? [] : null,
      },
    },
    strictTransportSecurity: config.production,
  }));
  // Sessions only where they are used: the page's static files and other modules never touch the store.
  router.use(['/auth', '/api/me', '/api/chat', '/api/link'], sessions.middleware, auth.passport.initialize(), auth.passport.session());
  router.use(createAuthRouter({
    auth, chatLogger: deps.chatLogger, logger, production: config.production, pages, whatsappStatus: (id) => deps.identity.status(id),
  }));
  router.use(createLinkRouter({
    identity: deps.identity, requireLogin: auth.requireLogin, requireCsrf: auth.requireCsrf,
    sandboxPath: config.whatsapp.enabled && config.whatsapp.sandbox ? '/sandbox' : null, defaultLanguage: config.defaultLanguage,
  }));
  router.use(createChatRouter({ auth, chat, rateLimit: limiter, defaultLanguage: config.defaultLanguage }));
  for (const [route, file] of Object.entries(VENDOR)) router.get(route, (_req, res) => res.sendFile(file, { maxAge: '1d' }));
  // The page itself in the visitor's language (server-rendered); its script and style are static.
  router.get(['/', '/index.html'], (req, res) => pages.send(req, res, path.join(PUBLIC_DIR, 'index.html'), { namespaces: ['web', 'link'] }));
  router.use(skipTemplates, express.static(PUBLIC_DIR, { index: false }));

  return {
    name: 'web',
    router,
    mountPath: '/',
    stop: () => sessions.close(),
  };
}
