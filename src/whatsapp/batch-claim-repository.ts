// Claiming due conversations: take the leases, open (or resume) a batch per conversation, attach
// the pending messages, read the recent history, and apply the per-phone rate limit, for any number
// of conversations in one statement (round trips, not JavaScript, bound the dispatch rate).
import type { Database } from '../db/database';
import { senderResolutionSql, type SenderSource } from '../identity/identity-repository';
import { RATE_WINDOW_MS, type BatchMessage, type ClaimedBatch } from './batch-types';

/** History messages read with each claim (the history repository's default). */
const HISTORY_LIMIT = 20;

export interface BatchClaimRepository {
  /** Claims every due conversation of `keys` whose lease is free, in one statement. */
  claimMany(keys: string[], owner: string, nowMs: number, leaseMs: number): Promise<ClaimedBatch[]>;
}

export function createBatchClaimRepository(deps: { db: Database; /** 0 = no limit */ rateLimitPerMinute: number }): BatchClaimRepository {
  const { db } = deps;
  const limit = deps.rateLimitPerMinute;
  async function claimMany(keys: string[], owner: string, nowMs: number, leaseMs: number): Promise<ClaimedBatch[]> {
    if (!keys.length) return [];
    const now = new Date(nowMs);
    // One statement for any number of due conversations (round trips dominate dispatch):
    // take the leases, open a batch per conversation (a pre-allocated id) or resume the open one
    // (attempts + 1), attach the pending messages to a new batch, and read the recent history.
    // xmax = 0 tells an inserted batch row from a resumed one. Who the sender is answered as (a
    // linked account, a company customer, or the number itself) is decided in the same statement,
    // by the identity module's rule, and the history read is that user's (shared with the web chat).
    type Row = { conversation_key: string; recipient: string; phone: string | null; bsuid: string | null; profile_name: string | null; user_ready: boolean;
      language: 'id' | 'en' | null;
      who: [string, SenderSource] | null;
      id: number; attempts: number; reply_parts: string[] | null; reply_meta: Record<string, unknown> | null; parts_sent: number; fresh: boolean;
      rate_window_start: Date | string | null; rate_window_used: number; rate_notice_window: Date | string | null;
      messages: { wamid: string; type: string; content: string; sent_at: string; seq?: number }[] | null;
      history: { role: 'user' | 'assistant'; content: string; created_at: string; channel: 'whatsapp' | 'web' }[] | null };
    const r = await db.query<Row>(
      `WITH c AS (
         UPDATE whatsapp_conversations
         SET lease_owner = $2, lease_until = $3, due_at = CASE WHEN open_batch_id IS NULL THEN NULL ELSE due_at END,
             open_batch_id = COALESCE(open_batch_id, nextval('whatsapp_batches_id_seq'))
         WHERE conversation_key = ANY($1::text[]) AND (due_at <= $4 OR open_batch_id IS NOT NULL) AND (lease_until IS NULL OR lease_until < $4)
         RETURNING conversation_key, open_batch_id, recipient, phone, bsuid, profile_name, user_ready, language,
                   rate_window_start, rate_window_used, rate_notice_window
       ), b AS (
         INSERT INTO whatsapp_batches AS wb (id, conversation_key) SELECT open_batch_id, conversation_key FROM c
         ON CONFLICT (id) DO UPDATE SET attempts = wb.attempts + 1
         RETURNING id, conversation_key, attempts, reply_parts, reply_meta, parts_sent, (xmax = 0) AS fresh
       ), m AS (
         UPDATE whatsapp_inbound i SET batch_id = b.id FROM b
         WHERE b.fresh AND i.conversation_key = b.conversation_key AND i.batch_id IS NULL AND i.starts_turn
         RETURNING i.batch_id, i.wamid, i.type, i.content, i.sent_at, i.seq
       )
       SELECT c.conversation_key, c.recipient, c.phone, c.bsuid, c.profile_name, c.user_ready, c.language, r.who,
              c.rate_window_start, c.rate_window_used, c.rate_notice_window,
              b.id, b.attempts, b.reply_parts, b.reply_meta, b.parts_sent, b.fresh,
              COALESCE(
                (SELECT json_agg(json_build_object('wamid', wamid, 'type', type, 'content', content, 'sent_at', sent_at, 'seq', seq) ORDER BY sent_at, seq) FROM m WHERE m.batch_id = b.id),
                (SELECT json_agg(json_build_object('wamid', wamid, 'type', type, 'content', content, 'sent_at', sent_at) ORDER BY sent_at, seq) FROM whatsapp_inbound WHERE batch_id = b.id)
              ) AS messages,
              (SELECT json_agg(json_build_object('role', role, 'content', content, 'created_at', created_at, 'channel', channel) ORDER BY id)
               FROM (SELECT id, role, content, created_at, channel FROM conversation_messages
                     WHERE user_id = COALESCE(r.who[1], c.conversation_key) ORDER BY id DESC LIMIT $5) h) AS history
       FROM c JOIN b ON b.id = c.open_batch_id
       CROSS JOIN LATERAL (SELECT ${senderResolutionSql('c.phone', 'c.bsuid')} AS who) r`,
      [keys, owner, new Date(nowMs + leaseMs), now, HISTORY_LIMIT], { name: 'whatsapp-claim' });
    const out: ClaimedBatch[] = [];
    const empty: Row[] = [];
    const rate: ({ key: string } & NonNullable<ClaimedBatch['rateCounters']>)[] = [];
    const limitedWamids: string[] = [];
    const ms = (v: Date | string | null) => (v === null ? null : new Date(v).getTime());
    for (const row of r.rows) {
      const all = (row.messages ?? []).map(toMessage);
      let messages = all;
      let limited: BatchMessage[] = [];
      let notice = false;
      let counters: ClaimedBatch['rateCounters'];
      if (limit > 0 && row.fresh) {
        // Per-phone rate limit: a fixed window per conversation that starts with the first claim
        // after the previous one ended; messages over the allowance (in arrival order) are kept but
        // never given to the AI. Applied right after the claim, under the lease this process now
        // holds, so the count is exact across processes. (A crash between the two statements
        // resumes the batch with all its messages: it may cost an AI turn, never a message.)
        const windowOpen = row.rate_window_start !== null && ms(row.rate_window_start)! > nowMs - RATE_WINDOW_MS;
        const windowStart = windowOpen ? ms(row.rate_window_start)! : nowMs;
        const used = windowOpen ? row.rate_window_used : 0;
        const allowed = Math.max(0, limit - used);
        const byArrival = [...(row.messages ?? [])].sort((a, b) => (a.seq ?? 0) - (b.seq ?? 0));
        const cut = new Set(byArrival.slice(allowed).map((m) => m.wamid));
        if (cut.size) {
          limited = all.filter((m) => cut.has(m.wamid));
          messages = all.filter((m) => !cut.has(m.wamid));
          limitedWamids.push(...cut);
        }
        notice = limited.length > 0 && ms(row.rate_notice_window) !== windowStart;
        const prevNotice = ms(row.rate_notice_window);
        counters = { start: new Date(windowStart).toISOString(), used: used + messages.length,
          notice: notice ? new Date(windowStart).toISOString() : (prevNotice === null ? null : new Date(prevNotice).toISOString()) };
        rate.push({ key: row.conversation_key, ...counters });
      }
      if (!messages.length) {
        empty.push(row);
        if (!limited.length) continue;
      }
      out.push({
        id: row.id, key: row.conversation_key, userId: row.who?.[0] ?? row.conversation_key, sender: row.who?.[1] ?? 'number',
        recipient: row.recipient, phone: row.phone, bsuid: row.bsuid, profileName: row.profile_name,
        userReady: row.user_ready, language: row.language, attempts: row.attempts, replyParts: row.reply_parts, replyMeta: row.reply_meta, partsSent: row.parts_sent,
        messages,
        history: (row.history ?? []).map((h) => ({ role: h.role, text: h.content, at: new Date(h.created_at), channel: h.channel })),
        ...(limited.length ? { limited, notice } : {}),
        ...(counters ? { rateCounters: counters } : {}),
      });
    }
    // Something over the limit: mark those messages and store every counter now (batches with
    // nothing to answer never reach finish). Otherwise the counters ride on each finish statement.
    if (limitedWamids.length) {
      await db.query(
        `WITH x AS (UPDATE whatsapp_inbound SET batch_id = NULL, starts_turn = false, rate_limited = true WHERE wamid = ANY($1::text[]))
         UPDATE whatsapp_conversations c SET rate_window_start = v.ws, rate_window_used = v.used, rate_notice_window = v.nw
         FROM unnest($2::text[], $3::timestamptz[], $4::int[], $5::timestamptz[]) AS v(k, ws, used, nw)
         WHERE c.conversation_key = v.k AND c.lease_owner = $6`,
        [limitedWamids, rate.map((x) => x.key), rate.map((x) => x.start), rate.map((x) => x.used), rate.map((x) => x.notice), owner]);
    }
    if (empty.length) {
      // Nothing to answer (e.g. only a reaction arrived): undo and free those conversations.
      await db.query(
        `WITH d AS (DELETE FROM whatsapp_batches WHERE id = ANY($2::bigint[]))
         UPDATE whatsapp_conversations SET lease_owner = NULL, lease_until = NULL, open_batch_id = NULL
         WHERE conversation_key = ANY($1::text[]) AND lease_owner = $3`,
        [empty.map((e) => e.conversation_key), empty.map((e) => e.id), owner]);
    }
    return out;
  }
  return { claimMany };
}

function toMessage(m: { wamid: string; type: string; content: string; sent_at: string }): BatchMessage {
  return { wamid: m.wamid, type: m.type, content: m.content, sentAt: new Date(m.sent_at) };
}
