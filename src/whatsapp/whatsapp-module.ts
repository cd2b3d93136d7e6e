// The WhatsApp channel as one AppModule: webhook + operator routes, the batch worker (timers and
// sweep) and the hourly session cleanup. Built from a credentials object so the local sandbox can
// supply its own secrets and Graph endpoint.
import crypto from 'node:crypto';
import os from 'node:os';
import { Router } from 'express';
import type { AppDeps, AppModule } from '../app-types';
import { createBatchService } from './batch-service';
import { credentialsFromConfig, type WhatsAppCredentials } from './credentials';
import { createGraphClient, type GraphClient } from './graph-client';
import { createInboundService } from './inbound-service';
import { createMessageBuffer } from './message-buffer';
import { createSessionService } from './session-service';
import { createSendRateLimiter } from './send-rate';
import { createChannelState, createStatusService } from './status-service';
import { createStatusRouter } from './status-router';
import { createByteBudget, createWebhookIntake, createWebhookRouter, WEBHOOK_PATH } from './webhook-router';
import onFinished from 'on-finished';
import type { EarlyHandler } from '../early-routes';
import type { Metrics } from '../metrics/metrics';
import { createMediaModule } from './media/media-module';
import { createBufferWindow } from './buffer-window';
import { createReadReceipts } from './read-receipts';

export interface WhatsAppModuleOptions {
  /** Defaults to the META_* configuration; null = not configured (webhook answers 503). */
  credentials?: WhatsAppCredentials | null;
  clock?: () => number;
  bufferMs?: number;
  /** WHATSAPP_BUFFER_MIN_MS (null = off). */
  bufferMinMs?: number | null;
  sweepMs?: number;
  leaseMs?: number;
  cleanupIntervalMs?: number;
  graphRetryBaseMs?: number;
  graphMaxRetryMs?: number;
}

export interface WhatsAppModule extends AppModule { graph: GraphClient | null }

export function createWhatsAppModule(deps: AppDeps, opts: WhatsAppModuleOptions = {}): WhatsAppModule {
  const { config, logger, db } = deps;
  const clock = opts.clock ?? Date.now;
  const credentials = opts.credentials === undefined ? credentialsFromConfig(config) : opts.credentials;
  const windowMs = opts.bufferMs ?? config.whatsapp.bufferMs;
  const bufferWindow = createBufferWindow({ windowMs, minMs: opts.bufferMinMs !== undefined ? opts.bufferMinMs : config.whatsapp.bufferMinMs });
  const state = createChannelState(deps);
  const buffer = createMessageBuffer({ db, rateLimitPerMinute: config.whatsapp.rateLimitPerMinute });
  const sessions = createSessionService({
    db, users: deps.users, credit: deps.credit, chatLogger: deps.chatLogger, logger, timeoutMinutes: config.whatsapp.sessionTimeoutMinutes,
    identity: deps.identity, dummyProfiles: config.identity.dummyProfiles,
  });
  const sendRate = credentials ? createSendRateLimiter({
    db, phoneNumberId: credentials.phoneNumberId, messagesPerSecond: config.ops.messagesPerSecond, logger, metrics: deps.metrics,
  }) : null;
  const graph = credentials ? createGraphClient({
    credentials, logger, timeoutMs: config.meta.timeoutMs, retryBaseMs: opts.graphRetryBaseMs, maxRetryMs: opts.graphMaxRetryMs,
    onError: (info) => state.recordGraphError(info), metrics: deps.metrics, beforeSend: sendRate ? () => sendRate.acquire() : undefined,
  }) : null;
  if (graph) deps.notices.attach((to, text) => graph.sendText(to, text));
  const media = credentials ? createMediaModule({ config, logger, db, credentials }) : null;
  const readReceipts = graph ? createReadReceipts({ graph, logger, clock }) : null;
  const owner = `${os.hostname()}:${process.pid}:${crypto.randomBytes(3).toString('hex')}`;
  const batches = graph ? createBatchService({
    buffer, sessions, graph, ai: deps.ai, history: deps.history, identity: deps.identity, chatLogger: deps.chatLogger, logger, clock, owner,
    sweepMs: opts.sweepMs ?? config.whatsapp.sweepMs, leaseMs: opts.leaseMs ?? config.whatsapp.leaseMs,
    rateLimitPerMinute: config.whatsapp.rateLimitPerMinute, handoff: deps.handoff, metrics: deps.metrics, media: media ?? undefined,
    defaultLanguage: config.defaultLanguage, readReceipts: readReceipts ?? undefined,
  }) : null;
  const inbound = credentials ? createInboundService({
    db, buffer, batches, logger, clock, windowMs: bufferWindow, phoneNumberId: credentials.phoneNumberId, metrics: deps.metrics, readReceipts: readReceipts ?? undefined,
  }) : null;
  const status = createStatusService({ app: deps, credentials, sessions, buffer, state, clock, inFlight: () => batches?.inFlight() ?? 0 });

  const intake = countResults(createWebhookIntake({
    credentials, inbound, logger, security: deps.security, budget: createByteBudget(config.webhookUnverifiedMaxBytes),
  }), deps.metrics);
  const router = Router();
  router.use(createWebhookRouter({ credentials, inbound, logger }));
  router.use(createStatusRouter({ operator: deps.operator, status, knowledge: deps.knowledge, logger }));

  let cleanup: NodeJS.Timeout | null = null;
  const cleanupEveryMs = opts.cleanupIntervalMs ?? 60 * 60_000;
  // Once per period for the whole cluster (the UPDATE is idempotent anyway; this saves the others the work).
  const closeInactive = () => deps.cluster.claimRun('whatsapp session cleanup', cleanupEveryMs, clock())
    .then((won) => (won ? sessions.closeInactive(clock()) : 0))
    .catch((err) => logger.warn({ err: { message: (err as Error).message }, module: 'whatsapp' }, 'session cleanup failed'));
  return {
    name: 'whatsapp',
    earlyRoutes: [{ method: 'post', path: WEBHOOK_PATH, handler: intake }],
    router,
    graph,
    start() {
      if (!credentials) {
        logger.warn({ module: 'whatsapp' }, '⚠️ WhatsApp integration is not fully configured: set META_APP_SECRET, META_ACCESS_TOKEN, META_PHONE_NUMBER_ID and META_WEBHOOK_VERIFY_TOKEN');
      }
      batches?.start();
      void closeInactive();
      cleanup = setInterval(() => void closeInactive(), cleanupEveryMs).unref();
    },
    async stop() {
      if (cleanup) clearInterval(cleanup);
      readReceipts?.stop();
      await batches?.stop();
      await graph?.close();
      await media?.close();
    },
  };
}

/** Counts webhook POSTs by the status they were answered with (200 stored, 401 bad signature, 503 …). */
function countResults(handler: EarlyHandler, metrics: Pick<Metrics, 'webhooks'>): EarlyHandler {
  return (req, res, next) => {
    onFinished(res, () => metrics.webhooks.inc({ result: String(res.statusCode) }));
    handler(req, res, next);
  };
}
