// GET /webhook/whatsapp (Meta's verify handshake) and POST /webhook/whatsapp (deliveries).
// The POST reads the raw body itself, on this route only, and checks the signature before parsing.
import { Router } from 'express';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EarlyHandler } from '../early-routes';
import onFinished from 'on-finished';
import getRawBody from 'raw-body';
import type { Logger } from '../shared/logger';
import { AppError } from '../shared/errors';
import type { SecurityHeaders } from '../shared/security-headers';
import type { WhatsAppCredentials } from './credentials';
import type { InboundService } from './inbound-service';
import { safeEqual } from '../shared/safe-equal';
import { SIGNATURE_HEADER, verifySignature } from './signature';

export const WEBHOOK_PATH = '/webhook/whatsapp';
/** Meta batches up to 1000 updates per POST; third parties report payloads up to 3 MB. */
export const WEBHOOK_BODY_LIMIT = 3 * 1024 * 1024;
const RECEIVED = Buffer.from('EVENT_RECEIVED');

interface WebhookDeps { credentials: WhatsAppCredentials | null; inbound: InboundService | null; logger: Logger }

/**
 * Bytes that bodies not yet verified may hold in memory, all connections together. Anyone can open
 * connections and send unsigned bodies slowly; Meta's real deliveries are a few kilobytes each.
 * A body reserves its declared length (or the full per-body limit when it declares none) before
 * a byte is read, and gives it back once it has been read or the connection is gone.
 */
export function createByteBudget(maxBytes: number) {
  let used = 0;
  return {
    get used() { return used; },
    /** A release function, or null when the reservation does not fit. */
    reserve(n: number): (() => void) | null {
      if (used + n > maxBytes) return null;
      used += n;
      let released = false;
      return () => { if (!released) { released = true; used -= n; } };
    },
  };
}
export type ByteBudget = ReturnType<typeof createByteBudget>;

/** GET: the verify handshake, an ordinary route behind the app's middleware. */
export function createWebhookRouter(deps: WebhookDeps): Router {
  const log = deps.logger.child({ module: 'whatsapp-webhook' });
  const router = Router();

  router.get(WEBHOOK_PATH, (req, res) => {
    const mode = req.query['hub.mode'];
    const token = req.query['hub.verify_token'];
    const challenge = req.query['hub.challenge'];
    const c = deps.credentials;
    if (c && mode === 'subscribe' && typeof token === 'string' && safeEqual(token, c.verifyToken) && typeof challenge === 'string') {
      log.info('✅ WhatsApp webhook verified successfully');
      res.status(200).type('text/plain').send(challenge);
      return;
    }
    log.warn({ mode: typeof mode === 'string' ? mode : undefined, configured: Boolean(c) }, '❌ WhatsApp webhook verification failed');
    res.sendStatus(403);
  });

  return router;
}

/**
 * POST: deliveries, an early route (early-routes.ts): it runs before Express, on node:http's own
 * request and response (it is the hottest route and its caller is Meta, not a browser). It reads the
 * raw body once with raw-body instead of a body parser, sets the security headers from a
 * precomputed object, and writes its answer directly (no ETag hashing). Errors go through the app's
 * security middleware to its error handler, like any route's.
 */
export function createWebhookIntake(deps: WebhookDeps & { security: SecurityHeaders; budget: ByteBudget }): EarlyHandler {
  const log = deps.logger.child({ module: 'whatsapp-webhook' });
  const okHeaders = { ...deps.security.headers, 'content-type': 'text/plain; charset=utf-8', 'content-length': String(RECEIVED.length) };
  return (req: IncomingMessage, res: ServerResponse, next: (err?: unknown) => void) => {
    if (!deps.credentials || !deps.inbound) return next(new AppError('whatsapp-not-configured', 503, 'WhatsApp integration is not fully configured'));
    const encoding = req.headers['content-encoding'];
    // Meta never compresses webhooks, and the signature covers the bytes as sent.
    if (encoding && encoding !== 'identity') return next(new AppError('unsupported-encoding', 415, 'Compressed webhook bodies are not accepted'));
    const c = deps.credentials;
    const inbound = deps.inbound;
    const header = req.headers['content-length'];
    const declared = header !== undefined && /^\d+$/.test(header) ? Number(header) : null;
    // Too large by its own declaration: answered at once, nothing read; the connection is not reused
    // (node discards what the client still sends, without keeping it).
    if (declared !== null && declared > WEBHOOK_BODY_LIMIT) {
      res.setHeader('Connection', 'close');
      return next(new AppError('payload-too-large', 413, 'Request body is too large'));
    }
    const release = deps.budget.reserve(declared ?? WEBHOOK_BODY_LIMIT);
    if (!release) {
      log.warn({ declared, pendingBytes: deps.budget.used }, 'too many unverified webhook bytes in flight; answering 503');
      res.setHeader('Retry-After', '5');
      res.setHeader('Connection', 'close');
      return next(new AppError('busy', 503, 'Too many webhook deliveries in progress; please retry', undefined, true));
    }
    onFinished(req, release); // aborted or stalled-then-closed uploads give their share back
    getRawBody(req, { length: header, limit: WEBHOOK_BODY_LIMIT }, (readErr, raw) => {
      release();
      if (readErr) {
        // Over the limit while streaming (no length declared): answered at once as well.
        res.setHeader('Connection', 'close');
        return next(readErr);
      }
      void handle(raw).catch(next);
    });
    async function handle(raw: Buffer) {
      const signature = req.headers[SIGNATURE_HEADER] as string | undefined;
      if (!verifySignature(raw, signature, c.appSecret)) {
        log.warn({ bytes: raw.length, hasHeader: Boolean(signature) }, '❌ Invalid webhook signature');
        return next(new AppError('invalid-signature', 401, 'Invalid webhook signature'));
      }
      let payload: unknown;
      try {
        payload = JSON.parse(raw.toString('utf8'));
      } catch {
        log.warn({ bytes: raw.length }, 'webhook body with a valid signature is not valid JSON');
        return next(new AppError('invalid-json', 400, 'Request body is not valid JSON'));
      }
      let result;
      try {
        result = await inbound.receive(payload);
      } catch (err) {
        // Not stored → not acknowledged: Meta re-delivers later.
        log.error({ err: { message: (err as Error).message, code: (err as { code?: string }).code } }, 'could not store webhook messages; answering 503 so Meta re-delivers');
        return next(new AppError('storage-unavailable', 503, 'Messages could not be stored; please retry', undefined, true));
      }
      res.writeHead(200, okHeaders);
      res.end(RECEIVED);
      result.afterResponse();
    }
  };
}
