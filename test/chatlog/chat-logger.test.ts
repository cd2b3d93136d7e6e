import request from 'supertest';
import { createChatLogger } from '../../src/chatlog/chat-logger';
import { createChatLogTransport } from '../../src/chatlog/chatlog-module';
import { createPostgresChatLogTransport } from '../../src/chatlog/chatlog-repository';
import { parseConfig } from '../../src/config';
import { createPostgresDatabase } from '../../src/db/database';
import { silentLogger } from '../../src/shared/logger';
import { createTestApp, type TestApp } from '../helpers/test-app';
import { createTestDatabase, hasServerDatabase, serverUrl, withDatabase, type TestDatabase } from '../helpers/test-database';
import { MIN, messages, sessions, turn } from './chatlog-fixtures';

const T0 = new Date('2026-11-20T03:00:00Z');

describe('chat log: conversations from both channels', () => {
  let database: TestDatabase;
  beforeAll(async () => { database = await createTestDatabase(); });
  afterAll(async () => { await database.drop(); });

  const makeLogger = (now = () => T0.getTime()) => createChatLogger({
    transport: createPostgresChatLogTransport({ db: database.db }), logger: silentLogger(), whatsappIdleMinutes: 60, clock: now,
  });

  test('when a WhatsApp user sends a burst and gets replies, then one session holds every message with the reply details', async () => {
    const log = makeLogger();
    const user = 'whatsapp_628111000001';
    log.logTurn(turn(user, 'whatsapp', T0, ['Halo', 'Kenapa skor saya turun?']));
    log.logTurn(turn(user, 'whatsapp', new Date(T0.getTime() + 5 * MIN), ['Apa itu kolektibilitas?'], {
      kind: 'fallback', model: null, promptTokens: null, completionTokens: null, latencyMs: 30_000, sources: [],
      text: 'Maaf, AI admin sedang sibuk.',
    }));
    await log.flush();

    const [s] = await sessions(database.db, user);
    expect(s).toMatchObject({ channel: 'whatsapp', ended_at: null, message_count: 5 });
    expect(s.started_at.toISOString()).toBe(T0.toISOString());
    const m = await messages(database.db, s.id);
    expect(m.map((x) => [x.role, x.content])).toEqual([
      ['user', 'Halo'], ['user', 'Kenapa skor saya turun?'], ['assistant', 'Skor kredit Anda 720 (Baik).'],
      ['user', 'Apa itu kolektibilitas?'], ['assistant', 'Maaf, AI admin sedang sibuk.'],
    ]);
    expect(m[2]).toMatchObject({ kind: 'ai', model: 'google/gemini-2.0-flash-exp:free', prompt_tokens: 900, completion_tokens: 120,
      latency_ms: 1234, sources: [{ file: 'panduan-kredit.pdf', page: 3 }] });
    expect(m[4]).toMatchObject({ kind: 'fallback', model: null, prompt_tokens: null, latency_ms: 30_000, sources: [] });
    expect(s.last_activity_at.getTime()).toBe(m[4].created_at.getTime());
    expect(log.health()).toMatchObject({ enabled: true, transport: 'postgres', queued: 0, written: 2, failedWrites: 0, droppedWrites: 0 });
    await log.close();
  });

  test('when a WhatsApp user writes again after the inactivity timeout, then the old session is ended and a new one starts', async () => {
    const log = makeLogger();
    const user = 'whatsapp_628111000002';
    log.logTurn(turn(user, 'whatsapp', T0, ['Pertanyaan pertama']));
    log.logTurn(turn(user, 'whatsapp', new Date(T0.getTime() + 61 * MIN), ['Pertanyaan besok']));
    await log.flush();
    const s = await sessions(database.db, user);
    expect(s).toHaveLength(2);
    expect(s[0]).toMatchObject({ end_reason: 'inactivity', message_count: 2 });
    expect(s[1]).toMatchObject({ ended_at: null, message_count: 2 });
    await log.close();
  });

  test('when a web user chats, logs out and logs in again, then the log sessions follow the logins', async () => {
    const log = makeLogger(() => T0.getTime() + 10 * MIN);
    const user = 'google_1234567890';
    log.logTurn(turn(user, 'web', T0, ['Berapa utilisasi kartu kredit saya?'], {}, { sessionKey: 'login-a' }));
    log.logTurn(turn(user, 'web', new Date(T0.getTime() + 2 * MIN), ['Terima kasih'], {}, { sessionKey: 'login-a' }));
    log.endSession(user, 'web');
    log.logTurn(turn(user, 'web', new Date(T0.getTime() + 30 * MIN), ['Saya kembali'], {}, { sessionKey: 'login-b' }));
    // A new login without a logout in between (cookie expired) also starts a new session.
    log.logTurn(turn(user, 'web', new Date(T0.getTime() + 40 * MIN), ['Lagi'], {}, { sessionKey: 'login-c' }));
    await log.flush();
    const s = await sessions(database.db, user);
    expect(s.map((x) => [x.message_count, x.end_reason])).toEqual([[4, 'logout'], [2, 'new-login'], [2, null]]);
    expect(await log.activeSessions('web')).toEqual([
      expect.objectContaining({ userId: user, messageCount: 2, startedAt: new Date(T0.getTime() + 40 * MIN) }),
    ]);
    await log.close();
  });

  test('when the status endpoint asks for active WhatsApp sessions, then idle ones are not listed', async () => {
    const log = makeLogger(() => T0.getTime() + 90 * MIN);
    log.logTurn(turn('whatsapp_628111000003', 'whatsapp', new Date(T0.getTime() + 80 * MIN), ['baru']));
    log.logTurn(turn('whatsapp_628111000004', 'whatsapp', T0, ['lama']));
    await log.flush();
    const active = await log.activeSessions('whatsapp');
    expect(active.map((a) => a.userId)).toContain('whatsapp_628111000003');
    expect(active.map((a) => a.userId)).not.toContain('whatsapp_628111000004');
    expect(active[0].lastActivityAt).toBeInstanceOf(Date);
    await log.close();
  });

  test('when the same batch reaches the database twice (lost acknowledgement), then nothing is recorded twice', async () => {
    const transport = createPostgresChatLogTransport({ db: database.db });
    const ops = [{ type: 'turn', turnId: '6f2b0a52-8f7c-4b7e-9a43-0f1a2b3c4d5e', userId: 'whatsapp_628111000005', channel: 'whatsapp',
      messages: [{ seq: 0, role: 'user', content: 'sekali saja', at: T0.toISOString() }] }];
    await transport.call('chat_log_apply', { p_ops: ops });
    expect(await transport.call('chat_log_apply', { p_ops: ops })).toEqual({ turns: 0, skipped: 1 });
    const [s] = await sessions(database.db, 'whatsapp_628111000005');
    expect(s.message_count).toBe(1);
    expect(await messages(database.db, s.id)).toHaveLength(1);
  });

  test('when a channel passes a malformed turn, then nothing throws and the entry is counted as dropped', () => {
    const log = makeLogger();
    expect(() => log.logTurn({ userId: '', channel: 'web', userMessages: [] })).not.toThrow();
    expect(() => log.logTurn(null as never)).not.toThrow();
    expect(log.health().droppedWrites).toBe(2);
  });
});

