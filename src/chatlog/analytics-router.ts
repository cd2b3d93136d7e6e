// GET /api/analytics?from=&to=&tz= (admin only) and the /admin dashboard page that charts it.
// The page's script, style and chart library are public files (no data in them); the page and the
// figures need the admin token, like the WhatsApp status endpoint.
import path from 'node:path';
import express, { type Router } from 'express';
import type { OperatorGuard } from '../shared/admin-auth';
import { AppError } from '../shared/errors';
import { parseRange, type AnalyticsService } from './analytics-service';
import type { ChatLogger } from './types';
import { createPageRenderer, escapeHtml, skipTemplates } from '../i18n/page-renderer';
import { t } from '../i18n/catalogue';
import type { Lang } from '../i18n/lang';

export interface AnalyticsRouterDeps {
  operator: OperatorGuard;
  /** Undefined when ENABLE_CHAT_LOGGING=false: the endpoint then says so instead of showing zeros. */
  analytics?: AnalyticsService;
  chatLogger: ChatLogger;
  clock?: () => number;
  defaultLanguage?: Lang;
}

const PUBLIC_DIR = path.join(__dirname, 'public', 'admin');
// chart.js (npm) is served from node_modules: the machine running this may have no CDN access.
const CHART_JS = path.join(path.dirname(require.resolve('chart.js')), 'chart.umd.min.js');

export function createAnalyticsRouter(deps: AnalyticsRouterDeps): Router {
  const router = express.Router();
  const admin = deps.operator.api;
  const clock = deps.clock ?? Date.now;

  router.get('/api/analytics', admin, async (req, res) => {
    if (!deps.analytics) throw new AppError('chat-logging-disabled', 503, 'Chat logging is off (ENABLE_CHAT_LOGGING=false): there is nothing to analyse');
    const range = parseRange(req.query as Record<string, unknown>, clock());
    const summary = await deps.analytics.summary(range);
    res.set('Cache-Control', 'no-store').json({ ...summary, chatLog: deps.chatLogger.health() });
  });

  const pages = createPageRenderer({ defaultLanguage: deps.defaultLanguage ?? 'id' });
  router.get('/admin', deps.operator.page, (req, res) => {
    res.set({
      'Cache-Control': 'no-store',
      // The token may be in the URL (?token=): never send it on to another site.
      'Referrer-Policy': 'no-referrer',
      'Content-Security-Policy': "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
      'X-Content-Type-Options': 'nosniff',
    });
    const days = (lang: Lang, n: number) => escapeHtml(t(lang, 'dashboard.days', { days: n }));
    pages.send(req, res, path.join(PUBLIC_DIR, 'index.html'), { namespaces: ['dashboard', 'console'] },
      (lang) => ({ days7: days(lang, 7), days30: days(lang, 30), days90: days(lang, 90) }));
  });
  router.get('/admin/assets/chart.umd.min.js', (_req, res) => { res.set('Cache-Control', 'public, max-age=86400').sendFile(CHART_JS); });
  router.use('/admin/assets', skipTemplates, express.static(PUBLIC_DIR, { index: false, maxAge: '1h' }));
  return router;
}
