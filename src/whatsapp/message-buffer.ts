// The durable per-conversation debounce, in SQL. Pending messages and due times live in the
// database, so every process sees them and a crash loses nothing. A batch is claimed with one
// conditional UPDATE on the lease: exactly one process wins. Transactions stay short (PGlite has one
// connection) and none is held across an HTTP call.
import type { Database, Queryable } from '../db/database';
import type { InboundMessage, StatusEvent } from './parse-webhook';
import { conversationKey } from './session-service';

export interface Due { key: string; dueAt: Date | null }

export interface BatchMessage { wamid: string; type: string; content: string; sentAt: Date }

export interface ClaimedBatch {
  id: number;
  key: string;
  recipient: string;
  phone: string | null;
  bsuid: string | null;
  profileName: string | null;
  /** The user row and first-contact profile were already created (during the window). */
  userReady: boolean;
  attempts: number;
  messages: BatchMessage[];
  /** Present when a previous attempt already got the reply from the AI (resumed batch). */
  replyParts: string[] | null;
  replyMeta: Record<string, unknown> | null;
  partsSent: number;
  /** Pending messages over the per-phone rate limit: stored, marked, never given to the AI. */
  limited?: BatchMessage[];
  /** Send the "slow down" notice: first time messages were limited in this window (at most once per window). */
  notice?: boolean;
}

/** The rate-limit window (WHATSAPP_RATE_LIMIT_PER_MINUTE counts per this much time). */
export const RATE_WINDOW_MS = 60_000;

export interface MessageBuffer {
  /** Stores new messages (one statement, duplicates ignored) and pushes each conversation's due time. */
  ingest(messages: InboundMessage[], nowMs: number, windowMs: number): Promise<{ stored: number; due: Due[] }>;
  recordStatuses(statuses: StatusEvent[]): Promise<void>;
  /** Conversations due before `horizonMs`, or with an abandoned batch, whose lease is free. */
  candidates(nowMs: number, horizonMs: number, limit: number): Promise<Due[]>;
  /** Null when there is nothing to do; a batch with no messages but `limited` when everything pending was over the rate limit. */
  claim(key: string, owner: string, nowMs: number, leaseMs: number): Promise<ClaimedBatch | null>;
  renewLease(key: string, owner: string, untilMs: number): Promise<boolean>;
  recordPartSent(batchId: number, graphMessageId: string, reply?: { parts: string[]; meta: Record<string, unknown> }): Promise<void>;
  markUserReady(key: string): Promise<void>;
  /** Finishes a batch and frees the conversation, in one transaction with `also` (history). Returns the next due time. */
  finish(batch: ClaimedBatch, owner: string, outcome: { status: 'sent' | 'failed'; error?: string }, nowMs: number, also?: (tx: Queryable) => Promise<void>): Promise<Date | null>;
  /** Gives the batch back after an unexpected error; it is retried from `retryAtMs`. */
  release(key: string, owner: string, retryAtMs: number): Promise<void>;
  pendingBatches(): Promise<number>;
}

