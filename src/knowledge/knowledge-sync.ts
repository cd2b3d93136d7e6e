// A refresh-kb on one instance must reach every instance of a PM2 cluster promptly, not at the
// next minute's folder check. The refresh bumps a generation counter in the database after the
// local reload; every instance polls it (KB_SYNC_INTERVAL_MS, default 3 s) and reloads when it
// moved. The PDFs themselves are read from KNOWLEDGE_DIR by each instance (a shared folder).
import type { ClusterService } from '../cluster/cluster-service';
import type { Logger } from '../shared/logger';
import type { KnowledgeBase } from './types';

export const KB_GENERATION = 'kb_generation';

export interface KnowledgeSync {
  /** The knowledge base the app uses: its reload() (refresh-kb) also tells the other instances. */
  knowledge: KnowledgeBase;
  start(): void;
  stop(): void;
}

export function createKnowledgeSync(base: KnowledgeBase, deps: { cluster: ClusterService; logger: Logger; intervalMs: number }): KnowledgeSync {
  const log = deps.logger.child({ module: 'knowledge' });
  let seen: number | null = null;
  let timer: NodeJS.Timeout | null = null;
  let polling = false;

  const knowledge: KnowledgeBase = {
    ...base,
    search: (q, o) => base.search(q, o),
    isLoaded: () => base.isLoaded(),
    lastReport: () => base.lastReport(),
    async reload() {
      const report = await base.reload();
      try {
        seen = await deps.cluster.bump(KB_GENERATION);
        log.info({ generation: seen }, '📚 Knowledge base refresh announced to the other instances');
      } catch (err) {
        // This instance has the new index; the others still catch up at their folder check.
        log.warn({ err: { message: (err as Error).message } }, 'could not announce the knowledge base refresh (database unreachable?)');
      }
      return report;
    },
  };

  async function poll() {
    if (polling) return;
    polling = true;
    try {
      const g = await deps.cluster.generation(KB_GENERATION);
      if (seen === null) seen = g; // the start-up load already read the current folder
      else if (g !== seen) {
        seen = g;
        log.info({ generation: g }, '📚 Knowledge base refreshed on another instance: reloading');
        await base.reload();
      }
    } catch (err) {
      log.debug({ err: { message: (err as Error).message } }, 'knowledge base generation check failed');
    } finally {
      polling = false;
    }
  }

  return {
    knowledge,
    start() {
      void poll();
      if (deps.intervalMs > 0) timer = setInterval(() => void poll(), deps.intervalMs).unref();
    },
    stop() { if (timer) clearInterval(timer); },
  };
}
