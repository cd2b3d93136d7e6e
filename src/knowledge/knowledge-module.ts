// Loads the knowledge base in the background once the server listens, so start-up stays fast;
// `isLoaded()` is false until then and turns meanwhile answer without passages.
import type { AppModule } from '../deps';
import type { Logger } from '../shared/logger';
import type { KnowledgeBase } from './types';

export function createKnowledgeModule(knowledge: KnowledgeBase, logger: Logger): AppModule {
  let loading: Promise<unknown> | null = null;
  return {
    name: 'knowledge',
    start() {
      loading = knowledge.reload().catch((err) =>
        logger.error({ module: 'knowledge', err: { message: (err as Error).message } }, '❌ Knowledge base could not be loaded'));
    },
    async stop() {
      await loading;
    },
  };
}
