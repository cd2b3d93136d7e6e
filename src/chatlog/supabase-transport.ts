// The chat log over Supabase's HTTP API (PostgREST) with supabase-js, for deployments that have
// SUPABASE_URL + SUPABASE_SERVICE_ROLE_KEY but no direct Postgres connection string. Every call is
// an rpc() of the same SQL functions the Postgres transport runs, so the tables and functions must
// be created in Supabase first (docs/supabase-chat-log.sql). Tested only against a fake PostgREST
// (test/helpers/fake-postgrest.ts); the Postgres transport is the recommended one.
import { createClient } from '@supabase/supabase-js';
import type { ChatLogFunction, ChatLogTransport } from './chatlog-repository';

export interface SupabaseTransportOptions {
  url: string;
  serviceRoleKey: string;
  timeoutMs?: number;
  fetch?: typeof fetch;
}

const encode = (v: unknown) => (v instanceof Date ? v.toISOString() : v);

export function createSupabaseChatLogTransport(opts: SupabaseTransportOptions): ChatLogTransport {
  const client = createClient(opts.url, opts.serviceRoleKey, {
    // A server process: no browser session to keep or refresh.
    auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
    ...(opts.fetch ? { global: { fetch: opts.fetch } } : {}),
  });
  const timeoutMs = opts.timeoutMs ?? 10_000;
  return {
    name: 'supabase-js',
    async call<T>(fn: ChatLogFunction, args: Record<string, unknown>) {
      const body = Object.fromEntries(Object.entries(args).map(([k, v]) => [k, encode(v)]));
      // supabase-js resolves to { data, error } instead of throwing; our retries are the logger's,
      // so its own automatic retry is off.
      const { data, error } = await client.rpc(fn, body).retry(false).abortSignal(AbortSignal.timeout(timeoutMs));
      if (error) throw new Error(`supabase ${fn}: ${error.message}${error.code ? ` (${error.code})` : ''}`);
      return data as T;
    },
    async close() {
      await client.removeAllChannels().catch(() => {});
    },
  };
}
