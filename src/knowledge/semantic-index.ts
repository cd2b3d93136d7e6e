// Vectors for every passage of a load, from the disk cache or the embeddings endpoint, and the
// semantic ranking of a query vector over them (a plain scan: a few thousand passages take well
// under a millisecond; pgvector would take over near 100,000 passages or a shared index).
import type { Logger } from '../shared/logger';
import { cosine, type EmbeddingsClient, type VectorCache } from './embeddings';

export interface FileTexts { key: string; file: string; texts: string[] }

export interface SemanticIndex {
  model: string;
  /** Passage number → similarity above the cut of the top `limit` (0 for the last kept), for fusion. */
  scores(query: Float32Array, limit?: number): Map<number, number>;
}

/** Passage batches get more time than a query: a cold load embeds hundreds of passages. */
const LOAD_TIMEOUT_FACTOR = 8;

export async function buildSemanticIndex(files: FileTexts[], deps: { client: EmbeddingsClient; cache: VectorCache; log: Logger; timeoutMs: number }): Promise<SemanticIndex | null> {
  const { client, cache, log } = deps;
  const vectors: (Float32Array | null)[] = [];
  let embedded = 0, cached = 0;
  for (const f of files) {
    let vs = cache.get(f.key, client.model, f.texts.length);
    if (vs) cached += vs.length;
    else if (f.texts.length) {
      try {
        vs = await client.embed(f.texts, deps.timeoutMs * LOAD_TIMEOUT_FACTOR);
        cache.put(f.key, client.model, vs);
        embedded += vs.length;
      } catch (err) {
        log.warn({ file: f.file, model: client.model, err: { message: (err as Error).message } },
          `⚠️ Semantic search off until the next reload: embeddings for ${f.file} failed (${(err as Error).message}); searching by words only`);
        return null;
      }
    }
    for (let i = 0; i < f.texts.length; i++) vectors.push(vs?.[i] ?? null);
  }
  log.info({ model: client.model, embedded, cached }, `📚 Semantic search ready: ${embedded + cached} passages (${cached} from cache) with ${client.model}`);
  return {
    model: client.model,
    scores(query, limit = 50) {
      const sims: [number, number][] = [];
      vectors.forEach((v, i) => { if (v) sims.push([i, cosine(query, v)]); });
      sims.sort((a, b) => b[1] - a[1]);
      const top = sims.slice(0, limit);
      const floor = top[top.length - 1]?.[1] ?? 0;
      return new Map(top.map(([i, s]) => [i, s - floor]));
    },
  };
}
