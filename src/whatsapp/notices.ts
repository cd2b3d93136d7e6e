// One-line notices to a WhatsApp number outside a conversation turn (a link made or removed, a
// conversation handed back to the AI). The identity service is built before the channel; the
// channel attaches its Graph client here once it exists. Without a channel (web-only mode, Meta not
// configured) a notice is skipped. A notice is written in the language the number last wrote in
// (whatsapp_conversations.language, kept by the webhook), else APP_DEFAULT_LANGUAGE.
import type { Database } from '../db/database';
import type { Lang } from '../i18n/lang';
import { isLang } from '../i18n/lang';
import { whatsappUserId } from '../users/user-repository';

/** A fixed text, or one chosen for the recipient's language. */
export type NoticeText = string | ((lang: Lang) => string);

export interface WhatsAppNotices {
  attach(send: (recipient: string, text: string) => Promise<unknown>): void;
  send(recipient: string, text: NoticeText): Promise<void>;
  /** Sends and returns Graph's message id; null without a channel. Nothing goes to a number that opted out (STOP). */
  deliver(recipient: string, text: NoticeText): Promise<{ messageId: string } | null>;
  /** Asked before every notice (the operator module's opt-out state). */
  setOptOutCheck(check: (recipient: string) => Promise<boolean>): void;
  /** The language the recipient last wrote in; the default when unknown (or the database cannot say). */
  languageOf(recipient: string | null): Promise<Lang>;
}

export function createWhatsAppNotices(deps: { db?: Database; defaultLanguage?: Lang } = {}): WhatsAppNotices {
  const fallback = deps.defaultLanguage ?? 'id';
  let sender: ((recipient: string, text: string) => Promise<unknown>) | null = null;
  let optedOut: (recipient: string) => Promise<boolean> = async () => false;
  const languageOf = async (recipient: string | null): Promise<Lang> => {
    if (!recipient || !deps.db) return fallback;
    // A recipient is a phone number (digits) or a business-scoped user id: its conversation is one of two keys.
    const keys = [/^\d+$/.test(recipient) ? whatsappUserId({ phone: recipient }) : '', whatsappUserId({ bsuid: recipient })];
    const r = await deps.db.query<{ language: string | null }>(
      'SELECT language FROM whatsapp_conversations WHERE conversation_key = ANY($1::text[]) AND language IS NOT NULL LIMIT 1',
      [keys]).catch(() => null);
    const found = r?.rows[0]?.language;
    return isLang(found) ? found : fallback;
  };
  const deliver = async (recipient: string, text: NoticeText) => {
    if (!sender || await optedOut(recipient)) return null;
    const body = typeof text === 'string' ? text : text(await languageOf(recipient));
    return (await sender(recipient, body)) as { messageId: string };
  };
  return {
    attach(send) { sender = send; },
    async send(recipient, text) { await deliver(recipient, text); },
    deliver,
    setOptOutCheck(check) { optedOut = check; },
    languageOf,
  };
}
