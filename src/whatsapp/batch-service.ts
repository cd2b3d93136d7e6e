// Answers due batches: claim (exactly one process wins), one AI turn over all buffered messages,
// send the reply (formatted, split), record each sent part, then free the conversation.
// When: batch-scheduler.ts (a timer per window, due-order claiming, the sweep).
import type { AiResponder, AiTurnResult } from '../ai/types';
import type { ChatLogger } from '../chatlog/types';
import type { HistoryRepository } from '../conversation/history-repository';
import type { LinkCodeHandler } from '../identity/link-code-handler';
import type { Metrics } from '../metrics/metrics';
import type { Logger } from '../shared/logger';
import { markdownToWhatsApp, splitMessage } from './format-message';
import { GraphApiError, type GraphClient } from './graph-client';
import type { ClaimedBatch, Due, MessageBuffer } from './message-buffer';
import type { SessionService } from './session-service';
import { handleLimited } from './rate-limit';
import { createBatchScheduler } from './batch-scheduler';
import type { OperatorService } from '../operator/operator-service';
import { buildMediaTurn, noticeText, type MediaRepository } from './media/media-turn';
import type { MediaInput, MediaPreparer } from './media/media-preparer';
import type { Lang } from '../i18n/lang';
import { languageAfter } from './conversation-language';
import type { ReadReceipts } from './read-receipts';

const MAX_ATTEMPTS = 5;

export interface BatchServiceDeps {
  buffer: MessageBuffer;
  sessions: SessionService;
  graph: GraphClient;
  ai: AiResponder;
  history: HistoryRepository;
  /** Messages carrying a link code link the sender and get a fixed answer instead of an AI turn. */
  identity: LinkCodeHandler;
  chatLogger: ChatLogger;
  logger: Logger;
  clock: () => number;
  /** Identifies this process in leases. */
  owner: string;
  /** How long a claim is exclusive without renewal; a crashed process's batch is resumed after it. */
  leaseMs?: number;
  sweepMs?: number;
  /** Re-sends the typing indicator (it disappears after 25 s) and renews the lease while the AI works. */
  keepAliveMs?: number;
  /** Batches answered at once by this process; the rest wait in due order (see run()). */
  maxConcurrent?: number;
  /** Handoff (operator/): an operator holds the person, they wait for one, or they sent STOP. */
  handoff?: Pick<OperatorService, 'gate' | 'escalate' | 'isOptedOutRecipient'>;
  /** WHATSAPP_RATE_LIMIT_PER_MINUTE, for the notice text (the claim applies the limit). */
  rateLimitPerMinute?: number;
  metrics?: Pick<Metrics, 'batches' | 'replyDelay'>;
  /** Voice notes, photos and documents (media/); without it the model gets their descriptions. */
  media?: { preparer: MediaPreparer; repository: MediaRepository; welcomeText?: string };
  /** APP_DEFAULT_LANGUAGE: the fixed texts' language until a person's messages say which they read. */
  defaultLanguage?: Lang;
  /** Blue ticks during the window (inbound-service); the typing call at the window's end supersedes a pending one. */
  readReceipts?: Pick<ReadReceipts, 'covered'>;
}

export interface BatchService {
  schedule(due: Due[]): void;
  /** First contact work (user row, dummy credit profile) done during the window, off the reply path. */
  prepareUsers(senders: { key: string; phone: string | null; bsuid: string | null; profileName: string | null }[]): void;
  /** Media downloads, transcription and PDF text started during the window, off the reply path. */
  prepareMedia(messages: MediaInput[]): void;
  start(): void;
  stop(drainMs?: number): Promise<void>;
  sweepOnce(): Promise<void>;
  inFlight(): number;
}

