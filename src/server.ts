// loadConfig → open database → buildDeps → createApp → listen.
// SIGTERM/SIGINT: stop intake, drain background work, close the database.
import http, { type Server } from 'node:http';
import { ConfigError, loadConfig, redactUrl, type Config } from './config';
import { openDatabase, type Database } from './db/database';
import { lockEmbeddedDir } from './db/embedded-lock';
import { buildDeps, migrateWithRetry, type AppDeps } from './deps';
import { createApp } from './app';
import { createLogger, type Logger } from './shared/logger';

/**
 * Limits on slow or idle clients. Node's defaults let a client take a minute for its headers and
 * five minutes for its body, and check only every 30 s; every such connection holds memory. Meta
 * and browsers send a webhook or a chat turn in well under a second.
 */
export const SERVER_LIMITS = {
  headersTimeout: 15_000,
  requestTimeout: 30_000,
  keepAliveTimeout: 5_000,
  connectionsCheckingInterval: 2_000,
  maxHeaderSize: 16 * 1024,
} as const;

/** The app's HTTP server with SERVER_LIMITS applied (not listening yet). */
export function createHttpServer(app: http.RequestListener): Server {
  const { keepAliveTimeout, ...options } = SERVER_LIMITS;
  const server = http.createServer({ ...options, keepAliveTimeout }, app);
  server.keepAliveTimeout = keepAliveTimeout;
  // A kept-alive connection serves a bounded number of requests, then the client reconnects.
  server.maxRequestsPerSocket = 1000;
  return server;
}

export interface RunningServer { server: Server; deps: AppDeps; port: number; shutdown(reason?: string): Promise<void> }

export async function startServer(config: Config, logger: Logger): Promise<RunningServer> {
  const started = Date.now();
  let unlock = () => {};
  if (!config.database.url) unlock = lockEmbeddedDir(config.database.embeddedDir);
  let db: Database;
  try {
    db = await openDatabase(config.database, logger);
  } catch (err) {
    unlock();
    throw err;
  }
  logger.info({ engine: db.engine, database: config.database.url ? redactUrl(config.database.url) : config.database.embeddedDir },
    db.engine === 'embedded' ? 'using the embedded database (set DATABASE_URL for a PostgreSQL server)' : 'using PostgreSQL');
  const abort = new AbortController();
  const migrated = migrateWithRetry(db, logger, { signal: abort.signal });
  const deps = await buildDeps(config, logger, db);
  const app = createApp(deps);
  const server = await new Promise<Server>((resolve, reject) => {
    const s = createHttpServer(app).listen(config.port, config.host, () => resolve(s));
    s.once('error', reject);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  for (const m of deps.modules) m.listening?.({ port });
  logger.info({ port, mode: config.mode, startupMs: Date.now() - started },
    `🚀 ai-chat-whatsapp listening on http://localhost:${port}${config.mode === 'original' ? ' (web chat only)' : ''}`);

  // Background work starts once the schema is there.
  const startWork = migrated.then(async () => {
    for (const m of deps.modules) await m.start?.();
  }).catch((err) => logger.error({ err }, 'background work did not start'));

  let stopping: Promise<void> | null = null;
  const shutdown = (reason = 'shutdown') => {
    stopping ??= (async () => {
      logger.info({ reason }, 'shutting down: no new requests, draining background work');
      abort.abort();
      const closed = new Promise<void>((r) => server.close(() => r()));
      server.closeIdleConnections?.();
      await startWork;
      for (const m of [...deps.modules].reverse()) {
        try { await m.stop?.(); } catch (err) { logger.error({ err, module: m.name }, 'module did not stop cleanly'); }
      }
      await deps.chatLogger.close().catch((err) => logger.error({ err }, 'chat log did not flush'));
      await Promise.race([closed, new Promise((r) => setTimeout(r, 5000).unref())]);
      server.closeAllConnections?.();
      await db.close().catch(() => {});
      unlock();
      logger.info('stopped');
    })();
    return stopping;
  };
  return { server, deps, port, shutdown };
}

async function main() {
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`❌ ${err.message}\nFix these in .env (see .env.whatsapp.example) and start again.`);
      process.exit(1);
    }
    throw err;
  }
  const logger = createLogger({ level: config.log.level, format: config.log.format as 'pretty' | 'json' });
  let running: RunningServer;
  try {
    running = await startServer(config, logger);
  } catch (err) {
    logger.fatal({ err }, `❌ could not start: ${(err as Error).message}`);
    logger.flush?.();
    process.exit(1);
  }
  const onSignal = (signal: string) => {
    const timer = setTimeout(() => { logger.error('shutdown took too long; exiting'); process.exit(1); }, 15_000);
    timer.unref();
    running.shutdown(signal).then(() => { logger.flush?.(); process.exit(0); }, () => process.exit(1));
  };
  process.once('SIGTERM', () => onSignal('SIGTERM'));
  process.once('SIGINT', () => onSignal('SIGINT'));
  // Input never crashes the server; an unexpected rejection is logged, not fatal.
  process.on('unhandledRejection', (err) => logger.error({ err }, 'unhandled promise rejection'));
}

if (require.main === module) void main();
