// Who is signed in to the web chat. Google accounts through passport-google-oauth20 (the three
// provider URLs come from config, which ignores the test overrides in production), and outside
// production, when Google is not configured, a clearly marked demo sign-in. A passport instance per
// app (no module-level singleton), sessions in Postgres (session-store.ts), CSRF tokens per session.
import type { Request, RequestHandler } from 'express';
import { Passport } from 'passport';
import { Strategy as GoogleStrategy, type Profile } from 'passport-google-oauth20';
import { csrfSync } from 'csrf-sync';
import type { Config } from '../config';
import type { Logger } from '../shared/logger';
import type { UserRepository } from '../users/user-repository';
import type { CreditRepository } from '../credit/credit-repository';
import { AppError } from '../shared/errors';
import { safeEqual } from '../shared/safe-equal';
import { storableText } from '../shared/text';

/** What the session remembers about a signed-in person (small: it is stored on every request). */
export interface WebUser { id: string; name: string | null; email: string | null; picture: string | null; demo: boolean }

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    // passport types req.user as Express.User; ours is always a WebUser.
    // eslint-disable-next-line @typescript-eslint/no-empty-object-type
    interface User extends WebUser {}
  }
}

export const CSRF_HEADER = 'x-csrf-token';

/** google_<sub>: the Google subject is the stable key (an email can change hands). */
export function googleUserId(sub: string): string {
  const clean = sub.replace(/[^A-Za-z0-9_-]/g, '');
  if (!clean) throw new AppError('invalid-google-profile', 400, 'Google did not send an account id');
  return `google_${clean}`;
}

/** demo_<name>: lower-case letters and digits, other runs become one underscore. */
export function demoUserId(name: string): string {
  const clean = name.normalize('NFKD').toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '').slice(0, 40);
  if (!clean) throw new AppError('invalid-demo-name', 400, 'Type a name with at least one letter or digit');
  return `demo_${clean}`;
}

export interface WebAuth {
  passport: InstanceType<typeof Passport>;
  providers: { google: boolean; demo: boolean };
  /** 401 unless signed in. */
  requireLogin: RequestHandler;
  /** 403 unless the request carries this session's CSRF token (header, or `_csrf` form field). */
  requireCsrf: RequestHandler;
  /** The session's CSRF token, created on first use. */
  csrfToken(req: Request): string;
  /** Creates or refreshes the user row and makes sure the first-contact credit profile exists. */
  signInDemo(name: string): Promise<WebUser>;
}

/** The part of node-oauth's OAuth2 client (inside passport-oauth2) that the strategy calls the provider with. */
interface OAuth2Client {
  useAuthorizationHeaderforGET(useIt: boolean): void;
  _executeRequest(lib: { request(o: unknown): import('node:http').ClientRequest }, options: unknown, body: unknown, cb: unknown): void;
}

/**
 * The userinfo call carries the access token in the Authorization header (node-oauth puts it in
 * the query string by default: refused by most OpenID providers, and it lands in their logs), and
 * every call to the provider (token exchange, userinfo) gives up after `timeoutMs`, so a provider
 * that hangs ends in the usual "sign-in did not work" page instead of a page that never loads.
 */
function boundProviderCalls(strategy: unknown, timeoutMs: number): void {
  const client = (strategy as { _oauth2: OAuth2Client })._oauth2;
  client.useAuthorizationHeaderforGET(true);
  const execute = client._executeRequest.bind(client);
  client._executeRequest = (lib, options, body, cb) => execute({
    request(o: unknown) {
      const req = lib.request(o);
      req.setTimeout(timeoutMs, () => req.destroy(new Error(`the sign-in provider did not answer within ${timeoutMs} ms`)));
      return req;
    },
  }, options, body, cb);
}

export interface AuthDeps { config: Config; logger: Logger; users: UserRepository; credit: CreditRepository }

