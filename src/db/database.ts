// One Database interface for all code, over a real PostgreSQL server (pg) or an embedded
// Postgres (PGlite). The same SQL runs on both; result types are aligned (int8 and numeric come
// back as JS numbers on both engines, timestamps as Date).
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import type { Logger } from '../shared/logger';

export interface QueryResult<T> { rows: T[]; rowCount: number }

export interface QueryOptions {
  /**
   * Server engine: run as a named prepared statement, parsed and planned once per connection
   * instead of on every call (about a third of the database CPU of the webhook's insert). Only for
   * fixed SQL text: one name must always mean the same text. Ignored by the embedded engine.
   */
  name?: string;
}

export interface Queryable {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[], opts?: QueryOptions): Promise<QueryResult<T>>;
  /** Runs several statements without parameters (migrations, scripts). */
  exec(sql: string): Promise<void>;
}

export interface Database extends Queryable {
  readonly engine: 'postgres' | 'embedded';
  /** Runs fn inside BEGIN/COMMIT on one connection; ROLLBACK when it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /** Cheap round trip; throws when the database cannot be reached. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

const INT8 = 20;
const NUMERIC = 1700;
const toNumber = (v: string) => (v === null ? null : Number(v));

export interface PostgresOptions { url: string; poolMax?: number; logger?: Logger; connectionTimeoutMs?: number; applicationName?: string }

export function createPostgresDatabase(opts: PostgresOptions): Database & { pool: pg.Pool } {
  const pool = new pg.Pool({
    connectionString: opts.url,
    max: opts.poolMax ?? 10,
    connectionTimeoutMillis: opts.connectionTimeoutMs ?? 5000,
    idleTimeoutMillis: 30_000,
    application_name: opts.applicationName ?? 'ai-chat-whatsapp',
    types: {
      getTypeParser: ((oid: number, format?: string) =>
        oid === INT8 || oid === NUMERIC ? toNumber : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
    },
  });
  // Without this listener an idle client dying (database restart) would crash the process.
  pool.on('error', (err) => opts.logger?.warn({ err: { message: err.message, code: (err as { code?: string }).code } }, 'database connection lost; the pool will reconnect'));
  // The pool and a transaction's client run a query the same way (named = prepared, see QueryOptions).
  const run = async <T>(on: pg.Pool | pg.PoolClient, sql: string, params?: unknown[], o?: QueryOptions): Promise<QueryResult<T>> => {
    const r = o?.name ? await on.query({ name: o.name, text: sql, values: params as unknown[] }) : await on.query(sql, params as unknown[]);
    return { rows: r.rows as T[], rowCount: r.rowCount ?? 0 };
  };
  const query = <T>(sql: string, params?: unknown[], o?: QueryOptions) => run<T>(pool, sql, params, o);
  return {
    engine: 'postgres',
    pool,
    query,
    async exec(sql) { await pool.query(sql); },
    async transaction(fn) {
      const client = await pool.connect();
      let broken = false;
      try {
        await client.query('BEGIN');
        const tx: Queryable = {
          query: <T>(sql: string, params?: unknown[], o?: QueryOptions) => run<T>(client, sql, params, o),
          exec: async (sql: string) => { await client.query(sql); },
        };
        const result = await fn(tx);
        await client.query('COMMIT');
        return result;
      } catch (err) {
        try { await client.query('ROLLBACK'); } catch { broken = true; }
        throw err;
      } finally {
        client.release(broken);
      }
    },
    async ping() { await pool.query('SELECT 1'); },
    async close() { await pool.end(); },
  };
}

export interface EmbeddedOptions {
  /** Directory for the data files; undefined or 'memory://' keeps everything in memory. */
  dataDir?: string;
  /** A data directory dump (from PGlite.dumpDataDir) to start from, e.g. a migrated template. */
  loadDataDir?: Blob | File;
}

// PGlite is ESM-first and heavy; load it only when the embedded engine is used.
async function loadPglite() {
  const mod = await import('@electric-sql/pglite');
  return mod.PGlite;
}

export async function createEmbeddedDatabase(opts: EmbeddedOptions = {}): Promise<Database & { dump(): Promise<Blob> }> {
  const PGlite = await loadPglite();
  const dataDir = opts.dataDir && opts.dataDir !== 'memory://' ? path.resolve(opts.dataDir) : undefined;
  if (dataDir) fs.mkdirSync(path.dirname(dataDir), { recursive: true });
  const db = await PGlite.create({
    ...(dataDir ? { dataDir } : {}),
    ...(opts.loadDataDir ? { loadDataDir: opts.loadDataDir } : {}),
    parsers: { [INT8]: toNumber, [NUMERIC]: toNumber },
  });
  let closed = false;
  type Pg = {
    query: (sql: string, params?: unknown[]) => Promise<{ rows: unknown[]; affectedRows?: number }>;
    exec: (sql: string) => Promise<unknown>;
  };
  const wrap = (q: Pg): Queryable => ({
    query: async <T>(sql: string, params?: unknown[]) => {
      if (closed) throw new Error('embedded database is closed');
      const r = await q.query(sql, params);
      return { rows: r.rows as T[], rowCount: r.affectedRows ?? r.rows.length };
    },
    exec: async (sql: string) => {
      if (closed) throw new Error('embedded database is closed');
      await q.exec(sql);
    },
  });
  const base = wrap(db);
  return {
    engine: 'embedded',
    query: base.query,
    exec: base.exec,
    transaction: (fn) => db.transaction((tx) => fn(wrap(tx))),
    async ping() { if (closed) throw new Error('embedded database is closed'); await db.query('SELECT 1'); },
    /** A data-directory dump to start other instances from (test templates). */
    dump: () => db.dumpDataDir('none'),
    async close() { if (!closed) { closed = true; await db.close(); } },
  };
}

export interface DatabaseConfig { url?: string; poolMax: number; embeddedDir: string }

/** DATABASE_URL → PostgreSQL server; otherwise the embedded engine under ./data. */
export async function openDatabase(cfg: DatabaseConfig, logger?: Logger): Promise<Database> {
  if (cfg.url) return createPostgresDatabase({ url: cfg.url, poolMax: cfg.poolMax, logger });
  return createEmbeddedDatabase({ dataDir: cfg.embeddedDir });
}
