// Closing batches: record the last sent part, close the batch, append the turn to the history and
// free the conversation, for every batch finishing at the same moment in ONE statement (group
// commit, as the webhook's intake does). When many windows end together, a statement and a commit
// per reply were about a quarter of the database's CPU per reply; the rows written are the same.
import type { Database } from '../db/database';
import { createGroupCommitter } from './group-commit';
import type { ClaimedBatch, FinishOutcome } from './batch-types';

export interface BatchFinishRepository {
  /** Closes the batch and frees its conversation; resolves with the conversation's next due time. */
  finish(batch: ClaimedBatch, outcome: FinishOutcome, nowMs: number): Promise<Date | null>;
}

interface Item { batch: ClaimedBatch; outcome: FinishOutcome; nowMs: number }

const SQL = `WITH v0 AS (
    SELECT * FROM jsonb_to_recordset($1::jsonb) AS v(key text, id bigint, status text, error text, at timestamptz, n int,
      last_id text, parts jsonb, meta jsonb, rate boolean, ws timestamptz, used int, nw timestamptz)
  ), v AS MATERIALIZED (
    -- Only batches their conversation still holds open: a finish written again (its commit's answer
    -- was lost and persist() retried it) finds the conversation freed and changes nothing. The row
    -- lock makes a concurrent second finish wait and then see the first one's result.
    SELECT v0.* FROM v0 JOIN whatsapp_conversations c ON c.conversation_key = v0.key AND c.open_batch_id = v0.id
    FOR UPDATE OF c
  ), b AS (
    UPDATE whatsapp_batches wb SET status = v.status, error = v.error, finished_at = v.at, message_count = v.n,
      parts_sent = wb.parts_sent + CASE WHEN v.last_id IS NULL THEN 0 ELSE 1 END,
      graph_message_ids = CASE WHEN v.last_id IS NULL THEN wb.graph_message_ids ELSE array_append(wb.graph_message_ids, v.last_id) END,
      reply_parts = COALESCE((SELECT array_agg(p.x ORDER BY p.i) FROM jsonb_array_elements_text(v.parts) WITH ORDINALITY AS p(x, i)), wb.reply_parts),
      reply_meta = COALESCE(v.meta, wb.reply_meta)
    FROM v WHERE wb.id = v.id
  ), h AS (
    -- An AI reply row names its batch, so the operator console shows that batch's delivery ticks.
    INSERT INTO conversation_messages (user_id, channel, role, content, created_at, batch_id)
    SELECT h.user_id, 'whatsapp', h.role, h.content, h.at, CASE WHEN h.role = 'assistant' THEN (SELECT v.id FROM v WHERE v.key = h.key LIMIT 1) END
    FROM jsonb_to_recordset($2::jsonb) AS h(key text, user_id text, role text, content text, at timestamptz, i int)
    WHERE h.key IN (SELECT key FROM v) ORDER BY h.i
  )
  UPDATE whatsapp_conversations c SET open_batch_id = NULL, lease_owner = NULL, lease_until = NULL,
    last_reply_at = CASE WHEN v.status = 'sent' THEN v.at ELSE c.last_reply_at END,
    rate_window_start = CASE WHEN v.rate THEN v.ws ELSE c.rate_window_start END,
    rate_window_used = CASE WHEN v.rate THEN v.used ELSE c.rate_window_used END,
    rate_notice_window = CASE WHEN v.rate THEN v.nw ELSE c.rate_notice_window END
  FROM v WHERE c.conversation_key = v.key AND c.open_batch_id = v.id
  RETURNING c.conversation_key, c.due_at`;

export function createBatchFinishRepository(deps: { db: Database }): BatchFinishRepository {
  const { db } = deps;

  async function write(items: Item[]): Promise<Map<string, Date | null>> {
    const batches = items.map(({ batch: b, outcome: o, nowMs }) => {
      const reply = o.lastPart?.reply;
      // The batch closes in this statement, so nothing will resume it: the reply's text is already
      // in reply_parts and in the history, and is not stored a third time in the metadata.
      const meta = reply ? { ...reply.meta, text: undefined } : null;
      return {
        key: b.key, id: b.id, status: o.status, error: o.error ?? null, at: new Date(nowMs).toISOString(), n: b.messages.length,
        last_id: o.lastPart?.messageId ?? null, parts: reply?.parts ?? null, meta,
        rate: Boolean(b.rateCounters), ws: b.rateCounters?.start ?? null, used: b.rateCounters?.used ?? 0, nw: b.rateCounters?.notice ?? null,
      };
    });
    let i = 0; // the rows' ids follow this order: the history reads by id
    const history = items.flatMap(({ batch, outcome }) => (outcome.history ?? []).map((h) => ({
      key: batch.key, user_id: outcome.userId ?? batch.userId, role: h.role, content: h.content, at: h.at.toISOString(), i: i++,
    })));
    const r = await db.query<{ conversation_key: string; due_at: Date | null }>(SQL, [JSON.stringify(batches), JSON.stringify(history)], { name: 'whatsapp-finish' });
    return new Map(r.rows.map((row) => [row.conversation_key, row.due_at]));
  }

  // One statement in flight per process: finishes that arrive meanwhile form the next group.
  const group = createGroupCommitter(write, { maxInFlight: 1, maxItems: 200 });

  return {
    async finish(batch, outcome, nowMs) {
      let done: Map<string, Date | null>;
      try {
        done = await group.submit({ batch, outcome, nowMs });
      } catch {
        // One bad batch (e.g. its user deleted meanwhile) must not fail the others of its group:
        // each is written on its own, so only the bad one reports the error.
        done = await write([{ batch, outcome, nowMs }]);
      }
      return done.get(batch.key) ?? null;
    },
  };
}
