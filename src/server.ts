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
  // No maxRequestsPerSocket: Node answers 503 to every request a client sends on the socket after the
  // limit instead of closing it, which the ingest benchmark showed as tens of thousands of 503s.
  return server;
}

export interface RunningServer { server: Server; deps: AppDeps; port: number; shutdown(reason?: string): Promise<void> }

/**
 * Exit code for a start that cannot succeed until a person acts (bad configuration, port taken,
 * data directory in use): EX_CONFIG from sysexits.h. ecosystem.config.cjs lists it in
 * stop_exit_codes, so PM2 shows the message once instead of restarting in a loop.
 */
export const EXIT_NOT_RESTARTABLE = 78;

/** A start-up refusal that restarting will not fix; its message is the whole story (no stack). */
export class StartRefused extends Error {
  constructor(message: string) { super(message); this.name = 'StartRefused'; }
}

export async function startServer(config: Config, logger: Logger): Promise<RunningServer> {
  const started = Date.now();
  let unlock = () => {};
  if (!config.database.url) {
    try { unlock = lockEmbeddedDir(config.database.embeddedDir); } catch (err) { throw new StartRefused((err as Error).message); }
  }
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
  const where = config.database.url ? redactUrl(config.database.url) : config.database.embeddedDir;
  const migrated = migrateWithRetry(db, logger, { signal: abort.signal, where });
  migrated.catch(() => {}); // aborted at shutdown: nothing waits for it any more
  const deps = await buildDeps(config, logger, db, { schemaReady: migrated });
  const app = createApp(deps);
  // The error handler is attached before listen: Express 5's app.listen hands a failed listen to its
  // callback, which would otherwise announce a server that is not there.
  const server = createHttpServer(app);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.port, config.host, () => { server.off('error', reject); resolve(); });
    });
  } catch (err) {
    abort.abort();
    await migrated.catch(() => {});
    await db.close().catch(() => {});
    unlock();
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new StartRefused(`port ${config.port} is already in use on ${config.host}: stop the other process or set PORT`);
    if (code === 'EACCES') throw new StartRefused(`port ${config.port} on ${config.host} needs more privileges: choose a PORT above 1023`);
    throw err;
  }
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  for (const m of deps.modules) m.listening?.({ port });
  logger.info({ port, mode: config.mode, startupMs: Date.now() - started },
    `🚀 ai-chat-whatsapp listening on http://localhost:${port}${config.mode === 'original' ? ' (web chat only)' : ''}`);

  // Background work starts once the schema is there.
  const startWork = migrated.then(async () => {
    for (const m of deps.modules) await m.start?.();
    // PM2 (wait_ready in ecosystem.config.cjs) counts an instance as up on this message, not on
    // listen: `pm2 reload` then stops an old instance only once its replacement can serve.
    if (config.ops.underPm2) process.send?.('ready');
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

/**
 * Exits once what was written reached its destination. Under PM2, process.stdout/stderr are replaced
 * by writers to its log files that finish asynchronously: an immediate exit lost the message. The
 * last message (if any) is written with a callback; the logger is flushed first.
 */
function exitAfterWrites(code: number, opts: { logger?: Logger; message?: string; underPm2?: boolean } = {}): void {
  setTimeout(() => process.exit(code), 2000).unref();
  const last = () => {
    if (opts.message) process.stderr.write(opts.message, () => process.exit(code));
    // PM2's writers give no other way to know they are done (an empty write would print a bare timestamp).
    else if (opts.underPm2) setTimeout(() => process.exit(code), 250);
    else process.stdout.write('', () => process.exit(code));
  };
  if (opts.logger) opts.logger.flush(() => last()); else last();
}

async function main() {
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      return exitAfterWrites(EXIT_NOT_RESTARTABLE, { message: `❌ ${err.message}\nFix these in .env (see .env.whatsapp.example) and start again.\n` });
    }
    throw err;
  }
  const logger = createLogger({
    level: config.log.level, format: config.log.format as 'pretty' | 'json',
    ...(config.ops.underPm2 ? { destination: process.stdout } : {}),
  });
  let running: RunningServer;
  try {
    running = await startServer(config, logger);
  } catch (err) {
    if (err instanceof StartRefused) {
      logger.fatal(`❌ could not start: ${err.message}`);
      return exitAfterWrites(EXIT_NOT_RESTARTABLE, { logger, underPm2: config.ops.underPm2 });
    }
    logger.fatal({ err }, `❌ could not start: ${(err as Error).message}`);
    return exitAfterWrites(1, { logger, underPm2: config.ops.underPm2 });
  }
  const onSignal = (signal: string) => {
    const timer = setTimeout(() => { logger.error('shutdown took too long; exiting'); process.exit(1); }, 15_000);
    timer.unref();
    const exit = (code: number) => exitAfterWrites(code, { logger, underPm2: config.ops.underPm2 });
    running.shutdown(signal).then(() => exit(0), () => exit(1));
  };
  process.once('SIGTERM', () => onSignal('SIGTERM'));
  process.once('SIGINT', () => onSignal('SIGINT'));
  // Input never crashes the server; an unexpected rejection is logged, not fatal.
  process.on('unhandledRejection', (err) => logger.error({ err }, 'unhandled promise rejection'));
}

if (require.main === module) void main();
