// The handoff state machine (per person, both channels):
//   ai ──takeover──▶ human ──release / idle──▶ ai
//   ai ──asks for a person / model flag──▶ needs_human ──takeover──▶ human (or release ▶ ai)
//   any ──STOP──▶ opted_out ──START (by the person only)──▶ ai
// The channels ask gate() before a turn; the operator API calls the rest.
import type { CreditRepository } from '../credit/credit-repository';
import { loadCreditContext } from '../credit/credit-summary';
import { maskPhone } from '../identity/link-code';
import { AppError } from '../shared/errors';
import type { Logger } from '../shared/logger';
import { markdownToWhatsApp, splitMessage } from '../whatsapp/format-message';
import type { Announcer } from './announcer';
import { asksForHuman, optKeyword } from './handoff-keywords';
import { t } from '../i18n/catalogue';
import type { Lang } from '../i18n/lang';
import { STATES, type HandoffState, type OperatorRepository } from './operator-repository';

export type GateResult = { action: 'ai' } | { action: 'hold'; state: HandoffState } | { action: 'reply'; text: string };
export type Channel = 'whatsapp' | 'web';

const WINDOW_MS = 24 * 60 * 60_000;
export const MAX_OPERATOR_TEXT = 4096;

export interface OperatorServiceDeps {
  repo: OperatorRepository;
  credit: CreditRepository;
  logger: Logger;
  announcer: Announcer;
  /** WhatsApp send through the channel's Graph client; null when the channel is not running. */
  sendWhatsApp(recipient: string, text: string): Promise<{ messageId: string } | null>;
  idleReleaseMinutes: number;
  clock?: () => number;
  /** The language a WhatsApp recipient reads (their latest messages); for notices outside a turn. */
  languageOf?(recipient: string | null): Promise<Lang>;
}

