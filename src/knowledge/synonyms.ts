// The synonyms and abbreviations table (knowledge/synonyms.txt by default): one group per line,
// `canonical = variant, variant, …`, `#` starts a comment. A variant (one or more words, any
// language) found in a question or a passage is replaced by the canonical words, so "telat",
// "nunggak" and "late payment" all meet the guide's "terlambat"/"tunggakan". Words are compared
// by stem, so one spelling covers the affixed forms ("telatnya", "penghasilannya").
import crypto from 'node:crypto';

export interface SynonymTable {
  /** stems of a variant joined by spaces → stems of its canonical words (stopwords removed). */
  map: Map<string, string[]>;
  /** Longest variant, in words. */
  maxWords: number;
  /** Short hash of the table's content. */
  version: string;
  /** Problems found while parsing (line number and why), for the load log. */
  problems: string[];
}

export function parseSynonyms(text: string, stem: (w: string) => string, isStopword: (w: string) => boolean): SynonymTable {
  const map = new Map<string, string[]>();
  const problems: string[] = [];
  let maxWords = 1;
  text.split(/\r?\n/).forEach((line, n) => {
    const body = line.replace(/#.*/, '').trim();
    if (!body) return;
    const eq = body.indexOf('=');
    if (eq <= 0) { problems.push(`line ${n + 1}: expected "canonical = variant, variant"`); return; }
    const canonicalWords = tokens(body.slice(0, eq));
    const canonical = canonicalWords.filter((w) => !isStopword(w)).map(stem);
    for (const variant of body.slice(eq + 1).split(',')) {
      const ws = tokens(variant);
      if (!ws.length) continue;
      const key = ws.map(stem).join(' ');
      if (key === canonical.join(' ')) continue;
      map.set(key, canonical);
      maxWords = Math.max(maxWords, ws.length);
    }
  });
  const version = crypto.createHash('sha256').update(text).digest('hex').slice(0, 12);
  return { map, maxWords, version, problems };
}

function tokens(s: string): string[] {
  return s.toLowerCase().normalize('NFKD').replace(/[\u0300-\u036f]/g, '').split(/[^a-z0-9]+/).filter(Boolean);
}
