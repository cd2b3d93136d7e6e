// Wiring of the chat log for buildDeps: picks the storage (SUPABASE_DATABASE_URL, else supabase-js
// with SUPABASE_URL + SUPABASE_SERVICE_ROLE_KEY, else the main database), makes the logger, the
// analytics router with the /admin dashboard, and the cleanup timers as one AppModule.
import type { ClusterService } from '../cluster/cluster-service';
import type { Config } from '../config';
import { createPostgresDatabase, type Database } from '../db/database';
import type { AppModule } from '../app-types';
import type { Logger } from '../shared/logger';
import { createAnalyticsRouter } from './analytics-router';
import { createOperatorGuard } from '../shared/admin-auth';
import { createAnalyticsService } from './analytics-service';
import { createChatLogger } from './chat-logger';
import { createPostgresChatLogTransport, type ChatLogTransport } from './chatlog-repository';
import { createCleanupService, type CleanupOptions } from './cleanup-service';
import { createSupabaseChatLogTransport } from './supabase-transport';
import { createNoopChatLogger, type ChatLogger } from './types';

export interface ChatLogWiring { chatLogger: ChatLogger; module: AppModule; transport?: ChatLogTransport }

export function createChatLogTransport(config: Config, logger: Logger, db: Database): ChatLogTransport {
  const { databaseUrl, url, serviceRoleKey } = config.supabase;
  if (databaseUrl) {
    // A few connections are plenty for batched writes; a separate pool keeps the log's load apart.
    const logDb = createPostgresDatabase({ url: databaseUrl, poolMax: 3, logger, applicationName: 'ai-chat-whatsapp-chatlog' });
    return createPostgresChatLogTransport({ db: logDb, name: 'supabase-postgres', separate: { logger } });
  }
  if (url && serviceRoleKey) return createSupabaseChatLogTransport({ url, serviceRoleKey });
  // The dashboard says which engine holds the log: the embedded one (PGlite) is not a PostgreSQL server.
  return createPostgresChatLogTransport({ db, name: db.engine === 'embedded' ? 'pglite' : 'postgres' });
}

export function createChatLog(opts: { config: Config; logger: Logger; db: Database; cluster?: ClusterService; clock?: () => number; override?: ChatLogger;
  /** Timer periods (tests). */ cleanupTiming?: Pick<CleanupOptions, 'sweepEveryMs' | 'deleteEveryMs' | 'firstDeleteAfterMs'> }): ChatLogWiring {
  const { config, logger, clock } = opts;
  if (!config.chatLog.enabled) {
    const chatLogger = opts.override ?? createNoopChatLogger();
    return { chatLogger, module: { name: 'chatlog', router: createAnalyticsRouter({ operator: createOperatorGuard(config), chatLogger, clock, defaultLanguage: config.defaultLanguage }) } };
  }
  const transport = createChatLogTransport(config, logger, opts.db);
  const whatsappIdleMinutes = config.whatsapp.sessionTimeoutMinutes;
  const chatLogger = opts.override ?? createChatLogger({ transport, logger, clock, whatsappIdleMinutes });
  const analytics = createAnalyticsService({ transport });
  const cleanup = createCleanupService({
    transport, logger, clock, whatsappIdleMinutes,
    // DATA_RETENTION_DAYS bounds the chat log too when it is the shorter of the two.
    deleteOld: config.chatLog.cleanupEnabled, oldSessionsDays: Math.min(config.chatLog.cleanupOldSessionsDays, config.privacy.retentionDays), ...opts.cleanupTiming,
    claimRun: opts.cluster ? (job, everyMs, nowMs) => opts.cluster!.claimRun(job, everyMs, nowMs) : undefined,
  });
  return {
    chatLogger,
    transport,
    module: {
      name: 'chatlog',
      router: createAnalyticsRouter({ operator: createOperatorGuard(config), analytics, chatLogger, clock, defaultLanguage: config.defaultLanguage }),
      start: () => cleanup.start(),
      async stop() {
        await cleanup.stop();
        // Normally the logger closes the transport after its last flush; an overriding logger does not.
        if (opts.override) await transport.close();
      },
    },
  };
}
