// The knowledge base: every PDF in KNOWLEDGE_DIR, split into passages with file and page,
// ranked for each question (retrieval.ts) and trimmed to a token budget. The synonyms file is
// read on every load, so the business edits it and refreshes like a PDF. Reload builds a complete
// new index beside the old one and swaps it in one assignment: searches (synchronous) always
// see either the old or the new index, never a half-built one.
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from '../shared/logger';
import { buildBm25Index, type Bm25Index, type IndexedPassage } from './bm25-index';
import { createEmbeddingsClient, createVectorCache, type EmbeddingsOptions } from './embeddings';
import { CACHE_VERSION, createKbCache } from './kb-cache';
import { pageTerms, splitPage } from './passage-splitter';
import { loadPdfPages } from './pdf-loader';
import { rank } from './retrieval';
import { buildSemanticIndex, type FileTexts, type SemanticIndex } from './semantic-index';
import { createTextAnalyzer, type TextAnalyzer } from './text-analyzer';
import type { KnowledgeBase, KnowledgeLoadReport } from './types';

export interface KnowledgeBaseOptions {
  dir: string;
  cacheDir: string;
  /** Default budget of `search` (KB_MAX_PROMPT_TOKENS). */
  maxPromptTokens: number;
  logger: Logger;
  /** Log per-file progress once a load has taken longer than this. */
  progressAfterMs?: number;
  /** KB_SYNONYMS_FILE; by default `synonyms.txt` in `dir`, else the one shipped in the repository. */
  synonymsFile?: string;
  /** Semantic retrieval (OpenRouter embeddings); null or absent: lexical only. */
  embeddings?: EmbeddingsOptions | null;
}

/** The table that ships with the app (knowledge/synonyms.txt, from src/knowledge or dist/knowledge). */
export const BUNDLED_SYNONYMS = path.resolve(__dirname, '../../knowledge/synonyms.txt');

const DEFAULT_LIMIT = 8;

