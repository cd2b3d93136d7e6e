// Login sessions in Postgres (never the memory store: it leaks, forgets everyone on restart and is
// invisible to a second instance). connect-pg-simple does the work; it only ever calls
// `pool.query(sql, params)` and reads `rows`, so a three-line adapter over our Database lets the
// same store run on a PostgreSQL server and on the embedded PGlite, which has no socket a pg.Pool
// could reach. Its table is created by migration 030 (createTableIfMissing reads a file at runtime).
import session from 'express-session';
import connectPgSimple from 'connect-pg-simple';
import type { RequestHandler } from 'express';
import type { Config } from '../config';
import type { Database } from '../db/database';
import type { Logger } from '../shared/logger';

export const SESSION_TABLE = 'web_sessions';
export const SESSION_COOKIE = 'aicw.sid';
const SESSION_DAYS = 7;
/** A session nobody signed in to yet (the OAuth round trip): long enough to pass Google's consent screen. */
export const ANONYMOUS_SESSION_MS = 10 * 60 * 1000;

export interface SessionMiddleware {
  middleware: RequestHandler;
  store: session.Store;
  /** Stops the store's prune timer. The database itself belongs to the caller. */
  close(): Promise<void>;
}

/** The part of pg.Pool that connect-pg-simple uses (checked in its index.js, v10). */
export function poolAdapter(db: Database) {
  return {
    query: (sql: string, params?: unknown[]) => db.query(sql, params),
  };
}

export function createSessionMiddleware(deps: { config: Config; db: Database; logger: Logger; /** Another cookie (operator sign-in is kept apart from the chat's). */ cookieName?: string }): SessionMiddleware {
  const { config, db, logger } = deps;
  const PgStore = connectPgSimple(session);
  const store = new PgStore({
    pool: poolAdapter(db) as never,
    tableName: SESSION_TABLE,
    createTableIfMissing: false,
    // The cookie is not rolling, so a touch would rewrite the same expiry: skip that write per request.
    disableTouch: true,
    // The store logs with console.error by default; route it through pino (it only logs failures).
    errorLog: (...args: unknown[]) => logger.warn({ module: 'web', detail: args.map(String).join(' ') }, 'session store problem'),
  });
  const middleware = session({
    name: deps.cookieName ?? SESSION_COOKIE,
    store,
    secret: config.session.secret,
    resave: false,
    // No row for visitors who never sign in; the OAuth state or a login creates the session.
    saveUninitialized: false,
    rolling: false,
    cookie: {
      httpOnly: true,
      sameSite: 'lax', // lax, not strict: the redirect back from Google is a cross-site navigation
      secure: config.production,
      maxAge: SESSION_DAYS * 24 * 60 * 60 * 1000,
      path: '/',
    },
  });
  return {
    middleware,
    store,
    close: () => (store as unknown as { close(): Promise<void> }).close(),
  };
}
