// The answer when there is no OPENROUTER_API_KEY (or the model is down): whole sentences from
// the one or two best guide passages with their source page, never keyword, metadata or
// table-of-contents lines; the person's own credit summary only when they ask about their own
// report; a short reply to thanks and greetings. Labelled as offline so nobody mistakes it for the model.
import type { KnowledgePassage } from '../knowledge/types';
import { analyze, words } from '../knowledge/text-analyzer';
import { translator } from '../i18n/catalogue';
import type { Lang } from '../i18n/lang';

const MAX_SENTENCES = 3;
const MAX_LIST_ITEMS = 5;
const MAX_CHARS = 700;
/** A second passage is quoted only when nearly as relevant as the best one. */
const SECOND_PASSAGE = 0.6;

/** Sentence splits per passage text (the guide's passages are few and fixed): bounded cache. */
const CACHE_LIMIT = 5000;
interface Sentence { s: string; item: boolean; intro: boolean }

export interface OfflineInput {
  question: string; passages: KnowledgePassage[]; lang: Lang; loading?: boolean;
  /** The person's credit data as they may read it: shown only when the question is about their own report. */
  creditText: string;
  /** The knowledge base's analysis (synonyms, English terms); plain stems when absent. */
  terms?: (text: string) => string[];
}

export interface OfflineResponder {
  answer(input: OfflineInput): string;
  /** Whether the question is about the person's own report (then the processor reads it). */
  asksOwnReport(question: string): boolean;
}

const SMALL_TALK = new Set(['ok', 'oke', 'okay', 'okey', 'sip', 'siap', 'baik', 'makasih', 'makasi', 'mksh', 'thx', 'thanks', 'thank', 'you', 'terima', 'kasih', 'trims', 'tq', 'ty',
  'kak', 'min', 'admin', 'ya', 'yaa', 'deh', 'banyak', 'halo', 'hallo', 'hai', 'hi', 'hello', 'hey', 'pagi', 'siang', 'sore', 'malam', 'selamat', 'good', 'morning', 'afternoon', 'evening',
  'assalamualaikum', 'permisi', 'mas', 'mbak', 'pak', 'bu', 'so', 'much', 'very', 'great', 'mantap', 'noted', 'paham', 'mengerti', 'got', 'it', 'bye', 'dadah']);
const THANKS = /\b(makasi|makasih|mksh|thx|thanks?|terima kasih|trims|tq|ty|noted|paham|mengerti|sip|oke|ok)\b/i;
const OWN_REPORT_ID = /\b(skor|nilai|laporan|data|slik|ideb|kol|kolektibilitas|tunggakan|utang|hutang|pinjaman|cicilan|kredit|akun|limit|riwayat)(ku| (saya|aku|sy|gw|gue|ku))\b|\b(saya|aku|sy|gw|gue)\b.{0,30}\b(skor|nilai|laporan|data|ideb|kol)\b.{0,10}(berapa|brp|gimana|gmn|bagaimana|apa)?\s*\??$/i;
const OWN_REPORT_EN = /\b(what('s| is| are)|show|see|check|tell me( about)?|how('s| is)|explain|read)\b.{0,20}\bmy (own )?(credit )?(score|report|data|loans?|debts?|accounts?|collectibility|history|profile|status)\b|^\s*my (credit )?(score|report)\W*$/i;

export function createOfflineResponder(): OfflineResponder {
  const cache = new Map<string, Sentence[]>();
  const split = (text: string): Sentence[] => {
    let hit = cache.get(text);
    if (!hit) {
      if (cache.size >= CACHE_LIMIT) cache.clear();
      hit = sentencesOf(text);
      cache.set(text, hit);
    }
    return hit;
  };
  const asksOwnReport = (q: string) => OWN_REPORT_ID.test(q) || OWN_REPORT_EN.test(q);
  return {
    asksOwnReport,
    answer(input) {
      const t = translator(input.lang);
      const ws = words(input.question);
      if (ws.length && ws.every((w) => SMALL_TALK.has(w))) return THANKS.test(input.question) ? t('bot.smallTalkThanks') : t('bot.smallTalkGreeting');
      const analyzeQ = input.terms ?? analyze;
      const terms = new Set(analyzeQ(input.question));
      const parts = [t('bot.offlineTitle'), ''];
      const [best, ...rest] = input.passages;
      const chosen = best ? [best, ...rest.filter((p) => p.score >= best.score * SECOND_PASSAGE && p.page !== best.page).slice(0, 1)] : [];
      const quotes = chosen.map((p) => ({ p, text: quote(split(p.text), terms, analyzeQ) })).filter((x) => x.text);
      if (!quotes.length) parts.push(t(input.loading ? 'bot.offlineLoading' : 'bot.offlineNothing'));
      for (const { p, text } of quotes) parts.push(`• ${text} ${t('bot.offlineSource', { file: p.file, page: p.page })}`);
      if (asksOwnReport(input.question) && input.creditText) parts.push('', t('bot.offlineData'), input.creditText);
      parts.push('', `_${t('bot.offlineFooter')}_`);
      return parts.join('\n');
    },
  };
}

