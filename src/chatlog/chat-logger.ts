// The ChatLogger: logTurn/endSession only push onto a bounded in-memory queue and return; one
// background writer sends the queue in batches and retries a failed batch a bounded number of
// times. What could not be written (retries exhausted) or not even queued (queue full) is counted
// and shown by health(), so a slow or dead log database never delays or breaks a reply.
import crypto from 'node:crypto';
import type { Channel } from '../ai/types';
import type { Logger } from '../shared/logger';
import type { ChatLogger, LoggedTurn } from './types';
import type { ChatLogTransport } from './chatlog-repository';

export interface ChatLoggerOptions {
  transport: ChatLogTransport;
  logger: Logger;
  /** WhatsApp sessions end after this much inactivity (WHATSAPP_SESSION_TIMEOUT_MINUTES). */
  whatsappIdleMinutes: number;
  clock?: () => number;
  /** Operations held in memory at most; beyond that new ones are dropped and counted. */
  maxQueue?: number;
  batchSize?: number;
  /** Attempts per batch before its operations are given up and counted as failed. */
  maxAttempts?: number;
  retryBaseMs?: number;
  retryMaxMs?: number;
  /** How long close() waits for queued writes before giving up on them. */
  closeTimeoutMs?: number;
}

// Long texts are cut so one huge message cannot make the queue's memory unbounded.
const MAX_TEXT = 20_000;
const clip = (s: unknown) => (typeof s === 'string' ? s : String(s ?? '')).slice(0, MAX_TEXT);
const CHANNELS = new Set<Channel>(['whatsapp', 'web']);

type Op = Record<string, unknown> & { type: 'turn' | 'end' };