export function createWebAuth(deps: AuthDeps): WebAuth {
  const { config, logger, users, credit } = deps;
  const passport = new Passport();
  const google = config.google.configured;
  // The demo path only exists where nobody could mistake it for a real login.
  const demo = !config.production && !google;

  async function signIn(u: { id: string; name: string | null; email: string | null; picture: string | null; googleSub?: string; demo: boolean }): Promise<WebUser> {
    const { created } = await users.upsert({ id: u.id, channel: 'web', displayName: u.name, email: u.email, googleSub: u.googleSub ?? null });
    // Idempotent; run on every sign-in so a crash between the two writes cannot leave a user without data.
    // Only where demo profiles are allowed (DUMMY_CREDIT_PROFILES; off in production by default).
    const profileCreated = config.identity.dummyProfiles ? await credit.ensureDummyProfile(u.id) : false;
    logger.info({ module: 'web', userId: u.id, newUser: created, dummyProfile: profileCreated }, `🔐 Web sign-in for user ${u.id}`);
    return { id: u.id, name: u.name, email: u.email, picture: u.picture, demo: u.demo };
  }

  if (google) {
    const strategy = new GoogleStrategy({
      clientID: config.google.clientId!,
      clientSecret: config.google.clientSecret!,
      callbackURL: config.google.callbackUrl,
      scope: ['openid', 'profile', 'email'],
      // state ties the callback to the browser that started the login (stops login CSRF); PKCE
      // protects the code in transit. Both keep their secret in the session.
      state: true,
      pkce: true,
      ...(config.google.authUrl ? { authorizationURL: config.google.authUrl } : {}),
      ...(config.google.tokenUrl ? { tokenURL: config.google.tokenUrl } : {}),
      ...(config.google.userInfoUrl ? { userProfileURL: config.google.userInfoUrl } : {}),
    }, (_accessToken: string, _refreshToken: string, profile: Profile, done: (err: unknown, user?: Express.User | false) => void) => {
      const email = profile.emails?.find((e) => String(e.verified) === 'true')?.value ?? profile.emails?.[0]?.value ?? null;
      signIn({
        id: googleUserId(profile.id), googleSub: profile.id, name: profile.displayName || null, email,
        picture: profile.photos?.[0]?.value ?? null, demo: false,
      }).then((user) => done(null, user), (err) => done(err));
    });
    boundProviderCalls(strategy, config.googleTimeoutMs);
    passport.use(strategy);
  }

  passport.serializeUser((user, done) => done(null, { id: user.id, name: user.name, email: user.email, picture: user.picture, demo: user.demo }));
  passport.deserializeUser((obj: WebUser, done) => done(null, obj && typeof obj.id === 'string' ? obj : false));

  const csrf = csrfSync({
    size: 32,
    getTokenFromRequest: (req) => {
      const header = req.get(CSRF_HEADER);
      if (header) return header;
      const field = (req.body as Record<string, unknown> | undefined)?._csrf;
      return typeof field === 'string' ? field : undefined;
    },
  });

  return {
    passport,
    providers: { google, demo },
    requireLogin: (req, _res, next) => {
      if (req.user) return next();
      next(new AppError('not-signed-in', 401, 'Please sign in first.'));
    },
    requireCsrf: (req, _res, next) => {
      const sent = csrf.getTokenFromRequest(req);
      const stored = csrf.getTokenFromState(req);
      // csrf-sync compares with ===; a constant-time compare costs nothing here.
      if (typeof sent === 'string' && typeof stored === 'string' && safeEqual(sent, stored)) return next();
      next(new AppError('csrf-token-invalid', 403, 'This page is out of date (security token missing). Reload the page and try again.'));
    },
    csrfToken: (req) => csrf.generateToken(req),
    signInDemo: (name) => {
      const display = storableText(name).trim().slice(0, 40);
      return signIn({ id: demoUserId(display), name: display, email: null, picture: null, demo: true });
    },
  };
}
