// The operator inbox reads one row per person from conversation_summaries, which triggers keep in
// step with the history whatever writes it: several people in one statement (a batch finish), an
// account link moving messages to another user id, erasure and retention deleting them. Checked on
// both engines, since the triggers use transition tables.
import { createEmbeddedDatabase, type Database } from '../../src/db/database';
import { migrate } from '../../src/db/migrator';
import { createOperatorRepository } from '../../src/operator/operator-repository';
import { createTestDatabase, hasServerDatabase } from '../helpers/test-database';

const engines: [string, () => Promise<{ db: Database; drop(): Promise<void> }>][] = [
  ['embedded', async () => { const db = await createEmbeddedDatabase({}); await migrate(db); return { db, drop: () => db.close() }; }],
  ...(hasServerDatabase() ? [['PostgreSQL server', () => createTestDatabase()] as [string, () => Promise<{ db: Database; drop(): Promise<void> }>]] : []),
];

describe.each(engines)('inbox summaries (%s)', (_name, open) => {
  let t: { db: Database; drop(): Promise<void> };
  beforeAll(async () => { t = await open(); }, 60_000);
  afterAll(() => t.drop());

  const inbox = async () => (await createOperatorRepository({ db: t.db }).inbox({ limit: 50 })).map((r) => `${r.user_id}:${r.content}`);
  const at = (min: number) => new Date(Date.UTC(2026, 0, 1, 10, min));
  const add = (rows: [string, string, number][]) => t.db.query(
    `INSERT INTO conversation_messages (user_id, channel, role, content, created_at)
     SELECT u, 'whatsapp', 'user', c, m FROM unnest($1::text[], $2::text[], $3::timestamptz[]) AS x(u, c, m)`,
    [rows.map((r) => r[0]), rows.map((r) => r[1]), rows.map((r) => at(r[2]))]);

  it('when messages of several people are written, moved to another user id and deleted, then the inbox always lists each person once by their latest message, newest first', async () => {
    await t.db.query("INSERT INTO users (id, channel) VALUES ('sum_a', 'whatsapp'), ('sum_b', 'whatsapp'), ('sum_c', 'web')");
    await add([['sum_a', 'a1', 1], ['sum_b', 'b1', 2], ['sum_a', 'a2', 3]]); // one statement, like a batch finish
    expect(await inbox()).toEqual(['sum_a:a2', 'sum_b:b1']);
    await add([['sum_b', 'b2', 4]]);
    expect(await inbox()).toEqual(['sum_b:b2', 'sum_a:a2']);

    await t.db.query("UPDATE conversation_messages SET user_id = 'sum_c' WHERE user_id = 'sum_b'"); // an account link
    expect(await inbox()).toEqual(['sum_c:b2', 'sum_a:a2']);

    await t.db.query("DELETE FROM conversation_messages WHERE content = 'a2'");
    expect(await inbox()).toEqual(['sum_c:b2', 'sum_a:a1']);
    await t.db.query("DELETE FROM users WHERE id = 'sum_c'"); // erasure: the history goes by cascade
    expect(await inbox()).toEqual(['sum_a:a1']);
    const left = await t.db.query<{ user_id: string }>('SELECT user_id FROM conversation_summaries ORDER BY user_id');
    expect(left.rows.map((r) => r.user_id)).toEqual(['sum_a']);
  });
});
