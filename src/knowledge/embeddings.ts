// Semantic retrieval: OpenRouter's embeddings endpoint (OpenAI-compatible: POST {model, input[]}
// → {data: [{index, embedding}]}), vectors cached on disk per file content hash and model (like the
// parsed-PDF cache), cosine similarity in process. Every failure (no key, HTTP error, timeout,
// malformed answer) is reported to the caller as "no vectors": retrieval then stays lexical.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export interface EmbeddingsOptions {
  url: string;
  apiKey: string;
  model: string;
  /** Per call; a query embedding that takes longer is dropped and the turn searches lexically. */
  timeoutMs: number;
  appName?: string;
  publicUrl?: string;
}

export interface EmbeddingsClient {
  readonly model: string;
  /** One vector per text, in order (normalised to length 1). Throws on any failure. */
  embed(texts: string[], timeoutMs?: number): Promise<Float32Array[]>;
}

const BATCH = 64;

export function createEmbeddingsClient(o: EmbeddingsOptions): EmbeddingsClient {
  return {
    model: o.model,
    async embed(texts, timeoutMs = o.timeoutMs) {
      const out: Float32Array[] = [];
      for (let i = 0; i < texts.length; i += BATCH) {
        const input = texts.slice(i, i + BATCH);
        const res = await fetch(o.url, {
          method: 'POST',
          headers: {
            Authorization: `Bearer ${o.apiKey}`, 'Content-Type': 'application/json',
            ...(o.publicUrl ? { 'HTTP-Referer': o.publicUrl } : {}), ...(o.appName ? { 'X-Title': o.appName } : {}),
          },
          body: JSON.stringify({ model: o.model, input }),
          signal: AbortSignal.timeout(timeoutMs),
        });
        const json = await res.json().catch(() => null) as { data?: { index?: number; embedding?: number[] }[]; error?: { message?: string } } | null;
        if (!res.ok) throw new Error(`embeddings HTTP ${res.status}${json?.error?.message ? `: ${json.error.message}` : ''}`);
        const data = [...(json?.data ?? [])].sort((a, b) => (a.index ?? 0) - (b.index ?? 0));
        if (data.length !== input.length || data.some((d) => !Array.isArray(d.embedding) || !d.embedding.length)) {
          throw new Error(`embeddings: expected ${input.length} vectors, got ${data.length}`);
        }
        for (const d of data) out.push(normalise(d.embedding as number[]));
      }
      return out;
    },
  };
}

function normalise(v: number[]): Float32Array {
  let n = 0;
  for (const x of v) n += x * x;
  const len = Math.sqrt(n) || 1;
  return Float32Array.from(v, (x) => x / len);
}

/** Dot product of two normalised vectors (= cosine similarity); 0 when the sizes differ. */
export function cosine(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) return 0;
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/** Vectors of one file's passages on disk, keyed by the file's content key and the model. */
export interface VectorCache {
  get(fileKey: string, model: string, count: number): Float32Array[] | null;
  put(fileKey: string, model: string, vectors: Float32Array[]): void;
  prune(keepFileKeys: Set<string>): void;
}

export function createVectorCache(cacheDir: string): VectorCache {
  const dir = path.join(cacheDir, 'embeddings');
  const slug = (model: string) => crypto.createHash('sha256').update(model).digest('hex').slice(0, 12);
  const fileOf = (fileKey: string, model: string) => path.join(dir, `${fileKey}.${slug(model)}.bin`);
  return {
    get(fileKey, model, count) {
      try {
        const buf = fs.readFileSync(fileOf(fileKey, model));
        const all = new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4);
        if (!count || all.length % count) return null;
        const dim = all.length / count;
        return Array.from({ length: count }, (_, i) => all.slice(i * dim, (i + 1) * dim));
      } catch {
        return null;
      }
    },
    put(fileKey, model, vectors) {
      try {
        fs.mkdirSync(dir, { recursive: true });
        const dim = vectors[0]?.length ?? 0;
        const all = new Float32Array(vectors.length * dim);
        vectors.forEach((v, i) => all.set(v, i * dim));
        const tmp = `${fileOf(fileKey, model)}.${process.pid}.${Date.now()}.tmp`;
        fs.writeFileSync(tmp, Buffer.from(all.buffer));
        fs.renameSync(tmp, fileOf(fileKey, model));
      } catch {
        // A read-only or full disk only costs new embedding calls next time.
      }
    },
    prune(keep) {
      let names: string[];
      try { names = fs.readdirSync(dir); } catch { return; }
      for (const n of names) {
        const m = n.match(/^([0-9a-f]{64}-[a-z0-9]+)\.[0-9a-f]{12}\.bin$/);
        if (m && !keep.has(m[1])) fs.rmSync(path.join(dir, n), { force: true });
      }
    },
  };
}
