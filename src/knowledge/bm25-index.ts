// A BM25 index over passages (Okapi BM25, k1 = 1.2, b = 0.75). Built once per reload and
// never mutated, so a search can never see a half-built index.
import { analyzeQuery } from './text-analyzer';

export interface IndexedPassage { file: string; page: number; text: string; tokens: number; terms: string[] }

export interface ScoredPassage { passage: IndexedPassage; score: number }

export interface Bm25Index {
  size: number;
  search(query: string, limit: number): ScoredPassage[];
}

const K1 = 1.2;
const B = 0.75;

export function buildBm25Index(passages: IndexedPassage[]): Bm25Index {
  const postings = new Map<string, { doc: number; tf: number }[]>();
  const lengths = passages.map((p) => p.terms.length);
  const avgLength = lengths.reduce((s, n) => s + n, 0) / Math.max(1, passages.length);
  passages.forEach((p, doc) => {
    const tf = new Map<string, number>();
    for (const t of p.terms) tf.set(t, (tf.get(t) ?? 0) + 1);
    for (const [term, n] of tf) {
      let list = postings.get(term);
      if (!list) postings.set(term, (list = []));
      list.push({ doc, tf: n });
    }
  });
  const n = passages.length;
  return {
    size: n,
    search(query, limit) {
      const terms = [...new Set(analyzeQuery(query))];
      const scores = new Map<number, number>();
      for (const term of terms) {
        const list = postings.get(term);
        if (!list) continue;
        const idf = Math.log(1 + (n - list.length + 0.5) / (list.length + 0.5));
        for (const { doc, tf } of list) {
          const norm = tf * (K1 + 1) / (tf + K1 * (1 - B + B * lengths[doc] / avgLength));
          scores.set(doc, (scores.get(doc) ?? 0) + idf * norm);
        }
      }
      return [...scores.entries()]
        .sort((a, b) => b[1] - a[1] || a[0] - b[0])
        .slice(0, limit)
        .map(([doc, score]) => ({ passage: passages[doc], score }));
    },
  };
}
