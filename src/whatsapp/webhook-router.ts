// GET /webhook/whatsapp (Meta's verify handshake) and POST /webhook/whatsapp (deliveries).
// The POST reads the raw body itself, on this route only, and checks the signature before parsing.
import express, { Router, type Request, type Response, type NextFunction } from 'express';
import type { Logger } from '../shared/logger';
import { AppError } from '../shared/errors';
import type { WhatsAppCredentials } from './credentials';
import type { InboundService } from './inbound-service';
import { safeEqual, SIGNATURE_HEADER, verifySignature } from './signature';

export const WEBHOOK_PATH = '/webhook/whatsapp';
/** Meta batches up to 1000 updates per POST; third parties report payloads up to 3 MB. */
export const WEBHOOK_BODY_LIMIT = '3mb';

export function createWebhookRouter(deps: { credentials: WhatsAppCredentials | null; inbound: InboundService | null; logger: Logger }): Router {
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

  const notConfigured = (_req: Request, _res: Response, next: NextFunction) => {
    if (!deps.credentials || !deps.inbound) return next(new AppError('whatsapp-not-configured', 503, 'WhatsApp integration is not fully configured'));
    next();
  };

  router.post(WEBHOOK_PATH, notConfigured, express.raw({ type: () => true, limit: WEBHOOK_BODY_LIMIT }), async (req, res, next) => {
    const c = deps.credentials!;
    const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    if (!verifySignature(raw, req.get(SIGNATURE_HEADER), c.appSecret)) {
      log.warn({ bytes: raw.length, hasHeader: Boolean(req.get(SIGNATURE_HEADER)) }, '❌ Invalid webhook signature');
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
      result = await deps.inbound!.receive(payload);
    } catch (err) {
      // Not stored → not acknowledged: Meta re-delivers later.
      log.error({ err: { message: (err as Error).message, code: (err as { code?: string }).code } }, 'could not store webhook messages; answering 503 so Meta re-delivers');
      return next(new AppError('storage-unavailable', 503, 'Messages could not be stored; please retry'));
    }
    res.status(200).type('text/plain').send('EVENT_RECEIVED');
    result.afterResponse();
  });

  return router;
}
