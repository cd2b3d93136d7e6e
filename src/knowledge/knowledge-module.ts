// Loads the knowledge base in the background once the server listens, so start-up stays fast;
// `isLoaded()` is false until then and turns meanwhile answer without passages. Afterwards it
// checks the folder now and then (names, sizes, mtimes) and reloads when a PDF or synonyms.txt was added,
// changed or removed: with several PM2 instances, a refresh-kb call reaches only one of them,
// and the others catch up here.
import fs from 'node:fs/promises';
import path from 'node:path';
import type { AppModule } from '../app-types';
import type { Logger } from '../shared/logger';
import type { KnowledgeSync } from './knowledge-sync';
import type { KnowledgeBase } from './types';

export function createKnowledgeModule(knowledge: KnowledgeBase, logger: Logger, opts: { dir: string; watchIntervalMs?: number; sync?: KnowledgeSync }): AppModule {
  let loading: Promise<unknown> | null = null;
  let timer: NodeJS.Timeout | null = null;
  let seen: string | null = null;
  const log = logger.child({ module: 'knowledge' });

  const reload = () => {
    loading = (async () => {
      const before = await folderSignature(opts.dir);
      await knowledge.reload();
      seen = before;
    })().catch((err) => log.error({ err: { message: (err as Error).message } }, '❌ Knowledge base could not be loaded'));
    return loading;
  };

  return {
    name: 'knowledge',
    start() {
      void reload();
      opts.sync?.start();
      const every = opts.watchIntervalMs ?? 60_000;
      if (every > 0) {
        timer = setInterval(() => {
          void (async () => {
            await loading;
            if (seen !== null && (await folderSignature(opts.dir)) !== seen) {
              log.info('📚 Knowledge folder changed: reloading');
              await reload();
            }
          })();
        }, every);
        timer.unref();
      }
    },
    async stop() {
      if (timer) clearInterval(timer);
      opts.sync?.stop();
      await loading;
    },
  };
}

async function folderSignature(dir: string): Promise<string> {
  try {
    const names = (await fs.readdir(dir)).filter((n) => /\.pdf$|^synonyms\.txt$/i.test(n)).sort();
    const parts = await Promise.all(names.map(async (n) => {
      const st = await fs.stat(path.join(dir, n)).catch(() => null);
      return st ? `${n}:${st.size}:${st.mtimeMs}` : n;
    }));
    return parts.join('|');
  } catch {
    return '';
  }
}
