// What happens to messages over the per-phone rate limit (WHATSAPP_RATE_LIMIT_PER_MINUTE) once the
// claim has marked them: they are stored already (never lost); here they are logged, recorded in the
// chat log without a reply, and the sender gets at most one short "slow down" notice per window.
import type { ChatLogger } from '../chatlog/types';
import { t } from '../i18n/catalogue';
import type { Lang } from '../i18n/lang';
import type { Logger } from '../shared/logger';
import type { GraphClient } from './graph-client';
import type { ClaimedBatch } from './message-buffer';

export function rateLimitNotice(lang: Lang, perMinute: number): string {
  return t(lang, 'bot.rateLimit', { perMinute });
}

export async function handleLimited(deps: { graph: GraphClient; chatLogger: ChatLogger; logger: Logger; perMinute: number; /** A number that sent STOP gets no notice. */ optedOut?(recipient: string): Promise<boolean>; defaultLanguage?: Lang }, b: ClaimedBatch): Promise<void> {
  const limited = b.limited ?? [];
  if (!limited.length) return;
  deps.logger.warn({ userId: b.key, limited: limited.length, perMinute: deps.perMinute, notice: Boolean(b.notice) },
    `⏳ Rate limit: ${limited.length} message(s) from ${b.recipient} not sent to the AI (limit ${deps.perMinute} per minute)`);
  try {
    deps.chatLogger.logTurn({ userId: b.key, channel: 'whatsapp', userMessages: limited.map((m) => ({ text: m.content, at: m.sentAt })) });
  } catch { /* the chat log never breaks the channel */ }
  if (!b.notice || await deps.optedOut?.(b.recipient).catch(() => false)) return;
  // At most once per window: the claim recorded the notice before we send it, so a crash here
  // means no notice rather than two.
  // The person's language: the webhook stored it from their latest messages (the limited ones included).
  const lang = b.language ?? deps.defaultLanguage ?? 'id';
  await deps.graph.sendText(b.recipient, rateLimitNotice(lang, deps.perMinute))
    .catch((err) => deps.logger.warn({ userId: b.key, err: { message: (err as Error).message } }, 'could not send the rate-limit notice'));
}
