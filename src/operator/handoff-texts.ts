// Fixed texts the person reads (handoff and opt-out), one object per language so a catalogue can
// take them over later. Bahasa Indonesia is the default.
export type HandoffLang = 'id' | 'en';

export interface HandoffTexts {
  escalated: string;
  optedOut: string;
  optedIn: string;
  idleRelease: string;
  /** The web chat while an operator holds the conversation (the page shows it under the message). */
  held: string;
}

export const HANDOFF_TEXTS: Record<HandoffLang, HandoffTexts> = {
  id: {
    escalated: 'Baik, permintaan Anda sudah kami teruskan ke petugas kami. Seorang petugas akan membalas di sini secepatnya.',
    optedOut: 'Anda telah berhenti berlangganan dan tidak akan menerima pesan lagi dari kami. Kirim MULAI kapan saja untuk mengaktifkan kembali.',
    optedIn: 'Selamat datang kembali! Anda akan menerima balasan dari kami lagi. Silakan kirim pertanyaan Anda.',
    idleRelease: 'Asisten otomatis kami melanjutkan percakapan ini. Petugas kami tetap akan membaca pesan Anda.',
    held: 'Pesan Anda sudah diterima. Petugas kami akan membalas di sini.',
  },
  en: {
    escalated: 'Understood, we have passed your request to our team. A person will reply here as soon as possible.',
    optedOut: 'You have unsubscribed and will not receive any more messages from us. Send START at any time to resume.',
    optedIn: 'Welcome back! You will receive our replies again. Please send your question.',
    idleRelease: 'Our automated assistant is continuing this conversation. A person will still read your messages.',
    held: 'Your message was received. A person from our team will reply here.',
  },
};

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

/** The confirmation in the keyword's language; both languages for the universal STOP/START. */
export function textFor(key: keyof HandoffTexts, lang: HandoffLang | 'both'): string {
  return lang === 'both' ? `${HANDOFF_TEXTS.id[key]}\n\n${HANDOFF_TEXTS.en[key]}` : HANDOFF_TEXTS[lang][key];
}

// Asking for a person, recognised without the model so it also works offline. Whole words only,
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
