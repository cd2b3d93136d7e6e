// The durable per-conversation debounce, in SQL. Pending messages and due times live in the
// database, so every process sees them and a crash loses nothing. A batch is claimed with one
// conditional UPDATE on the lease: exactly one process wins. Transactions stay short (PGlite has one
// connection) and none is held across an HTTP call.
import type { Database } from '../db/database';
import { retryOnDeadlock } from '../db/retry';
import { createBatchClaimRepository } from './batch-claim-repository';
import { createBatchFinishRepository } from './batch-finish-repository';
import type { InboundMessage, StatusEvent } from './parse-webhook';
import { conversationKey } from './session-service';
import type { ClaimedBatch, Due, FinishOutcome } from './batch-types';
import type { BufferWindow } from './buffer-window';
import { languageSignal } from './conversation-language';

export type { Due, BatchMessage, ClaimedBatch, FinishOutcome } from './batch-types';
export { RATE_WINDOW_MS } from './batch-types';

export interface MessageBuffer {
  /**
   * Stores new messages (one statement, duplicates ignored) and pushes each conversation's due time:
   * `window` after now, of the conversation's latest message (buffer-window.ts). The conversation's
   * language follows its latest message that says which (conversation-language.ts).
   */
  ingest(messages: InboundMessage[], nowMs: number, window: number | BufferWindow): Promise<{ stored: number; due: Due[] }>;
  recordStatuses(statuses: StatusEvent[]): Promise<void>;
  /** Conversations due before `horizonMs`, or with an abandoned batch, whose lease is free. */
  candidates(nowMs: number, horizonMs: number, limit: number): Promise<Due[]>;
  /** Null when there is nothing to do; a batch with no messages but `limited` when everything pending was over the rate limit. */
  claim(key: string, owner: string, nowMs: number, leaseMs: number): Promise<ClaimedBatch | null>;
  /** Claims every due conversation of `keys` whose lease is free, in one statement (batch-claim-repository.ts). */
  claimMany(keys: string[], owner: string, nowMs: number, leaseMs: number): Promise<ClaimedBatch[]>;
  renewLease(key: string, owner: string, untilMs: number): Promise<boolean>;
  recordPartSent(batchId: number, graphMessageId: string, reply?: { parts: string[]; meta: Record<string, unknown> }): Promise<void>;
  markUserReady(key: string): Promise<void>;
  /**
   * Records the last part, closes the batch, appends the turn to the history and frees the
   * conversation: one statement, shared with the batches finishing at the same moment
   * (batch-finish-repository.ts). Returns the next due time.
   */
  finish(batch: ClaimedBatch, owner: string, outcome: FinishOutcome, nowMs: number): Promise<Date | null>;
  /** Gives the batch back after an unexpected error; it is retried from `retryAtMs`. */
  release(key: string, owner: string, retryAtMs: number): Promise<void>;
  pendingBatches(): Promise<number>;
}

