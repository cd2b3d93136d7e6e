// The /sandbox page and its API. Like the operator endpoints, the API answers only requests from
// the machine itself unless ADMIN_TOKEN is set (then with the token): whoever can use it can
// write as any phone number and read that number's credit answers.
import path from 'node:path';
import express, { Router } from 'express';
import helmet from 'helmet';
import type { OperatorGuard } from '../../shared/admin-auth';
import { AppError } from '../../shared/errors';
import { DEMO_USERS } from '../../db/seed';
import { SANDBOX_DISPLAY_NUMBER, SANDBOX_PHONE_NUMBER_ID, phoneDigits } from './sandbox-payload';
import type { SandboxService } from './sandbox-service';
import { SANDBOX_MEDIA_MAX_BYTES } from './sandbox-media';
import { createPageRenderer, skipTemplates } from '../../i18n/page-renderer';
import type { Lang } from '../../i18n/lang';

const PUBLIC_DIR = path.join(__dirname, 'public');
const MAX_TEXT = 4096;

export function createSandboxRouter(deps: {
  service: SandboxService; operator: OperatorGuard; bufferMs: number; graphVersion: string; aiOnline: boolean; defaultLanguage: Lang;
}): Router {
  const { service } = deps;
  const router = Router();
  const admin = deps.operator.api;

  // Scoped to /sandbox: this router sits in front of every other module's routes.
  router.use('/sandbox', helmet({
    contentSecurityPolicy: { directives: { 'script-src': ["'self'"], 'upgrade-insecure-requests': null } },
    strictTransportSecurity: false,
  }));
  // JSON only: another web page open in the same browser can only send a JSON POST after a CORS
  // preflight this server never grants, so it cannot make the sandbox send messages.
  router.use('/sandbox/api', admin, express.json({ limit: '64kb' }));

  router.get('/sandbox/api/info', (_req, res) => {
    res.json({
      phoneNumberId: SANDBOX_PHONE_NUMBER_ID, displayPhoneNumber: SANDBOX_DISPLAY_NUMBER, bufferMs: deps.bufferMs,
      graphVersion: deps.graphVersion, aiOnline: deps.aiOnline,
      presets: DEMO_USERS.filter((u) => u.phone).map((u) => ({ phone: `+${u.phone}`, name: u.name })),
    });
  });

  // For `npm run simulate`: the CLI signs its own webhooks, so it needs the sandbox's app secret.
  router.get('/sandbox/api/credentials', async (_req, res, next) => {
    try {
      await service.load();
      const c = service.credentials;
      res.json({ appSecret: c.appSecret, verifyToken: c.verifyToken, phoneNumberId: c.phoneNumberId, displayPhoneNumber: SANDBOX_DISPLAY_NUMBER, bufferMs: deps.bufferMs });
    } catch (err) { next(err); }
  });

  router.post('/sandbox/api/messages', async (req, res, next) => {
    const body = (req.body ?? {}) as { phone?: unknown; name?: unknown; text?: unknown };
    const phone = typeof body.phone === 'string' ? phoneDigits(body.phone) : '';
    const name = typeof body.name === 'string' && body.name.trim() ? body.name.trim().slice(0, 60) : 'Sandbox User';
    const text = typeof body.text === 'string' ? body.text.trim() : '';
    if (phone.length < 7 || phone.length > 15) return next(new AppError('invalid-phone', 400, 'Phone number: 7 to 15 digits with the country code, e.g. +62812345678'));
    if (!text) return next(new AppError('empty-message', 400, 'Type a message first'));
    if (text.length > MAX_TEXT) return next(new AppError('message-too-long', 400, `A WhatsApp message here is at most ${MAX_TEXT} characters`));
    try {
      res.json(await service.send({ phone, name, text }));
    } catch (err) { next(err); }
  });

  // An attachment: the file is the body (its Content-Type is the MIME type), the rest is in the
  // query. The custom header makes a browser ask first (CORS preflight, never granted), so another
  // web page cannot post files here the way a plain form could.
  router.post('/sandbox/api/media', express.raw({ type: () => true, limit: SANDBOX_MEDIA_MAX_BYTES }), async (req, res, next) => {
    const q = req.query as Record<string, unknown>;
    const phone = typeof q.phone === 'string' ? phoneDigits(q.phone) : '';
    const name = typeof q.name === 'string' && q.name.trim() ? q.name.trim().slice(0, 60) : 'Sandbox User';
    const caption = typeof q.caption === 'string' ? q.caption.trim().slice(0, 1024) : '';
    const filename = typeof q.filename === 'string' ? q.filename.trim().slice(0, 200) : '';
    const mimeType = (req.get('content-type') ?? '').split(';')[0].trim().toLowerCase();
    if (req.get('x-sandbox-upload') !== '1') return next(new AppError('missing-header', 400, 'Send attachments with the X-Sandbox-Upload: 1 header'));
    if (phone.length < 6 || phone.length > 15) return next(new AppError('invalid-phone', 400, 'Phone number: 6 to 15 digits with the country code, e.g. +62812345678'));
    if (!Buffer.isBuffer(req.body) || !req.body.length) return next(new AppError('empty-file', 400, 'Choose a file first'));
    if (!/^(audio|image|application|text)\/[\w.+-]+$/.test(mimeType)) return next(new AppError('unsupported-file', 400, 'Attach an audio file, an image or a PDF'));
    try {
      res.json(await service.sendMedia({ phone, name, bytes: req.body, mimeType, caption, filename }));
    } catch (err) { next(err); }
  });

  router.get('/sandbox/api/conversation', async (req, res, next) => {
    const phone = typeof req.query.phone === 'string' ? phoneDigits(req.query.phone) : '';
    const after = Number(req.query.after ?? 0);
    if (phone.length < 7 || phone.length > 15) return next(new AppError('invalid-phone', 400, 'Phone number: 7 to 15 digits with the country code'));
    try {
      res.json(await service.conversation(phone, Number.isFinite(after) ? after : 0));
    } catch (err) { next(err); }
  });

  router.use('/sandbox/api', (req, _res, next) => next(new AppError('not-found', 404, `No route for ${req.method} ${req.path}`)));
  // The page itself is harmless without the API; it explains a 403 (other machine, no token).
  const pages = createPageRenderer({ defaultLanguage: deps.defaultLanguage });
  router.get('/sandbox', (req, res) => pages.send(req, res, path.join(PUBLIC_DIR, 'index.html'), { namespaces: ['sandbox'] }));
  router.use('/sandbox', skipTemplates, express.static(PUBLIC_DIR, { index: false, redirect: false }));
  return router;
}
