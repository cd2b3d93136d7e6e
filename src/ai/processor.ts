// One AI turn, used by both channels: retrieve guide passages for the question, read the
// requester's own credit data, build the prompt within its budgets, ask OpenRouter (or answer
// offline without a key). The user always gets a reply: a polite busy message when the model
// cannot answer, never silence. The model is offered a handoff tool: calling it (not any wording
// of its reply) marks the turn for a person, and the channel hands the conversation over.
import type { Config } from '../config';
import type { CreditRepository } from '../credit/credit-repository';
import { loadCreditContext, unlinkedContext } from '../credit/credit-summary';
import { conversationContext } from '../knowledge/retrieval';
import type { KnowledgeBase, KnowledgePassage } from '../knowledge/types';
import { detectMessageLanguage } from '../i18n/lang';
import type { Logger } from '../shared/logger';
import { t } from '../i18n/catalogue';
import { shortCreditSummary } from './offline-credit';
import type { Metrics } from '../metrics/metrics';
import { createOfflineResponder } from './offline-responder';
import { createOpenRouterClient, type OpenRouterClient, type OpenRouterOptions } from './openrouter-client';
import { buildChatMessages, trimHistory, userTurn } from './prompts';
import { createSlots, withImages } from './vision';
import { HANDOFF_TOOL, handoffFromCalls } from './handoff-tool';
import type { AiResponder, AiTurnInput, AiTurnResult } from './types';
import { minimiseName, minimiseText } from './minimise';
import type { AiUsage } from './usage-limits';

export interface AiProcessorDeps {
  config: Pick<Config, 'openRouter' | 'knowledge' | 'historyMaxTokens' | 'publicUrl'> & Partial<Pick<Config, 'privacy' | 'aiLimits'>>;
  logger: Logger;
  knowledge: KnowledgeBase;
  credit: CreditRepository;
  /** Defaults to an OpenRouter client when OPENROUTER_API_KEY is set, offline mode otherwise. */
  client?: OpenRouterClient | null;
  /** Daily turn limits shared by all instances; without it, no limit. */
  usage?: AiUsage;
  /** Told when OpenRouter starts or stops refusing prompts for the data policy. */
  onDataPolicyRefusal?: OpenRouterOptions['onDataPolicyRefusal'];
  metrics?: Metrics;
}

export interface AiProcessor extends AiResponder {
  readonly online: boolean;
  /** For the status endpoint: the data policy sent to OpenRouter and its last refusal. */
  dataPolicy(): ReturnType<NonNullable<OpenRouterClient['dataPolicy']>> | null;
}

