// On-disk cache of parsed and analysed PDFs, keyed by the file's content hash: a restart or a
// reload does not re-parse an unchanged PDF, whatever its name or mtime. Writes are atomic
// (temp file + rename) so several processes may share the folder.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { IndexedPassage } from './bm25-index';

/** Bump when parsing, splitting or analysis changes: old entries are then ignored. */
export const CACHE_VERSION = 'kb4';

/** `analysis`: the analyser version (synonyms) the terms were made with. */
export interface CachedFile { version: string; analysis?: string; pages: number; passages: Omit<IndexedPassage, 'file'>[] }

export interface KbCache {
  key(content: Uint8Array): string;
  get(key: string): CachedFile | null;
  put(key: string, entry: CachedFile): void;
  /** Deletes entries not in `keep` (files removed or changed). */
  prune(keep: Set<string>): void;
}

export function createKbCache(dir: string): KbCache {
  const fileOf = (key: string) => path.join(dir, `${key}.json`);
  return {
    key: (content) => `${crypto.createHash('sha256').update(content).digest('hex')}-${CACHE_VERSION}`,
    get(key) {
      try {
        const entry = JSON.parse(fs.readFileSync(fileOf(key), 'utf8')) as CachedFile;
        return entry.version === CACHE_VERSION && Array.isArray(entry.passages) ? entry : null;
      } catch {
        return null; // missing or unreadable: parse again
      }
    },
    put(key, entry) {
      try {
        fs.mkdirSync(dir, { recursive: true });
        const tmp = `${fileOf(key)}.${process.pid}.${Date.now()}.tmp`;
        fs.writeFileSync(tmp, JSON.stringify(entry));
        fs.renameSync(tmp, fileOf(key));
      } catch {
        // A read-only or full disk only costs a re-parse next time.
      }
    },
    prune(keep) {
      let names: string[];
      try { names = fs.readdirSync(dir); } catch { return; }
      for (const n of names) {
        const m = n.match(/^([0-9a-f]{64}-[a-z0-9]+)\.json$/);
        if (m && !keep.has(m[1])) fs.rmSync(path.join(dir, n), { force: true });
      }
    },
  };
}
