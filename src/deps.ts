// buildDeps(config): the one place that wires clients, stores and services. Every capability is
// a module: an optional router to mount, and optional background work to start and stop.
import type { Router } from 'express';
import type { EarlyRoute } from './early-routes';
import type { Config } from './config';
import type { Database } from './db/database';
import { migrate, pendingMigrations, readMigrations } from './db/migrator';
import type { Logger } from './shared/logger';
import { createSecurityHeaders, type SecurityHeaders } from './shared/security-headers';
import { createOperatorGuard, OPERATOR_TEXT, type OperatorGuard } from './shared/admin-auth';
import { createUserRepository, type UserRepository } from './users/user-repository';
import { createCreditRepository, type CreditRepository } from './credit/credit-repository';
import { createHistoryRepository, type HistoryRepository } from './conversation/history-repository';
import type { AiResponder } from './ai/types';
import { createAiProcessor } from './ai/processor';
import { createAiUsage, type AiUsage } from './ai/usage-limits';
import { modelPolicyWarnings } from './ai/model-policy';
import { createDataPolicyState, type DataPolicyStatus } from './ai/data-policy-state';
import type { ChatLogger } from './chatlog/types';
import { createChatLog } from './chatlog/chatlog-module';
import type { KnowledgeBase } from './knowledge/types';
import { createKnowledgeBase } from './knowledge/knowledge-base';
import { createKnowledgeModule } from './knowledge/knowledge-module';
import { createWebModule } from './web/web-module';
import { createWhatsAppModule } from './whatsapp/whatsapp-module';
import crypto from 'node:crypto';
import os from 'node:os';
import { createClusterService, type ClusterService } from './cluster/cluster-service';
import { createKnowledgeSync } from './knowledge/knowledge-sync';
import { createSandboxModule } from './whatsapp/sandbox/sandbox-module';
import { createIdentityService, type IdentityService } from './identity/identity-service';
import { createIdentityModule } from './identity/identity-module';
import { createWhatsAppNotices, type WhatsAppNotices } from './whatsapp/notices';
import { createPrivacyModule } from './privacy/privacy-module';
import { createPostgresChatLogTransport } from './chatlog/chatlog-repository';
import { createOperator, createOperatorModule } from './operator/operator-module';
import type { OperatorService } from './operator/operator-service';

export interface AppModule {
  name: string;
  router?: Router;
  mountPath?: string;
  /**
   * Routes dispatched before Express (early-routes.ts), for hot machine-to-machine endpoints (the
   * WhatsApp webhook's POST) that use node:http's request and response, read their own body and
   * set the security headers themselves.
   */
  earlyRoutes?: EarlyRoute[];
  /** Background work (timers, sweeps); started after the server listens. */
  start?(): Promise<void> | void;
  /** Told the port once the server listens (the sandbox calls itself on it). */
  listening?(address: { port: number }): void;
  /** Stops intake and drains; called on shutdown in reverse order. */
  stop?(): Promise<void> | void;
}

export interface Readiness { ready: boolean; database: 'ok' | 'unreachable'; migrations: 'ok' | 'pending'; pending?: string[]; error?: string }

export interface AppDeps {
  config: Config;
  logger: Logger;
  db: Database;
  users: UserRepository;
  credit: CreditRepository;
  history: HistoryRepository;
  knowledge: KnowledgeBase;
  ai: AiResponder;
  chatLogger: ChatLogger;
  /** Coordination between the server processes sharing the database (issue 8). */
  cluster: ClusterService;
  /** Daily model turns per person and in total (AI_DAILY_TURNS_PER_USER, AI_DAILY_TURN_BUDGET). */
  aiUsage: AiUsage;
  /** The data policy sent to OpenRouter and its last refusal (status endpoint); null offline. */
  aiDataPolicy(): Promise<DataPolicyStatus | null>;
  /** In front of every operator route (shared/admin-auth.ts): `operator.api` for APIs, `operator.page` for pages. */
  operator: OperatorGuard;
  /** helmet's headers: the app's middleware, and the same headers for the early routes. */
  security: SecurityHeaders;
  /** Who a WhatsApp sender is; link codes and links (asked by both channels). */
  identity: IdentityService;
  /** One-line WhatsApp notices outside a turn; the channel attaches its Graph client. */
  notices: WhatsAppNotices;
  /** Who answers a person (AI, operator, nobody after STOP); asked by both channels before a turn. */
  handoff: OperatorService;
  modules: AppModule[];
  readiness(): Promise<Readiness>;
}

