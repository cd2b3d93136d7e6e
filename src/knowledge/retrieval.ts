// Ranking for one turn, on top of the BM25 index: the current turn alone, and (when there is a
// conversation) the current turn plus the previous user turn and the key terms of the last reply,
// merged; then weak matches dropped, no document family allowed to fill every slot, near-duplicate
// passages merged, and the rest trimmed to the token budget.
import type { Bm25Index, IndexedPassage } from './bm25-index';
import type { TextAnalyzer } from './text-analyzer';
import type { KnowledgePassage, SearchContext } from './types';

/** `extra`: other rankings (passage number → score, e.g. semantic similarity) fused like the lexical ones. */
export interface RankOptions { limit: number; maxTokens: number; context?: SearchContext; extra?: Map<number, number>[] }

/** Weight of the previous user turn's terms and of the last reply's key terms. */
const PREVIOUS_WEIGHT = 0.5;
const REPLY_WEIGHT = 0.3;
const REPLY_TERMS = 6;
/** A passage below this share of the best fused score reads as noise. */
const RELATIVE_CUTOFF = 0.3;
/** Where a question splits into parts: sentence ends, line breaks (a burst), and joining words. */
const CLAUSE = /[?!.;]+\s+|\n+|,?\s(?:dan|and|lalu|terus|trus|serta|also|plus|then)\s/i;
const MAX_PARTS = 4;
/** Passages whose term sets overlap this much say the same thing. */
const DUPLICATE_JACCARD = 0.8;

export function rank(index: Bm25Index, analyzer: TextAnalyzer, query: string, o: RankOptions): KnowledgePassage[] {
  const current = weights(analyzer.analyze(query), 1);
  const lists: Map<number, number>[] = [index.score(current)];
  const ctx = o.context;
  if (ctx && (ctx.previousUser?.trim() || ctx.lastReply?.trim())) {
    const merged = new Map(current);
    for (const [t, w] of weights(analyzer.analyze(ctx.previousUser ?? ''), PREVIOUS_WEIGHT)) if (!merged.has(t)) merged.set(t, w);
    for (const t of keyTerms(index, analyzer.analyze(ctx.lastReply ?? ''))) if (!merged.has(t)) merged.set(t, REPLY_WEIGHT);
    lists.push(index.score(merged));
  }
  // A question about two things ("cara dapat iDeb dan cara sanggah?") ranks each part too, so the
  // second topic's page is not cut off by the first topic's stronger match.
  const parts = query.split(CLAUSE).map((c) => analyzer.analyze(c ?? '')).filter((t) => t.length > 0);
  if (parts.length >= 2) for (const t of parts.slice(0, MAX_PARTS)) lists.push(index.score(weights(t, 1)));
  lists.push(...(o.extra ?? []));
  // Each ranking is scaled to its best score and summed (CombSUM): a passage both rankings like wins.
  const fused = new Map<number, number>();
  for (const list of lists) {
    let best = 0;
    for (const v of list.values()) if (v > best) best = v; // a loop: a spread of 100,000 scores overflows the stack
    if (best <= 0) continue;
    for (const [doc, s] of list) fused.set(doc, (fused.get(doc) ?? 0) + s / best);
  }
  const ordered = [...fused.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0]);
  const top = ordered[0]?.[1] ?? 0;
  return select(index.passages, ordered.filter(([, s]) => s >= top * RELATIVE_CUTOFF), o);
}

/** What a turn's search should know of the conversation: the previous question and the last reply. */
export function conversationContext(history: { role: 'user' | 'assistant' | 'operator'; text: string }[]): SearchContext | undefined {
  const previousUser = [...history].reverse().find((m) => m.role === 'user')?.text;
  const last = history[history.length - 1];
  const lastReply = last && last.role !== 'user' ? last.text : undefined; // the AI's or an operator's
  return previousUser || lastReply ? { previousUser, lastReply } : undefined;
}

function select(passages: readonly IndexedPassage[], ordered: [number, number][], o: RankOptions): KnowledgePassage[] {
  const perFamily = Math.max(2, Math.ceil(o.limit / 2));
  const families = new Map<string, number>();
  const chosen: { p: IndexedPassage; score: number; set: Set<string> }[] = [];
  let used = 0;
  for (const [doc, score] of ordered) {
    if (chosen.length >= o.limit) break;
    const p = passages[doc];
    const family = familyOf(p.file);
    if ((families.get(family) ?? 0) >= perFamily) continue;
    const set = new Set(p.terms);
    if (chosen.some((c) => jaccard(c.set, set) >= DUPLICATE_JACCARD)) continue;
    // Look past a long passage that does not fit: a shorter one further down may.
    if (used + p.tokens > o.maxTokens) continue;
    used += p.tokens;
    families.set(family, (families.get(family) ?? 0) + 1);
    chosen.push({ p, score, set });
  }
  return chosen.map(({ p, score }) => ({ file: p.file, page: p.page, text: p.text, score, tokens: p.tokens }));
}

/** "produk-kpr-03.pdf" and "produk-kpr-04.pdf" are one family (one catalogue split in files). */
export function familyOf(file: string): string {
  return file.toLowerCase().replace(/\.[a-z0-9]+$/, '').replace(/[-_ .]*\d+$/, '');
}

function weights(terms: string[], w: number): Map<string, number> {
  const m = new Map<string, number>();
  for (const t of terms) m.set(t, w);
  return m;
}

/** The reply's rarest terms that the knowledge base knows: what the conversation is about. */
function keyTerms(index: Bm25Index, terms: string[]): string[] {
  const limit = Math.max(2, index.size / 4);
  return [...new Set(terms)]
    .map((t) => ({ t, df: index.df(t) }))
    .filter((x) => x.df > 0 && x.df <= limit && !/^\d+$/.test(x.t))
    .sort((a, b) => a.df - b.df)
    .slice(0, REPLY_TERMS)
    .map((x) => x.t);
}

function jaccard(a: Set<string>, b: Set<string>): number {
  let inter = 0;
  for (const t of a) if (b.has(t)) inter++;
  const union = a.size + b.size - inter;
  return union ? inter / union : 0;
}