export function createAiProcessor(deps: AiProcessorDeps): AiProcessor {
  const { config, knowledge, credit } = deps;
  const log = deps.logger.child({ module: 'ai' });
  const or = config.openRouter;
  const client = deps.client !== undefined ? deps.client : or.apiKey
    ? createOpenRouterClient({ ...or, apiKey: or.apiKey, publicUrl: config.publicUrl, logger: deps.logger, dataCollection: config.privacy?.dataCollection,
      onDataPolicyRefusal: deps.onDataPolicyRefusal, metrics: deps.metrics })
    : null;

  const offline = createOfflineResponder();
  /** Offline answers show a short, human-labelled summary (the prompt's block is for the model). */
  const ownReport = async (data: { status: string; userText: string }, userId: string, lang: 'id' | 'en') =>
    data.status === 'ok' ? credit.getReport(userId).then((r) => shortCreditSummary(r, lang), () => data.userText) : data.userText;
  const visionSlot = createSlots(8);

  return {
    online: client !== null,
    dataPolicy: () => client?.dataPolicy?.() ?? null,
    async reply(input: AiTurnInput): Promise<AiTurnResult> {
      const started = Date.now();
      const maxChars = config.aiLimits?.maxInputChars ?? Infinity;
      const cut = cutMessages(input.messages, maxChars);
      if (cut.cut) input = { ...input, messages: cut.messages };
      const question = userTurn(input.messages);
      // The person's language (the channel knows it: WhatsApp's latest message, the web page); else the question's.
      const lang = input.language ?? detectMessageLanguage(question, 'id');
      const context = conversationContext(input.history); // every turn may be a follow-up
      const queryVector = await knowledge.embedQuery(question, context);
      const passages = knowledge.search(question, { maxTokens: config.knowledge.maxPromptTokens, context, queryVector });
      let userData = await loadCreditContext({ credit, logger: log }, input.userId, lang);
      if (userData.status === 'none' && input.sender === 'number') {
        // An unknown WhatsApp number: nothing to guess from, and the way to link instead.
        userData = unlinkedContext(lang, config.publicUrl);
      }
      const sources = uniqueSources(passages);
      const done = (r: Omit<AiTurnResult, 'latencyMs' | 'sources'>, withSources = true): AiTurnResult => {
        // The person is told their message was cut (in their language), before the answer itself.
        const text = cut.cut && r.kind !== 'fallback' ? `${t(lang, 'bot.messageCut', { max: maxChars })}\n\n${r.text}` : r.text;
        const result = { ...r, text, latencyMs: Date.now() - started, sources: withSources ? sources : [] };
        if (r.kind !== 'fallback') {
          log.info({ userId: input.userId, channel: input.channel, kind: r.kind, model: r.model, promptTokens: r.promptTokens,
            completionTokens: r.completionTokens, latencyMs: result.latencyMs, sources, creditData: userData.status },
          `🤖 AI response generated in ${result.latencyMs}ms for user ${input.userId}`);
        }
        return result;
      };

      const decision = client && deps.usage ? await deps.usage.take(input.userId).catch((err) => {
        // Counting must not take the service down: without the count the turn goes ahead.
        log.warn({ err: { message: (err as Error).message } }, 'AI usage could not be counted; answering anyway');
        return 'ok' as const;
      }) : 'ok';
      if (decision === 'user-limit') {
        log.info({ userId: input.userId, channel: input.channel, limit: config.aiLimits?.dailyTurnsPerUser }, `daily AI turn limit reached for user ${input.userId}; fixed answer sent`);
        return done({ text: t(lang, 'bot.dailyLimit', { max: config.aiLimits?.dailyTurnsPerUser ?? 0 }), kind: 'offline', model: null, promptTokens: null, completionTokens: null }, false);
      }
      if (!client || decision === 'budget') {
        const creditText = offline.asksOwnReport(question) ? await ownReport(userData, input.userId, lang) : '';
        const text = offline.answer({ question, passages, creditText, lang, loading: !knowledge.isLoaded(), terms: knowledge.terms });
        return done({ text, kind: 'offline', model: null, promptTokens: null, completionTokens: null });
      }
      const messages = buildChatMessages({
        // Only what the model needs: no phone numbers, e-mails or full account numbers (minimise.ts).
        appName: or.appName, passages, userData: minimiseText(userData.text), userName: minimiseName(input.userName),
        history: trimHistory(input.history, config.historyMaxTokens).map((m) => ({ ...m, text: minimiseText(m.text) })),
        messages: input.messages.map(minimiseText),
      });
      const tools = or.handoffTool === false ? {} : { tools: [HANDOFF_TOOL] };
      try {
        // Photos go with the user turn as image parts, to the vision model (OPENROUTER_VISION_MODEL).
        const c = input.images?.length
          ? await visionSlot(() => client.complete(withImages(messages, input.images!), { ...tools, ...(or.visionModel && or.visionModel !== or.model ? { model: or.visionModel } : {}) }))
          : await client.complete(messages, tools);
        const handoff = handoffFromCalls(c.toolCalls);
        if (handoff) log.info({ userId: input.userId, channel: input.channel, reason: handoff.reason }, `🙋 The model flagged the turn of user ${input.userId} for a person`);
        // A call without words: the customer still hears that a person will reply.
        const text = c.text || t(lang, 'bot.escalated');
        return done({ text, kind: 'ai', model: c.model, promptTokens: c.promptTokens, completionTokens: c.completionTokens, ...(handoff ? { handoff } : {}) });
      } catch (err) {
        log.error({ userId: input.userId, channel: input.channel, err: { message: (err as Error).message },
          attempts: (err as { attempts?: number }).attempts, latencyMs: Date.now() - started },
        `❌ AI admin belum selesai: no answer from OpenRouter for user ${input.userId}; sent the busy message`);
        return done({ text: t(lang, 'bot.busy'), kind: 'fallback', model: null, promptTokens: null, completionTokens: null }, false);
      }
    },
  };
}

/** The turn's messages up to `max` characters in all; the rest is dropped (AI_MAX_INPUT_CHARS). */
export function cutMessages(messages: string[], max: number): { messages: string[]; cut: boolean } {
  let left = max;
  const out: string[] = [];
  for (const m of messages) {
    if (left <= 0) return { messages: out, cut: true };
    if (m.length > left) { out.push(m.slice(0, left)); return { messages: out, cut: true }; }
    out.push(m);
    left -= m.length;
  }
  return { messages: out, cut: false };
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
