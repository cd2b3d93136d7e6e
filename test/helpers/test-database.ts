// Each test file gets its own clean, migrated database so files can run in parallel:
//  - TEST_DATABASE_URL set: a new PostgreSQL database cloned from a migrated template;
//  - otherwise: an in-memory embedded database loaded from a migrated template dump.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { createEmbeddedDatabase, createPostgresDatabase, type Database } from '../../src/db/database';
import { migrate, readMigrations } from '../../src/db/migrator';

export const CACHE_DIR = path.resolve(__dirname, '../../node_modules/.cache/ai-chat-whatsapp');

export function migrationsHash(): string {
  const h = crypto.createHash('sha256');
  for (const m of readMigrations()) h.update(m.name).update(m.checksum);
  return h.digest('hex').slice(0, 12);
}

export const templateDbName = () => `aicw_tpl_${migrationsHash()}`;
export const embeddedTemplatePath = () => path.join(CACHE_DIR, `pglite-${migrationsHash()}.tar`);
export const serverUrl = () => process.env.TEST_DATABASE_URL;

export function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: serverUrl() });
  await c.connect();
  try { return await fn(c); } finally { await c.end(); }
}

/** Builds the migrated template once per migration set (called from jest globalSetup). */
export async function ensureTemplate(): Promise<void> {
  if (serverUrl()) {
    const name = templateDbName();
    await admin(async (c) => {
      await c.query('SELECT pg_advisory_lock(727002)');
      try {
        const exists = await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
        if (exists.rowCount) return;
        const building = `${name}_building`;
        await c.query(`DROP DATABASE IF EXISTS "${building}"`);
        await c.query(`CREATE DATABASE "${building}"`);
        const db = createPostgresDatabase({ url: withDatabase(serverUrl()!, building), poolMax: 1 });
        try { await migrate(db); } finally { await db.close(); }
        await c.query(`ALTER DATABASE "${building}" RENAME TO "${name}"`);
      } finally {
        await c.query('SELECT pg_advisory_unlock(727002)');
      }
    });
    return;
  }
  const file = embeddedTemplatePath();
  if (fs.existsSync(file)) return;
  fs.mkdirSync(CACHE_DIR, { recursive: true });
  const db = await createEmbeddedDatabase({});
  await migrate(db);
  const blob = await db.dump();
  await db.close();
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, Buffer.from(await blob.arrayBuffer()));
  fs.renameSync(tmp, file);
}

export interface TestDatabase {
  db: Database;
  /** Connection string (server engine only): for child processes that share this database. */
  url?: string;
  drop(): Promise<void>;
}

/** A fresh migrated database for one test file. */
export async function createTestDatabase(opts: { migrated?: boolean } = {}): Promise<TestDatabase> {
  const migrated = opts.migrated ?? true;
  if (serverUrl()) {
    const name = `aicw_t_${process.pid}_${crypto.randomBytes(4).toString('hex')}`;
    await admin((c) => c.query(migrated ? `CREATE DATABASE "${name}" TEMPLATE "${templateDbName()}"` : `CREATE DATABASE "${name}"`));
    const url = withDatabase(serverUrl()!, name);
    const db = createPostgresDatabase({ url, poolMax: 5 });
    return {
      db, url,
      async drop() {
        await db.close().catch(() => {});
        await admin((c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
      },
    };
  }
  const db = migrated
    ? await createEmbeddedDatabase({ loadDataDir: new Blob([fs.readFileSync(embeddedTemplatePath())]) })
    : await createEmbeddedDatabase({});
  return { db, drop: () => db.close() };
}

/** True when tests can start several server processes on one database (needs a PostgreSQL server). */
export const hasServerDatabase = () => Boolean(serverUrl());
