import crypto from 'node:crypto';
// POST /api/chat (signed in, CSRF token, per-user rate limit) and GET /api/chat/history (the
// signed-in user's own conversation: the user id comes from the session, never from the request).
import express, { Router, type RequestHandler } from 'express';
import type { WebAuth } from './auth';
import type { ChatService } from './chat-service';
import { chatLanguage } from './chat-language';
import type { Lang } from '../i18n/lang';

export function createChatRouter(deps: { auth: WebAuth; chat: ChatService; rateLimit: RequestHandler; defaultLanguage?: Lang }): Router {
  const { auth, chat } = deps;
  const router = Router();

  router.post('/api/chat', auth.requireLogin, express.json({ limit: '32kb' }), auth.requireCsrf, deps.rateLimit, async (req, res, next) => {
    try {
      const user = req.user!;
      const reply = await chat.ask({ id: user.id, name: user.name, sessionKey: sessionKeyOf(req.sessionID) }, (req.body as { message?: unknown } | undefined)?.message,
        chatLanguage(req, deps.defaultLanguage));
      res.json({ reply: { role: 'assistant', ...reply } });
    } catch (err) { next(err); }
  });

  router.get('/api/chat/history', auth.requireLogin, async (req, res, next) => {
    try {
      const messages = await chat.history(req.user!.id);
      res.set('Cache-Control', 'no-store').json({ messages: messages.map((m) => ({ role: m.role, text: m.text, at: m.at, channel: m.channel })) });
    } catch (err) { next(err); }
  });

  return router;
}

/** The log never sees the session id itself (it is the login credential): only a short hash of it. */
function sessionKeyOf(sessionId: string | undefined): string | undefined {
  return sessionId ? crypto.createHash('sha256').update(sessionId).digest('hex').slice(0, 16) : undefined;
}