/**
 * Whole sentences of a passage: keyword/metadata lines, table-of-contents entries, page footers
 * and the fragments a passage boundary cuts (no capital at the start, no full stop at the end)
 * are left out; a sentence ending in ":" keeps the list items that follow it.
 */
function sentencesOf(text: string): Sentence[] {
  const lines: string[] = [];
  let skipping = false;
  for (const raw of text.split('\n')) {
    const l = raw.trim();
    if (skipping) { skipping = !/[.!?]$/.test(l); continue; }
    if (/^(keywords?|kata kunci|tags?)\s*:/i.test(l)) { skipping = !/[.!?]$/.test(l); continue; }
    if (/^([-•]\s*)?halaman \d+\s*(:|$)/i.test(l) || /^daftar isi\b/i.test(l) || /^(page|hal\.?) \d+$/i.test(l)) continue;
    lines.push(l);
  }
  // Heading lines at the top (Title Case, no full stop) are not part of the first sentence.
  while (lines.length > 1 && !/[.!?]$/.test(lines[0]) && isTitleCase(lines[0])) lines.shift();
  const flat = lines.join(' ').replace(/\s+/g, ' ').trim();
  // Sentences end with . ! ?; a ":" ends one only before a list; a list item runs to its first full stop.
  const pieces = flat.split(/(?<=[.!?])\s+(?=[A-Z0-9•"(])|(?<=:)\s+(?=•|\d+\.\s)|\s+(?=•\s)/).map((s) => s.trim()).filter(Boolean);
  const out: Sentence[] = [];
  pieces.forEach((s, i) => {
    const complete = /^[A-Z0-9•"(]/.test(s) && /[.!?:]$/.test(s);
    if (!complete || s.length < 12) return;
    if (i === 0 && !/^[A-Z•]/.test(s)) return;
    const item = /^(•|\d+\.)\s/.test(s);
    out.push({ s: s.replace(/^•\s*/, '- '), item, intro: s.endsWith(':') });
  });
  return out;
}

function isTitleCase(line: string): boolean {
  const ws = line.replace(/[^A-Za-z\s]/g, ' ').split(/\s+/).filter((w) => w.length > 3);
  return ws.length > 0 && ws.filter((w) => /^[A-Z]/.test(w)).length >= ws.length / 2;
}

function quote(sentences: Sentence[], terms: Set<string>, analyzeQ: (t: string) => string[]): string {
  if (!sentences.length) return '';
  const scored = sentences.map((x, i) => ({ i, score: analyzeQ(x.s).filter((w) => terms.has(w)).length }));
  const picked = new Set<number>();
  for (const { i } of [...scored].sort((a, b) => b.score - a.score || a.i - b.i)) {
    if (picked.size >= MAX_SENTENCES) break;
    const x = sentences[i];
    if (x.item) {
      // A list item needs its introduction ("... berikut:") to make sense.
      let j = i - 1;
      while (j >= 0 && sentences[j].item) j--;
      if (j >= 0 && sentences[j].intro) picked.add(j);
    }
    picked.add(i);
  }
  // A question in the guide ("Berapa lama skor pulih?") is only useful with its answer.
  for (const i of [...picked]) if (sentences[i].s.endsWith('?') && i + 1 < sentences.length) picked.add(i + 1);
  // An introduction keeps the items that follow it; one whose items are not in the passage is dropped.
  for (const i of [...picked]) {
    if (!sentences[i].intro) continue;
    let n = 0;
    // Items follow; a sentence between two items continues the first one and is skipped.
    for (let j = i + 1; j < sentences.length && n < MAX_LIST_ITEMS; j++) {
      if (sentences[j].item) { picked.add(j); n++; } else if (!sentences[j + 1]?.item) break;
    }
    if (n === 0) picked.delete(i);
  }
  let out = '';
  for (const i of [...picked].sort((a, b) => a - b)) {
    // A list item quoted without its introduction reads as a plain sentence.
    const s = out ? sentences[i].s : sentences[i].s.replace(/^- /, '');
    if (out && out.length + s.length > MAX_CHARS) break;
    out += out ? (sentences[i].item ? `\n  ${s}` : ` ${s}`) : s;
  }
  return out;
}