export function createKnowledgeBase(opts: KnowledgeBaseOptions): KnowledgeBase {
  const log = opts.logger.child({ module: 'knowledge' });
  const cache = createKbCache(opts.cacheDir);
  let index: Bm25Index | null = null;
  let analyzer: TextAnalyzer = createTextAnalyzer('');
  let semantic: SemanticIndex | null = null;
  const embedder = opts.embeddings ? createEmbeddingsClient(opts.embeddings) : null;
  const vectorCache = createVectorCache(opts.cacheDir);
  let report: KnowledgeLoadReport | null = null;
  let queue: Promise<unknown> = Promise.resolve();

  async function load(): Promise<KnowledgeLoadReport> {
    const started = Date.now();
    const progressAfter = opts.progressAfterMs ?? 1000;
    const files = await listPdfs(opts.dir);
    log.info({ dir: opts.dir, files: files.length }, `📚 Loading knowledge base: ${files.length} PDF file(s) from ${opts.dir}`);
    const nextAnalyzer = await loadAnalyzer();
    const passages: IndexedPassage[] = [];
    const fileTexts: FileTexts[] = [];
    const next: KnowledgeLoadReport = { files: [], failed: [], totalPages: 0, totalPassages: 0, loadedAt: '', durationMs: 0 };
    const keep = new Set<string>();
    for (const [i, name] of files.entries()) {
      const fileStarted = Date.now();
      const slow = () => Date.now() - started > progressAfter;
      try {
        const content = new Uint8Array(await fs.readFile(path.join(opts.dir, name)));
        const key = cache.key(content);
        keep.add(key);
        let entry = cache.get(key);
        const cached = Boolean(entry);
        if (!entry) {
          const pages = await loadPdfPages(content, {
            onProgress: (done, total) => {
              if (slow() && done < total) log.info({ file: name, done, total }, `📚 ${name}: ${done}/${total} pages parsed`);
            },
          });
          const filePassages = pages.flatMap((p) => splitPage(name, p.num, p.text, nextAnalyzer));
          entry = { version: CACHE_VERSION, analysis: nextAnalyzer.version, pages: pages.length, passages: filePassages.map(({ file: _f, ...rest }) => rest) };
          cache.put(key, entry);
        } else if (entry.analysis !== nextAnalyzer.version) {
          // The synonyms (or the analysis steps) changed: the passages' text is still good, only their terms are redone.
          entry = { ...entry, analysis: nextAnalyzer.version, passages: reanalyze(entry.passages, nextAnalyzer) };
          cache.put(key, entry);
        }
        for (const p of entry.passages) passages.push({ ...p, file: name });
        fileTexts.push({ key, file: name, texts: entry.passages.map((p) => p.text) });
        next.files.push({ file: name, pages: entry.pages, passages: entry.passages.length, cached });
        next.totalPages += entry.pages;
        if (slow()) {
          log.info({ file: name, pages: entry.pages, cached, ms: Date.now() - fileStarted, progress: `${i + 1}/${files.length}` },
            `📚 Indexed ${i + 1}/${files.length} files (${next.totalPages} pages so far)`);
        }
      } catch (err) {
        const error = (err as Error).message;
        next.failed.push({ file: name, error });
        log.warn({ file: name, error }, `⚠️ Knowledge base: skipped ${name}: ${error}`);
      }
    }
    cache.prune(keep);
    vectorCache.prune(keep);
    const built = buildBm25Index(passages);
    const nextSemantic = embedder ? await buildSemanticIndex(fileTexts, { client: embedder, cache: vectorCache, log, timeoutMs: opts.embeddings!.timeoutMs }) : null;
    next.totalPassages = passages.length;
    next.loadedAt = new Date().toISOString();
    next.durationMs = Date.now() - started;
    index = built; // the swap
    analyzer = nextAnalyzer;
    semantic = nextSemantic;
    report = next;
    log.info({ files: next.files.length, cached: next.files.filter((f) => f.cached).length, failed: next.failed.length, pages: next.totalPages, passages: next.totalPassages, durationMs: next.durationMs },
      `📚 Knowledge base loaded: ${next.files.length} file(s), ${next.totalPages} pages, ${next.totalPassages} passages` +
      (next.failed.length ? `, ${next.failed.length} skipped` : '') + ` in ${next.durationMs}ms`);
    return next;
  }

  async function loadAnalyzer(): Promise<TextAnalyzer> {
    const candidates = opts.synonymsFile ? [opts.synonymsFile] : [path.join(opts.dir, 'synonyms.txt'), BUNDLED_SYNONYMS];
    for (const file of candidates) {
      let text: string;
      try { text = await fs.readFile(file, 'utf8'); } catch { continue; }
      const a = createTextAnalyzer(text);
      for (const problem of a.problems) log.warn({ file, problem }, `⚠️ Synonyms: ${file} ${problem}`);
      return a;
    }
    log.warn({ candidates }, '⚠️ No synonyms file found: searching without synonyms and English terms');
    return createTextAnalyzer('');
  }

  return {
    search(query, o = {}) {
      if (!index || !query.trim()) return [];
      const extra = o.queryVector && semantic ? [semantic.scores(o.queryVector)] : [];
      return rank(index, analyzer, query, { limit: o.limit ?? DEFAULT_LIMIT, maxTokens: o.maxTokens ?? opts.maxPromptTokens, context: o.context, extra });
    },
    async embedQuery(text, context) {
      if (!embedder || !semantic || !text.trim()) return null;
      // A follow-up is embedded with the question before it: alone, "trus kalo udah lunas?" means little.
      const input = context?.previousUser ? `${context.previousUser}\n${text}` : text;
      try {
        return (await embedder.embed([input]))[0];
      } catch (err) {
        log.warn({ err: { message: (err as Error).message } }, `⚠️ Query embedding failed (${(err as Error).message}): this turn searches by words only`);
        return null;
      }
    },
    terms: (text) => analyzer.analyze(text),
    reload() {
      // Reloads run one after another: a refresh during the startup load waits, then re-reads.
      const run = queue.then(load, load);
      queue = run.catch(() => {});
      return run;
    },
    isLoaded: () => index !== null,
    lastReport: () => report,
  };
}

/** New terms for cached passages, page by page (a page's passages share its keyword line). */
function reanalyze<P extends { page: number; text: string; terms: string[] }>(passages: P[], analyzer: TextAnalyzer): P[] {
  const byPage = new Map<number, number[]>();
  passages.forEach((p, i) => { const l = byPage.get(p.page); if (l) l.push(i); else byPage.set(p.page, [i]); });
  const out = [...passages];
  for (const idx of byPage.values()) {
    const terms = pageTerms(idx.map((i) => passages[i].text), analyzer);
    idx.forEach((i, k) => { out[i] = { ...passages[i], terms: terms[k] }; });
  }
  return out;
}

async function listPdfs(dir: string): Promise<string[]> {
  let entries: import('node:fs').Dirent[];
  try {
    entries = await fs.readdir(dir, { withFileTypes: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  return entries.filter((e) => e.isFile() && /\.pdf$/i.test(e.name)).map((e) => e.name).sort();
}