describe('chat log: the log database is down or slow', () => {
  const unreachable = 'postgres://postgres@127.0.0.1:1/chatlog';

  test('when the log database cannot be reached, then logTurn returns at once, the app keeps answering and the failure is counted', async () => {
    const config = parseConfig({ NODE_ENV: 'test', SUPABASE_DATABASE_URL: unreachable });
    const transport = createChatLogTransport(config, silentLogger(), undefined as never);
    const chatLogger = createChatLogger({ transport, logger: silentLogger(), whatsappIdleMinutes: 60, retryBaseMs: 1, maxAttempts: 3 });
    const t: TestApp = await createTestApp({ env: { SUPABASE_DATABASE_URL: unreachable }, build: { overrides: { chatLogger } } });
    try {
      const result: unknown = t.deps.chatLogger.logTurn(turn('whatsapp_628111000009', 'whatsapp', T0, ['Halo?']));
      expect(result).toBeUndefined(); // not a promise: the reply never waits for the log
      expect(t.deps.chatLogger.health()).toMatchObject({ queued: 1, written: 0 });
      await request(t.app).get('/healthz').expect(200);
      await t.deps.chatLogger.flush();
      expect(t.deps.chatLogger.health()).toMatchObject({ queued: 0, written: 0, failedWrites: 1, transport: 'supabase-postgres' });
      expect(t.deps.chatLogger.health().lastError).toMatch(/ECONNREFUSED|connect/);
      expect(await t.deps.chatLogger.activeSessions('whatsapp')).toEqual([]);
      const r = await request(t.app).get('/api/analytics').expect(503);
      expect(r.body.error.code).toBe('chat-log-unavailable');
    } finally { await t.close(); }
  });

  test('when the queue is full, then new entries are dropped and counted, and the earlier ones are kept', async () => {
    const db = createPostgresDatabase({ url: unreachable, connectionTimeoutMs: 500 });
    const log = createChatLogger({ transport: createPostgresChatLogTransport({ db, separate: {} }), logger: silentLogger(),
      whatsappIdleMinutes: 60, maxQueue: 2, retryBaseMs: 1, maxAttempts: 2, batchSize: 10 });
    for (let i = 0; i < 5; i++) log.logTurn(turn(`whatsapp_62811100010${i}`, 'whatsapp', T0, ['x']));
    expect(log.health()).toMatchObject({ queued: 2, droppedWrites: 3 });
    await log.close();
    expect(log.health()).toMatchObject({ queued: 0, failedWrites: 2, droppedWrites: 3, written: 0 });
  });

  (hasServerDatabase() ? test : test.skip)('when the separate log database comes up after a failure, then the queued entries are written and its schema is applied', async () => {
    const name = `aicw_chatlog_${process.pid}_${Date.now()}`;
    const url = withDatabase(serverUrl()!, name);
    const config = parseConfig({ NODE_ENV: 'test', SUPABASE_DATABASE_URL: url });
    const transport = createChatLogTransport(config, silentLogger(), undefined as never);
    const log = createChatLogger({ transport, logger: silentLogger(), whatsappIdleMinutes: 60, retryBaseMs: 200, maxAttempts: 20 });
    const admin = createPostgresDatabase({ url: serverUrl()! });
    try {
      log.logTurn(turn('whatsapp_628111000200', 'whatsapp', T0, ['Halo dari Supabase']));
      // The database does not exist yet: wait for the first failure, then create it.
      while (!log.health().lastError) await new Promise((r) => setTimeout(r, 20));
      await admin.exec(`CREATE DATABASE "${name}"`);
      await log.flush();
      expect(log.health()).toMatchObject({ written: 1, failedWrites: 0 });
      const check = createPostgresDatabase({ url });
      try {
        expect((await sessions(check, 'whatsapp_628111000200'))[0]).toMatchObject({ message_count: 2 });
        // Only the chat-log schema: the main tables stay in the main database.
        expect((await check.query("SELECT to_regclass('usercreditinsights')::text AS t")).rows[0]).toEqual({ t: null });
      } finally { await check.close(); }
    } finally {
      await log.close();
      await admin.exec(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await admin.close();
    }
  });
});

describe('chat log switched off', () => {
  test('when ENABLE_CHAT_LOGGING=false, then nothing is recorded, analytics says so and the rest of the app works', async () => {
    const t = await createTestApp({ env: { ENABLE_CHAT_LOGGING: 'false' } });
    try {
      t.deps.chatLogger.logTurn(turn('whatsapp_628111000300', 'whatsapp', T0, ['Halo']));
      t.deps.chatLogger.endSession('google_1', 'web');
      await t.deps.chatLogger.flush();
      expect(t.deps.chatLogger.health()).toMatchObject({ enabled: false, transport: 'none' });
      expect(await sessions(t.database.db)).toEqual([]);
      const r = await request(t.app).get('/api/analytics').expect(503);
      expect(r.body.error.code).toBe('chat-logging-disabled');
      await request(t.app).get('/readyz').expect(200);
    } finally { await t.close(); }
  });

  test('when logging is on by default, then the app records turns in the main database', async () => {
    const t = await createTestApp();
    try {
      t.deps.chatLogger.logTurn(turn('google_42', 'web', T0, ['Halo web']));
      await t.deps.chatLogger.flush();
      expect(t.deps.chatLogger.health()).toMatchObject({ enabled: true, transport: t.database.db.engine === 'embedded' ? 'pglite' : 'postgres', written: 1 });
      expect(await sessions(t.database.db, 'google_42')).toHaveLength(1);
    } finally { await t.close(); }
  });
});
