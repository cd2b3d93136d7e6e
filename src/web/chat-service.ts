// One web chat turn: the same AI, history and credit data as WhatsApp, without the buffer. The
// user's message and the reply are stored together after the AI answered; when the AI fails nothing
// is stored (the page keeps the text in the input box to send again) and the person gets a plain
// sentence, never a stack trace.
import type { AiResponder, AiTurnResult, ConversationMessage } from '../ai/types';
import type { ChatLogger } from '../chatlog/types';
import type { HistoryRepository } from '../conversation/history-repository';
import type { Database } from '../db/database';
import type { Logger } from '../shared/logger';
import { AppError } from '../shared/errors';

export const MAX_MESSAGE_CHARS = 4000;
export const HISTORY_PAGE = 100;

export interface ChatReply { text: string; kind: AiTurnResult['kind']; sources: AiTurnResult['sources']; at: Date }

export interface ChatService {
  ask(user: { id: string; name: string | null }, text: unknown): Promise<ChatReply>;
  history(userId: string): Promise<ConversationMessage[]>;
}

export interface ChatServiceDeps {
  db: Database; ai: AiResponder; history: HistoryRepository; chatLogger: ChatLogger; logger: Logger; clock?: () => number;
}

export function createChatService(deps: ChatServiceDeps): ChatService {
  const { db, ai, history, chatLogger } = deps;
  const logger = deps.logger.child({ module: 'web' });
  const now = () => new Date((deps.clock ?? Date.now)());

  // The ChatLogger contract says it never throws; this guard keeps a broken implementation from
  // turning an answered question into an error page.
  const logTurn = (turn: Parameters<ChatLogger['logTurn']>[0]) => {
    try { chatLogger.logTurn(turn); } catch (err) { logger.warn({ err: { message: (err as Error).message } }, 'chat log rejected a turn'); }
  };

  return {
    async ask(user, raw) {
      if (typeof raw !== 'string' || !raw.trim()) throw new AppError('empty-message', 400, 'Type a question first.');
      const text = raw.trim();
      if (text.length > MAX_MESSAGE_CHARS) {
        throw new AppError('message-too-long', 400, `Your message is too long (${text.length} characters; at most ${MAX_MESSAGE_CHARS}). Please shorten it.`);
      }
      const askedAt = now();
      const earlier = await history.recent(user.id);
      let result: AiTurnResult;
      try {
        result = await ai.reply({ userId: user.id, channel: 'web', messages: [text], history: earlier, userName: user.name });
        if (!result || typeof result.text !== 'string' || !result.text.trim()) throw new Error('the AI returned an empty reply');
      } catch (err) {
        logger.error({ err: { message: (err as Error)?.message }, userId: user.id }, '❌ AI admin belum selesai: web chat turn failed');
        logTurn({ userId: user.id, channel: 'web', userMessages: [{ text, at: askedAt }] });
        throw new AppError('ai-unavailable', 503,
          'Sorry, the assistant could not answer just now. Please send your question again in a moment.');
      }
      const repliedAt = now();
      await db.transaction(async (tx) => {
        await history.append(user.id, 'web', 'user', text, askedAt, tx);
        await history.append(user.id, 'web', 'assistant', result.text, repliedAt, tx);
      });
      logger.info({ userId: user.id, latencyMs: result.latencyMs, kind: result.kind, model: result.model },
        `🤖 AI response generated in ${result.latencyMs}ms for user ${user.id}`);
      logTurn({ userId: user.id, channel: 'web', userMessages: [{ text, at: askedAt }], reply: { ...result, at: repliedAt } });
      return { text: result.text, kind: result.kind, sources: result.sources ?? [], at: repliedAt };
    },
    history: (userId) => history.recent(userId, HISTORY_PAGE),
  };
}
