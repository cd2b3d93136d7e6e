// The company's side of linking (operator endpoints, same protection as the others):
//   PUT    /api/whatsapp/links/{phone}  { "userId": "<existing user id>" }  → 200, 404 unknown user, 409 linked elsewhere
//   GET    /api/whatsapp/links/{phone}  → the link and the user the number is answered as; 404 when not linked
//   DELETE /api/whatsapp/links/{phone}  → 200, 404 when not linked
import express, { Router, type RequestHandler } from 'express';
import { AppError } from '../shared/errors';
import type { IdentityService } from './identity-service';
import { maskPhone } from './link-code';

export function createOperatorLinkRouter(deps: { identity: IdentityService; admin: RequestHandler }): Router {
  const { identity, admin } = deps;
  const router = Router();
  const path = '/api/whatsapp/links/:phone';

  router.put(path, admin, express.json({ limit: '4kb' }), async (req, res, next) => {
    try {
      const userId = (req.body as { userId?: unknown } | undefined)?.userId;
      if (typeof userId !== 'string') throw new AppError('invalid-user-id', 400, 'Send { "userId": "<existing user id>" } as JSON');
      const r = await identity.operatorLink(String(req.params.phone), userId);
      res.json({ phone: r.phone, userId: r.userId, linked: true, changed: r.changed });
    } catch (err) { next(err); }
  });

  router.get(path, admin, async (req, res, next) => {
    try {
      const r = await identity.operatorGet(String(req.params.phone));
      if (!r.link) {
        throw new AppError('not-linked', 404, 'This number is not linked to any account', { phone: r.phone, resolvesTo: r.resolvesTo });
      }
      res.json({ phone: r.phone, masked: maskPhone(r.phone), userId: r.link.user_id, linked: true, linkedBy: r.link.linked_by,
        linkedAt: new Date(r.link.created_at).toISOString(), resolvesTo: r.resolvesTo });
    } catch (err) { next(err); }
  });

  router.delete(path, admin, async (req, res, next) => {
    try {
      const r = await identity.operatorUnlink(String(req.params.phone));
      res.json({ phone: r.phone, userId: r.userId, linked: false });
    } catch (err) { next(err); }
  });

  return router;
}
