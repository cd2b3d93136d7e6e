// Which language a WhatsApp person reads: the language of their latest message that clearly says
// which (i18n/lang.ts scores the words). Computed per message as it arrives, stored with the
// conversation by the ingest statement (message-buffer.ts): a message with no clear language
// ("ok", "👍", a photo, a number, the universal STOP/START) leaves the stored one as it is.
import { detectMessageLanguage, type Lang } from '../i18n/lang';
import { optKeyword } from '../operator/handoff-keywords';

/** The types whose content is the person's own words (a text, a button's title, a caption). */
const WORDS = new Set(['text', 'button', 'interactive', 'image', 'video', 'document', 'edit']);

/** The language one message clearly is in, or null when it does not say (the previous one stays). */
export function languageSignal(type: string, content: string): Lang | null {
  if (!WORDS.has(type)) return null;
  const keyword = optKeyword(content);
  // STOP and START are the same in both languages; BERHENTI, MULAI and UNSUBSCRIBE are not.
  if (keyword) return keyword.lang === 'both' ? null : keyword.lang;
  const asId = detectMessageLanguage(content, 'id');
  return asId === detectMessageLanguage(content, 'en') ? asId : null;
}

/** The language after a run of messages, oldest first, starting from what was known. */
export function languageAfter(previous: Lang, messages: { type: string; content: string }[]): Lang {
  let lang = previous;
  for (const m of messages) lang = languageSignal(m.type, m.content) ?? lang;
  return lang;
}