export function createBatchService(deps: BatchServiceDeps): BatchService {
  const { buffer, graph, clock, owner } = deps;
  const log = deps.logger.child({ module: 'whatsapp-batch' });
  const leaseMs = deps.leaseMs ?? 60_000;
  const sweepMs = deps.sweepMs ?? 2000;
  const typingEveryMs = deps.keepAliveMs ?? 15_000;
  // The lease is renewed well before it runs out, whatever WHATSAPP_LEASE_MS is: a lease shorter than
  // the typing period would expire mid-send and let another process resume (and re-send) the batch.
  const renewEveryMs = Math.min(typingEveryMs, Math.max(50, Math.floor(leaseMs / 4)));
  const ready = new Set<string>(); // users known to exist (this process); bounded below

  const preparing = new Map<string, Promise<void>>(); // a burst from a new number prepares it once
  function ensureUser(s: { key: string; phone: string | null; bsuid: string | null; profileName: string | null }): Promise<void> {
    const running = preparing.get(s.key);
    if (running) return running;
    const p = (async () => {
      await deps.sessions.ensureUser({ userId: s.key, phone: s.phone, bsuid: s.bsuid, profileName: s.profileName });
      await buffer.markUserReady(s.key);
      if (ready.size > 100_000) ready.clear();
      ready.add(s.key);
    })().finally(() => preparing.delete(s.key));
    preparing.set(s.key, p);
    return p;
  }

  function prepareUsers(senders: { key: string; phone: string | null; bsuid: string | null; profileName: string | null }[]) {
    for (const s of senders) {
      if (ready.has(s.key) || scheduler.stopped()) continue;
      ensureUser(s).catch((err) => log.debug({ err: { message: (err as Error).message }, userId: s.key }, 'first-contact preparation failed; the batch retries it'));
    }
  }

  const scheduler = createBatchScheduler({
    buffer, clock, owner, logger: log, leaseMs, sweepMs, maxConcurrent: deps.maxConcurrent ?? 64,
    answer: (b) => answer(b),
    onClaimed: deps.metrics ? (lateMs) => deps.metrics!.replyDelay.observe(lateMs / 1000) : undefined,
  });
  const { schedule } = scheduler;

  const defaultLanguage = deps.defaultLanguage ?? 'id';
  const limitedDeps = { graph, chatLogger: deps.chatLogger, logger: log, perMinute: deps.rateLimitPerMinute ?? 0, optedOut: deps.handoff?.isOptedOutRecipient, defaultLanguage };

  async function answer(b: ClaimedBatch): Promise<void> {
    // Everything pending was over the rate limit: no AI turn, at most the notice.
    if (!b.messages.length) return handleLimited(limitedDeps, b);
    const started = clock();
    const last = b.messages[b.messages.length - 1];
    // The language of the person's latest messages (kept by the webhook); fixed texts and the AI turn use it.
    let lang: Lang = b.language ?? defaultLanguage;
    let parts = b.replyParts;
    let meta = b.replyMeta as (TurnMeta & Record<string, unknown>) | null;
    let userReady = parts !== null;
    let userId = b.userId;
    let typedAt = clock();
    const keepAlive = setInterval(() => {
      buffer.renewLease(b.key, owner, clock() + leaseMs).catch(() => {});
      if (!parts && last && clock() - typedAt >= typingEveryMs) {
        typedAt = clock();
        graph.markReadAndTyping(last.wamid).catch(() => {});
      }
    }, renewEveryMs).unref();
    try {
      if (b.attempts > MAX_ATTEMPTS) throw new GaveUp(`gave up after ${MAX_ATTEMPTS} attempts`);
      // Not the AI's turn (operator, waiting for one, STOP/START): a fixed text or nothing, no typing.
      const held = parts || !deps.handoff ? null : await heldParts(deps.handoff, b, lang);
      if (held) {
        if (!b.userReady && !ready.has(b.key)) await ensureUser({ key: b.key, phone: b.phone, bsuid: b.bsuid, profileName: b.profileName });
        userReady = true;
        parts = held;
        meta = { ...placeholderMeta(held.join('\n\n')) };
      }
      if (!parts) {
        // Read receipt + typing while the AI works; awaited before the reply so it never lands after it.
        deps.readReceipts?.covered(b.key, last?.wamid);
        const typing = last ? graph.markReadAndTyping(last.wamid).catch((err) => log.warn({ err: { message: (err as Error).message } }, 'could not mark as read')) : null;
        if (!b.userReady && !ready.has(b.key)) await ensureUser({ key: b.key, phone: b.phone, bsuid: b.bsuid, profileName: b.profileName });
        userReady = true;
        const texts = b.messages.map((m) => m.content);
        const link = await deps.identity.handleLinkCodes({ key: b.key, phone: b.phone, bsuid: b.bsuid }, texts, lang);
        let history = b.history;
        let sender = b.sender;
        if (link.linkedTo && link.linkedTo !== userId) {
          userId = link.linkedTo;
          sender = 'link';
          history = await deps.history.recent(userId);
        }
        history ??= await deps.history.recent(userId);
        const turn = link.remaining.map((i) => b.messages[i]);
        parts = [...link.replies];
        // Kept with the reply only when it differs from the plain case (every message, the claim's user).
        const extra = { ...(turn.length < texts.length ? { turn: turn.map((m) => m.wamid) } : {}), ...(userId !== b.userId ? { userId } : {}) };
        meta = { ...placeholderMeta(''), ...extra };
        if (turn.length) {
          // Voice notes become their transcript (here and in the history), photos image parts, PDFs text.
          const media = deps.media ? await buildMediaTurn(deps.media, turn, history) : null;
          if (media) media.history.forEach((content, i) => { turn[i].content = content; });
          // A voice note's words say its language too, once transcribed.
          if (media) lang = languageAfter(lang, media.modelMessages.filter((m) => m.startsWith('🎤 ')).map((content) => ({ type: 'text', content })));
          const notices = media ? noticeText(media.notices, lang, deps.media?.welcomeText) : [];
          // Nothing the model could use (a welcome, an unreadable type, an unheard voice note): the fixed text only.
          const result = media && !media.modelMessages.length ? placeholderMeta(notices.join('\n\n'))
            : await deps.ai.reply({ userId, channel: 'whatsapp', messages: media?.modelMessages ?? turn.map((m) => m.content), history, userName: b.profileName, sender, language: lang,
              ...(media?.images.length ? { images: media.images } : {}) });
          if (media?.modelMessages.length && notices.length) {
            // The welcome greets before the answer; the other notices follow it.
            result.text = media.notices.includes('welcome') ? [notices[0], result.text, ...notices.slice(1)].join('\n\n') : [result.text, ...notices].join('\n\n');
          }
          const answer = splitMessage(markdownToWhatsApp(result.text));
          if (!answer.length) throw new GaveUp('the AI returned an empty reply');
          if (result.handoff && deps.handoff) await deps.handoff.escalate(userId, 'whatsapp', result.handoff.reason, 'ai');
          parts.push(...answer);
          meta = { ...result, ...extra };
        }
        await typing;
      }
      // The messages the AI answered (a link code is not a question) and whose history they join.
      const turnIds = meta?.turn ? new Set(meta.turn) : null;
      const asked = turnIds ? b.messages.filter((m) => turnIds.has(m.wamid)) : b.messages;
      userId = meta?.userId ?? userId;
      const fresh = b.replyParts === null;
      let lastPart: { messageId: string; reply?: { parts: string[]; meta: Record<string, unknown> } } | undefined;
      for (let i = b.partsSent; i < parts.length; i++) {
        const { messageId } = await graph.sendText(b.recipient, parts[i]);
        // Recorded right after each send (the first record also stores the whole reply, so a resumed
        // batch sends the rest of the same text); the last part is recorded by finish() in the same
        // statement that closes the batch. A crash between a send and its record is the one window
        // in which a part could be sent twice (see README, "exactly one reply").
        const reply = fresh && i === 0 ? { parts, meta: meta ?? {} } : undefined;
        if (i === parts.length - 1) lastPart = { messageId, reply };
        else await persist(b, () => buffer.recordPartSent(b.id, messageId, reply));
      }
      if (parts.length) log.info({ userId: b.key, batchId: b.id, messages: b.messages.length, parts: parts.length, ms: clock() - started }, `✅ Message sent to ${b.recipient}`);
      deps.metrics?.batches.inc({ outcome: 'answered' });
      const replyText = meta?.text || parts.join('\n\n');
      const next = await persist(b, () => buffer.finish(b, owner, {
        status: 'sent', lastPart, userId,
        history: asked.length
          ? [...asked.map((m) => ({ role: 'user' as const, content: m.content, at: m.sentAt })), ...(parts?.length ? [{ role: 'assistant' as const, content: replyText, at: new Date(clock()) }] : [])]
          : [],
      }, clock()));
      if (asked.length) {
        deps.chatLogger.logTurn({
          userId: b.key, channel: 'whatsapp', userMessages: asked.map((m) => ({ text: m.content, at: m.sentAt })),
          reply: parts?.length ? { ...(meta ?? placeholderMeta(replyText)), text: replyText, at: new Date(clock()) } : undefined,
        });
      }
      if (next) schedule([{ key: b.key, dueAt: next }]);
      await handleLimited(limitedDeps, b);
    } catch (err) {
      if (err instanceof GraphApiError || err instanceof GaveUp) {
        const reason = err instanceof GraphApiError ? `Graph API error ${err.code ?? err.status ?? 'network'}: ${err.message}` : err.message;
        log.error({ userId: b.key, batchId: b.id, code: err instanceof GraphApiError ? err.code : undefined }, `❌ Failed to send message to ${b.recipient}: ${reason}`);
        deps.metrics?.batches.inc({ outcome: 'failed' });
        await finishFailed(b, reason, userReady);
      } else {
        const retryIn = Math.min(60_000, 1000 * 2 ** b.attempts);
        log.error({ err, userId: b.key, batchId: b.id, attempt: b.attempts, retryInMs: retryIn }, 'batch failed; it will be retried');
        await buffer.release(b.key, owner, clock() + retryIn).catch(() => {});
        schedule([{ key: b.key, dueAt: new Date(clock() + retryIn) }]); // ignored once stopped
      }
    } finally {
      clearInterval(keepAlive);
    }
  }

  // After Graph accepted a part, recording it must not give up on a database error: a batch given
  // back unrecorded would be resumed and the part sent again (found by the fault suite with the
  // database restarted mid-load). Retries until the database answers; the lease keeps being renewed
  // meanwhile, so an outage shorter than WHATSAPP_LEASE_MS cannot duplicate a reply.
  async function persist<T>(b: ClaimedBatch, write: () => Promise<T>): Promise<T> {
    const started = clock();
    for (let attempt = 0; ; attempt++) {
      try {
        return await write();
      } catch (err) {
        if (clock() - started > 10 * 60_000) throw err;
        if (attempt === 0) log.warn({ err: { message: (err as Error).message }, userId: b.key, batchId: b.id }, 'could not record a sent reply (database unreachable?); retrying');
        await new Promise((r) => setTimeout(r, Math.min(2000, 100 * 2 ** attempt)));
      }
    }
  }

  async function finishFailed(b: ClaimedBatch, reason: string, userReady: boolean) {
    try {
      // The AI should still see what the user said, even though no answer went out.
      const next = await buffer.finish(b, owner, {
        status: 'failed', error: reason.slice(0, 500),
        history: userReady ? b.messages.map((m) => ({ role: 'user' as const, content: m.content, at: m.sentAt })) : [],
      }, clock());
      deps.chatLogger.logTurn({ userId: b.key, channel: 'whatsapp', userMessages: b.messages.map((m) => ({ text: m.content, at: m.sentAt })) });
      if (next) schedule([{ key: b.key, dueAt: next }]);
    } catch (err) {
      log.error({ err, userId: b.key }, 'could not record the failed batch; it will be resumed after its lease');
    }
  }

  function prepareMedia(messages: MediaInput[]) {
    if (deps.media && !scheduler.stopped()) deps.media.preparer.start(messages);
  }

  return {
    schedule,
    prepareUsers,
    prepareMedia,
    sweepOnce: scheduler.sweepOnce,
    start: scheduler.start,
    stop: scheduler.stop,
    inFlight: scheduler.inFlight,
  };
}

class GaveUp extends Error {}

async function heldParts(handoff: Pick<OperatorService, 'gate'>, b: ClaimedBatch, language: Lang): Promise<string[] | null> {
  const last = b.messages[b.messages.length - 1];
  const g = await handoff.gate({ userId: b.userId, channel: 'whatsapp', texts: b.messages.map((m) => m.content), recipient: b.recipient, lastInboundAt: last?.sentAt, language });
  return g.action === 'ai' ? null : g.action === 'reply' ? splitMessage(markdownToWhatsApp(g.text)) : [];
}

/** What is kept with a reply so a resumed batch finishes it the same way. */
type TurnMeta = AiTurnResult & { turn?: string[]; userId?: string };

function placeholderMeta(text: string): AiTurnResult {
  return { text, kind: 'placeholder', model: null, promptTokens: null, completionTokens: null, latencyMs: 0, sources: [] };
}
