// A BM25 index over passages (Okapi BM25, k1 = 1.2, b = 0.75). Built once per reload and
// never mutated, so a search can never see a half-built index. Queries arrive as analysed,
// weighted terms: a follow-up searches its own words at full weight and the conversation's at less.

import { buildFuzzyTerms, type FuzzyTerms } from './fuzzy-terms';
import { buildRangeIndex } from './number-ranges';

export interface IndexedPassage { file: string; page: number; text: string; tokens: number; terms: string[] }

export interface Bm25Index {
  size: number;
  passages: readonly IndexedPassage[];
  /** How many passages contain the term. */
  df(term: string): number;
  /** Index terms for words no passage spells that way (chat abbreviations, typos). */
  fuzzy: FuzzyTerms;
  /** BM25 score of every passage matching at least one term (passage number → score); a range term
   *  (number-ranges.ts) matches the passages with a range containing its number. */
  score(terms: Map<string, number>): Map<number, number>;
}


const K1 = 1.2;
const B = 0.75;

/**
 * Two adjacent terms as one index term, in either order: "tercatat berapa lama" and "berapa lama
 * tercatat" are the same phrase to a customer. Contains a space, which no single term does.
 */
export function pairTerm(a: string, b: string): string {
  return a < b ? `${a} ${b}` : `${b} ${a}`;
}

export function buildBm25Index(passages: IndexedPassage[]): Bm25Index {
  const postings = new Map<string, { doc: number; tf: number }[]>();
  const lengths = passages.map((p) => p.terms.length);
  const avgLength = lengths.reduce((s, n) => s + n, 0) / Math.max(1, passages.length);
  passages.forEach((p, doc) => {
    const tf = new Map<string, number>();
    for (const t of p.terms) tf.set(t, (tf.get(t) ?? 0) + 1);
    // Adjacent terms as one more term ("kartu kredit"): a phrase is rarer than its words.
    for (let i = 1; i < p.terms.length; i++) { const pair = pairTerm(p.terms[i - 1], p.terms[i]); tf.set(pair, (tf.get(pair) ?? 0) + 1); }
    for (const [term, n] of tf) {
      let list = postings.get(term);
      if (!list) postings.set(term, (list = []));
      list.push({ doc, tf: n });
    }
  });
  const n = passages.length;
  const ranges = buildRangeIndex(passages.map((p) => p.text));
  return {
    size: n,
    passages,
    fuzzy: buildFuzzyTerms([...postings].filter(([t]) => !t.includes(' ')).map(([t, l]) => [t, l.length] as [string, number])),
    df: (term) => postings.get(term)?.length ?? 0,
    score(terms) {
      const scores = new Map<number, number>();
      for (const [term, weight] of terms) {
        const list = postings.get(term) ?? ranges.postings(term);
        if (!list || weight <= 0) continue;
        const idf = Math.log(1 + (n - list.length + 0.5) / (list.length + 0.5));
        for (const { doc, tf } of list) {
          const norm = tf * (K1 + 1) / (tf + K1 * (1 - B + B * lengths[doc] / avgLength));
          scores.set(doc, (scores.get(doc) ?? 0) + weight * idf * norm);
        }
      }
      return scores;
    },
  };
}
