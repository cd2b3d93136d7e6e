// Which language a person reads. Bahasa Indonesia is the default; English when the person (their
// browser, their page choice, or their own WhatsApp messages) clearly prefers it.
export type Lang = 'id' | 'en';
export const LANGS: readonly Lang[] = ['id', 'en'];

export function isLang(value: unknown): value is Lang {
  return value === 'id' || value === 'en';
}

/**
 * From an Accept-Language header (or a stored choice): the first listed language we have, by
 * q-weight; `in` is the old code for Indonesian. Anything else gives the fallback.
 */
export function negotiateLanguage(header: unknown, fallback: Lang = 'id'): Lang {
  if (isLang(header)) return header;
  if (typeof header !== 'string' || !header.trim()) return fallback;
  const ranked = header.split(',').map((part, i) => {
    const [tag, ...params] = part.trim().toLowerCase().split(';');
    const q = params.map((p) => /^\s*q=([\d.]+)/.exec(p)?.[1]).find(Boolean);
    return { base: tag.split('-')[0].trim(), q: q === undefined ? 1 : Number(q), i };
  }).filter((x) => x.base && x.q > 0).sort((a, b) => b.q - a.q || a.i - b.i);
  for (const { base } of ranked) {
    if (base === 'id' || base === 'in') return 'id';
    if (base === 'en') return 'en';
  }
  return fallback;
}

// Words that only one of the two languages uses in chat. Scores, not a classifier: a message
// with too little evidence keeps the person's previous language ("ok", "👍", a number).
const EN = new Set(['the', 'is', 'are', 'what', 'how', 'my', 'i', 'you', 'your', 'can', 'do', 'does', 'why', 'when', 'please', 'of',
  'and', 'hello', 'hi', 'thanks', 'thank', 'will', 'should', 'long', 'have', 'if', 'with', 'want', 'need', 'would', 'could', 'this',
  'that', 'it', 'me', 'am', 'was', 'not', 'much', 'many', 'where', 'which', 'who', 'about', 'stop', 'yes', 'no', 'get', 'pay', 'paid',
  'late', 'report', 'loan', 'score', 'payment', 'payments', 'debt', 'there', 'for', 'from', 'to', 'in', 'on', 'be', 'a', 'an', "i'm", "don't", "what's"]);
const ID = new Set(['yang', 'dan', 'saya', 'apa', 'apakah', 'bagaimana', 'berapa', 'bisa', 'tidak', 'kenapa', 'mengapa', 'tolong', 'halo',
  'terima', 'kasih', 'sudah', 'belum', 'ini', 'itu', 'di', 'ke', 'dari', 'gimana', 'gak', 'nggak', 'enggak', 'aku', 'kak', 'min', 'makasih',
  'yg', 'sy', 'gmn', 'udah', 'udh', 'kalo', 'kalau', 'ga', 'trus', 'terus', 'dong', 'ya', 'mau', 'ingin', 'untuk', 'dengan', 'ada', 'bagaimana',
  'skor', 'kredit', 'saja', 'aja', 'kok', 'sih', 'nih', 'pinjaman', 'cicilan', 'bayar', 'telat', 'berhenti', 'mulai', 'selamat', 'pagi',
  'siang', 'sore', 'malam', 'pak', 'bu', 'mas', 'mbak', 'gan', 'brp', 'knp', 'tdk', 'blm', 'jg', 'juga', 'lagi', 'akan', 'bagaimanakah',
  'adalah', 'atau', 'pada', 'oleh', 'sama', 'punya', 'lunas', 'tagihan', 'minta', 'tanya', 'boleh', 'kapan', 'mana', 'siapa']);

/** Each language's score in a text (words both languages share, like "ok" or "credit", count for neither). */
export function languageScores(text: string): { id: number; en: number } {
  const words = text.toLowerCase().match(/[a-z']+/g) ?? [];
  let id = 0, en = 0;
  for (const w of words) { if (ID.has(w)) id++; if (EN.has(w)) en++; }
  return { id, en };
}

/**
 * The language of a person's latest message. Short or ambiguous messages ("ok", "👍", "BI checking?")
 * keep `previous`; a clear lead of one language over the other switches.
 */
export function detectMessageLanguage(text: string, previous: Lang = 'id'): Lang {
  const { id, en } = languageScores(text);
  if (en >= 2 && en > id * 2) return 'en';
  if (id >= 1 && id >= en) return 'id';
  if (en >= 1 && id === 0 && /^(hi|hello|thanks|thank you|yes|no|please|stop)\b/i.test(text.trim())) return 'en';
  return previous;
}
