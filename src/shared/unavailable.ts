// Answers for the moments the database cannot serve: the schema is not there yet (start-up, the
// database down at boot) or the connection is gone. Both are a 503 with Retry-After and a sentence,
// logged as a warning: the caller retries, nothing is broken in the code.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestHandler } from 'express';
import type { EarlyRoute } from '../early-routes';
import type { SchemaGate } from '../db/schema-gate';
import type { Logger } from './logger';
import { AppError } from './app-error';
import { requestLanguage, t } from '../i18n/catalogue';

export const RETRY_AFTER_SECONDS = 5;

// The sentences live in the catalogue; the error handler writes them again in the language the
// request (and the configured default) asks for.
const TEXTS = { starting: 'errors.starting', database: 'errors.databaseUnavailable' } as const;

function text(req: IncomingMessage, which: keyof typeof TEXTS): string {
  return t(requestLanguage(req), TEXTS[which]);
}

/** Connection-level failures (not a bad statement): refused, reset, timed out, server shutting down, database gone. */
export function isDatabaseUnavailable(err: unknown): boolean {
  if (!err || typeof err !== 'object') return false;
  const code = String((err as { code?: unknown }).code ?? '');
  if (['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE', '57P01', '57P02', '57P03', '3D000', '53300'].includes(code)) return true;
  if (code.startsWith('08')) return true;
  const message = String((err as { message?: unknown }).message ?? '');
  return /Connection terminated|connection timeout|timeout exceeded when trying to connect|embedded database is closed|Cannot use a pool after calling end/i.test(message);
}

export function databaseUnavailableError(req: IncomingMessage, res: ServerResponse): AppError {
  if (!res.headersSent) res.setHeader('Retry-After', String(RETRY_AFTER_SECONDS));
  return new AppError('database-unavailable', 503, text(req, 'database'), undefined, true);
}

/**
 * Holds requests until the schema is there (at most `waitMs`), then lets them through or answers
 * 503 `starting`. One warning per `warnEveryMs` at most, however many requests are refused.
 */
export function createSchemaWait(gate: SchemaGate, waitMs: number, logger: Logger, warnEveryMs = 10_000) {
  let lastWarn = 0;
  const refuse = (req: IncomingMessage, res: ServerResponse): AppError => {
    const now = Date.now();
    if (now - lastWarn >= warnEveryMs) {
      lastWarn = now;
      logger.warn({ path: (req.url ?? '').split('?')[0], waitedMs: waitMs }, 'database schema not ready yet: answering 503 with Retry-After');
    }
    res.setHeader('Retry-After', String(RETRY_AFTER_SECONDS));
    return new AppError('starting', 503, text(req, 'starting'), undefined, true);
  };
  const middleware: RequestHandler = (req, res, next) => {
    if (gate.isOpen()) return next();
    gate.wait(waitMs).then((open) => next(open ? undefined : refuse(req, res)), next);
  };
  const early = (route: EarlyRoute): EarlyRoute => ({
    ...route,
    handler(req, res, next) {
      if (gate.isOpen()) return route.handler(req, res, next);
      gate.wait(waitMs).then((open) => {
        if (open) return route.handler(req, res, next);
        req.resume(); // the body is not wanted: drain it so the client reads the 503, not a reset
        next(refuse(req, res));
      }, next);
    },
  });
  return { middleware, early };
}