export function createOperatorService(deps: OperatorServiceDeps) {
  const { repo, announcer } = deps;
  const log = deps.logger.child({ module: 'operator' });
  const now = () => new Date((deps.clock ?? Date.now)());

  async function escalate(userId: string, channel: Channel, reason: string, actor: string): Promise<boolean> {
    const at = now();
    const row = await repo.transition(userId, 'needs_human', ['ai'], { reason, at });
    if (!row) return false;
    await repo.audit(userId, actor, 'escalate', { reason, channel }, at);
    announcer.announce({ userId, channel, reason, at: at.toISOString() });
    return true;
  }

  /** Before a turn: whether the AI answers, nobody answers (held), or a fixed text does. */
  async function gate(input: { userId: string; channel: Channel; texts: string[]; recipient?: string; lastInboundAt?: Date; language?: Lang }): Promise<GateResult> {
    const { userId, channel, texts } = input;
    // The person's language (the channel's: latest WhatsApp messages, the web page); else the words'.
    const say = (key: 'optedIn' | 'optedOut' | 'escalated', words: Lang | 'both') =>
      t(input.language ?? (words === 'both' ? 'id' : words), `bot.${key}`);
    const row = channel === 'whatsapp' && input.recipient
      ? await repo.touchWhatsApp(userId, input.recipient, input.lastInboundAt ?? now())
      : await repo.get(userId);
    const state = row?.state ?? 'ai';
    const opt = channel === 'whatsapp' ? texts.map(optKeyword).filter((k) => k !== null).pop() ?? null : null;
    const at = now();
    // STOP is about WhatsApp messages: the same person asking in the web chat is answered there.
    if (state === 'opted_out' && channel === 'web') return { action: 'ai' };
    if (state === 'opted_out') {
      if (opt?.kind !== 'start') return { action: 'hold', state };
      if (await repo.transition(userId, 'ai', ['opted_out'], { at })) await repo.audit(userId, 'customer', 'opt-in', { channel }, at);
      log.info({ userId }, `▶️ ${userId} opted in again (START)`);
      return { action: 'reply', text: say('optedIn', opt.lang) };
    }
    if (opt?.kind === 'stop') {
      await repo.transition(userId, 'opted_out', STATES, { at });
      await repo.audit(userId, 'customer', 'opt-out', { channel, previous: state }, at);
      log.info({ userId }, `⏹️ ${userId} opted out (STOP): no more messages until START`);
      return { action: 'reply', text: say('optedOut', opt.lang) };
    }
    if (state === 'human' || state === 'needs_human') return { action: 'hold', state };
    const lang = texts.map(asksForHuman).find((l) => l !== null);
    if (lang && await escalate(userId, channel, 'customer asked for a person', 'customer')) return { action: 'reply', text: say('escalated', lang) };
    return { action: 'ai' };
  }

  function conflict(state: HandoffState | undefined, holder: string | null | undefined): AppError {
    if (state === 'opted_out') return new AppError('opted-out', 409, 'This person opted out (STOP): nobody may message them until they send START or MULAI.');
    return new AppError('held-by-other', 409, `${holder ?? 'Another operator'} is handling this conversation; send { "force": true } to take it over.`, { operator: holder ?? null });
  }

  async function requireKnown(userId: string) {
    const [user, row] = await Promise.all([repo.user(userId), repo.get(userId)]);
    if (!user && !row) throw new AppError('conversation-not-found', 404, `No conversation with user ${userId}`);
    return { user, row };
  }

  async function takeover(userId: string, operator: string, force = false) {
    await requireKnown(userId);
    const at = now();
    const before = await repo.get(userId);
    const row = await repo.transition(userId, 'human', ['ai', 'needs_human', 'human'], { operator, at }, force ? undefined : { heldBy: operator });
    if (!row) {
      const cur = await repo.get(userId);
      throw conflict(cur?.state, cur?.operator);
    }
    if (before?.state !== 'human' || before.operator !== operator) {
      await repo.audit(userId, operator, 'takeover', { from: before?.state ?? 'ai', ...(force && before?.operator && before.operator !== operator ? { forcedFrom: before.operator } : {}) }, at);
    }
    return row;
  }

  async function release(userId: string, operator: string) {
    await requireKnown(userId);
    const at = now();
    const row = await repo.transition(userId, 'ai', ['ai', 'human', 'needs_human'], { at });
    if (!row) throw conflict('opted_out', null);
    await repo.audit(userId, operator, 'release', {}, at);
    return row;
  }

  async function send(userId: string, operator: string, rawText: unknown, key: unknown) {
    const text = typeof rawText === 'string' ? rawText.replace(/\u0000/g, '').trim() : '';
    if (!text) throw new AppError('empty-message', 400, 'Type a message first.');
    if (text.length > MAX_OPERATOR_TEXT) throw new AppError('message-too-long', 400, `The message is too long (${text.length} characters; at most ${MAX_OPERATOR_TEXT}).`);
    if (typeof key !== 'string' || !/^[\w.:-]{8,100}$/.test(key)) {
      throw new AppError('idempotency-key-required', 400, 'Send an Idempotency-Key header (8 to 100 letters, digits, - _ . :) so a retried request is sent once.');
    }
    const earlier = await repo.getMessage(key);
    if (earlier) return duplicateOf(earlier, userId);
    const { row } = await requireKnown(userId);
    if (row?.state === 'opted_out') throw conflict('opted_out', null);
    if (row?.state === 'human' && row.operator !== operator) throw conflict('human', row.operator);
    const last = await repo.lastUserMessage(userId);
    const channel: Channel = last?.channel ?? (row?.wa_recipient ? 'whatsapp' : 'web');
    const at = now();
    let recipient: string | null = null;
    if (channel === 'whatsapp') {
      recipient = row?.wa_recipient ?? null;
      if (!recipient) throw new AppError('no-whatsapp-recipient', 422, 'This person has not written from WhatsApp yet, so there is no number to answer.');
      const fromChannel = await repo.lastInboundOf(recipient);
      const lastIn = Math.max(row?.wa_last_inbound_at?.getTime() ?? 0, fromChannel?.getTime() ?? 0);
      if (at.getTime() - lastIn > WINDOW_MS) {
        throw new AppError('outside-24h-window', 422, 'WhatsApp only allows free-form messages within 24 hours of the customer\'s last message; this conversation is outside that window, so the message was not sent.',
          { lastCustomerMessageAt: lastIn ? new Date(lastIn).toISOString() : null });
      }
    }
    if (row?.state !== 'human') await takeover(userId, operator);
    const claimed = await repo.claimMessage({ key, userId, operator, channel, content: text, at });
    if (!claimed) return duplicateOf((await repo.getMessage(key))!, userId);
    try {
      if (recipient) {
        for (const part of splitMessage(markdownToWhatsApp(text))) {
          const sent = await deps.sendWhatsApp(recipient, part);
          if (!sent) throw new Error('the WhatsApp channel is not running on this server');
          await repo.recordPart(key, sent.messageId);
        }
        log.info({ userId, operator, channel }, `✅ Operator message sent to ${recipient}`);
      }
      const historyId = await repo.finishMessage(claimed, now());
      return { message: { id: historyId, role: 'operator' as const, channel, text, at: now(), status: 'sent', operator }, duplicate: false };
    } catch (err) {
      const reason = (err as Error).message;
      await repo.failMessage(key, reason).catch(() => {});
      log.error({ userId, operator, err: { message: reason } }, `❌ Failed to send operator message to ${recipient ?? userId}: ${reason}`);
      throw new AppError('send-failed', 502, `The message could not be sent: ${reason}`);
    }
  }

  function duplicateOf(m: NonNullable<Awaited<ReturnType<OperatorRepository['getMessage']>>>, userId: string) {
    if (m.user_id !== userId) throw new AppError('idempotency-key-reused', 409, 'This Idempotency-Key was already used for another conversation.');
    return { message: { id: m.history_id, role: 'operator' as const, channel: m.channel, text: m.content, at: m.created_at, status: m.status, operator: m.operator, ...(m.error ? { error: m.error } : {}) }, duplicate: true };
  }

  async function list(filter: { state?: unknown; q?: unknown }) {
    const state = typeof filter.state === 'string' && filter.state ? filter.state : undefined;
    if (state && !STATES.includes(state as HandoffState)) throw new AppError('invalid-state', 400, `state must be one of ${STATES.join(', ')}`);
    const rows = await repo.inbox({ state: state as HandoffState | undefined, q: typeof filter.q === 'string' ? filter.q.slice(0, 100) : undefined, limit: 200 });
    return rows.map((r) => ({
      userId: r.user_id, channel: r.channel, name: r.display_name, phone: maskPhone(r.phone ?? phoneOf(r.user_id)), state: r.state ?? 'ai',
      operator: r.operator, lastMessageAt: r.created_at, lastMessage: r.content.slice(0, 200), lastRole: r.role, unread: r.unread,
    }));
  }

  /** `lang`: the operator's page language, for the credit summary shown beside the thread. */
  async function thread(userId: string, lang: Lang = 'id') {
    const { user, row } = await requireKnown(userId);
    const listed = repo.messages(userId);
    const [messages, delivery, actions, credit, replies] = await Promise.all([
      listed, repo.operatorDelivery(userId), repo.actions(userId),
      loadCreditContext({ credit: deps.credit, logger: deps.logger }, userId, lang),
      listed.then((ms) => repo.aiReplies(ms.flatMap((m) => (m.batch_id ? [Number(m.batch_id)] : [])))),
    ]);
    const aiInfo = new Map(replies.map((r) => [Number(r.id), r]));
    await repo.markRead(userId, now());
    const last = messages[messages.length - 1];
    return {
      conversation: {
        userId, name: user?.display_name ?? null, phone: maskPhone(user?.phone ?? row?.wa_recipient ?? phoneOf(userId)), channel: last?.channel ?? (row?.wa_recipient ? 'whatsapp' : 'web'),
        state: row?.state ?? 'ai', operator: row?.operator ?? null, reason: row?.reason ?? null, stateChangedAt: row?.state_changed_at ?? null,
        lastCustomerMessageAt: row?.wa_last_inbound_at ?? null, credit: credit.text,
      },
      messages: messages.map((m) => ({
        id: Number(m.id), role: m.role, channel: m.channel, text: m.content, at: m.created_at,
        ...(m.role === 'operator' ? { operator: m.operator, ...(delivery.get(Number(m.id)) ?? {}) } : {}),
        ...(m.role === 'assistant' ? aiReplyInfo(m, aiInfo.get(Number(m.batch_id))) : {}),
      })),
      actions: actions.map((a) => ({ actor: a.actor, action: a.action, detail: a.detail, at: a.created_at })),
    };
  }

  /** Hands conversations idle for OPERATOR_IDLE_RELEASE_MINUTES back to the AI and tells the person. */
  async function releaseIdle(): Promise<number> {
    const at = now();
    const rows = await repo.releaseIdle(new Date(at.getTime() - deps.idleReleaseMinutes * 60_000), at);
    for (const r of rows) {
      await repo.audit(r.user_id, 'system', 'auto-release', { idleMinutes: deps.idleReleaseMinutes, operator: r.operator }, at);
      const last = await repo.lastUserMessage(r.user_id);
      const text = t(deps.languageOf ? await deps.languageOf(r.wa_recipient ?? null).catch(() => 'id' as const) : 'id', 'bot.idleRelease');
      try {
        const inWindow = r.wa_recipient && r.wa_last_inbound_at && at.getTime() - r.wa_last_inbound_at.getTime() < WINDOW_MS;
        if (last?.channel === 'whatsapp' && inWindow) {
          if (await deps.sendWhatsApp(r.wa_recipient!, text)) await repo.appendNotice(r.user_id, 'whatsapp', text, at);
        } else if (last?.channel === 'web') {
          await repo.appendNotice(r.user_id, 'web', text, at);
        }
      } catch (err) {
        log.warn({ userId: r.user_id, err: { message: (err as Error).message } }, 'could not tell the person their conversation went back to the AI');
      }
      log.info({ userId: r.user_id, operator: r.operator }, `↩️ Conversation ${r.user_id} handed back to the AI after ${deps.idleReleaseMinutes} idle minutes`);
    }
    return rows.length;
  }

  return {
    gate, escalate, takeover, release, send, list, thread, releaseIdle,
    /** Notices outside a turn (a link made, ...) are not sent to a number that opted out. */
    isOptedOutRecipient: (recipient: string) => repo.isOptedOutRecipient(recipient),
  };
}

export type OperatorService = ReturnType<typeof createOperatorService>;

type Sources = { file: string; page: number }[];

/**
 * What the thread shows beside an AI reply: the knowledge pages it used (recorded with a web reply;
 * in its batch for WhatsApp) and, on WhatsApp, Meta's ticks for the batch that sent it.
 */
function aiReplyInfo(m: { sources: Sources | null }, batch?: { sources: Sources | null; status: string | null; error: string | null }) {
  const sources = m.sources?.length ? m.sources : batch?.sources?.length ? batch.sources : null;
  return {
    ...(batch ? { status: batch.status ?? 'sent', ...(batch.error ? { error: batch.error } : {}) } : {}),
    ...(sources ? { sources } : {}),
  };
}

function phoneOf(userId: string): string | null {
  return /^whatsapp_(\d+)$/.exec(userId)?.[1] ?? null;
}