export interface BuildOptions {
  /** Replace parts of the wiring (tests pass fakes only for outside services, through config URLs). */
  overrides?: Partial<Pick<AppDeps, 'ai' | 'knowledge' | 'chatLogger'>>;
  clock?: () => number;
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
  const processor = opts.overrides?.ai ? null : createAiProcessor({ config, logger, knowledge, credit, usage: aiUsage, onDataPolicyRefusal: dataPolicy.record });
  const ai = opts.overrides?.ai ?? processor!;
  for (const w of modelPolicyWarnings(config)) logger.warn({ module: 'ai' }, `⚠️ ${w}`);

  const security = createSecurityHeaders({ production: config.production });
  const notices = createWhatsAppNotices();
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
  const deps: AppDeps = {
    config, logger, db, users, credit, history, knowledge, ai, chatLogger, cluster, security, modules, aiUsage, operator, identity, notices, handoff,
    aiDataPolicy: () => dataPolicy.read(processor?.dataPolicy() ?? null),
    async readiness() {
      try {
        await db.ping();
      } catch (err) {
        return { ready: false, database: 'unreachable', migrations: 'pending', error: (err as Error).message };
      }
      const pending = await pendingMigrations(db, migrations).catch(() => migrations.map((m) => m.name));
      return pending.length
        ? { ready: false, database: 'ok', migrations: 'pending', pending }
        : { ready: true, database: 'ok', migrations: 'ok' };
    },
  };
  // Capability modules are registered here, in mount order.
  // [ai] (issue: AI processor): the knowledge base loads in the background after listen
  modules.push(createKnowledgeModule(baseKnowledge, logger, { dir: config.knowledge.dir, sync: kbSync }));
  // [whatsapp] (issue: WhatsApp channel)
  // [sandbox] (issue 7): outside production without META_*, the server is its own Meta; its
  // credentials replace META_* and its routes sit in front of the webhook (see sandbox-module.ts).
  const sandbox = config.whatsapp.enabled && config.whatsapp.sandbox ? createSandboxModule(deps, { clock: opts.clock }) : null;
  if (sandbox) modules.push(sandbox);
  if (config.whatsapp.enabled) modules.push(createWhatsAppModule(deps, { clock: opts.clock, ...(sandbox ? { credentials: sandbox.credentials } : {}) }));
  modules.push(createIdentityModule(deps, { clock: opts.clock }));
  // [operator]: before the dashboard, whose /admin it signs operators in to
  modules.push(createOperatorModule(deps, { clock: opts.clock }));
  // [chatlog] (issue: ChatLogger and analytics)
  modules.push(chatLog.module);
  // [web] (issue: web chat)
  modules.push(createWebModule(deps, { clock: opts.clock }));
  // [privacy]: erasure of one person and the retention sweep over every personal-data table
  // With chat logging off, rows written earlier in the main database are still erased.
  modules.push(createPrivacyModule(deps, { chatLog: chatLog.transport ?? createPostgresChatLogTransport({ db }), clock: opts.clock }));
  return deps;
}

/** Applies migrations; when the database is down at boot, keeps retrying in the background. */
export async function migrateWithRetry(db: Database, logger: Logger, opts: { retryMs?: number; signal?: AbortSignal } = {}): Promise<void> {
  for (;;) {
    try {
      await migrate(db, { logger });
      return;
    } catch (err) {
      logger.error({ err: { message: (err as Error).message } }, '❌ Database belum selesai: cannot apply migrations, retrying');
      if (opts.signal?.aborted) throw err;
      await new Promise((r) => setTimeout(r, opts.retryMs ?? 5000).unref());
    }
  }
}
