// The person's side of linking, in the web chat (signed in; state changes need the CSRF header):
//   POST   /api/link/whatsapp  → { code, text, url, expiresAt } (a new request replaces the old code)
//   DELETE /api/link/whatsapp  → { whatsapp: { linked: false, phone: null } }
// The user id always comes from the session, never from the request.
import express, { Router, type RequestHandler } from 'express';
import type { IdentityService } from './identity-service';
import { requestLanguage } from '../i18n/catalogue';
import { isLang, type Lang } from '../i18n/lang';

export function createLinkRouter(deps: {
  identity: IdentityService; requireLogin: RequestHandler; requireCsrf: RequestHandler;
  /** Outside production with the sandbox on: a link that opens the sandbox with the text filled in. */
  sandboxPath: string | null;
  defaultLanguage?: Lang;
}): Router {
  const { identity } = deps;
  const router = Router();
  const json = express.json({ limit: '4kb' });

  router.post('/api/link/whatsapp', deps.requireLogin, json, deps.requireCsrf, async (req, res, next) => {
    try {
      // The page's language (sent in the body), else its cookie or the browser's: the code message is in it.
      const asked = (req.body as { language?: unknown } | undefined)?.language;
      const lang = isLang(asked) ? asked : requestLanguage(req, deps.defaultLanguage ?? 'id');
      const code = await identity.requestCode(req.user!.id, lang);
      const sandboxUrl = deps.sandboxPath ? `${deps.sandboxPath}?text=${encodeURIComponent(code.text)}` : undefined;
      res.set('Cache-Control', 'no-store').json({ ...code, ...(sandboxUrl ? { sandboxUrl } : {}) });
    } catch (err) { next(err); }
  });

  router.delete('/api/link/whatsapp', deps.requireLogin, deps.requireCsrf, async (req, res, next) => {
    try {
      await identity.unlinkUser(req.user!.id);
      res.set('Cache-Control', 'no-store').json({ whatsapp: { linked: false, phone: null } });
    } catch (err) { next(err); }
  });

  return router;
}
