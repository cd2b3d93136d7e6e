// The chat log's storage, seen as a handful of SQL functions (src/db/migrations/020-chat-log.sql).
// Both transports call the same functions: over our Database (pg or PGlite) with SELECT, or over
// PostgREST with supabase-js rpc (supabase-transport.ts). So the SQL is written and tested once.
import type { Database } from '../db/database';
import { migrate, readMigrations } from '../db/migrator';
import type { Logger } from '../shared/logger';

export type ChatLogFunction =
  | 'chat_log_apply'
  | 'chat_log_active_sessions'
  | 'chat_log_end_idle'
  | 'chat_log_delete_before'
  | 'chat_log_analytics'
  | 'chat_log_forget';

export interface ChatLogTransport {
  /** 'postgres' (main database), 'supabase-postgres' (SUPABASE_DATABASE_URL) or 'supabase-js'. */
  readonly name: string;
  /** Calls one chat-log function with named arguments; resolves to its jsonb result. */
  call<T>(fn: ChatLogFunction, args: Record<string, unknown>): Promise<T>;
  close(): Promise<void>;
}

/** The chat-log migrations only (020..029, and 101: erasure): what a separate log database needs. */
export function chatLogMigrations() {
  return readMigrations().filter((m) => /^02\d$/.test(m.version) || m.version === '101');
}

const encode = (v: unknown) => (v instanceof Date ? v.toISOString() : v !== null && typeof v === 'object' ? JSON.stringify(v) : v);

export interface PostgresTransportOptions {
  db: Database;
  name?: string;
  /** Per call; a slow log database must not hold connections the replies need. */
  statementTimeoutMs?: number;
  /** A separate log database: apply the chat-log schema on first use, close it with the transport. */
  separate?: { logger?: Logger };
}

export function createPostgresChatLogTransport(opts: PostgresTransportOptions): ChatLogTransport {
  const { db } = opts;
  const timeout = Math.max(1, Math.floor(opts.statementTimeoutMs ?? 10_000));
  let schema: Promise<unknown> | null = null;
  const ensureSchema = () => {
    if (!opts.separate) return Promise.resolve();
    // Memoised while it succeeds; a failure (database down) is retried by the next call.
    schema ??= migrate(db, { logger: opts.separate.logger, migrations: chatLogMigrations() }).catch((err) => {
      schema = null;
      throw err;
    });
    return schema;
  };
  return {
    name: opts.name ?? 'postgres',
    async call<T>(fn: ChatLogFunction, args: Record<string, unknown>) {
      await ensureSchema();
      const names = Object.keys(args);
      const sql = `SELECT ${fn}(${names.map((n, i) => `${n} => $${i + 1}`).join(', ')}) AS result`;
      const params = names.map((n) => encode(args[n]));
      return db.transaction(async (tx) => {
        // SET LOCAL only lasts for this transaction, so the shared pool is left as it was.
        await tx.query(`SET LOCAL statement_timeout = ${timeout}`);
        const r = await tx.query<{ result: T }>(sql, params);
        return r.rows[0].result;
      });
    },
    async close() {
      if (opts.separate) await db.close();
    },
  };
}
