// The types every capability module implements or receives. They live apart from deps.ts (which
// imports every module) so that a module importing them does not import the wiring back.
import type { Router } from 'express';
import type { EarlyRoute } from './early-routes';
import type { Config } from './config';
import type { Database } from './db/database';
import type { Logger } from './shared/logger';
import type { SecurityHeaders } from './shared/security-headers';
import type { UserRepository } from './users/user-repository';
import type { CreditRepository } from './credit/credit-repository';
import type { HistoryRepository } from './conversation/history-repository';
import type { AiResponder } from './ai/types';
import type { ChatLogger } from './chatlog/types';
import type { KnowledgeBase } from './knowledge/types';
import type { ClusterService } from './cluster/cluster-service';
import type { SchemaGate } from './db/schema-gate';
import type { Metrics } from './metrics/metrics';
import type { OperatorGuard } from './shared/admin-auth';
import type { AiUsage } from './ai/usage-limits';
import type { DataPolicyStatus } from './ai/data-policy-state';
import type { IdentityService } from './identity/identity-service';
import type { WhatsAppNotices } from './whatsapp/notices';
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
  /** Coordination between the server processes sharing the database. */
  cluster: ClusterService;
  /** helmet's headers: the app's middleware, and the same headers for the early routes. */
  security: SecurityHeaders;
  modules: AppModule[];
  /** Open once the migrations are applied: requests that need the schema wait for it (app.ts). */
  schema: SchemaGate;
  /** The Prometheus registry and this process's series (GET /metrics). */
  metrics: Metrics;
  /** Daily model turns per person and in total (AI_DAILY_TURNS_PER_USER, AI_DAILY_TURN_BUDGET). */
  aiUsage: AiUsage;
  /** The data policy sent to OpenRouter and its last refusal (status endpoint); null offline. */
  aiDataPolicy(): Promise<DataPolicyStatus | null>;
  /** In front of every operator route (shared/admin-auth.ts): `operator.api` for APIs, `operator.page` for pages. */
  operator: OperatorGuard;
  /** Who a WhatsApp sender is; link codes and links (asked by both channels). */
  identity: IdentityService;
  /** One-line WhatsApp notices outside a turn; the channel attaches its Graph client. */
  notices: WhatsAppNotices;
  /** Who answers a person (AI, operator, nobody after STOP); asked by both channels before a turn. */
  handoff: OperatorService;
  readiness(): Promise<Readiness>;
}
