// Erasure and retention against the real database: a person who used both channels is erased by
// the operator route and by the CLI, and afterwards no table (nor a data-only dump) mentions them;
// the retention sweep bounds every registered table and runs once per period for the cluster.
import { execFileSync } from 'node:child_process';
import request from 'supertest';
import { runForget } from '../../src/cli/forget';
import { PERSONAL_DATA_TABLES } from '../../src/privacy/registry';
import { createPrivacyModule, RETENTION_JOB } from '../../src/privacy/privacy-module';
import type { Database } from '../../src/db/database';
import { createWhatsAppTestApp, recordingAi, type WhatsAppTestApp } from '../helpers/whatsapp-test-app';
import { eventually } from '../helpers/sandbox-app';
import { demoSignIn } from '../helpers/web-session';
import { statusUpdate, textPayload, webhookPayload } from '../helpers/whatsapp-payloads';

const TOKEN = 'privacy-admin-token-0123456789abcdef';
const PHONE = '6281277778888';
const OTHER = '6281255556666';

/** Tables of the database whose rows mention `needle` anywhere (every column, as text). */
async function tablesMentioning(db: Database, needle: string): Promise<string[]> {
  const tables = await db.query<{ table_name: string }>(
    "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'");
  const found: string[] = [];
  for (const { table_name: t } of tables.rows) {
    const r = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM "${t}" x WHERE x::text LIKE $1`, [`%${needle}%`]);
    if (r.rows[0].n) found.push(t);
  }
  return found.sort();
}

/** One person on WhatsApp (message, reply, status, sandbox event, usage) and a demo web user. */
async function useBothChannels(w: WhatsAppTestApp, phone: string) {
  await w.post(textPayload(phone, `halo, email saya ${phone}@example.com`, { name: 'Budi Santoso' })).expect(200);
  const sent = await eventually(async () => w.graph.sent().find((c) => JSON.stringify(c).includes(phone)));
  await w.post(webhookPayload({ statuses: [statusUpdate({ id: String((sent as { wamid?: string }).wamid ?? 'wamid.X'), status: 'delivered', recipient: phone })] })).expect(200);
  await w.database.db.query(`INSERT INTO sandbox_events (direction, phone, kind, method, path, body) VALUES ('webhook', $1, 'message', 'POST', '/webhook/whatsapp', $2)`, [phone, `{"from":"${phone}"}`]);
  await w.database.db.query("INSERT INTO ai_daily_usage (day, user_id, turns) VALUES (CURRENT_DATE, $1, 3)", [`whatsapp_${phone}`]);
  await w.deps.chatLogger.flush();
}

describe('erasure of one person', () => {
  let w: WhatsAppTestApp;
  beforeAll(async () => {
    w = await createWhatsAppTestApp({ ai: recordingAi(), bufferMs: 50, env: { ADMIN_TOKEN: TOKEN } });
  });
  afterAll(async () => { await w.close(); });

  test('when the operator erases a WhatsApp user by id, then every table loses them, the answer counts rows per table, and someone else is untouched', async () => {
    await useBothChannels(w, PHONE);
    await useBothChannels(w, OTHER);
    expect(await tablesMentioning(w.database.db, PHONE)).toEqual(expect.arrayContaining(['users', 'whatsapp_inbound', 'whatsapp_conversations', 'whatsapp_batches', 'conversation_messages', 'chat_messages', 'chat_sessions', 'whatsapp_statuses', 'usercreditinsights', 'sandbox_events', 'ai_daily_usage']));

    const noToken = await request(w.app).delete(`/api/privacy/users/whatsapp_${PHONE}`);
    expect(noToken.status).toBe(401);
    const res = await request(w.app).delete(`/api/privacy/users/whatsapp_${PHONE}`).set('Authorization', `Bearer ${TOKEN}`).expect(200);
    expect(res.body.deleted).toMatchObject({ users: 1, usercreditinsights: 1, whatsapp_conversations: 1, whatsapp_statuses: 1, sandbox_events: 1, ai_daily_usage: 1 });
    expect(res.body.deleted.whatsapp_inbound).toBeGreaterThanOrEqual(1);
    expect(res.body.deleted.conversation_messages).toBeGreaterThanOrEqual(2);
    expect(res.body.deleted.chat_messages).toBeGreaterThanOrEqual(2);
    expect(res.body.deleted.chat_sessions).toBe(1);
    expect(res.body.total).toBeGreaterThan(8);

    expect(await tablesMentioning(w.database.db, PHONE)).toEqual([]);
    expect(await tablesMentioning(w.database.db, OTHER)).toEqual(expect.arrayContaining(['users', 'whatsapp_inbound', 'chat_messages']));
    // Idempotent: a second run finds nothing.
    const again = await request(w.app).delete(`/api/privacy/users/whatsapp_${PHONE}`).set('Authorization', `Bearer ${TOKEN}`).expect(200);
    expect(again.body.total).toBe(0);
  });

  test('when a web user is erased, then their sessions, rate-limit rows, history and chat log go too', async () => {
    const { agent, csrf, userId } = await demoSignIn(w.app, 'Sari Web');
    await agent.post('/api/chat').set('X-CSRF-Token', csrf).send({ message: 'apa itu SLIK?' }).expect(200);
    await w.deps.chatLogger.flush();
    expect(await tablesMentioning(w.database.db, userId)).toEqual(expect.arrayContaining(['web_sessions', 'web_rate_limits', 'conversation_messages', 'chat_messages']));
    const res = await request(w.app).delete(`/api/privacy/users/${userId}`).set('Authorization', `Bearer ${TOKEN}`).expect(200);
    expect(res.body.deleted).toMatchObject({ users: 1, web_sessions: 1, web_rate_limits: 1 });
    expect(await tablesMentioning(w.database.db, userId)).toEqual([]);
    expect((await agent.get('/api/me')).status).toBe(401); // the login is gone with the session
  });

  test('when a web account linked to a WhatsApp number is erased, then the number\'s messages, link and code go too', async () => {
    const phone = '6281299990000';
    const { agent, csrf, userId } = await demoSignIn(w.app, 'Linked Person');
    await request(w.app).put(`/api/whatsapp/links/${phone}`).set('Authorization', `Bearer ${TOKEN}`).send({ userId }).expect(200);
    await agent.post('/api/link/whatsapp').set('X-CSRF-Token', csrf).send({}).expect(200); // a pending code
    await useBothChannels(w, phone);
    await eventually(async () => ((await w.count('SELECT count(*) AS n FROM conversation_messages WHERE user_id = $1', [userId])) >= 2 ? true : undefined));
    expect(await tablesMentioning(w.database.db, phone)).toEqual(expect.arrayContaining(['whatsapp_links', 'whatsapp_inbound']));
    expect(await tablesMentioning(w.database.db, userId)).toEqual(expect.arrayContaining(['whatsapp_links', 'whatsapp_link_codes', 'conversation_messages']));
    const res = await request(w.app).delete(`/api/privacy/users/${userId}`).set('Authorization', `Bearer ${TOKEN}`).expect(200);
    expect(res.body.deleted).toMatchObject({ whatsapp_links: 1, whatsapp_link_codes: 1 });
    expect(await tablesMentioning(w.database.db, phone)).toEqual([]);
    expect(await tablesMentioning(w.database.db, userId)).toEqual([]);
  });

  test('when `npm run forget -- +<phone>` is run, then it erases the person found by phone and prints the count per table; a data-only dump no longer contains them', async () => {
    const phone = '6281233334444';
    await useBothChannels(w, phone);
    const out: string[] = [];
    const code = await runForget([`+${phone}`], { config: w.config, db: w.database.db, logger: w.logs.logger, io: { out: (l) => out.push(l), err: (l) => out.push(l) } });
    expect(code).toBe(0);
    const printed = JSON.parse(out[0]);
    expect(printed.deleted).toMatchObject({ users: 1, whatsapp_conversations: 1 });
    expect(printed.subject.userIds).toContain(`whatsapp_${phone}`);
    expect(out[1]).toMatch(/erased \d+ row\(s\)/);
    expect(await tablesMentioning(w.database.db, phone)).toEqual([]);
    if (w.database.url) {
      let dump: string | null = null;
      try { dump = execFileSync('pg_dump', ['--data-only', w.database.url], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }); } catch { /* no matching pg_dump on this machine */ }
      if (dump !== null) {
        expect(dump).toContain(OTHER); // the dump does hold the data of others
        expect(dump).not.toContain(phone);
      }
    }
  });

  test('when the CLI is given no person, then it prints the usage; with --tables, the registry', async () => {
    const out: string[] = [];
    const io = { out: (l: string) => out.push(l), err: (l: string) => out.push(l) };
    expect(await runForget([], { config: w.config, db: w.database.db, logger: w.logs.logger, io })).toBe(2);
    expect(out.join('\n')).toMatch(/Usage: npm run forget/);
    expect(await runForget(['--tables'], { config: w.config, db: w.database.db, logger: w.logs.logger, io })).toBe(0);
    for (const t of PERSONAL_DATA_TABLES) expect(out.join('\n')).toContain(t.table);
  });
});

describe('retention', () => {
  let w: WhatsAppTestApp;
  const now = Date.now;
  beforeAll(async () => {
    w = await createWhatsAppTestApp({ ai: recordingAi(), bufferMs: 50, env: { DATA_RETENTION_DAYS: '10', CLEANUP_OLD_SESSIONS_DAYS: '30' } });
  });
  afterAll(async () => { await w.close(); });

  test('when DATA_RETENTION_DAYS is unset, then it defaults to CLEANUP_OLD_SESSIONS_DAYS', () => {
    expect(w.config.privacy.retentionDays).toBe(10);
    expect(require('../../src/config').parseConfig({ CLEANUP_OLD_SESSIONS_DAYS: '45' }).privacy.retentionDays).toBe(45);
  });

  test('when rows are older than DATA_RETENTION_DAYS, then the sweep deletes them in every registered table, keeps newer ones and work in progress, and logs the count per table', async () => {
    await useBothChannels(w, PHONE);
    const { agent, csrf } = await demoSignIn(w.app, 'Lama');
    await agent.post('/api/chat').set('X-CSRF-Token', csrf).send({ message: 'halo' }).expect(200);
    const db = w.database.db;
    // Age everything by 11 days, except one fresh conversation message.
    const old = "now() - interval '11 days'";
    for (const t of PERSONAL_DATA_TABLES) {
      if (!t.retention || t.retention.kind === 'expiry') continue;
      await db.query(`UPDATE ${t.table} SET ${t.retention.column} = ${t.retention.column === 'day' ? `(${old})::date` : old}`);
    }
    await db.query("UPDATE web_sessions SET expire = now() - interval '1 minute'");
    await db.query("INSERT INTO conversation_messages (user_id, channel, role, content) VALUES ($1, 'whatsapp', 'user', 'masih baru')", [`whatsapp_${PHONE}`]);
    // A conversation with a reply still pending is kept whatever its age.
    await db.query("INSERT INTO whatsapp_conversations (conversation_key, recipient, last_inbound_at, session_started_at, due_at) VALUES ('whatsapp_6280000000001', '6280000000001', now() - interval '40 days', now() - interval '40 days', now())");

    const privacy = w.deps.modules.find((m) => m.name === 'privacy') as ReturnType<typeof createPrivacyModule>;
    const r = await privacy.service.sweep();
    for (const t of ['whatsapp_inbound', 'whatsapp_batches', 'whatsapp_statuses', 'whatsapp_conversations', 'sandbox_events', 'web_sessions', 'web_rate_limits', 'ai_daily_usage', 'conversation_messages']) {
      expect([t, r.deleted[t]]).toEqual([t, expect.any(Number)]);
      expect([t, r.deleted[t] > 0]).toEqual([t, true]);
    }
    const left = await db.query<{ content: string }>('SELECT content FROM conversation_messages');
    expect(left.rows.map((x) => x.content)).toEqual(['masih baru']);
    expect((await db.query("SELECT 1 FROM whatsapp_conversations WHERE conversation_key = 'whatsapp_6280000000001'")).rows).toHaveLength(1);
    const line = w.logs.lines().find((l) => /🧹 retention: deleted \d+ row/.test(String(l.msg)));
    expect(line).toMatchObject({ module: 'privacy', olderThanDays: 10, deleted: expect.objectContaining({ whatsapp_inbound: expect.any(Number) }) });
  });

  test('when two instances start the sweep in the same period, then only one runs it', async () => {
    const a = createPrivacyModule(w.deps, { sweepEveryMs: 60_000, firstSweepAfterMs: 10, clock: now });
    const b = createPrivacyModule({ ...w.deps, cluster: w.deps.cluster }, { sweepEveryMs: 60_000, firstSweepAfterMs: 10, clock: now });
    await w.database.db.query('DELETE FROM cluster_jobs WHERE name = $1', [RETENTION_JOB]);
    const before = w.logs.lines().filter((l) => /🧹 retention/.test(String(l.msg))).length;
    await a.start?.(); await b.start?.();
    await new Promise((r) => setTimeout(r, 400));
    await a.stop?.(); await b.stop?.();
    expect(w.logs.lines().filter((l) => /🧹 retention/.test(String(l.msg))).length - before).toBe(1);
  });
});
