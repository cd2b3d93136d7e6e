// The operator API (operator sign-in or ADMIN_TOKEN):
//   GET  /api/operator/conversations?state=&q=       inbox, newest activity first
//   GET  /api/operator/conversations/{userId}        thread, actions, credit summary
//   POST /api/operator/conversations/{userId}/takeover  { force? }
//   POST /api/operator/conversations/{userId}/messages  { text } + Idempotency-Key header
//   POST /api/operator/conversations/{userId}/release
import express, { Router, type RequestHandler } from 'express';
import { operatorOf } from './operator-auth';
import { requestLanguage } from '../i18n/catalogue';
import type { Lang } from '../i18n/lang';
import type { OperatorService } from './operator-service';

export function createOperatorRouter(deps: { service: OperatorService; requireOperator: RequestHandler; requireJsonWrite: RequestHandler; defaultLanguage?: Lang }): Router {
  const { service, requireOperator } = deps;
  const router = Router();
  const base = '/api/operator/conversations';
  const write = [requireOperator, express.json({ limit: '32kb' }), deps.requireJsonWrite];
  const noStore = (res: express.Response) => res.set('Cache-Control', 'no-store');

  router.get(base, requireOperator, async (req, res) => {
    noStore(res).json({ conversations: await service.list({ state: req.query.state, q: req.query.q }) });
  });
  router.get(`${base}/:userId`, requireOperator, async (req, res) => {
    noStore(res).json(await service.thread(String(req.params.userId), requestLanguage(req, deps.defaultLanguage)));
  });
  router.post(`${base}/:userId/takeover`, ...write, async (req, res) => {
    const force = (req.body as { force?: unknown } | undefined)?.force === true;
    const row = await service.takeover(String(req.params.userId), operatorOf(req).email, force);
    res.json({ userId: row.user_id, state: row.state, operator: row.operator });
  });
  router.post(`${base}/:userId/release`, ...write, async (req, res) => {
    const row = await service.release(String(req.params.userId), operatorOf(req).email);
    res.json({ userId: row.user_id, state: row.state, operator: row.operator });
  });
  router.post(`${base}/:userId/messages`, ...write, async (req, res) => {
    const body = (req.body ?? {}) as { text?: unknown; idempotencyKey?: unknown };
    const key = req.get('idempotency-key') ?? body.idempotencyKey;
    const r = await service.send(String(req.params.userId), operatorOf(req).email, body.text, key);
    res.status(r.duplicate ? 200 : 201).json(r);
  });
  return router;
}
