// GET /i18n/i18n.js: the small browser helper every page loads before its own script (window.I18N).
import path from 'node:path';
import { Router } from 'express';

const CLIENT = path.join(__dirname, 'public', 'i18n.js');

export function createI18nAssets(): Router {
  const router = Router();
  router.get('/i18n/i18n.js', (_req, res) => { res.set('Cache-Control', 'public, max-age=3600').sendFile(CLIENT); });
  return router;
}