export function createChatLogger(opts: ChatLoggerOptions): ChatLogger {
  const log = opts.logger.child({ module: 'chatlog' });
  const clock = opts.clock ?? Date.now;
  const maxQueue = opts.maxQueue ?? 10_000;
  const batchSize = opts.batchSize ?? 100;
  const maxAttempts = opts.maxAttempts ?? 5;
  const retryBaseMs = opts.retryBaseMs ?? 500;
  const retryMaxMs = opts.retryMaxMs ?? 30_000;
  const { transport } = opts;

  const queue: Op[] = [];
  let inFlight = 0;
  let written = 0;
  let failedWrites = 0;
  let droppedWrites = 0;
  let lastError: { message: string; at: Date } | undefined;
  let running: Promise<void> | null = null;
  let closed = false;
  let abandon = false;
  let wakeRetry: (() => void) | null = null;
  let lastDropWarning = 0;

  const enqueue = (op: Op) => {
    if (closed || queue.length >= maxQueue) {
      droppedWrites += 1;
      // One warning per minute at most: a dead log database must not flood the log.
      if (clock() - lastDropWarning > 60_000) {
        lastDropWarning = clock();
        log.warn({ queued: queue.length, droppedWrites }, closed ? 'chat log closed: write dropped' : 'chat log queue full: writes are being dropped');
      }
      return;
    }
    queue.push(op);
    kick();
  };

  function kick() {
    if (running || abandon || !queue.length) return;
    running = pump().finally(() => { running = null; kick(); });
  }

  const sleep = (ms: number) => new Promise<void>((resolve) => {
    const t = setTimeout(() => { wakeRetry = null; resolve(); }, ms);
    t.unref?.();
    wakeRetry = () => { clearTimeout(t); wakeRetry = null; resolve(); };
  });

  async function pump(): Promise<void> {
    // Let the caller's reply go first: the writer starts on a later turn of the event loop.
    await new Promise<void>((r) => setImmediate(r));
    while (queue.length && !abandon) {
      const batch = queue.splice(0, batchSize);
      inFlight = batch.length;
      for (let attempt = 1; ; attempt++) {
        try {
          await transport.call('chat_log_apply', { p_ops: batch });
          written += batch.length;
          break;
        } catch (err) {
          lastError = { message: (err as Error).message, at: new Date(clock()) };
          if (attempt >= maxAttempts || abandon) {
            failedWrites += batch.length;
            log.error({ err: { message: lastError.message }, operations: batch.length, failedWrites, transport: transport.name },
              '❌ chat log write failed; giving up on these entries');
            break;
          }
          log.warn({ err: { message: lastError.message }, attempt, transport: transport.name }, 'chat log write failed; retrying');
          await sleep(Math.min(retryMaxMs, retryBaseMs * 2 ** (attempt - 1)));
        }
      }
      inFlight = 0;
    }
  }

  return {
    logTurn(turn: LoggedTurn) {
      try {
        if (!turn || typeof turn.userId !== 'string' || !turn.userId || !CHANNELS.has(turn.channel)) throw new Error('bad turn');
        const now = new Date(clock());
        const at = (d: unknown) => (d instanceof Date && !Number.isNaN(d.getTime()) ? d : now).toISOString();
        const messages: Record<string, unknown>[] = (turn.userMessages ?? []).map((m, i) => ({
          seq: i, role: 'user', content: clip(m.text), at: at(m.at),
        }));
        const r = turn.reply;
        if (r) {
          messages.push({
            seq: messages.length, role: 'assistant', content: clip(r.text), at: at(r.at), kind: r.kind, model: r.model ?? null,
            promptTokens: r.promptTokens ?? null, completionTokens: r.completionTokens ?? null,
            latencyMs: Number.isFinite(r.latencyMs) ? Math.round(r.latencyMs) : null,
            sources: (r.sources ?? []).map((s) => ({ file: String(s.file), page: Number(s.page) })),
          });
        }
        if (!messages.length) return;
        enqueue({
          type: 'turn', turnId: crypto.randomUUID(), userId: turn.userId, channel: turn.channel, messages,
          ...(turn.channel === 'whatsapp' ? { idleMinutes: opts.whatsappIdleMinutes } : {}),
          ...(turn.sessionKey ? { sessionKey: turn.sessionKey } : {}),
        });
      } catch (err) {
        // Bad input from a channel is a bug there, never a reason to break its reply.
        droppedWrites += 1;
        log.warn({ err: { message: (err as Error).message } }, 'chat log: turn not recorded (invalid input)');
      }
    },

    endSession(userId: string, channel: Channel) {
      if (typeof userId !== 'string' || !userId || !CHANNELS.has(channel)) return;
      enqueue({ type: 'end', userId, channel, at: new Date(clock()).toISOString(), reason: channel === 'web' ? 'logout' : 'ended' });
    },

    async activeSessions(channel: Channel) {
      const after = channel === 'whatsapp' ? new Date(clock() - opts.whatsappIdleMinutes * 60_000) : new Date(0);
      try {
        const rows = await transport.call<{ userId: string; startedAt: string; lastActivityAt: string; messageCount: number }[]>(
          'chat_log_active_sessions', { p_channel: channel, p_active_after: after });
        return rows.map((s) => ({ ...s, startedAt: new Date(s.startedAt), lastActivityAt: new Date(s.lastActivityAt) }));
      } catch (err) {
        // The status endpoint must keep answering when the log database is down; health() says why.
        lastError = { message: (err as Error).message, at: new Date(clock()) };
        log.warn({ err: { message: lastError.message } }, 'chat log: active sessions unavailable');
        return [];
      }
    },

    health() {
      return {
        enabled: true, transport: transport.name, queued: queue.length + inFlight, written, failedWrites, droppedWrites,
        ...(lastError ? { lastError: lastError.message, lastErrorAt: lastError.at.toISOString() } : {}),
      };
    },

    async flush() {
      while (running) await running;
    },

    async close() {
      if (closed) return;
      closed = true;
      const timeoutMs = opts.closeTimeoutMs ?? 5_000;
      let timer: NodeJS.Timeout | undefined;
      const gaveUp = await Promise.race([
        this.flush().then(() => false),
        new Promise<boolean>((r) => { timer = setTimeout(() => r(true), timeoutMs); }),
      ]);
      clearTimeout(timer);
      if (gaveUp) {
        abandon = true;
        wakeRetry?.();
        await this.flush();
        failedWrites += queue.length;
        if (queue.length) log.error({ lost: queue.length }, '❌ chat log closed before these entries could be written');
        queue.length = 0;
      }
      await transport.close().catch(() => {});
    },
  };
}
