// buildDeps(config): the one place that wires clients, stores and services. Every capability is
// a module: an optional router to mount, and optional background work to start and stop.
import type { AppDeps, AppModule } from './app-types';
import type { Config } from './config';
import type { Database } from './db/database';
import { migrate, pendingMigrations, readMigrations } from './db/migrator';
import type { Logger } from './shared/logger';
import { createSecurityHeaders } from './shared/security-headers';
import { createOperatorGuard, OPERATOR_TEXT } from './shared/admin-auth';
import { createSchemaGate, OPEN_GATE } from './db/schema-gate';
import { createMetrics } from './metrics/metrics';
import { isDatabaseUnavailable } from './shared/unavailable';
import { createUserRepository } from './users/user-repository';
import { createCreditRepository } from './credit/credit-repository';
import { createHistoryRepository } from './conversation/history-repository';
import { createAiProcessor } from './ai/processor';
import { createAiUsage } from './ai/usage-limits';
import { modelPolicyWarnings } from './ai/model-policy';
import { createDataPolicyState } from './ai/data-policy-state';
import { createChatLog } from './chatlog/chatlog-module';
import { createKnowledgeBase } from './knowledge/knowledge-base';
import { createKnowledgeModule } from './knowledge/knowledge-module';
import { createWebModule } from './web/web-module';
import { createWhatsAppModule } from './whatsapp/whatsapp-module';
import crypto from 'node:crypto';
import os from 'node:os';
import { createClusterService } from './cluster/cluster-service';
import { createKnowledgeSync } from './knowledge/knowledge-sync';
import { createSandboxModule } from './whatsapp/sandbox/sandbox-module';
import { createIdentityService } from './identity/identity-service';
import { createIdentityModule } from './identity/identity-module';
import { createWhatsAppNotices } from './whatsapp/notices';
import { createPrivacyModule } from './privacy/privacy-module';
import { createPostgresChatLogTransport } from './chatlog/chatlog-repository';
import { createOperator, createOperatorModule } from './operator/operator-module';

export type { AppDeps, AppModule, Readiness } from './app-types';

export interface BuildOptions {
  /** Replace parts of the wiring (tests pass fakes only for outside services, through config URLs). */
  overrides?: Partial<Pick<AppDeps, 'ai' | 'knowledge' | 'chatLogger'>>;
  clock?: () => number;
  /** Settles when the migrations are applied (server.ts); unset: the caller migrated before building. */
  schemaReady?: Promise<unknown>;
}

