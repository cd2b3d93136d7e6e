// Builds the real app on a real (per-file) database for supertest. Outside services are reached
// through config URLs pointing at fake servers; nothing of ours is stubbed.
import { Writable } from 'node:stream';
import { parseConfig, type Config } from '../../src/config';
import { buildDeps, type AppDeps, type BuildOptions } from '../../src/deps';
import { createApp } from '../../src/app';
import { migrate } from '../../src/db/migrator';
import { createLogger, type Logger } from '../../src/shared/logger';
import { createTestDatabase, type TestDatabase } from './test-database';

export interface CapturedLogs { logger: Logger; lines: () => Record<string, unknown>[]; text: () => string }

/** A real pino logger (with the production redaction rules) writing JSON lines into memory. */
export function captureLogs(level = 'debug'): CapturedLogs {
  const raw: string[] = [];
  const stream = new Writable({ write(chunk, _enc, cb) { raw.push(chunk.toString()); cb(); } });
  const logger = createLogger({ level, format: 'json', destination: stream as never });
  return {
    logger,
    text: () => raw.join(''),
    lines: () => raw.join('').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

export interface TestApp {
  app: ReturnType<typeof createApp>;
  deps: AppDeps;
  config: Config;
  logs: CapturedLogs;
  database: TestDatabase;
  close(): Promise<void>;
}

export async function createTestApp(opts: { env?: Record<string, string | undefined>; argv?: string[]; database?: TestDatabase; build?: BuildOptions; start?: boolean } = {}): Promise<TestApp> {
  const database = opts.database ?? await createTestDatabase();
  const config = parseConfig({ NODE_ENV: 'test', ...opts.env }, opts.argv ?? []);
  const logs = captureLogs();
  await migrate(database.db);
  const deps = await buildDeps(config, logs.logger, database.db, opts.build);
  if (opts.start) for (const m of deps.modules) await m.start?.();
  const app = createApp(deps);
  return {
    app, deps, config, logs, database,
    async close() {
      for (const m of [...deps.modules].reverse()) await m.stop?.();
      await deps.chatLogger.close();
      if (!opts.database) await database.drop();
    },
  };
}
