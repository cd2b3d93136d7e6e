// Meta Graph API client: send text, mark read + typing indicator. Every call has a timeout;
// transient failures (network, 5xx, 429, throughput codes) are retried with exponential backoff
// and jitter within a bounded time; what cannot succeed (131047, 131026, 100, 190) is not retried.
import { Agent, request } from 'undici';
import type { Logger } from '../shared/logger';
import type { Metrics } from '../metrics/metrics';
import type { WhatsAppCredentials } from './credentials';

const RETRY_CODES = new Set([4, 80007, 130429, 131056, 131000, 131057, 1, 2]);
const PERMANENT_CODES = new Set([100, 190, 131047, 131026, 131051, 131008, 131009, 131021, 368]);

export interface GraphErrorInfo { code: number | null; status: number | null; message: string; at: string; tokenInvalid: boolean }

export class GraphApiError extends Error {
  constructor(message: string, public readonly status: number | null, public readonly code: number | null,
    public readonly retryable: boolean, public readonly retryAfterMs: number | null = null) {
    super(message);
    this.name = 'GraphApiError';
  }
}

export interface GraphClientOptions {
  credentials: WhatsAppCredentials;
  logger: Logger;
  timeoutMs?: number;
  /** Total time one send may spend retrying before giving up. */
  maxRetryMs?: number;
  retryBaseMs?: number;
  /** Called for every failed call (after classification): the status endpoint shows the last one. */
  onError?(info: GraphErrorInfo): void;
  sleep?(ms: number): Promise<void>;
  /** Waits for a slot of Meta's per-number send rate before every message send (send-rate.ts). */
  beforeSend?(): Promise<void>;
  metrics?: Pick<Metrics, 'graphCalls'>;
}

export interface GraphClient {
  sendText(to: string, body: string, opts?: { replyTo?: string }): Promise<{ messageId: string }>;
  /** Marks the message (and every earlier one) read and shows "typing…" for up to 25 s. */
  markReadAndTyping(messageId: string): Promise<void>;
  /** Marks the message (and every earlier one) read: blue ticks, no typing indicator. */
  markRead(messageId: string): Promise<void>;
  /** Closes the kept-alive connections (shutdown). */
  close(): Promise<void>;
}

