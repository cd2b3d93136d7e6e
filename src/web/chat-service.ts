// One web chat turn: the same AI, history and credit data as WhatsApp, without the buffer. The
// user's message and the reply are stored together after the AI answered. When the AI fails (it
// throws, or the processor gives up and returns its 'fallback' busy message) nothing is stored, so
// the busy text never feeds the next prompt and the page keeps the question in the box to send
// again; the person gets a plain sentence (503), never a stack trace.
import type { AiResponder, AiTurnResult, ConversationMessage } from '../ai/types';
import type { ChatLogger } from '../chatlog/types';
import type { HistoryRepository } from '../conversation/history-repository';
import type { Database } from '../db/database';
import type { Logger } from '../shared/logger';
import { AppError } from '../shared/errors';
import { localized } from '../shared/app-error';
import { storableText } from '../shared/text';
import type { OperatorService } from '../operator/operator-service';
import { t } from '../i18n/catalogue';
import type { Lang } from '../i18n/lang';

export const MAX_MESSAGE_CHARS = 4000;
export const HISTORY_PAGE = 100;

/** held: an operator has the conversation (or the person waits for one): stored, no AI reply. */
export interface ChatReply { text: string; kind: AiTurnResult['kind']; sources: AiTurnResult['sources']; at: Date; held?: boolean }

export interface ChatService {
  /** sessionKey: an opaque id of the login session, so chat-log sessions follow logins. lang: the page's language (fixed texts). */
  ask(user: { id: string; name: string | null; sessionKey?: string }, text: unknown, lang?: Lang): Promise<ChatReply>;
  history(userId: string): Promise<ConversationMessage[]>;
}

export interface ChatServiceDeps {
  db: Database; ai: AiResponder; history: HistoryRepository; chatLogger: ChatLogger; logger: Logger; clock?: () => number;
  /** Handoff (operator/): whether the AI answers this turn. */
  handoff?: Pick<OperatorService, 'gate' | 'escalate'>;
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
    async ask(user, raw, lang = 'id') {
      // NUL and lone surrogates cannot be stored: dropped before the AI is paid to read them.
      const text = typeof raw === 'string' ? storableText(raw).trim() : '';
      if (!text) throw localized(new AppError('empty-message', 400, t(lang, 'bot.emptyMessage')));
      if (text.length > MAX_MESSAGE_CHARS) {
        throw localized(new AppError('message-too-long', 400, t(lang, 'bot.messageTooLong', { length: text.length, max: MAX_MESSAGE_CHARS })));
      }
      const askedAt = now();
      const gate = deps.handoff ? await deps.handoff.gate({ userId: user.id, channel: 'web', texts: [text], language: lang }) : null;
      if (gate && gate.action !== 'ai') {
        const fixed = gate.action === 'reply' ? gate.text : null;
        const at = now();
        await db.transaction(async (tx) => {
          await history.append(user.id, 'web', 'user', text, askedAt, tx);
          if (fixed) await history.append(user.id, 'web', 'assistant', fixed, at, tx);
        });
        logTurn({ userId: user.id, channel: 'web', sessionKey: user.sessionKey, userMessages: [{ text, at: askedAt }] });
        return { text: fixed ?? '', kind: 'placeholder', sources: [], at, held: !fixed };
      }
      const earlier = await history.recent(user.id);
      let result: AiTurnResult;
      try {
        result = await ai.reply({ userId: user.id, channel: 'web', messages: [text], history: earlier, userName: user.name, language: lang });
        if (!result || typeof result.text !== 'string' || !result.text.trim()) throw new Error('the AI returned an empty reply');
        if (result.handoff && deps.handoff) await deps.handoff.escalate(user.id, 'web', result.handoff.reason, 'ai');
      } catch (err) {
        logger.error({ err: { message: (err as Error)?.message }, userId: user.id }, '❌ AI admin belum selesai: web chat turn failed');
        logTurn({ userId: user.id, channel: 'web', sessionKey: user.sessionKey, userMessages: [{ text, at: askedAt }] });
        throw new AppError('ai-unavailable', 503, t(lang, 'bot.unavailable'));
      }
      if (result.kind === 'fallback') {
        // The processor already logged why; its busy text is in the user's language, so it is the message.
        logTurn({ userId: user.id, channel: 'web', sessionKey: user.sessionKey, userMessages: [{ text, at: askedAt }], reply: { ...result, at: now() } });
        throw new AppError('ai-unavailable', 503, result.text);
      }
      const repliedAt = now();
      await db.transaction(async (tx) => {
        await history.append(user.id, 'web', 'user', text, askedAt, tx);
        await history.append(user.id, 'web', 'assistant', result.text, repliedAt, tx, result.sources);
      });
      // The processor logs "🤖 AI response generated in …"; this only marks the web side.
      logger.debug({ userId: user.id, latencyMs: result.latencyMs, kind: result.kind }, 'web chat turn stored');
      logTurn({ userId: user.id, channel: 'web', sessionKey: user.sessionKey, userMessages: [{ text, at: askedAt }], reply: { ...result, at: repliedAt } });
      return { text: result.text, kind: result.kind, sources: result.sources ?? [], at: repliedAt };
    },
    history: (userId) => history.recent(userId, HISTORY_PAGE),
  };
}
