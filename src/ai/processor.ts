// One AI turn, used by both channels: retrieve guide passages for the question, read the
// requester's own credit data, build the prompt within its budgets, ask OpenRouter (or answer
// offline without a key). The user always gets a reply: a polite busy message when the model
// cannot answer, never silence.
import type { Config } from '../config';
import type { CreditRepository } from '../credit/credit-repository';
import { loadCreditContext } from '../credit/credit-summary';
import type { KnowledgeBase, KnowledgePassage } from '../knowledge/types';
import { detectLanguage } from '../knowledge/text-analyzer';
import type { Logger } from '../shared/logger';
import { createOfflineResponder } from './offline-responder';
import { createOpenRouterClient, type OpenRouterClient } from './openrouter-client';
import { BUSY_MESSAGE, buildChatMessages, trimHistory, userTurn } from './prompts';
import { createSlots, withImages } from './vision';
import type { AiResponder, AiTurnInput, AiTurnResult } from './types';

export interface AiProcessorDeps {
  config: Pick<Config, 'openRouter' | 'knowledge' | 'historyMaxTokens' | 'publicUrl'>;
  logger: Logger;
  knowledge: KnowledgeBase;
  credit: CreditRepository;
  /** Defaults to an OpenRouter client when OPENROUTER_API_KEY is set, offline mode otherwise. */
  client?: OpenRouterClient | null;
}

export interface AiProcessor extends AiResponder {
  readonly online: boolean;
}

export function createAiProcessor(deps: AiProcessorDeps): AiProcessor {
  const { config, knowledge, credit } = deps;
  const log = deps.logger.child({ module: 'ai' });
  const or = config.openRouter;
  const client = deps.client !== undefined ? deps.client : or.apiKey
    ? createOpenRouterClient({ ...or, apiKey: or.apiKey, publicUrl: config.publicUrl, logger: deps.logger })
    : null;

  const offline = createOfflineResponder();
  const visionSlot = createSlots(8);

  return {
    online: client !== null,
    async reply(input: AiTurnInput): Promise<AiTurnResult> {
      const started = Date.now();
      const question = userTurn(input.messages);
      const lang = detectLanguage(question);
      const passages = knowledge.search(retrievalQuery(question, input), { maxTokens: config.knowledge.maxPromptTokens });
      const userData = await loadCreditContext({ credit, logger: log }, input.userId, lang);
      const sources = uniqueSources(passages);
      const done = (r: Omit<AiTurnResult, 'latencyMs' | 'sources'>, withSources = true): AiTurnResult => {
        const result = { ...r, latencyMs: Date.now() - started, sources: withSources ? sources : [] };
        if (r.kind !== 'fallback') {
          log.info({ userId: input.userId, channel: input.channel, kind: r.kind, model: r.model, promptTokens: r.promptTokens,
            completionTokens: r.completionTokens, latencyMs: result.latencyMs, sources, creditData: userData.status },
          `🤖 AI response generated in ${result.latencyMs}ms for user ${input.userId}`);
        }
        return result;
      };

      if (!client) {
        const text = offline.answer({ question, passages, creditText: userData.userText, lang, loading: !knowledge.isLoaded() });
        return done({ text, kind: 'offline', model: null, promptTokens: null, completionTokens: null });
      }
      const messages = buildChatMessages({
        appName: or.appName, passages, userData: userData.text, userName: input.userName,
        history: trimHistory(input.history, config.historyMaxTokens), messages: input.messages,
      });
      try {
        // Photos go with the user turn as image parts, to the vision model (OPENROUTER_VISION_MODEL).
        const c = input.images?.length
          ? await visionSlot(() => client.complete(withImages(messages, input.images!), or.visionModel && or.visionModel !== or.model ? { model: or.visionModel } : {}))
          : await client.complete(messages);
        return done({ text: c.text, kind: 'ai', model: c.model, promptTokens: c.promptTokens, completionTokens: c.completionTokens });
      } catch (err) {
        log.error({ userId: input.userId, channel: input.channel, err: { message: (err as Error).message },
          attempts: (err as { attempts?: number }).attempts, latencyMs: Date.now() - started },
        `❌ AI admin belum selesai: no answer from OpenRouter for user ${input.userId}; sent the busy message`);
        return done({ text: BUSY_MESSAGE[lang], kind: 'fallback', model: null, promptTokens: null, completionTokens: null }, false);
      }
    },
  };
}

/** A short follow-up ("kalau paylater?") is searched together with the previous question. */
function retrievalQuery(question: string, input: AiTurnInput): string {
  if (question.split(/\s+/).length >= 6) return question;
  const previous = [...input.history].reverse().find((m) => m.role === 'user');
  return previous ? `${question}\n${previous.text}` : question;
}

function uniqueSources(passages: KnowledgePassage[]): { file: string; page: number }[] {
  const seen = new Set<string>();
  const out: { file: string; page: number }[] = [];
  for (const p of passages) {
    const key = `${p.file}#${p.page}`;
    if (!seen.has(key)) { seen.add(key); out.push({ file: p.file, page: p.page }); }
  }
  return out;
}
