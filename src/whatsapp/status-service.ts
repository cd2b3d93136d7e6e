// What GET /api/whatsapp/status shows: the seed's JSON shape, then extra fields. Booleans only for
// credentials: no secret ever leaves the server.
import fs from 'node:fs';
import path from 'node:path';
import type { AppDeps } from '../app-types';
import type { WhatsAppCredentials } from './credentials';
import type { GraphErrorInfo } from './graph-client';
import type { MessageBuffer } from './message-buffer';
import type { SessionService } from './session-service';

const VERSION = readVersion();

export interface ChannelState {
  recordGraphError(info: GraphErrorInfo): void;
  lastGraphError(): Promise<GraphErrorInfo | null>;
}

/** The last Graph error, kept in the database so every process's status endpoint shows it. */
export function createChannelState(deps: Pick<AppDeps, 'db' | 'logger'>): ChannelState {
  let last: GraphErrorInfo | null = null;
  return {
    recordGraphError(info) {
      last = info;
      deps.db.query(
        `INSERT INTO whatsapp_channel_state (key, value, updated_at) VALUES ('last_graph_error', $1, now())
         ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = now()`, [JSON.stringify(info)])
        .catch(() => { /* the in-memory copy still shows it */ });
    },
    async lastGraphError() {
      const r = await deps.db.query<{ value: GraphErrorInfo }>("SELECT value FROM whatsapp_channel_state WHERE key = 'last_graph_error'")
        .catch(() => ({ rows: [] as { value: GraphErrorInfo }[] }));
      return r.rows[0]?.value ?? last;
    },
  };
}

export function createStatusService(deps: {
  app: Pick<AppDeps, 'config' | 'db' | 'knowledge' | 'chatLogger' | 'aiUsage' | 'aiDataPolicy'>; credentials: WhatsAppCredentials | null;
  sessions: SessionService; buffer: MessageBuffer; state: ChannelState; clock: () => number; inFlight: () => number;
}) {
  const { config, db, knowledge, chatLogger } = deps.app;
  return {
    async status() {
      const c = deps.credentials;
      const webhook = {
        accessToken: Boolean(c?.accessToken), phoneNumberId: Boolean(c?.phoneNumberId),
        verifyToken: Boolean(c?.verifyToken), appSecret: Boolean(c?.appSecret), isConfigured: Boolean(c),
      };
      const databaseReachable = await db.ping().then(() => true, () => false);
      const ai = {
        openRouterApiKey: Boolean(config.openRouter.apiKey),
        // The seed's "DATABASE_URL set"; here: the credit database (server or embedded) answers.
        databaseUrl: databaseReachable,
        knowledgeBaseLoaded: knowledge.isLoaded(),
        isConfigured: false,
      };
      ai.isConfigured = ai.openRouterApiKey && ai.databaseUrl && ai.knowledgeBaseLoaded;
      const [sessions, pendingBatches, lastGraphError, usage, failedDeliveries] = await Promise.all([
        deps.sessions.activeSessions(deps.clock()).catch(() => []),
        deps.buffer.pendingBatches().catch(() => null),
        deps.state.lastGraphError(),
        deps.app.aiUsage.today().catch(() => null),
        db.query<{ n: number }>("SELECT count(*)::int AS n FROM whatsapp_statuses WHERE status = 'failed'").then((r) => r.rows[0].n, () => null),
      ]);
      const policy = await deps.app.aiDataPolicy();
      return {
        webhook,
        ai,
        sessions: {
          activeSessions: sessions.length,
          sessions: sessions.map((s) => ({
            userId: s.userId, name: s.profileName, startedAt: s.startedAt.toISOString(), lastActivity: s.lastActivityAt.toISOString(),
            messageCount: s.messageCount, pendingReply: s.pending,
          })),
        },
        isFullyConfigured: webhook.isConfigured && ai.isConfigured,
        version: VERSION,
        database: { engine: db.engine, reachable: databaseReachable },
        graph: {
          url: c?.graphUrl ?? config.meta.graphUrl, version: c?.graphVersion ?? config.meta.graphVersion,
          lastError: lastGraphError, tokenInvalid: lastGraphError?.code === 190,
          /** Delivery failures Meta reported in status callbacks (logged as warnings). */
          failedDeliveries,
        },
        buffer: { windowMs: config.whatsapp.bufferMs, pendingBatches, inFlightHere: deps.inFlight() },
        chatLog: chatLogger.health(),
        // What OpenRouter may do with prompts, and whether it refused the last one for that reason.
        dataPolicy: {
          dataCollection: policy?.dataCollection ?? config.privacy.dataCollection,
          lastRefusal: policy?.lastRefusal ?? null,
          ...(policy?.lastRefusal ? { fix: 'OPENROUTER_DATA_COLLECTION (or OPENROUTER_MODEL / OPENROUTER_FALLBACK_MODELS: models whose providers keep no data)' } : {}),
        },
        aiUsage: usage,
        // The local sandbox: webhook.* then describe its generated credentials, not META_*.
        sandbox: { enabled: config.whatsapp.sandbox, ...(config.whatsapp.sandbox ? { page: '/sandbox' } : {}) },
      };
    },
  };
}

export type StatusService = ReturnType<typeof createStatusService>;

function readVersion(): string {
  try {
    return (JSON.parse(fs.readFileSync(path.join(__dirname, '../../package.json'), 'utf8')) as { version: string }).version;
  } catch { return 'unknown'; }
}
