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
  const groups: { n: number; canonical: string[]; variants: string[][] }[] = [];
  text.split(/\r?\n/).forEach((line, n) => {
    const body = line.replace(/#.*/, '').trim();
    if (!body) return;
    const eq = body.indexOf('=');
    if (eq <= 0) { problems.push(`line ${n + 1}: expected "canonical = variant, variant"`); return; }
    const canonical = tokens(body.slice(0, eq)).filter((w) => !isStopword(w)).map(stem);
    groups.push({ n, canonical, variants: body.slice(eq + 1).split(',').map(tokens).filter((ws) => ws.length > 0) });
  });
  // A variant that reads as another line's canonical word would turn every use of that word into
  // this line's meaning ("ngutang" → "utang" in the "pinjaman" line): left out, with a warning.
  const canonicals = new Set(groups.map((g) => g.canonical.join(' ')).filter(Boolean));
  for (const g of groups) {
    const own = g.canonical.join(' ');
    for (const ws of g.variants) {
      const key = ws.map(stem).join(' ');
      if (key === own) continue;
      if (canonicals.has(key)) { problems.push(`line ${g.n + 1}: "${ws.join(' ')}" reads as "${key}", the canonical word of another line: left out`); continue; }
      map.set(key, g.canonical);
      maxWords = Math.max(maxWords, ws.length);
    }
  }
  const version = crypto.createHash('sha256').update(text).digest('hex').slice(0, 12);
  return { map, maxWords, version, problems };
}

function tokens(s: string): string[] {
  return s.toLowerCase().normalize('NFKD').replace(/[\u0300-\u036f]/g, '').split(/[^a-z0-9]+/).filter(Boolean);
}
