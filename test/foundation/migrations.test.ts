import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createEmbeddedDatabase, createPostgresDatabase, type Database } from '../../src/db/database';
import { migrate, pendingMigrations, readMigrations } from '../../src/db/migrator';
import { createTestDatabase, hasServerDatabase } from '../helpers/test-database';

const TABLES = ['users', 'usercreditinsights', 'usertradelinedata', 'userpaymenthistory', 'conversation_messages', 'schema_migrations'];

async function tables(db: Database): Promise<string[]> {
  const r = await db.query<{ tablename: string }>("SELECT tablename FROM pg_tables WHERE schemaname = 'public'");
  return r.rows.map((x) => x.tablename);
}

async function expectFullyMigrated(db: Database) {
  expect(await pendingMigrations(db)).toEqual([]);
  const names = await tables(db);
  for (const t of TABLES) expect(names).toContain(t);
  const applied = await db.query<{ n: number }>('SELECT count(*) AS n FROM schema_migrations');
  expect(applied.rows[0].n).toBe(readMigrations().length);
}

describe('migration files', () => {
  test('when two migration files share a version number, then reading them fails with both names', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aicw-mig-'));
    fs.writeFileSync(path.join(dir, '060-cluster.sql'), 'SELECT 1;');
    fs.writeFileSync(path.join(dir, '060-rate-limit.sql'), 'SELECT 2;');
    expect(() => readMigrations(dir)).toThrow(/060-cluster and 060-rate-limit/);
  });
});

describe('migrations on the embedded engine', () => {
  test('when migrations run twice in a row, then the second run applies nothing', async () => {
    const db = await createEmbeddedDatabase({});
    try {
      expect(await pendingMigrations(db)).toEqual(readMigrations().map((m) => m.name));
      const first = await migrate(db);
      expect(first.applied).toHaveLength(readMigrations().length);
      const second = await migrate(db);
      expect(second.applied).toEqual([]);
      await expectFullyMigrated(db);
    } finally { await db.close(); }
  });

  test('when two starts migrate at the same moment, then each migration is applied once', async () => {
    const db = await createEmbeddedDatabase({});
    try {
      const [a, b] = await Promise.all([migrate(db), migrate(db)]);
      expect(a.applied.length + b.applied.length).toBe(readMigrations().length);
      await expectFullyMigrated(db);
    } finally { await db.close(); }
  });
});

// Two processes on one database need a PostgreSQL server (.ci/run provides one through TEST_DATABASE_URL).
(hasServerDatabase() ? describe : describe.skip)('migrations on a PostgreSQL server', () => {
  test('when migrations run twice in a row, then the second run applies nothing', async () => {
    const t = await createTestDatabase({ migrated: false });
    try {
      expect((await migrate(t.db)).applied).toHaveLength(readMigrations().length);
      expect((await migrate(t.db)).applied).toEqual([]);
      await expectFullyMigrated(t.db);
    } finally { await t.drop(); }
  });

  test('when two processes start at once on an empty database, then each migration is applied exactly once', async () => {
    const t = await createTestDatabase({ migrated: false });
    // Separate pools behave like separate processes: separate connections racing for the lock.
    const a = createPostgresDatabase({ url: t.url!, poolMax: 2 });
    const b = createPostgresDatabase({ url: t.url!, poolMax: 2 });
    try {
      const [ra, rb] = await Promise.all([migrate(a), migrate(b)]);
      expect(ra.applied.length + rb.applied.length).toBe(readMigrations().length);
      await expectFullyMigrated(t.db);
    } finally {
      await a.close(); await b.close(); await t.drop();
    }
  });
});
