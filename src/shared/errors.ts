// One error class with a stable kebab-case code and one middleware that answers
// { "error": { "code", "message" } }. Only 5xx are logged: 4xx are the caller's business.
import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from './logger';

export class AppError extends Error {
  constructor(
    public readonly code: string,
    public readonly status: number,
    message: string,
    public readonly details?: Record<string, unknown>,
    /** The thrower already logged the cause (with more context than the handler has): not logged again. */
    public readonly logged = false,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EPIPE', '57P01', '57P02', '57P03', '3D000', '53300']);
const UNREACHABLE_TEXT = /Connection terminated|Cannot use a pool after calling end|timeout exceeded when trying to connect|Client has encountered a connection error|embedded database is closed/i;

/** The database could not be reached (down, restarting, gone): the operator's problem, answered 503. */
export function isDatabaseUnavailable(err: unknown): boolean {
  if (!err || typeof err !== 'object') return false;
  const code = String((err as { code?: unknown }).code ?? '');
  return UNREACHABLE_CODES.has(code) || code.startsWith('08') || UNREACHABLE_TEXT.test(String((err as { message?: unknown }).message ?? ''));
}

export function notFoundHandler(): RequestHandler {
  return (req, _res, next) => next(new AppError('not-found', 404, `No route for ${req.method} ${req.path}`));
}

export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err, req, res, next) => {
    if (res.headersSent) return next(err);
    let status = 500;
    let code = 'internal-error';
    let message = 'Something went wrong on our side. Please try again.';
    let details: Record<string, unknown> | undefined;
    if (err instanceof AppError) {
      ({ status, code, message, details } = err);
    } else if (err && typeof err === 'object' && 'type' in err) {
      // body-parser errors carry a type and a status.
      const e = err as { type: string; status?: number; message: string };
      if (e.type === 'entity.too.large') { status = 413; code = 'payload-too-large'; message = 'Request body is too large'; }
      else if (e.type === 'entity.parse.failed') { status = 400; code = 'invalid-json'; message = 'Request body is not valid JSON'; }
      else if (e.status && e.status < 500) { status = e.status; code = 'bad-request'; message = e.message; }
    } else if (isDatabaseUnavailable(err)) {
      status = 503; code = 'storage-unavailable';
      message = 'We cannot reach our database right now. Nothing was changed; please try again in a moment.';
      res.setHeader('Retry-After', '5');
    }
    if (status >= 500 && !(err instanceof AppError && err.logged)) (req as { log?: Logger }).log?.error({ err }, 'request failed') ?? logger.error({ err, path: req.path }, 'request failed');
    res.status(status).json({ error: { code, message, ...(details ? { details } : {}) } });
  };
}
