// Sign-in and sign-out: /auth/google, /auth/google/callback, /auth/demo, /auth/logout,
// /auth/providers and GET /api/me. Session middleware is mounted in front of these by web-module.ts.
import express, { Router, type Request, type Response } from 'express';
import type { ChatLogger } from '../chatlog/types';
import type { Logger } from '../shared/logger';
import { AppError } from '../shared/errors';
import type { WebAuth } from './auth';
import { ANONYMOUS_SESSION_MS, SESSION_COOKIE } from './session-store';
import { isLocalRequest } from '../shared/admin-auth';
import { escapeHtml, type PageRenderer } from '../i18n/page-renderer';

// The one-button sign-out page (texts filled in the visitor's language by the page renderer).
const SIGN_OUT_PAGE = `<!doctype html><html lang="{{lang}}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>{{auth.signOutTitle}}</title><link rel="stylesheet" href="/styles.css"></head>
<body class="simple">{{langSwitch}}<form method="post" action="/auth/logout"><input type="hidden" name="_csrf" value="{{csrf}}">
<p>{{auth.signOutQuestion}}</p><button type="submit">{{auth.signOutButton}}</button> <a href="/">{{auth.backToChat}}</a></form></body></html>`;

export function createAuthRouter(deps: {
  auth: WebAuth; chatLogger: ChatLogger; logger: Logger; production: boolean; pages: PageRenderer;
  /** The signed-in user's linked WhatsApp number (masked), for /api/me. */
  whatsappStatus(userId: string): Promise<{ linked: boolean; phone: string | null }>;
}): Router {
  const { auth, chatLogger } = deps;
  const logger = deps.logger.child({ module: 'web' });
  const router = Router();
  const json = express.json({ limit: '4kb' });
  const form = express.urlencoded({ extended: false, limit: '4kb' });

  router.get('/auth/providers', (req, res) => { res.json({ ...auth.providers, demo: auth.providers.demo && isLocalRequest(req) }); });

  router.get('/auth/google', (req, res, next) => {
    if (!auth.providers.google) return res.redirect(303, '/?signin=unavailable');
    // Only the OAuth state and PKCE verifier live in this session until the person comes back:
    // stored for minutes, not the login's days (anyone can start sign-ins in a loop). Signing in
    // regenerates the session with the full lifetime.
    if (!req.user) req.session.cookie.maxAge = ANONYMOUS_SESSION_MS;
    auth.passport.authenticate('google', { session: false })(req, res, next);
  });

  router.get('/auth/google/callback', (req, res, next) => {
    if (!auth.providers.google) return res.redirect(303, '/?signin=unavailable');
    auth.passport.authenticate('google', (err: unknown, user: Express.User | false, info: { message?: string } | undefined) => {
      if (err) {
        // Token or profile call failed, or Google sent an error: the person sees a sentence, the log the reason.
        // passport-oauth2 wraps the provider's failure (timeout, refused token) in oauthError.
        const cause = (err as { oauthError?: { message?: string; statusCode?: number } }).oauthError;
        logger.warn({ err: { message: (err as Error).message, name: (err as Error).name }, cause: cause?.message ?? cause?.statusCode }, 'Google sign-in failed');
        return res.redirect(303, '/?signin=failed');
      }
      if (!user) {
        const cancelled = req.query.error === 'access_denied';
        logger.info({ reason: info?.message }, cancelled ? 'Google sign-in cancelled by the user' : 'Google sign-in rejected');
        return res.redirect(303, cancelled ? '/?signin=cancelled' : '/?signin=failed');
      }
      req.logIn(user, (loginErr) => (loginErr ? next(loginErr) : res.redirect(303, '/')));
    })(req, res, next);
  });

  if (auth.providers.demo) {
    router.post('/auth/demo', json, async (req, res, next) => {
      try {
        // A JSON body cannot be sent cross-site without a CORS preflight, which we never allow:
        // that is what keeps another site from signing a visitor in as someone else.
        if (!isLocalRequest(req)) throw new AppError('demo-local-only', 403, 'Demo sign-in only works on the server machine itself (http://localhost).');
        if (!req.is('application/json')) throw new AppError('unsupported-media-type', 415, 'Send the name as JSON');
        const name = (req.body as { name?: unknown } | undefined)?.name;
        if (typeof name !== 'string' || !name.trim()) throw new AppError('invalid-demo-name', 400, 'Type a name to sign in as a demo user');
        const user = await auth.signInDemo(name);
        req.logIn(user, (err) => (err ? next(err) : res.json({ user, csrfToken: auth.csrfToken(req) })));
      } catch (err) { next(err); }
    });
  }

  const signOut = (req: Request, res: Response, next: (err?: unknown) => void) => {
    const userId = req.user?.id;
    const done = () => {
      res.clearCookie(SESSION_COOKIE, { path: '/', httpOnly: true, sameSite: 'lax', secure: deps.production });
      if (req.is('application/x-www-form-urlencoded')) return res.redirect(303, '/');
      res.json({ signedOut: true });
    };
    if (!userId) return done();
    req.logout((err) => {
      if (err) return next(err);
      // logout() regenerated an empty session; nothing worth keeping in it.
      req.session.destroy(() => {
        chatLogger.endSession(userId, 'web');
        logger.info({ userId }, `👋 Web sign-out for user ${userId}`);
        done();
      });
    });
  };
  // Not signed in: nothing to protect, answer "signed out". Signed in: the CSRF token is required,
  // so another site cannot sign people out.
  router.post('/auth/logout', form, json, (req, res, next) => (req.user ? auth.requireCsrf(req, res, next) : next()), signOut);

  // The original app had a GET /auth/logout link. A GET must not change state (any page could embed
  // it), so it answers with a one-button form that posts with the token.
  router.get('/auth/logout', (req, res) => {
    if (!req.user) return res.redirect(303, '/');
    res.set('Cache-Control', 'no-store');
    const lang = deps.pages.language(req, res);
    res.set('Content-Language', lang).type('html').send(deps.pages.render(req, lang, SIGN_OUT_PAGE, { namespaces: [] }, { csrf: escapeHtml(auth.csrfToken(req)) }));
  });

  router.get('/api/me', async (req, res, next) => {
    res.set('Cache-Control', 'no-store');
    if (!req.user) return next(new AppError('not-signed-in', 401, 'Please sign in first.'));
    // The page works without it: a database hiccup here shows "unknown", not an error page.
    const whatsapp = await deps.whatsappStatus(req.user.id).catch((err) => {
      logger.warn({ err: { message: (err as Error).message } }, 'could not read the WhatsApp link for /api/me');
      return null;
    });
    res.json({ user: req.user, csrfToken: auth.csrfToken(req), whatsapp });
  });

  return router;
}
