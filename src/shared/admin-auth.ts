// The one guard in front of every operator route (status, refresh-kb, analytics, /admin, the
// sandbox API, erasure, and any operator route added later: use `operator.api`, or `operator.page`
// for a page a browser opens by typing its address).
//  - ADMIN_TOKEN set: `Authorization: Bearer <ADMIN_TOKEN>`. A `?token=` only loads a page (a
//    browser cannot send a header on a plain navigation; the page moves it to sessionStorage). On
//    API routes it is refused: query strings end up in proxy and access logs.
//  - Production without ADMIN_TOKEN: every operator route answers 403 saying how to set it. A
//    reverse proxy on the same machine connects from 127.0.0.1 for the whole internet, so "from
//    the machine itself" proves nothing there.
//  - Outside production without ADMIN_TOKEN: requests from the machine itself, addressed to a
//    loopback name (Host localhost, 127.0.0.1 or [::1]: a DNS-rebinding page has its own name in
//    Host), with no proxy forwarding header; state-changing ones must also come from no browser
//    page or from a same-origin page (a cross-site form on the same machine carries its Origin).
import type { Request, RequestHandler } from 'express';
import { MIN_ADMIN_TOKEN_CHARS } from '../config';
import { AppError } from './errors';
import { safeEqual } from './safe-equal';

const PROXY_HEADERS = ['x-forwarded-for', 'forwarded', 'x-real-ip', 'x-forwarded-host'];
const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);
const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export const OPERATOR_TEXT = {
  noTokenInProduction: `Operator endpoints are off until ADMIN_TOKEN is set: put a random value of at least ${MIN_ADMIN_TOKEN_CHARS} characters ` +
    '(e.g. the output of `openssl rand -hex 32`) in ADMIN_TOKEN, restart, and send it as "Authorization: Bearer <ADMIN_TOKEN>".',
  tokenRequired: 'Admin token required: send Authorization: Bearer <ADMIN_TOKEN>',
  notLocal: 'Set ADMIN_TOKEN to use this endpoint from another machine (or open it as http://localhost on the server itself)',
  crossOrigin: 'This request came from another web page; operator actions are only accepted from this server\'s own pages',
};

export function isLoopback(address: string | undefined): boolean {
  return !!address && (LOOPBACK.has(address) || address.startsWith('127.'));
}

/** The Host header names the machine itself (any port), as a browser on it or curl would send it. */
export function isLoopbackHost(host: string | undefined): boolean {
  if (!host) return false;
  const name = host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.replace(/:\d+$/, '');
  return LOOPBACK_HOSTS.has(name.toLowerCase());
}

/** Sent from the machine itself, to a loopback name, not through a proxy. */
export function isLocalRequest(req: Request): boolean {
  return isLoopback(req.socket.remoteAddress) && isLoopbackHost(req.get('host'))
    && !PROXY_HEADERS.some((h) => req.get(h) !== undefined);
}

/** No browser page sent it, or the page is this server's own (same scheme, host and port). */
export function isSameOriginOrNoBrowser(req: Request): boolean {
  const site = req.get('sec-fetch-site');
  if (site && site !== 'same-origin' && site !== 'none') return false;
  const origin = req.get('origin');
  if (origin === undefined) return true;
  try {
    const o = new URL(origin);
    return o.host.toLowerCase() === (req.get('host') ?? '').toLowerCase() && isLoopbackHost(o.host);
  } catch { return false; }
}

export interface OperatorAccess { adminToken: string | undefined; production: boolean }

export interface OperatorGuard {
  /** API routes: Bearer header only. */
  api: RequestHandler;
  /** Pages opened by typing the address: the header, or ?token= once. */
  page: RequestHandler;
  /** The request carries the right Bearer token (e.g. for details on /readyz). */
  hasToken(req: Request): boolean;
}

export function createOperatorGuard(access: OperatorAccess): OperatorGuard {
  const { adminToken, production } = access;
  const bearer = (req: Request) => /^Bearer\s+(.+)$/i.exec(req.get('authorization') ?? '')?.[1];
  const guard = (page: boolean): RequestHandler => (req, _res, next) => {
    // An operator signed in with Google (OPERATOR_EMAILS), verified by the operator module's session.
    if ((req as { operator?: unknown }).operator) return next();
    if (adminToken) {
      const supplied = bearer(req) ?? (page && typeof req.query.token === 'string' ? req.query.token : undefined);
      if (supplied && safeEqual(supplied, adminToken)) return next();
      return next(new AppError('unauthorized', 401, OPERATOR_TEXT.tokenRequired));
    }
    if (production) return next(new AppError('admin-token-not-set', 403, OPERATOR_TEXT.noTokenInProduction));
    if (!isLocalRequest(req)) return next(new AppError('forbidden', 403, OPERATOR_TEXT.notLocal));
    if (!SAFE_METHODS.has(req.method) && !isSameOriginOrNoBrowser(req)) return next(new AppError('cross-origin', 403, OPERATOR_TEXT.crossOrigin));
    next();
  };
  return {
    api: guard(false),
    page: guard(true),
    hasToken: (req) => {
      const supplied = bearer(req);
      return Boolean(adminToken && supplied && safeEqual(supplied, adminToken));
    },
  };
}
