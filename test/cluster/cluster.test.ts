// PM2 cluster mode: several processes on one database. What must happen once happens once (the
// periodic cleanups), and a refresh-kb on one instance reaches every instance within seconds.
import fs from 'node:fs';
import path from 'node:path';
import { createClusterService } from '../../src/cluster/cluster-service';
import { createCleanupService } from '../../src/chatlog/cleanup-service';
import { createPostgresChatLogTransport } from '../../src/chatlog/chatlog-repository';
import { captureLogs } from '../helpers/test-app';
import { createTestDatabase, hasServerDatabase, type TestDatabase } from '../helpers/test-database';
import { useServerProcesses, type ServerProcess } from '../helpers/server-process';
import { tempDir, writePdf } from '../helpers/kb-fixtures';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const logLines = (s: ServerProcess) => s.output().split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { msg: string });

describe('cluster coordination through the database', () => {
  let database: TestDatabase;
  beforeEach(async () => { database = await createTestDatabase(); });
  afterEach(async () => { await database.drop(); });

  test('when two processes try to run the same periodic job, then only one of them runs it in that period', async () => {
    const a = createClusterService({ db: database.db, owner: 'a' });
    const b = createClusterService({ db: database.db, owner: 'b' });
    const t0 = Date.parse('2026-11-25T12:00:00Z');
    const first = await Promise.all([a.claimRun('job', 60_000, t0), b.claimRun('job', 60_000, t0 + 5)]);
    expect(first.filter(Boolean)).toHaveLength(1);
    expect(await b.claimRun('job', 60_000, t0 + 30_000)).toBe(false); // same period
    expect(await b.claimRun('job', 60_000, t0 + 60_000)).toBe(true); // next period: whoever comes first
    expect(await a.claimRun('job', 60_000, t0 + 60_500)).toBe(false);
  });

  test('when a generation is bumped by one process, then another process reads the new value', async () => {
    const a = createClusterService({ db: database.db, owner: 'a' });
    const b = createClusterService({ db: database.db, owner: 'b' });
    expect(await b.generation('kb_generation')).toBe(0);
    expect(await a.bump('kb_generation')).toBe(1);
    expect(await b.generation('kb_generation')).toBe(1);
  });

  test('when two processes run the chat log cleanup timers, then old sessions are deleted by one run only', async () => {
    const now = Date.now();
    await database.db.query(
      `INSERT INTO chat_sessions (id, user_id, channel, started_at, last_activity_at, message_count)
       SELECT gen_random_uuid(), 'whatsapp_62819' || g, 'whatsapp', $1, $1, 0 FROM generate_series(1, 3) g`, [new Date(now - 40 * 86_400_000)]);
    const logs = [captureLogs('debug'), captureLogs('debug')];
    const services = logs.map((l, i) => createCleanupService({
      transport: createPostgresChatLogTransport({ db: database.db }), logger: l.logger, whatsappIdleMinutes: 60, deleteOld: true, oldSessionsDays: 30,
      sweepEveryMs: 3_600_000, deleteEveryMs: 86_400_000, firstDeleteAfterMs: 20,
      claimRun: (job, every, at) => createClusterService({ db: database.db, owner: `p${i}` }).claimRun(job, every, at),
    }));
    for (const s of services) s.start();
    await sleep(1500);
    for (const s of services) await s.stop();
    const runs = logs.flatMap((l) => l.lines()).filter((l) => /deleted \d+ chat session/.test(String(l.msg)));
    expect(runs.map((l) => l.msg)).toEqual(['🧹 deleted 3 chat session(s) older than 30 days']);
    const skipped = logs.flatMap((l) => l.lines()).filter((l) => /already done by another process/.test(String(l.msg)));
    expect(skipped).toHaveLength(1);
  });
});

(hasServerDatabase() ? describe : describe.skip)('PM2 cluster: two server processes on one database', () => {
  const w = useServerProcesses();

  test('when refresh-kb is called on one instance, then the other instance reloads the new PDFs within seconds', async () => {
    const kb = tempDir('cluster-kb');
    const env = { KNOWLEDGE_DIR: kb, KB_SYNC_INTERVAL_MS: '500' };
    const [a, b] = await Promise.all([w.start(env), w.start(env)]);
    const loaded = (s: ServerProcess, files: number) => logLines(s).some((l) => l.msg.startsWith(`📚 Knowledge base loaded: ${files} file(s)`));
    for (let i = 0; i < 100 && !(loaded(a, 0) && loaded(b, 0)); i++) await sleep(100);
    expect(loaded(b, 0)).toBe(true);
    await writePdf(path.join(kb, 'panduan-baru.pdf'), ['Kolektibilitas 5 disebut macet.']);
    const res = await fetch(`${a.url}/api/whatsapp/refresh-kb`, { method: 'POST' });
    expect(res.status).toBe(200);
    expect((await res.json()).files).toHaveLength(1);
    // The other instance, whose folder check runs only every minute, follows within a few seconds.
    for (let i = 0; i < 150 && !loaded(b, 1); i++) await sleep(100); // parsing the PDF takes seconds on a loaded machine
    expect(loaded(b, 1)).toBe(true);
    expect(logLines(b).some((l) => l.msg.includes('refreshed on another instance'))).toBe(true);
    fs.rmSync(kb, { recursive: true, force: true });
  }, 60_000);

  test('when two instances start together with inactive WhatsApp sessions, then the session cleanup closes each session once, in one process', async () => {
    const old = new Date(Date.now() - 3 * 3_600_000);
    await w.database.db.query(
      `INSERT INTO whatsapp_conversations (conversation_key, recipient, phone, last_inbound_at, session_started_at, session_messages)
       SELECT 'whatsapp_62818' || g, '62818' || g, '62818' || g, $1, $1, 2 FROM generate_series(1, 4) g`, [old]);
    const [a, b] = await Promise.all([w.start(), w.start()]);
    const closed = () => [a, b].flatMap(logLines).filter((l) => l.msg.startsWith('🧹 Closed'));
    for (let i = 0; i < 100 && !closed().length; i++) await sleep(100);
    await sleep(1000);
    expect(closed().map((l) => l.msg)).toEqual(['🧹 Closed 4 inactive WhatsApp session(s)']);
    const r = await w.database.db.query<{ n: number }>('SELECT count(*)::int AS n FROM whatsapp_conversations WHERE session_ended_at IS NOT NULL');
    expect(r.rows[0].n).toBe(4);
  }, 60_000);
});