export function createGraphClient(opts: GraphClientOptions): GraphClient {
  const { credentials: c, logger } = opts;
  const log = logger.child({ module: 'whatsapp-graph' });
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const maxRetryMs = opts.maxRetryMs ?? 60_000;
  const base = opts.retryBaseMs ?? 500;
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const endpoint = () => `${c.graphUrl.replace(/\/+$/, '')}/${c.graphVersion}/${encodeURIComponent(c.phoneNumberId)}/messages`;
  // undici's request() with kept-alive connections instead of fetch(): two Graph calls per reply,
  // and fetch spent about 5 times the CPU per call (WHATWG streams, an AbortSignal per call), which
  // capped how many replies a process could send per second (docs/benchmarks.md).
  const dispatcher = new Agent({ keepAliveTimeout: 30_000, connect: { timeout: timeoutMs } });

  async function once(body: unknown): Promise<Record<string, unknown>> {
    let status: number;
    let text: string;
    let retryAfterHeader: string | undefined;
    // One deadline for the whole call, on a precise timer. undici's own headers/body timeouts run on
    // a coarse clock (they can fire up to about half a second late): a Graph answer arriving in that
    // slack was taken as accepted by Meta yet retried by us, i.e. sent twice (seen in the fault suite).
    const abort = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => { timedOut = true; abort.abort(); }, timeoutMs);
    try {
      const res = await request(endpoint(), {
        method: 'POST', dispatcher, signal: abort.signal,
        headers: { authorization: `Bearer ${c.accessToken}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      status = res.statusCode;
      const ra = res.headers['retry-after'];
      retryAfterHeader = Array.isArray(ra) ? ra[0] : ra;
      text = await res.body.text();
    } catch (err) {
      const e = err as Error;
      const what = timedOut ? `timed out after ${timeoutMs} ms` : (e.cause as Error | undefined)?.message ?? e.message;
      throw new GraphApiError(`Graph API unreachable: ${what}`, null, null, true);
    } finally {
      clearTimeout(timer);
    }
    let json: Record<string, unknown> = {};
    try { json = text ? JSON.parse(text) : {}; } catch { /* not JSON: classified by status below */ }
    if (status >= 200 && status < 300) return json;
    const err = (json.error ?? {}) as { code?: number; message?: string };
    const code = typeof err.code === 'number' ? err.code : null;
    const retryAfter = Number(retryAfterHeader);
    const retryAfterMs = Number.isFinite(retryAfter) && retryAfterHeader !== undefined ? retryAfter * 1000 : null;
    const retryable = code !== null && PERMANENT_CODES.has(code) ? false
      : (code !== null && RETRY_CODES.has(code)) || status === 429 || status >= 500;
    throw new GraphApiError(err.message ?? `HTTP ${status}`, status, code, retryable, retryAfterMs);
  }

  function report(e: GraphApiError) {
    const info: GraphErrorInfo = { code: e.code, status: e.status, message: e.message.slice(0, 300), at: new Date().toISOString(), tokenInvalid: e.code === 190 };
    if (e.code === 190) {
      log.error({ graphError: info }, '🔑 WhatsApp access token expired or invalid (Graph error 190): set a new META_ACCESS_TOKEN');
    }
    try { opts.onError?.(info); } catch { /* reporting must not break sending */ }
  }

  async function call(body: unknown, what: 'send' | 'read', limitMs = maxRetryMs): Promise<Record<string, unknown>> {
    const started = Date.now();
    for (let attempt = 0; ; attempt++) {
      try {
        if (what === 'send' && opts.beforeSend) await opts.beforeSend();
        const json = await once(body);
        opts.metrics?.graphCalls.inc({ kind: what, result: '200' });
        return json;
      } catch (err) {
        const e = err instanceof GraphApiError ? err : new GraphApiError((err as Error).message, null, null, false);
        opts.metrics?.graphCalls.inc({ kind: what, result: e.status === null ? 'network' : `${e.status}${e.code !== null ? `/${e.code}` : ''}` });
        report(e);
        let wait = Math.round(Math.random() * base * 2 ** attempt) + base * 2 ** attempt / 2; // jittered backoff
        if (e.code === 131056) wait = Math.max(wait, 1000 * 4 ** attempt); // Meta: 4^X seconds for the pair limit
        if (e.retryAfterMs !== null) wait = Math.max(e.retryAfterMs, 0);
        if (!e.retryable || Date.now() - started + wait > limitMs) throw e;
        log.warn({ what, attempt: attempt + 1, code: e.code, status: e.status, waitMs: wait }, `Graph API call failed, retrying: ${e.message}`);
        await sleep(wait);
      }
    }
  }

  return {
    async sendText(to, body, o = {}) {
      const json = await call({
        messaging_product: 'whatsapp', recipient_type: 'individual', to, type: 'text',
        text: { body, preview_url: false },
        ...(o.replyTo ? { context: { message_id: o.replyTo } } : {}),
      }, 'send');
      const id = (json.messages as { id?: string }[] | undefined)?.[0]?.id;
      return { messageId: id ?? 'unknown' };
    },
    async markReadAndTyping(messageId) {
      await call({ messaging_product: 'whatsapp', status: 'read', message_id: messageId, typing_indicator: { type: 'text' } }, 'read',
        Math.min(maxRetryMs, 5000)); // cosmetic: never hold a reply back for long
    },
    async markRead(messageId) {
      // Blue ticks during the window: one attempt, no retry (the read+typing call at the window's end covers a lost one).
      await call({ messaging_product: 'whatsapp', status: 'read', message_id: messageId }, 'read', 0);
    },
    async close() { await dispatcher.close(); },
  };
}