export function createMessageBuffer(deps: { db: Database; /** 0 or unset = no limit */ rateLimitPerMinute?: number }): MessageBuffer {
  const { db } = deps;
  const limit = deps.rateLimitPerMinute ?? 0;
  return {
    async ingest(messages, nowMs, windowMs) {
      if (!messages.length) return { stored: 0, due: [] };
      const cols: string[][] = [[], [], [], [], [], [], [], [], [], [], []];
      for (const m of messages) {
        const row = [m.wamid, conversationKey(m), m.phone ?? m.bsuid ?? '', m.phone ?? '', m.bsuid ?? '', m.profileName ?? '',
          m.type, m.content, m.startsTurn ? 't' : 'f', m.timestamp.toISOString(), JSON.stringify(m.raw)];
        row.forEach((v, i) => cols[i].push(v));
      }
      // One round trip: insert the messages, then upsert only the conversations that got a new one,
      // so a re-delivered webhook changes nothing at all.
      const r = await db.query<{ conversation_key: string; due_at: Date | null; inserted: number }>(
        `WITH incoming AS (
           SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[],
                                $9::text[], $10::text[], $11::text[])
             AS t(wamid, conversation_key, recipient, phone, bsuid, profile_name, type, content, starts_turn, sent_at, message)
         ), ins AS (
           INSERT INTO whatsapp_inbound (wamid, conversation_key, type, content, starts_turn, sent_at, message)
           SELECT wamid, conversation_key, type, content, starts_turn::boolean, sent_at::timestamptz, message::jsonb FROM incoming
           ON CONFLICT (wamid) DO NOTHING
           RETURNING conversation_key, starts_turn
         ), touched AS (
           SELECT conversation_key, bool_or(starts_turn) AS starts, count(*)::int AS n FROM ins GROUP BY conversation_key
         ), who AS (
           SELECT DISTINCT ON (conversation_key) conversation_key, recipient, NULLIF(phone, '') AS phone, NULLIF(bsuid, '') AS bsuid,
                  NULLIF(profile_name, '') AS profile_name
           FROM incoming ORDER BY conversation_key, profile_name DESC
         ), up AS (
         INSERT INTO whatsapp_conversations AS c (conversation_key, recipient, phone, bsuid, profile_name, due_at,
           last_inbound_at, session_started_at, session_messages)
         SELECT t.conversation_key, w.recipient, w.phone, w.bsuid, w.profile_name,
                CASE WHEN t.starts THEN $12::timestamptz ELSE NULL END, $13::timestamptz, $13::timestamptz, t.n
         FROM touched t JOIN who w USING (conversation_key)
         ON CONFLICT (conversation_key) DO UPDATE SET
           due_at = COALESCE(EXCLUDED.due_at, c.due_at),
           recipient = EXCLUDED.recipient,
           phone = COALESCE(EXCLUDED.phone, c.phone),
           bsuid = COALESCE(EXCLUDED.bsuid, c.bsuid),
           profile_name = COALESCE(EXCLUDED.profile_name, c.profile_name),
           last_inbound_at = EXCLUDED.last_inbound_at,
           session_started_at = CASE WHEN c.session_ended_at IS NULL THEN c.session_started_at ELSE EXCLUDED.session_started_at END,
           session_messages = CASE WHEN c.session_ended_at IS NULL THEN c.session_messages + EXCLUDED.session_messages ELSE EXCLUDED.session_messages END,
           session_ended_at = NULL
         RETURNING c.conversation_key, c.due_at
         )
         SELECT up.conversation_key, up.due_at, t.n AS inserted FROM up JOIN touched t USING (conversation_key)`,
        [...cols, new Date(nowMs + windowMs).toISOString(), new Date(nowMs).toISOString()]);
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
        [new Date(nowMs + horizonMs), new Date(nowMs), limit]);
      return r.rows.map((row) => ({ key: row.conversation_key, dueAt: row.due_at }));
    },

    async claim(key, owner, nowMs, leaseMs) {
      const now = new Date(nowMs);
      // Three statements in one short transaction: take the lease, open (or resume) the batch with
      // its messages, link the batch to the conversation.
      return db.transaction(async (tx) => {
        const c = await tx.query<{ open_batch_id: number | null; recipient: string; phone: string | null; bsuid: string | null; profile_name: string | null; user_ready: boolean;
          rate_window_start: Date | null; rate_window_used: number; rate_notice_window: Date | null }>(
          `UPDATE whatsapp_conversations
           SET lease_owner = $2, lease_until = $3, due_at = CASE WHEN open_batch_id IS NULL THEN NULL ELSE due_at END
           WHERE conversation_key = $1 AND (due_at <= $4 OR open_batch_id IS NOT NULL) AND (lease_until IS NULL OR lease_until < $4)
           RETURNING open_batch_id, recipient, phone, bsuid, profile_name, user_ready, rate_window_start, rate_window_used, rate_notice_window`,
          [key, owner, new Date(nowMs + leaseMs), now]);
        const conv = c.rows[0];
        if (!conv) return null;
        type Row = { id: number; attempts: number; reply_parts: string[] | null; reply_meta: Record<string, unknown> | null; parts_sent: number;
          messages: { wamid: string; type: string; content: string; sent_at: string }[] | null;
          limited?: { wamid: string; type: string; content: string; sent_at: string }[] | null };
        let row: Row;
        let notice = false;
        if (conv.open_batch_id === null) {
          // Rate limit: a fixed window per conversation that starts with the first claim after the
          // previous one ended. The conversation row is ours (lease), so the count is exact across processes.
          const windowOpen = conv.rate_window_start !== null && conv.rate_window_start.getTime() > nowMs - RATE_WINDOW_MS;
          const windowStart = windowOpen ? conv.rate_window_start! : now;
          const used = windowOpen ? conv.rate_window_used : 0;
          const allowed = limit > 0 ? Math.max(0, limit - used) : null;
          const r = await tx.query<Row>(
            `WITH cut AS (
                    -- The first pending message (in arrival order) over the allowance; none = all fit.
                    SELECT seq FROM whatsapp_inbound WHERE conversation_key = $1 AND batch_id IS NULL AND starts_turn AND $2::int IS NOT NULL
                    ORDER BY seq OFFSET $2::int LIMIT 1),
                  b AS (INSERT INTO whatsapp_batches (conversation_key) VALUES ($1) RETURNING id),
                  m AS (UPDATE whatsapp_inbound SET batch_id = (SELECT id FROM b)
                        WHERE conversation_key = $1 AND batch_id IS NULL AND starts_turn AND seq < COALESCE((SELECT seq FROM cut), 9223372036854775807)
                        RETURNING wamid, type, content, sent_at, seq),
                  x AS (UPDATE whatsapp_inbound SET starts_turn = false, rate_limited = true
                        WHERE conversation_key = $1 AND batch_id IS NULL AND starts_turn AND seq >= (SELECT seq FROM cut)
                        RETURNING wamid, type, content, sent_at, seq)
             SELECT (SELECT id FROM b) AS id, 1 AS attempts, NULL::text[] AS reply_parts, NULL::jsonb AS reply_meta, 0 AS parts_sent,
                    (SELECT json_agg(json_build_object('wamid', wamid, 'type', type, 'content', content, 'sent_at', sent_at) ORDER BY sent_at, seq) FROM m) AS messages,
                    (SELECT json_agg(json_build_object('wamid', wamid, 'type', type, 'content', content, 'sent_at', sent_at) ORDER BY sent_at, seq) FROM x) AS limited`,
            [key, allowed]);
          row = r.rows[0];
          const admitted = row.messages?.length ?? 0;
          notice = (row.limited?.length ?? 0) > 0 && conv.rate_notice_window?.getTime() !== windowStart.getTime();
          const rate = [windowStart, used + admitted, notice ? windowStart : conv.rate_notice_window];
          if (!admitted) {
            // Nothing to answer (only a reaction arrived, or everything was over the limit): undo and free the conversation.
            await tx.query(`WITH d AS (DELETE FROM whatsapp_batches WHERE id = $2)
              UPDATE whatsapp_conversations SET lease_owner = NULL, lease_until = NULL,
                rate_window_start = $3, rate_window_used = $4, rate_notice_window = $5 WHERE conversation_key = $1`, [key, row.id, ...rate]);
            if (!row.limited?.length) return null;
          } else {
            await tx.query(`WITH b AS (UPDATE whatsapp_batches SET message_count = $3 WHERE id = $2)
              UPDATE whatsapp_conversations SET open_batch_id = $2, rate_window_start = $4, rate_window_used = $5, rate_notice_window = $6
              WHERE conversation_key = $1`, [key, row.id, admitted, ...rate]);
          }
        } else {
          const r = await tx.query<Row>(
            `UPDATE whatsapp_batches b SET attempts = attempts + 1 WHERE id = $1
             RETURNING id, attempts, reply_parts, reply_meta, parts_sent,
               (SELECT json_agg(json_build_object('wamid', wamid, 'type', type, 'content', content, 'sent_at', sent_at) ORDER BY sent_at, seq)
                FROM whatsapp_inbound WHERE batch_id = $1) AS messages`, [conv.open_batch_id]);
          row = r.rows[0];
        }
        return {
          id: row.id, key, recipient: conv.recipient, phone: conv.phone, bsuid: conv.bsuid, profileName: conv.profile_name, userReady: conv.user_ready,
          attempts: row.attempts, replyParts: row.reply_parts, replyMeta: row.reply_meta, partsSent: row.parts_sent,
          messages: (row.messages ?? []).map(toMessage),
          ...(row.limited?.length ? { limited: row.limited.map(toMessage), notice } : {}),
        };
      });
    },

    async renewLease(key, owner, untilMs) {
      const r = await db.query('UPDATE whatsapp_conversations SET lease_until = $3 WHERE conversation_key = $1 AND lease_owner = $2',
        [key, owner, new Date(untilMs)]);
      return r.rowCount > 0;
    },

    async markUserReady(key) {
      await db.query('UPDATE whatsapp_conversations SET user_ready = true WHERE conversation_key = $1 AND NOT user_ready', [key]);
    },

    async recordPartSent(batchId, graphMessageId, reply) {
      // The first record also stores the reply, so a resumed batch sends the rest of the same text.
      await db.query(
        `UPDATE whatsapp_batches SET parts_sent = parts_sent + 1, graph_message_ids = array_append(graph_message_ids, $2),
           reply_parts = COALESCE($3, reply_parts), reply_meta = COALESCE($4::jsonb, reply_meta) WHERE id = $1`,
        [batchId, graphMessageId, reply?.parts ?? null, reply ? JSON.stringify(reply.meta) : null]);
    },

    async finish(batch, _owner, outcome, nowMs, also) {
      return db.transaction(async (tx) => {
        if (also) await also(tx);
        const r = await tx.query<{ due_at: Date | null }>(
          `WITH b AS (UPDATE whatsapp_batches SET status = $3, error = $4, finished_at = $5 WHERE id = $2)
           UPDATE whatsapp_conversations SET open_batch_id = NULL, lease_owner = NULL, lease_until = NULL,
             last_reply_at = CASE WHEN $3 = 'sent' THEN $5::timestamptz ELSE last_reply_at END
           WHERE conversation_key = $1 AND open_batch_id = $2 RETURNING due_at`,
          [batch.key, batch.id, outcome.status, outcome.error ?? null, new Date(nowMs)]);
        return r.rows[0]?.due_at ?? null;
      });
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
}

function toMessage(m: { wamid: string; type: string; content: string; sent_at: string }): BatchMessage {
  return { wamid: m.wamid, type: m.type, content: m.content, sentAt: new Date(m.sent_at) };
}
