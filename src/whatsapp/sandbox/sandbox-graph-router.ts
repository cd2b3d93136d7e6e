// The sandbox's Graph API: POST /sandbox/graph/{version}/{phone-number-id}/messages. The real
// Graph client (retries, splitting, typing indicator) calls it over HTTP exactly as it calls Meta.
// Authenticated like Meta, by the Bearer access token, not by ADMIN_TOKEN.
import express, { Router } from 'express';
import { SANDBOX_GRAPH_PATH, type SandboxService } from './sandbox-service';

export function createSandboxGraphRouter(deps: { service: SandboxService }): Router {
  const router = Router();
  router.post(`${SANDBOX_GRAPH_PATH}/:version/:phoneNumberId/messages`, express.text({ type: () => true, limit: '1mb' }), async (req, res, next) => {
    try {
      const answer = await deps.service.graphCall({
        path: req.originalUrl, phoneNumberId: String(req.params.phoneNumberId), authorization: req.get('authorization'),
        rawBody: typeof req.body === 'string' ? req.body : '',
      });
      res.status(answer.status).json(answer.body);
    } catch (err) { next(err); }
  });
  // Media downloads: the metadata lookup, then the file from the URL it gave.
  const media = (file: boolean) => async (req: express.Request, res: express.Response, next: express.NextFunction) => {
    try {
      const answer = await deps.service.mediaCall({ path: req.originalUrl, id: String(req.params.id), file, authorization: req.get('authorization') });
      if ('bytes' in answer) res.status(200).type(answer.mimeType).send(answer.bytes);
      else res.status(answer.status).json(answer.body);
    } catch (err) { next(err); }
  };
  router.get(`${SANDBOX_GRAPH_PATH}/media-file/:id`, media(true));
  router.get(`${SANDBOX_GRAPH_PATH}/:version/:id`, media(false));
  return router;
}