export function createMessageBuffer(deps: { db: Database; /** 0 or unset = no limit */ rateLimitPerMinute?: number }): MessageBuffer {
  const { db } = deps;
  const limit = deps.rateLimitPerMinute ?? 0;
  const finisher = createBatchFinishRepository({ db });
  const claimer = createBatchClaimRepository({ db, rateLimitPerMinute: limit });
  const buffer: MessageBuffer = {
    async ingest(messages, nowMs, window) {
      if (!messages.length) return { stored: 0, due: [] };
      const windowOf = typeof window === 'number' ? () => window : window;
      const cols: string[][] = [[], [], [], [], [], [], [], [], [], [], [], [], []];
      for (const m of messages) {
        const row = [m.wamid, conversationKey(m), m.phone ?? m.bsuid ?? '', m.phone ?? '', m.bsuid ?? '', m.profileName ?? '',
          m.type, m.content, m.startsTurn ? 't' : 'f', m.timestamp.toISOString(), JSON.stringify(m.raw),
          String(Math.max(0, Math.round(windowOf(m)))), languageSignal(m.type, m.content) ?? ''];
        row.forEach((v, i) => cols[i].push(v));
      }
      // One round trip: insert the messages, then upsert only the conversations that got a new one,
      // so a re-delivered webhook changes nothing at all.
      // Retried on deadlock (the same wamid re-delivered into two concurrent groups, each waiting for a
      // row the other holds) instead of a 503 that would make Meta re-deliver minutes later.
      const r = await retryOnDeadlock(() => db.query<{ conversation_key: string; due_at: Date | null; inserted: number }>(
        `WITH incoming AS (
           SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[],
                                $9::text[], $10::text[], $11::text[], $12::text[], $13::text[])
             AS t(wamid, conversation_key, recipient, phone, bsuid, profile_name, type, content, starts_turn, sent_at, message, window_ms, lang)
         ), ins AS (
           INSERT INTO whatsapp_inbound (wamid, conversation_key, type, content, starts_turn, sent_at, message)
           SELECT wamid, conversation_key, type, content, starts_turn::boolean, sent_at::timestamptz, message::jsonb FROM incoming
           ORDER BY wamid -- concurrent groups sharing re-delivered wamids wait on them in one order: no deadlock
           ON CONFLICT (wamid) DO NOTHING
           RETURNING wamid, conversation_key, starts_turn
         ), touched AS (
           -- The latest new message decides the window (and, when it says, the language).
           SELECT i.conversation_key, bool_or(i.starts_turn) AS starts, count(*)::int AS n,
                  (array_agg(x.window_ms ORDER BY x.sent_at::timestamptz DESC, x.wamid DESC) FILTER (WHERE i.starts_turn))[1]::int AS window_ms,
                  (array_agg(x.lang ORDER BY x.sent_at::timestamptz DESC, x.wamid DESC) FILTER (WHERE x.lang <> ''))[1] AS lang
           FROM ins i JOIN incoming x USING (wamid) GROUP BY i.conversation_key
         ), who AS (
           SELECT DISTINCT ON (conversation_key) conversation_key, recipient, NULLIF(phone, '') AS phone, NULLIF(bsuid, '') AS bsuid,
                  NULLIF(profile_name, '') AS profile_name
           FROM incoming ORDER BY conversation_key, profile_name DESC
         ), up AS (
         INSERT INTO whatsapp_conversations AS c (conversation_key, recipient, phone, bsuid, profile_name, due_at,
           last_inbound_at, session_started_at, session_messages, language)
         SELECT t.conversation_key, w.recipient, w.phone, w.bsuid, w.profile_name,
                CASE WHEN t.starts THEN $14::timestamptz + t.window_ms * interval '1 millisecond' ELSE NULL END, $14::timestamptz, $14::timestamptz, t.n, t.lang
         FROM touched t JOIN who w USING (conversation_key)
         ORDER BY t.conversation_key -- concurrent groups lock rows in the same order: no deadlock
         ON CONFLICT (conversation_key) DO UPDATE SET
           due_at = COALESCE(EXCLUDED.due_at, c.due_at),
           recipient = EXCLUDED.recipient,
           phone = COALESCE(EXCLUDED.phone, c.phone),
           bsuid = COALESCE(EXCLUDED.bsuid, c.bsuid),
           profile_name = COALESCE(EXCLUDED.profile_name, c.profile_name),
           last_inbound_at = EXCLUDED.last_inbound_at,
           session_started_at = CASE WHEN c.session_ended_at IS NULL THEN c.session_started_at ELSE EXCLUDED.session_started_at END,
           session_messages = CASE WHEN c.session_ended_at IS NULL THEN c.session_messages + EXCLUDED.session_messages ELSE EXCLUDED.session_messages END,
           session_ended_at = NULL,
           language = COALESCE(EXCLUDED.language, c.language)
         RETURNING c.conversation_key, c.due_at
         )
         SELECT up.conversation_key, up.due_at, t.n AS inserted FROM up JOIN touched t USING (conversation_key)`,
        [...cols, new Date(nowMs).toISOString()], { name: 'whatsapp-ingest' }));
      return {
        stored: r.rows.reduce((n, row) => n + Number(row.inserted), 0),
        due: r.rows.map((row) => ({ key: row.conversation_key, dueAt: row.due_at })),
      };
    },

    async recordStatuses(statuses) {
      if (!statuses.length) return;
      const c: (string | null)[][] = [[], [], [], [], [], []];
      for (const s of statuses) {
        const e = s.errors[0];
        [s.wamid, s.status, s.recipient, s.timestamp?.toISOString() ?? null, e?.code != null ? String(e.code) : null, e?.title ?? null]
          .forEach((v, i) => c[i].push(v));
      }
      await db.query(
        `INSERT INTO whatsapp_statuses (wamid, status, recipient, occurred_at, error_code, error_title)
         SELECT wamid, status, recipient, occurred_at::timestamptz, error_code::int, error_title
         FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[])
           AS t(wamid, status, recipient, occurred_at, error_code, error_title)
         ON CONFLICT (wamid, status) DO NOTHING`, c);
    },

    async candidates(nowMs, horizonMs, limit) {
      const r = await db.query<{ conversation_key: string; due_at: Date | null }>(
        `SELECT conversation_key, due_at FROM whatsapp_conversations
         WHERE (due_at <= $1 OR open_batch_id IS NOT NULL) AND (lease_until IS NULL OR lease_until < $2)
         ORDER BY due_at NULLS FIRST LIMIT $3`,
        [new Date(nowMs + horizonMs), new Date(nowMs), limit], { name: 'whatsapp-candidates' });
      return r.rows.map((row) => ({ key: row.conversation_key, dueAt: row.due_at }));
    },

    async claim(key, owner, nowMs, leaseMs) {
      return (await buffer.claimMany([key], owner, nowMs, leaseMs))[0] ?? null;
    },

    claimMany(keys, owner, nowMs, leaseMs) {
      return claimer.claimMany(keys, owner, nowMs, leaseMs);
    },

    async renewLease(key, owner, untilMs) {
      const r = await db.query('UPDATE whatsapp_conversations SET lease_until = $3 WHERE conversation_key = $1 AND lease_owner = $2',
        [key, owner, new Date(untilMs)], { name: 'whatsapp-lease' });
      return r.rowCount > 0;
    },

    async markUserReady(key) {
      await db.query('UPDATE whatsapp_conversations SET user_ready = true WHERE conversation_key = $1 AND NOT user_ready', [key], { name: 'whatsapp-user-ready' });
    },

    async recordPartSent(batchId, graphMessageId, reply) {
      // The first record also stores the reply, so a resumed batch sends the rest of the same text.
      // A record already there (written, its answer lost, retried) is not counted twice.
      await db.query(
        `UPDATE whatsapp_batches SET parts_sent = parts_sent + 1, graph_message_ids = array_append(graph_message_ids, $2),
           reply_parts = COALESCE($3, reply_parts), reply_meta = COALESCE($4::jsonb, reply_meta)
         WHERE id = $1 AND NOT ($2 = ANY(graph_message_ids))`,
        [batchId, graphMessageId, reply?.parts ?? null, reply ? JSON.stringify(reply.meta) : null]);
    },

    finish(batch, _owner, outcome, nowMs) {
      return finisher.finish(batch, outcome, nowMs);
    },

    async release(key, owner, retryAtMs) {
      await db.query('UPDATE whatsapp_conversations SET lease_until = $3 WHERE conversation_key = $1 AND lease_owner = $2',
        [key, owner, new Date(retryAtMs)]);
    },

    async pendingBatches() {
      const r = await db.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM whatsapp_conversations WHERE due_at IS NOT NULL OR open_batch_id IS NOT NULL');
      return r.rows[0].n;
    },
  };
  return buffer;
}
