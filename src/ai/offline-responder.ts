// The answer when there is no OPENROUTER_API_KEY: the best sentences of the most relevant
// guide passages with their source page, plus the user's own credit summary, labelled as an
// offline answer so nobody mistakes it for the model.
import type { KnowledgePassage } from '../knowledge/types';
import { analyze, analyzeQuery } from '../knowledge/text-analyzer';
import { OFFLINE_TEXT, type Lang } from './prompts';

const MAX_PASSAGES = 3;
const MAX_SENTENCES = 3;

/** Sentence splits and their analysed terms, per passage text (the guide's passages are few and fixed). */
const CACHE_LIMIT = 5000;
interface SplitPassage { flat: string; sentences: { s: string; terms: string[] }[] }

export interface OfflineResponder {
  answer(input: { question: string; passages: KnowledgePassage[]; creditText: string; lang: Lang; loading?: boolean }): string;
}

/**
 * Splitting and stemming a passage's sentences cost more CPU than the rest of an offline turn, and
 * the same passages come back turn after turn: each passage is analysed once (bounded cache; a
 * reloaded knowledge base just fills it with the new texts).
 */
export function createOfflineResponder(): OfflineResponder {
  const cache = new Map<string, SplitPassage>();
  const split = (text: string): SplitPassage => {
    let hit = cache.get(text);
    if (!hit) {
      if (cache.size >= CACHE_LIMIT) cache.clear();
      hit = splitPassage(text);
      cache.set(text, hit);
    }
    return hit;
  };
  return { answer: (input) => offlineAnswer(input, split) };
}

function offlineAnswer(input: { question: string; passages: KnowledgePassage[]; creditText: string; lang: Lang; loading?: boolean }, split: (text: string) => SplitPassage): string {
  const t = OFFLINE_TEXT[input.lang];
  const terms = new Set(analyzeQuery(input.question));
  const parts = [t.title, ''];
  // Only passages nearly as relevant as the best one: a weak match reads as noise in a short answer.
  const top = input.passages[0]?.score ?? 0;
  const chosen = input.passages.filter((p) => p.score >= top * 0.5).slice(0, MAX_PASSAGES);
  if (!chosen.length) parts.push(input.loading ? t.loading : t.nothing);
  for (const p of chosen) parts.push(`• ${bestSentences(split(p.text), terms)} (${p.file}, ${t.page} ${p.page})`);
  parts.push('', t.data, input.creditText, '', `_${t.footer}_`);
  return parts.join('\n');
}

function splitPassage(text: string): SplitPassage {
  const flat = text.replace(/\s*\n\s*/g, ' ').replace(/\s+/g, ' ').trim();
  // Sentences end with punctuation; list items (• or "1.") start a new one even without it.
  const sentences = flat.split(/(?<=[.!?:])\s+(?=[A-Z0-9•"(])|\s+(?=•\s)|\s+(?=\d+\.\s)/).filter((s) => s.length > 15);
  return { flat, sentences: sentences.length <= MAX_SENTENCES ? [] : sentences.map((s) => ({ s, terms: analyze(s) })) };
}

/** The sentences of a passage that share most terms with the question, in their original order. */
function bestSentences({ flat, sentences }: SplitPassage, terms: Set<string>): string {
  if (sentences.length <= MAX_SENTENCES) return clip(flat, 500);
  const scored = sentences.map(({ s, terms: words }, i) => ({ i, s, score: words.filter((w) => terms.has(w)).length }));
  const top = [...scored].sort((a, b) => b.score - a.score || a.i - b.i).slice(0, MAX_SENTENCES).sort((a, b) => a.i - b.i);
  return clip(top.map((x) => x.s).join(' '), 500);
}

function clip(s: string, max: number): string {
  if (s.length <= max) return s;
  return `${s.slice(0, s.lastIndexOf(' ', max))} …`;
}
