// One batch as the model's turn: media messages replaced by what the preparer made of them, the
// messages the model cannot be given (welcome, unsupported, unheard voice notes) turned into fixed
// notices, and the text each message leaves in the history and the chat log.
import type { ImageInput } from '../../ai/content-parts';
import type { ConversationMessage } from '../../ai/types';
import type { Database } from '../../db/database';
import type { BatchMessage } from '../message-buffer';
import { MEDIA_TYPES, type MediaPreparer, type PreparedMessage } from './media-preparer';
import { t } from '../../i18n/catalogue';
import type { Lang } from '../../i18n/lang';
import { NOTICE_KEYS, type Notice } from './media-texts';

export interface MediaTurn {
  /** For the model, in order; empty = answer with the notices only (no model call). */
  modelMessages: string[];
  /** One per batch message: what the history and chat log keep (the transcript for a voice note). */
  history: string[];
  images: ImageInput[];
  notices: Notice[];
}

export interface MediaRepository {
  /** The stored webhook message of each wamid (media id, url, caption). */
  raw(wamids: string[]): Promise<Map<string, Record<string, unknown>>>;
  /** Keeps the transcript as the message's content, so a resumed batch and later reads see the words. */
  rewrite(pairs: { wamid: string; content: string }[]): Promise<void>;
}

export function createMediaRepository(db: Database): MediaRepository {
  return {
    async raw(wamids) {
      if (!wamids.length) return new Map();
      const r = await db.query<{ wamid: string; message: Record<string, unknown> }>('SELECT wamid, message FROM whatsapp_inbound WHERE wamid = ANY($1::text[])', [wamids]);
      return new Map(r.rows.map((row) => [row.wamid, row.message]));
    },
    async rewrite(pairs) {
      if (!pairs.length) return;
      await db.query(
        `UPDATE whatsapp_inbound i SET content = v.content FROM unnest($1::text[], $2::text[]) AS v(wamid, content) WHERE i.wamid = v.wamid`,
        [pairs.map((p) => p.wamid), pairs.map((p) => p.content)]);
    },
  };
}

const FIXED: Record<string, Notice> = { request_welcome: 'welcome', unsupported: 'unsupported' };

export async function buildMediaTurn(deps: { preparer: MediaPreparer; repository: MediaRepository },
  messages: BatchMessage[], history: ConversationMessage[]): Promise<MediaTurn> {
  const needRaw = messages.filter((m) => MEDIA_TYPES.has(m.type)).map((m) => m.wamid);
  const raws = needRaw.length ? await deps.repository.raw(needRaw) : new Map<string, Record<string, unknown>>();
  const prepared = await Promise.all(messages.map((m): Promise<PreparedMessage> | PreparedMessage => {
    const fixed = FIXED[m.type];
    if (fixed) return { forModel: null, forHistory: m.content, notice: fixed };
    return deps.preparer.take({ wamid: m.wamid, type: m.type, content: m.content, raw: raws.get(m.wamid) ?? null });
  }));
  const rewritten = prepared.flatMap((p, i) => (p.forHistory !== messages[i].content ? [{ wamid: messages[i].wamid, content: p.forHistory }] : []));
  await deps.repository.rewrite(rewritten);
  return {
    modelMessages: prepared.flatMap((p) => (p.forModel !== null ? [p.forModel] : [])),
    history: prepared.map((p) => p.forHistory),
    images: prepared.flatMap((p) => (p.image ? [p.image] : [])),
    notices: [...new Set(prepared.flatMap((p) => (p.notice ? [p.notice] : [])))],
  };
}

/** The fixed texts of a turn's notices in the person's language; the welcome (WHATSAPP_WELCOME_TEXT when set) first, each at most once. */
export function noticeText(notices: Notice[], lang: Lang, welcomeText?: string | null): string[] {
  const out: string[] = [];
  if (notices.includes('welcome')) out.push(welcomeText || t(lang, NOTICE_KEYS.welcome));
  for (const n of notices) if (n !== 'welcome') out.push(t(lang, NOTICE_KEYS[n]));
  return out;
}
