// Operator endpoints: GET /api/whatsapp/status and POST /api/whatsapp/refresh-kb, behind
// requireAdmin (Bearer ADMIN_TOKEN, or loopback only when no token is set).
import { Router } from 'express';
import { requireAdmin } from '../shared/admin-auth';
import type { KnowledgeBase } from '../knowledge/types';
import type { Logger } from '../shared/logger';
import type { StatusService } from './status-service';

export function createStatusRouter(deps: { adminToken: string | undefined; status: StatusService; knowledge: KnowledgeBase; logger: Logger }): Router {
  const router = Router();
  const admin = requireAdmin(deps.adminToken);
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
