// What a person's words ask for, recognised without the model so it also works offline: opting
// out (STOP), back in (START), or a person instead of the AI. The answers are the catalogue's
// (namespace bot) in the person's language.
import type { Lang } from '../i18n/lang';

export type HandoffLang = Lang;

const STOP_WORDS: Record<string, HandoffLang | 'both'> = { stop: 'both', berhenti: 'id', unsubscribe: 'en' };
const START_WORDS: Record<string, HandoffLang | 'both'> = { start: 'both', mulai: 'id' };

const exact = (text: string) => text.trim().replace(/[.!]+$/, '').toLowerCase();

/** A message that is exactly an opt-out or opt-in keyword (case-insensitive); its language. */
export function optKeyword(text: string): { kind: 'stop' | 'start'; lang: HandoffLang | 'both' } | null {
  const w = exact(text);
  if (STOP_WORDS[w]) return { kind: 'stop', lang: STOP_WORDS[w] };
  if (START_WORDS[w]) return { kind: 'start', lang: START_WORDS[w] };
  return null;
}

// Asking for a person: whole words only,
// so "operator seluler" in a question about a phone bill does not count, but "mau bicara dengan
// operator" does.
const ESCALATION: { re: RegExp; lang: HandoffLang }[] = [
  { re: /\b(bicara|ngobrol|hubungi|sambungkan|minta|mau|ingin|butuh|perlu)\b.{0,30}\b(cs|customer service|admin|petugas|manusia|orang|operator|agen)\b/i, lang: 'id' },
  { re: /\b(admin|cs|petugas|agen|operator)\s+(manusia|asli)\b/i, lang: 'id' },
  { re: /\b(orang|manusia)\s+(asli|sungguhan|beneran)\b/i, lang: 'id' },
  { re: /\b(human|real person|live agent|human agent|customer service|representative)\b/i, lang: 'en' },
  { re: /\b(talk|speak|chat|connect me)\b.{0,20}\b(to|with)\b.{0,20}\b(someone|person|agent|operator|human|staff)\b/i, lang: 'en' },
  { re: /^\s*(operator|cs|admin|agent|petugas)\s*[.!?]*\s*$/i, lang: 'id' },
];

/** The person asks for a human: the language of the phrase that matched, else null. */
export function asksForHuman(text: string): HandoffLang | null {
  for (const { re, lang } of ESCALATION) if (re.test(text)) return lang;
  return null;
}