export async function buildDeps(config: Config, logger: Logger, db: Database, opts: BuildOptions = {}): Promise<AppDeps> {
  const migrations = readMigrations();
  const users = createUserRepository({ db });
  const credit = createCreditRepository({ db });
  const history = createHistoryRepository({ db });
  const cluster = createClusterService({ db, owner: `${os.hostname()}:${process.pid}:${crypto.randomBytes(3).toString('hex')}` });
  const baseKnowledge = opts.overrides?.knowledge ?? createKnowledgeBase({ ...config.knowledge, logger });
  // refresh-kb on one instance reaches every instance (see knowledge-sync.ts).
  const kbSync = createKnowledgeSync(baseKnowledge, { cluster, logger, intervalMs: config.knowledge.syncIntervalMs });
  const knowledge = kbSync.knowledge;
  const chatLog = createChatLog({ config, logger, db, cluster, clock: opts.clock, override: opts.overrides?.chatLogger });
  const chatLogger = chatLog.chatLogger;
  const aiUsage = createAiUsage({ db, logger, perUser: config.aiLimits.dailyTurnsPerUser, budget: config.aiLimits.dailyTurnBudget, clock: opts.clock });
  const dataPolicy = createDataPolicyState(db);
  const metrics = createMetrics({ instance: config.ops.instanceId, processMetrics: config.ops.metricsEnabled });
  metrics.gauge('knowledge_passages', 'Passages in the knowledge base index', () => knowledge.lastReport()?.totalPassages ?? 0);
  metrics.gauge('chatlog_queue_entries', 'Chat-log entries waiting to be written', () => chatLogger.health().queued);
  metrics.gauge('chatlog_failed_writes', 'Chat-log entries given up on since start', () => chatLogger.health().failedWrites);
  const processor = opts.overrides?.ai ? null : createAiProcessor({ config, logger, knowledge, credit, usage: aiUsage, onDataPolicyRefusal: dataPolicy.record, metrics });
  const ai = opts.overrides?.ai ?? processor!;
  for (const w of modelPolicyWarnings(config)) logger.warn({ module: 'ai' }, `⚠️ ${w}`);

  const security = createSecurityHeaders({ production: config.production });
  const notices = createWhatsAppNotices({ db, defaultLanguage: config.defaultLanguage });
  const identity = createIdentityService({
    db, users, logger, clock: opts.clock, displayPhone: config.identity.displayPhone, notify: (to, text) => notices.send(to, text),
  });
  const handoff = createOperator({ config, logger, db, credit, notices }, { clock: opts.clock }).service;
  notices.setOptOutCheck(handoff.isOptedOutRecipient);
  const operator = createOperatorGuard(config);
  if (config.production && !config.adminToken) {
    logger.warn({ module: 'operator' }, `🔒 ADMIN_TOKEN is not set: /api/whatsapp/*, /api/analytics, /api/privacy and /admin answer 403. ${OPERATOR_TEXT.noTokenInProduction}`);
  }

  const modules: AppModule[] = [];
  const schema = opts.schemaReady ? createSchemaGate(opts.schemaReady) : OPEN_GATE;
  const deps: AppDeps = {
    config, logger, db, users, credit, history, knowledge, ai, chatLogger, cluster, security, modules, schema, metrics,
    aiUsage, operator, identity, notices, handoff,
    aiDataPolicy: () => dataPolicy.read(processor?.dataPolicy() ?? null),
    async readiness() {
      try {
        await db.ping();
      } catch (err) {
        return { ready: false, database: 'unreachable', migrations: 'pending', error: (err as Error).message };
      }
      const pending = await pendingMigrations(db, migrations).catch(() => migrations.map((m) => m.name));
      // Ready only once this process's gate opened: the migrations it waits for may still be running.
      return pending.length || !schema.isOpen()
        ? { ready: false, database: 'ok', migrations: 'pending', pending }
        : { ready: true, database: 'ok', migrations: 'ok' };
    },
  };
  // Capability modules are registered here, in mount order.
  // [ai] the knowledge base loads in the background after listen
  modules.push(createKnowledgeModule(baseKnowledge, logger, { dir: config.knowledge.dir, sync: kbSync }));
  // [sandbox] outside production without META_*, the server is its own Meta; its
  // credentials replace META_* and its routes sit in front of the webhook (see sandbox-module.ts).
  const sandbox = config.whatsapp.enabled && config.whatsapp.sandbox ? createSandboxModule(deps, { clock: opts.clock }) : null;
  if (sandbox) modules.push(sandbox);
  if (config.whatsapp.enabled) modules.push(createWhatsAppModule(deps, { clock: opts.clock, ...(sandbox ? { credentials: sandbox.credentials } : {}) }));
  modules.push(createIdentityModule(deps, { clock: opts.clock }));
  // [operator]: before the dashboard, whose /admin it signs operators in to
  modules.push(createOperatorModule(deps, { clock: opts.clock }));
  // [chatlog]
  modules.push(chatLog.module);
  // [web]
  modules.push(createWebModule(deps, { clock: opts.clock }));
  // [privacy]: erasure of one person and the retention sweep over every personal-data table
  // With chat logging off, rows written earlier in the main database are still erased.
  modules.push(createPrivacyModule(deps, { chatLog: chatLog.transport ?? createPostgresChatLogTransport({ db }), clock: opts.clock }));
  return deps;
}

/** Applies migrations; when the database is down at boot, keeps retrying in the background. */
export async function migrateWithRetry(db: Database, logger: Logger, opts: { retryMs?: number; signal?: AbortSignal; where?: string } = {}): Promise<void> {
  const retryMs = opts.retryMs ?? 5000;
  for (let attempt = 1; ; attempt++) {
    try {
      await migrate(db, { logger });
      if (attempt > 1) logger.info({ attempts: attempt }, 'database reachable again: migrations applied');
      return;
    } catch (err) {
      if (opts.signal?.aborted) throw err;
      const e = err as { message?: string; code?: string };
      const what = isDatabaseUnavailable(err) ? `❌ database unreachable${opts.where ? ` at ${opts.where}` : ''}` : '❌ migrations failed';
      // The first failure is the news; the retries that follow are progress.
      logger[attempt === 1 ? 'error' : 'warn']({ error: e.message, code: e.code, attempt },
        `${what}: ${e.message}; requests wait and get 503, retrying in ${Math.round(retryMs / 1000)} s`);
      await sleep(retryMs, opts.signal);
      if (opts.signal?.aborted) throw err;
    }
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    timer.unref();
    signal?.addEventListener('abort', done, { once: true });
    function done() { clearTimeout(timer); signal?.removeEventListener('abort', done); resolve(); }
  });
}
