// Word → stem. Indonesian words go through Sastrawi (sastrawijs: the Nazief-Adriani/ECS
// dictionary stemmer, ~30,000 root words), so "tunggakan", "menunggak" and "tertunggak" meet and
// "lunas" stays "lunas". Only a word Sastrawi does not know (not a root, nothing stripped) is
// treated as possibly English and loses its inflection (payments → payment, settled → settl,
// closing → clos): English rules never touch an Indonesian word.
import type * as SastrawiModule from 'sastrawijs';

/**
 * Rare roots that win over the common one in Sastrawi's ambiguity rules ("penilaian" → "ilai",
 * "penolakan" → "olak", "pemutihan" → "utih", "menurunkan" → "urun"): removed so the common
 * root is found. Domain words added so they are kept whole.
 */
const REMOVE_ROOTS = ['ilai', 'olak', 'utih', 'urun', 'erang', 'angkut'];
const ADD_ROOTS = ['kolektibilitas', 'utilisasi', 'restrukturisasi', 'konsolidasi', 'slik', 'ideb', 'paylater', 'kpr', 'kta', 'kkb', 'ojk', 'pinjol', 'otp', 'dpd', 'dsr', 'autodebet', 'multifinance', 'fintech'];

/** English words whose inflection is not a suffix. */
const IRREGULAR: Record<string, string> = { paid: 'pay', owed: 'owe', took: 'take', taken: 'take', got: 'get', gotten: 'get', went: 'go', gone: 'go', left: 'leave', lent: 'lend', borrowed: 'borrow', sold: 'sell', bought: 'buy', was: 'be', were: 'be', been: 'be', did: 'do', done: 'do' };

const MEMO_LIMIT = 50_000;

let sastrawi: SastrawiModule.Stemmer | null = null;
const memo = new Map<string, string>();

function stemmer(): SastrawiModule.Stemmer {
  // Loaded and built on first use, not at start-up: requiring its 30,000-word dictionary takes
  // 30-130 ms. A pure function of the word (the same for every app in the process) is safe to share.
  if (!sastrawi) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { Stemmer } = require('sastrawijs') as typeof SastrawiModule;
    sastrawi = new Stemmer();
    sastrawi.remove(REMOVE_ROOTS);
    // addToDict() of sastrawijs 1.1.0 loses `this` (a plain function callback): write the entries directly.
    const dict = sastrawi.internalDictionary as Record<string, string>;
    for (const w of ADD_ROOTS) dict[w] = '';
  }
  return sastrawi;
}

/** Stem of one lowercase word (letters and digits only, as `words` gives them). */
export function stem(word: string): string {
  if (word.length <= 3 || /\d/.test(word)) return word;
  let hit = memo.get(word);
  if (hit === undefined) {
    hit = compute(word);
    if (memo.size >= MEMO_LIMIT) memo.clear();
    memo.set(word, hit);
  }
  return hit;
}

/** Whether the word is an Indonesian root in the dictionary (before or after stemming). */
export function isIndonesian(word: string): boolean {
  const s = stemmer();
  return s.find(word) || s.stem(word) !== word;
}

function compute(word: string): string {
  const s = stemmer();
  const id = s.stem(word);
  if (id !== word) return id;
  if (s.find(word)) return word;
  // Sastrawi misses the "meny-/peny-" + s-root rule for some roots (menyanggah → sanggah).
  const ny = word.match(/^(?:me|pe)ny([aeiou].{2,})$/);
  if (ny && s.find(`s${ny[1]}`)) return `s${ny[1]}`;
  return colloquial(word, s) ?? english(word);
}

/** Chat suffixes, in the order they stack ("ngelaporinnya" = ngelapor + in + nya). */
const CHAT_SUFFIX = /(nya|lah|kah|dong|sih)$/;
/** Jakarta verb prefixes standing for meN-: nge-/ng- before a vowel or k, ny- before c/s, n- before t, m- before p. */
const CHAT_PREFIX: [RegExp, string[]][] = [[/^nge(.{3,})$/, ['']], [/^ng([aeiou].{2,})$/, ['', 'k']], [/^ny([aeiou].{2,})$/, ['c', 's']], [/^n([aeiou].{2,})$/, ['t']], [/^m([aeiou].{2,})$/, ['p']]];

/**
 * Chat Indonesian that Sastrawi's dictionary does not know: `-nya`/`-in` suffixes (naikinnya,
 * lunasin), Jakarta prefixes (nutup, nyicil, ngelapor) and the spoken e for a in a last closed
 * syllable (dapet, pinjem). Tried only for words the dictionary does not know, and kept only when
 * a candidate is a dictionary root, so an English word is left to the English rules.
 */
function colloquial(word: string, s: SastrawiModule.Stemmer): string | null {
  const bases = [word];
  const bare = word.replace(CHAT_SUFFIX, '');
  if (bare !== word && bare.length >= 3) bases.push(bare);
  for (const b of [...bases]) if (b.length >= 5 && b.endsWith('in')) bases.push(b.slice(0, -2));
  const candidates: string[] = [];
  for (const b of bases) {
    candidates.push(b);
    for (const [re, heads] of CHAT_PREFIX) {
      const m = b.match(re);
      if (m) for (const h of heads) candidates.push(h + m[1]);
    }
  }
  for (const c of candidates) {
    if (c === word || c.length < 3) continue;
    if (s.find(c)) return c;
    const st = s.stem(c);
    if (st !== c && s.find(st)) return st;
  }
  // The spoken vowel last, and only to a root as it stands: "-er" is left alone (later, never, offer).
  for (const c of candidates) {
    const a = c.replace(/e([^aeiour][^aeiou]*)$/, 'a$1');
    if (a !== c && a.length >= 4 && s.find(a)) return a;
  }
  return null;
}

/** Light English inflection removal, consistent rather than correct: "settle"/"settled" → "settl". */
export function english(word: string): string {
  if (IRREGULAR[word]) return IRREGULAR[word];
  let w = word;
  if (w.length > 5 && w.endsWith('ies')) w = `${w.slice(0, -3)}y`;
  else if (w.length > 5 && /(ss|x|ch|sh)es$/.test(w)) w = w.slice(0, -2);
  else if (w.length > 4 && w.endsWith('s') && !/(ss|us|is)$/.test(w)) w = w.slice(0, -1);
  else if (w.length > 5 && w.endsWith('ing')) w = w.slice(0, -3);
  else if (w.length > 4 && w.endsWith('ed')) w = w.slice(0, -2);
  if (w.length > 3 && w.endsWith('e')) w = w.slice(0, -1);
  return w;
}
