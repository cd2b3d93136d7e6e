// Operator endpoints: GET /api/whatsapp/status and POST /api/whatsapp/refresh-kb, behind
// the operator guard (shared/admin-auth.ts).
import { Router } from 'express';
import type { OperatorGuard } from '../shared/admin-auth';
import type { KnowledgeBase } from '../knowledge/types';
import type { Logger } from '../shared/logger';
import type { StatusService } from './status-service';

export function createStatusRouter(deps: { operator: OperatorGuard; status: StatusService; knowledge: KnowledgeBase; logger: Logger }): Router {
  const router = Router();
  const admin = deps.operator.api;
  router.get('/api/whatsapp/status', admin, async (_req, res, next) => {
    try { res.json(await deps.status.status()); } catch (err) { next(err); }
  });
  router.post('/api/whatsapp/refresh-kb', admin, async (_req, res, next) => {
    try {
      const report = await deps.knowledge.reload();
      deps.logger.info({ module: 'whatsapp', files: report.files.length, passages: report.totalPassages, failed: report.failed.length }, '📚 Knowledge base refreshed');
      res.json({ success: true, ...report });
    } catch (err) { next(err); }
  });
  return router;
}
