// Versioned plain-SQL migrations, applied in file-name order inside one transaction that holds a
// Postgres advisory lock, so two processes starting at once cannot both apply the same file.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Database } from './database';
import type { Logger } from '../shared/logger';

const LOCK_KEY = 727_001; // arbitrary, constant: identifies "schema migrations" among advisory locks

export interface Migration { version: string; name: string; sql: string; checksum: string }

export function migrationsDir(): string {
  // src/db/migrations when run from source (tests, tsx); dist/db/migrations once built (copied by the build).
  return path.join(__dirname, 'migrations');
}

export function readMigrations(dir = migrationsDir()): Migration[] {
  const migrations = fs.readdirSync(dir)
    .filter((f) => /^\d{3,}-[\w-]+\.sql$/.test(f))
    .sort()
    .map((file) => {
      const sql = fs.readFileSync(path.join(dir, file), 'utf8');
      return {
        version: file.split('-')[0],
        name: file.replace(/\.sql$/, ''),
        sql,
        checksum: crypto.createHash('sha256').update(sql).digest('hex').slice(0, 16),
      };
    });
  // The version is the key in schema_migrations: two files with one number would silently skip one.
  const seen = new Map<string, string>();
  for (const m of migrations) {
    const other = seen.get(m.version);
    if (other) throw new Error(`Two migrations share version ${m.version}: ${other} and ${m.name}. Renumber the newer one.`);
    seen.set(m.version, m.name);
  }
  return migrations;
}

export interface MigrationReport { applied: string[]; alreadyApplied: number }

export async function migrate(db: Database, opts: { logger?: Logger; migrations?: Migration[] } = {}): Promise<MigrationReport> {
  const migrations = opts.migrations ?? readMigrations();
  return db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [LOCK_KEY]);
    await tx.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version text PRIMARY KEY, name text NOT NULL, checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
    const done = await tx.query<{ version: string; checksum: string; name: string }>('SELECT version, name, checksum FROM schema_migrations');
    const byVersion = new Map(done.rows.map((r) => [r.version, r]));
    const applied: string[] = [];
    for (const m of migrations) {
      const prev = byVersion.get(m.version);
      if (prev) {
        if (prev.checksum !== m.checksum) {
          opts.logger?.warn({ migration: m.name }, 'an applied migration file was edited; add a new migration instead');
        }
        continue;
      }
      await tx.exec(m.sql);
      await tx.query('INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)', [m.version, m.name, m.checksum]);
      applied.push(m.name);
    }
    if (applied.length) opts.logger?.info({ applied }, `applied ${applied.length} database migration(s)`);
    return { applied, alreadyApplied: byVersion.size };
  });
}

/** Names of migrations on disk that the database has not applied (empty when up to date). */
export async function pendingMigrations(db: Database, migrations = readMigrations()): Promise<string[]> {
  const exists = await db.query<{ t: string | null }>("SELECT to_regclass('schema_migrations')::text AS t");
  if (!exists.rows[0]?.t) return migrations.map((m) => m.name);
  const done = await db.query<{ version: string }>('SELECT version FROM schema_migrations');
  const have = new Set(done.rows.map((r) => r.version));
  return migrations.filter((m) => !have.has(m.version)).map((m) => m.name);
}
