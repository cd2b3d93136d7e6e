// Who may use the console: an operator signed in with Google whose verified e-mail is in
// OPERATOR_EMAILS (own passport instance and own session cookie, apart from the web chat's sign-in,
// so signing in as an operator never signs anyone into the chat), or a caller with ADMIN_TOKEN
// (scripts, automation; the same rule as the other operator endpoints).
import { Router, type Request, type RequestHandler } from 'express';
import { Passport } from 'passport';
import { Strategy as GoogleStrategy, type Profile } from 'passport-google-oauth20';
import type { Config } from '../config';
import type { Database } from '../db/database';
import { isLocalRequest, type OperatorGuard } from '../shared/admin-auth';
import { AppError } from '../shared/errors';
import type { Logger } from '../shared/logger';
import { createSessionMiddleware } from '../web/session-store';

export const OPERATOR_COOKIE = 'aicw.op';
export interface Operator { email: string; name: string | null; via: 'google' | 'token' }

declare module 'express-session' {
  interface SessionData { operator?: { email: string; name: string | null } }
}

/** The operator of a request that passed requireOperator. */
export function operatorOf(req: Request): Operator {
  return (req as { operator?: Operator }).operator ?? { email: 'admin', name: null, via: 'token' };
}

export function createOperatorAuth(deps: { config: Config; db: Database; logger: Logger; guard: OperatorGuard }) {
  const { config } = deps;
  const log = deps.logger.child({ module: 'operator' });
  const allowed = new Set(config.operator.emails);
  const googleReady = config.google.configured && allowed.size > 0;
  const sessions = createSessionMiddleware({ config, db: deps.db, logger: deps.logger, cookieName: OPERATOR_COOKIE });
  const passport = new Passport();
  const callbackURL = new URL('/admin/auth/google/callback', config.google.callbackUrl).toString();
  if (googleReady) {
    passport.use(new GoogleStrategy({
      clientID: config.google.clientId!, clientSecret: config.google.clientSecret!, callbackURL,
      scope: ['openid', 'profile', 'email'], state: true, pkce: true,
      ...(config.google.authUrl ? { authorizationURL: config.google.authUrl } : {}),
      ...(config.google.tokenUrl ? { tokenURL: config.google.tokenUrl } : {}),
      ...(config.google.userInfoUrl ? { userProfileURL: config.google.userInfoUrl } : {}),
    }, (_a: string, _r: string, profile: Profile, done: (err: unknown, user?: Express.User | false, info?: { message: string }) => void) => {
      // Only a verified address counts: an unverified one could be anybody's.
      const email = profile.emails?.find((e) => String(e.verified) === 'true')?.value?.toLowerCase();
      if (!email || !allowed.has(email)) return done(null, false, { message: email ? `not an operator: ${email}` : 'no verified e-mail' });
      done(null, { id: `operator:${email}`, name: profile.displayName || null, email, picture: null, demo: false });
    }));
  }

  const admin = deps.guard.api;
  const attach: RequestHandler = (req, _res, next) => {
    const op = req.session?.operator;
    if (op && allowed.has(op.email)) (req as { operator?: Operator }).operator = { ...op, via: 'google' };
    next();
  };
  const requireOperator: RequestHandler = (req, res, next) => {
    if ((req as { operator?: Operator }).operator) return next();
    admin(req, res, next);
  };
  // A cookie is sent by the browser on its own; a JSON body cannot be sent cross-site without a
  // preflight we never allow, so JSON-only writes keep other sites from acting as the operator.
  const requireJsonWrite: RequestHandler = (req, _res, next) => {
    if (operatorOf(req).via === 'google' && !req.is('application/json')) return next(new AppError('unsupported-media-type', 415, 'Send JSON (Content-Type: application/json)'));
    next();
  };

  const router = Router();
  router.use(['/admin', '/api/analytics', '/api/operator'], sessions.middleware, attach);
  const hasToken = (req: Request) => /^Bearer\s/i.test(req.get('authorization') ?? '') || typeof req.query.token === 'string';
  // A browser without a session or token is sent to the sign-in page instead of a JSON 401.
  router.get('/admin', (req, res, next) => {
    if (!googleReady || (req as { operator?: Operator }).operator || hasToken(req)) return next();
    if (!config.adminToken && !config.production && isLocalRequest(req)) return next();
    res.redirect(303, '/admin/login');
  });
  router.get('/admin/auth/google', (req, res, next) => {
    if (!googleReady) return res.redirect(303, '/admin/login?signin=unavailable');
    passport.authenticate('google', { session: false })(req, res, next);
  });
  router.get('/admin/auth/google/callback', (req, res, next) => {
    if (!googleReady) return res.redirect(303, '/admin/login?signin=unavailable');
    passport.authenticate('google', { session: false }, (err: unknown, user: Express.User | false, info?: { message?: string }) => {
      if (err || !user) {
        log.warn({ reason: err ? (err as Error).message : info?.message }, 'operator sign-in refused');
        return res.redirect(303, `/admin/login?signin=${err ? 'failed' : 'refused'}`);
      }
      // A new session id at sign-in (no fixation), then the operator in it.
      req.session.regenerate((e) => {
        if (e) return next(e);
        req.session.operator = { email: user.email!, name: user.name };
        log.info({ operator: user.email }, `🔐 Operator sign-in: ${user.email}`);
        req.session.save((e2) => (e2 ? next(e2) : res.redirect(303, '/admin#conversations')));
      });
    })(req, res, next);
  });
  router.post('/admin/auth/logout', (req, res) => {
    res.clearCookie(OPERATOR_COOKIE, { path: '/' });
    if (!req.session) return res.json({ signedOut: true });
    req.session.destroy(() => res.json({ signedOut: true }));
  });
  router.get('/api/operator/me', requireOperator, (req, res) => {
    res.set('Cache-Control', 'no-store').json({ operator: operatorOf(req), google: googleReady });
  });

  return { router, requireOperator, requireJsonWrite, googleReady, close: () => sessions.close() };
}
