// Protection for operator endpoints (/api/whatsapp/*, /api/analytics, /admin): a Bearer
// ADMIN_TOKEN when one is configured; otherwise only requests from the machine itself, so the
// seed's `curl http://localhost:3000/api/whatsapp/status` keeps working on the server.
import type { RequestHandler } from 'express';
import { AppError } from './errors';
import { safeEqual } from './safe-equal';

const PROXY_HEADERS = ['x-forwarded-for', 'forwarded', 'x-real-ip', 'x-forwarded-host'];
const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

export function isLoopback(address: string | undefined): boolean {
  return !!address && (LOOPBACK.has(address) || address.startsWith('127.'));
}

export function requireAdmin(adminToken: string | undefined): RequestHandler {
  return (req, _res, next) => {
    // An operator signed in with Google (OPERATOR_EMAILS), verified by the operator module's session.
    if ((req as { operator?: unknown }).operator) return next();
    if (adminToken) {
      const header = req.get('authorization') ?? '';
      const m = /^Bearer\s+(.+)$/i.exec(header);
      // Browsers cannot send a header on a plain navigation to /admin, so a ?token= also works there.
      const supplied = m?.[1] ?? (typeof req.query.token === 'string' ? req.query.token : undefined);
      if (supplied && safeEqual(supplied, adminToken)) return next();
      return next(new AppError('unauthorized', 401, 'Admin token required: send Authorization: Bearer <ADMIN_TOKEN>'));
    }
    // Without a token, only the socket's own peer address counts (never X-Forwarded-For, which anyone can send).
    // A request that carries a proxy's forwarding header came through a proxy (nginx on the same
    // machine connects from 127.0.0.1 on behalf of the whole internet), so it is not local.
    if (isLoopback(req.socket.remoteAddress) && !PROXY_HEADERS.some((h) => req.get(h) !== undefined)) return next();
    next(new AppError('forbidden', 403, 'Set ADMIN_TOKEN to use this endpoint from another machine'));
  };
}
