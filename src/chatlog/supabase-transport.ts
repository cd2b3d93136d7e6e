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

// supabase-js builds a Realtime (WebSocket) client in createClient, and on Node 20 (no global
// WebSocket) that throws unless a transport is given. The chat log never subscribes to anything,
// so a transport that refuses to connect is enough, and no WebSocket library is needed.
class NoRealtime {
  constructor() { throw new Error('Supabase Realtime is not used by the chat log'); }
}

export function createSupabaseChatLogTransport(opts: SupabaseTransportOptions): ChatLogTransport {
  const client = createClient(opts.url, opts.serviceRoleKey, {
    // A server process: no browser session to keep or refresh.
    auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
    realtime: { transport: NoRealtime as never },
    ...(opts.fetch ? { global: { fetch: opts.fetch } } : {}),
  });
  const timeoutMs = opts.timeoutMs ?? 10_000;
  return {
    name: 'supabase-js',
    async call<T>(fn: ChatLogFunction, args: Record<string, unknown>) {
      const body = Object.fromEntries(Object.entries(args).map(([k, v]) => [k, encode(v)]));
      // supabase-js resolves to { data, error } instead of throwing; our retries are the logger's,
      // so its own automatic retry is off.
      // A timer of our own, cleared when the call ends (an AbortSignal.timeout would keep the
      // process alive until it fires).
      const abort = new AbortController();
      const timer = setTimeout(() => abort.abort(new Error(`supabase ${fn}: no answer in ${timeoutMs} ms`)), timeoutMs);
      let result;
      try {
        result = await client.rpc(fn, body).retry(false).abortSignal(abort.signal);
      } finally { clearTimeout(timer); }
      const { data, error } = result;
      if (error) throw new Error(`supabase ${fn}: ${error.message}${error.code ? ` (${error.code})` : ''}`);
      return data as T;
    },
    // Nothing to release: plain HTTP requests, no channels (removeAllChannels would start
    // Realtime's disconnect timers and keep the process alive for seconds).
    async close() {},
  };
}
