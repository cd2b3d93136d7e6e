// Ranking for one turn, on top of the BM25 index (words and adjacent word pairs): the current turn
// alone, each part of a many-part question, and (when there is a conversation) the current turn
// plus the previous user turn and the key terms of the last reply, merged; words no passage spells
// that way read as the term they most likely mean (fuzzy-terms.ts). Then weak matches dropped, each
// part's best passage placed first, one passage per page before a page's second, no document
// family allowed to fill every slot, near-duplicate passages merged, all within the token budget.
import { pairTerm, type Bm25Index, type IndexedPassage } from './bm25-index';
import { rangeTerm } from './number-ranges';
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
/** Weight of an adjacent pair of the question's terms ("kartu kredit") beside its single terms. */
const PAIR_WEIGHT = 0.5;
/** Score factor of a page's second and later passages when choosing. */
const SIBLING_FACTOR = 0.5;

export function rank(index: Bm25Index, analyzer: TextAnalyzer, query: string, o: RankOptions): KnowledgePassage[] {
  const analyze = (text: string) => corrected(index, analyzer.analyze(text));
  const current = weights(analyze(query), 1);
  const lists: Map<number, number>[] = [index.score(current)];
  const ctx = o.context;
  if (ctx && (ctx.previousUser?.trim() || ctx.lastReply?.trim())) {
    const merged = new Map(current);
    for (const [t, w] of weights(analyze(ctx.previousUser ?? ''), PREVIOUS_WEIGHT)) if (!merged.has(t)) merged.set(t, w);
    for (const t of keyTerms(index, analyzer.analyze(ctx.lastReply ?? ''))) if (!merged.has(t)) merged.set(t, REPLY_WEIGHT);
    lists.push(index.score(merged));
  }
  // A question about two things ("cara dapat iDeb dan cara sanggah?") ranks each part too, and each
  // part's best passage is placed first, so the second topic's page is not cut off by the budget.
  const parts = query.split(CLAUSE).map((c) => analyze(c ?? '')).filter((t) => t.length > 0);
  const partLists: Map<number, number>[] = [];
  if (parts.length >= 2) for (const t of parts.slice(0, MAX_PARTS)) partLists.push(index.score(weights(t, 1)));
  lists.push(...partLists, ...(o.extra ?? []));
  // Each ranking is scaled to its best score and summed (CombSUM): a passage both rankings like wins.
  const fused = new Map<number, number>();
  for (const list of lists) {
    let best = 0;
    for (const v of list.values()) if (v > best) best = v; // a loop: a spread of 100,000 scores overflows the stack
    if (best <= 0) continue;
    for (const [doc, s] of list) fused.set(doc, (fused.get(doc) ?? 0) + s / best);
  }
  const byScore = (a: [number, number], b: [number, number]) => b[1] - a[1] || a[0] - b[0];
  const ordered = [...fused.entries()].sort(byScore);
  const top = ordered[0]?.[1] ?? 0;
  const kept = ordered.filter(([, s]) => s >= top * RELATIVE_CUTOFF);
  const keptDocs = new Set(kept.map(([d]) => d));
  const firsts = partLists.map((l) => bestOf(l)).filter((d): d is number => d !== null && keptDocs.has(d));
  return select(index.passages, kept, firsts, o);
}

/** What a turn's search should know of the conversation: the previous question and the last reply. */
export function conversationContext(history: { role: 'user' | 'assistant' | 'operator'; text: string }[]): SearchContext | undefined {
  const previousUser = [...history].reverse().find((m) => m.role === 'user')?.text;
  const last = history[history.length - 1];
  const lastReply = last && last.role !== 'user' ? last.text : undefined; // the AI's or an operator's
  return previousUser || lastReply ? { previousUser, lastReply } : undefined;
}

/**
 * The family of the best passage (the document the question is about) may take all slots but one
 * (all of them when no other family matched); any other family half of them, so a catalogue that
 * shares the generic words cannot crowd it out.
 */
function select(passages: readonly IndexedPassage[], ordered: [number, number][], firsts: number[], o: RankOptions): KnowledgePassage[] {
  const topFamily = ordered.length ? familyOf(passages[ordered[0][0]].file) : '';
  const alone = ordered.every(([d]) => familyOf(passages[d].file) === topFamily);
  const capOf = (family: string) => (family !== topFamily ? Math.max(2, Math.ceil(o.limit / 2)) : alone ? o.limit : o.limit - 1);
  const score = new Map(ordered);
  const families = new Map<string, number>();
  const chosen: { p: IndexedPassage; score: number; set: Set<string>; doc: number }[] = [];
  let used = 0;
  const tryAdd = (doc: number) => {
    if (chosen.length >= o.limit || chosen.some((c) => c.doc === doc)) return;
    const p = passages[doc];
    const family = familyOf(p.file);
    if ((families.get(family) ?? 0) >= capOf(family)) return;
    const set = new Set(p.terms);
    if (chosen.some((c) => jaccard(c.set, set) >= DUPLICATE_JACCARD)) return;
    // Look past a long passage that does not fit: a shorter one further down may.
    if (used + p.tokens > o.maxTokens) return;
    used += p.tokens;
    families.set(family, (families.get(family) ?? 0) + 1);
    chosen.push({ p, score: score.get(doc) ?? 0, set, doc });
  };
  for (const doc of firsts) tryAdd(doc);
  // A page's second passage counts for less: it costs budget another page could use, unless it
  // is nearly as good as the first (the answer may sit in either half of the page).
  const pageOf = (doc: number) => `${passages[doc].file}#${passages[doc].page}`;
  const seen = new Set<string>();
  const adjusted = ordered.map(([doc, s]): [number, number] => {
    const page = pageOf(doc);
    const first = !seen.has(page);
    seen.add(page);
    return [doc, first ? s : s * SIBLING_FACTOR];
  }).sort((a, b) => b[1] - a[1] || a[0] - b[0]);
  for (const [doc] of adjusted) tryAdd(doc);
  chosen.sort((a, b) => b.score - a.score || a.doc - b.doc);
  return chosen.map(({ p, score: s }) => ({ file: p.file, page: p.page, text: p.text, score: s, tokens: p.tokens }));
}

/** "produk-kpr-03.pdf" and "produk-kpr-04.pdf" are one family (one catalogue split in files). */
export function familyOf(file: string): string {
  return file.toLowerCase().replace(/\.[a-z0-9]+$/, '').replace(/[-_ .]*\d+$/, '');
}

function bestOf(list: Map<number, number>): number | null {
  let best: number | null = null;
  let bestScore = 0;
  for (const [doc, s] of list) if (s > bestScore || (s === bestScore && best !== null && doc < best)) { best = doc; bestScore = s; }
  return best;
}

/** Terms no passage has, replaced by the index term they most likely mean (fuzzy-terms.ts). */
function corrected(index: Bm25Index, terms: string[]): string[] {
  return terms.map((t) => (index.df(t) > 0 ? t : index.fuzzy.correct(t) ?? t));
}

function weights(terms: string[], w: number): Map<string, number> {
  const m = new Map<string, number>();
  for (const t of terms) {
    m.set(t, w);
    if (/^\d+$/.test(t) && !m.has(rangeTerm(t))) m.set(rangeTerm(t), w);
  }
  for (let i = 1; i < terms.length; i++) {
    const pair = pairTerm(terms[i - 1], terms[i]);
    if (terms[i - 1] !== terms[i] && !m.has(pair)) m.set(pair, w * PAIR_WEIGHT);
  }
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
