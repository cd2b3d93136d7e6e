import { createChatLogger } from '../../src/chatlog/chat-logger';
import { createPostgresChatLogTransport } from '../../src/chatlog/chatlog-repository';
import { createCleanupService } from '../../src/chatlog/cleanup-service';
import { createPostgresDatabase } from '../../src/db/database';
import { silentLogger } from '../../src/shared/logger';
import { createChatLog } from '../../src/chatlog/chatlog-module';
import { parseConfig } from '../../src/config';
import { createTestDatabase, hasServerDatabase, type TestDatabase } from '../helpers/test-database';
import { DAY, MIN, messages, sessions, turn } from './chatlog-fixtures';

const NOW = Date.parse('2026-11-25T12:00:00Z');

async function seed(database: TestDatabase, ages: Record<string, number>): Promise<void> {
  const log = createChatLogger({ transport: createPostgresChatLogTransport({ db: database.db }), logger: silentLogger(), whatsappIdleMinutes: 60 });
  for (const [user, age] of Object.entries(ages)) {
    log.logTurn(turn(user, user.startsWith('google') ? 'web' : 'whatsapp', new Date(NOW - age), ['Halo', 'Skor saya berapa?']));
  }
  await log.close();
}

const cleanupFor = (database: TestDatabase, over: Partial<Parameters<typeof createCleanupService>[0]> = {}) => createCleanupService({
  transport: createPostgresChatLogTransport({ db: database.db }), logger: silentLogger(), clock: () => NOW,
  whatsappIdleMinutes: 60, deleteOld: true, oldSessionsDays: 30, ...over,
});

describe('chat log cleanup', () => {
  let database: TestDatabase;
  beforeEach(async () => { database = await createTestDatabase(); });
  afterEach(async () => { await database.drop(); });

  test('when sessions older than 30 days exist, then exactly those and their messages are deleted', async () => {
    await seed(database, {
      whatsapp_628200000001: 45 * DAY, google_old: 31 * DAY, // old
      whatsapp_628200000002: 29 * DAY, google_recent: 2 * MIN, // kept
    });
    const r = await cleanupFor(database).deleteOld();
    expect(r).toEqual({ skipped: false, sessions: 2, messages: 6 });
    expect((await sessions(database.db)).map((s) => s.user_id).sort()).toEqual(['google_recent', 'whatsapp_628200000002']);
    expect(await messages(database.db)).toHaveLength(6);
    // Nothing else to do the second time.
    expect(await cleanupFor(database).deleteOld()).toEqual({ skipped: false, sessions: 0, messages: 0 });
  });

  test('when two cleanups run at the same time, then the old rows are deleted once and neither fails', async () => {
    await seed(database, { whatsapp_628200000011: 40 * DAY, whatsapp_628200000012: 35 * DAY, whatsapp_628200000013: DAY });
    // Two pools when a server is available: two processes' worth of connections.
    const second = database.url ? createPostgresDatabase({ url: database.url, poolMax: 2 }) : database.db;
    try {
      const [a, b] = await Promise.all([cleanupFor(database).deleteOld(), cleanupFor({ ...database, db: second }).deleteOld()]);
      expect(a.sessions + b.sessions).toBe(2);
      expect(a.messages + b.messages).toBe(6);
      expect((await sessions(database.db)).map((s) => s.user_id)).toEqual(['whatsapp_628200000013']);
    } finally { if (second !== database.db) await second.close(); }
  });

  (hasServerDatabase() ? test : test.skip)('when one process holds the cleanup lock, then another process skips instead of waiting', async () => {
    await seed(database, { whatsapp_628200000021: 40 * DAY });
    const other = createPostgresDatabase({ url: database.url!, poolMax: 1 });
    try {
      await database.db.transaction(async (tx) => {
        await tx.query('SELECT pg_advisory_xact_lock(727020)');
        expect(await cleanupFor({ ...database, db: other }).deleteOld()).toEqual({ skipped: true, sessions: 0, messages: 0 });
      });
      expect(await cleanupFor(database).deleteOld()).toMatchObject({ skipped: false, sessions: 1 });
    } finally { await other.close(); }
  });

  test('when the hourly sweep runs, then WhatsApp sessions idle past the timeout end and active ones stay open', async () => {
    await seed(database, {
      whatsapp_628200000031: 3 * 60 * MIN, whatsapp_628200000032: 10 * MIN,
      google_idle_two_days: 2 * DAY, google_this_morning: 3 * 60 * MIN,
    });
    expect(await cleanupFor(database).sweepInactive()).toBe(2);
    const byUser = Object.fromEntries((await sessions(database.db)).map((s) => [s.user_id, s.end_reason]));
    expect(byUser).toEqual({
      whatsapp_628200000031: 'inactivity', whatsapp_628200000032: null, google_idle_two_days: 'inactivity', google_this_morning: null,
    });
    expect(await cleanupFor(database).sweepInactive()).toBe(0);
  });

  test('when cleanup is enabled, then the module deletes old sessions shortly after start, and not when it is disabled', async () => {
    // 60 days old; 2 hours idle (the sweep ends it, which shows the timers ran).
    await seed(database, { whatsapp_628200000041: 60 * DAY, whatsapp_628200000042: 120 * MIN });
    const run = async (env: Record<string, string>) => {
      const wiring = createChatLog({ config: parseConfig({ NODE_ENV: 'test', ...env }), logger: silentLogger(), db: database.db,
        clock: () => NOW, cleanupTiming: { firstDeleteAfterMs: 1, sweepEveryMs: 5 } });
      await wiring.module.start?.();
      try {
        while ((await sessions(database.db, 'whatsapp_628200000042'))[0]?.end_reason !== 'inactivity') await new Promise((r) => setTimeout(r, 10));
      } finally {
        await wiring.module.stop?.();
        await wiring.chatLogger.close();
      }
    };
    await run({ ENABLE_CLEANUP: 'false' });
    expect(await sessions(database.db)).toHaveLength(2);
    await database.db.query("UPDATE chat_sessions SET ended_at = NULL, end_reason = NULL");
    await run({ ENABLE_CLEANUP: 'true', CLEANUP_OLD_SESSIONS_DAYS: '30' });
    while ((await sessions(database.db)).length !== 1) await new Promise((r) => setTimeout(r, 10));
    expect((await sessions(database.db))[0].user_id).toBe('whatsapp_628200000042');
  });

  test('when the log database is down during a sweep, then the failure is logged and the timers keep going', async () => {
    const dead = createPostgresDatabase({ url: 'postgres://postgres@127.0.0.1:1/none', connectionTimeoutMs: 500 });
    const cleanup = createCleanupService({ transport: createPostgresChatLogTransport({ db: dead }), logger: silentLogger(),
      whatsappIdleMinutes: 60, deleteOld: true, oldSessionsDays: 30, firstDeleteAfterMs: 1, sweepEveryMs: 5 });
    await expect(cleanup.deleteOld()).rejects.toThrow();
    cleanup.start();
    await new Promise((r) => setTimeout(r, 30));
    await cleanup.stop();
    await dead.close();
  });
});
