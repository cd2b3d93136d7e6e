// SQL of the handoff: the state per person, the audit trail, operator replies (idempotent) and the
// inbox and thread reads. Every state change is one conditional statement, so two instances (or two
// operators) racing for a conversation cannot both win.
import type { Database, Queryable } from '../db/database';

export type HandoffState = 'ai' | 'human' | 'needs_human' | 'opted_out';
export const STATES: HandoffState[] = ['ai', 'human', 'needs_human', 'opted_out'];

export interface ConversationRow {
  user_id: string; state: HandoffState; operator: string | null; reason: string | null; state_changed_at: Date;
  operator_activity_at: Date | null; last_read_at: Date | null; wa_recipient: string | null; wa_last_inbound_at: Date | null;
}
export interface InboxRow {
  user_id: string; display_name: string | null; phone: string | null; channel: 'whatsapp' | 'web'; content: string; role: string;
  created_at: Date; state: HandoffState | null; operator: string | null; wa_recipient: string | null; unread: number;
}
export interface OperatorMessageRow {
  idempotency_key: string; user_id: string; operator: string; channel: 'whatsapp' | 'web'; content: string;
  status: 'sending' | 'sent' | 'failed'; parts_sent: number; graph_message_ids: string[]; error: string | null; history_id: number | null; created_at: Date;
}

export function createOperatorRepository(deps: { db: Database }) {
  const { db } = deps;
  const one = async <T>(sql: string, params: unknown[], q: Queryable = db) => (await q.query<T>(sql, params)).rows[0] ?? null;

  async function touchOperator(userId: string, at: Date, q: Queryable = db) {
    await q.query("UPDATE operator_conversations SET operator_activity_at = $2 WHERE user_id = $1 AND state = 'human'", [userId, at]);
  }
  async function audit(userId: string, actor: string, action: string, detail: Record<string, unknown>, at: Date, q: Queryable = db) {
    await q.query('INSERT INTO operator_actions (user_id, actor, action, detail, created_at) VALUES ($1, $2, $3, $4, $5)',
      [userId, actor, action, JSON.stringify(detail), at]);
  }

  return {
    /** A WhatsApp turn: remembers where the person writes from (and when) and returns their state. */
    async touchWhatsApp(userId: string, recipient: string, lastInboundAt: Date): Promise<ConversationRow> {
      return (await one<ConversationRow>(`INSERT INTO operator_conversations (user_id, wa_recipient, wa_last_inbound_at) VALUES ($1, $2, $3)
        ON CONFLICT (user_id) DO UPDATE SET wa_recipient = EXCLUDED.wa_recipient,
          wa_last_inbound_at = GREATEST(operator_conversations.wa_last_inbound_at, EXCLUDED.wa_last_inbound_at)
        RETURNING *`, [userId, recipient, lastInboundAt]))!;
    },
    get: (userId: string) => one<ConversationRow>('SELECT * FROM operator_conversations WHERE user_id = $1', [userId]),
    /** Moves to `to` only from one of `from` (null = any state but opted_out); null when it did not apply. */
    async transition(userId: string, to: HandoffState, from: HandoffState[] | null, fields: { operator?: string | null; reason?: string | null; at: Date },
      guard?: { heldBy?: string }): Promise<ConversationRow | null> {
      const fromList = from ?? STATES.filter((s) => s !== 'opted_out');
      // An existing row changes only from one of `from`; a person without a row is in 'ai'.
      return one<ConversationRow>(`WITH up AS (
          UPDATE operator_conversations c SET state = $2, operator = $4, reason = $5,
            state_changed_at = CASE WHEN c.state = $2 THEN c.state_changed_at ELSE $6 END,
            operator_activity_at = CASE WHEN $2 = 'human' THEN $6 END
          WHERE c.user_id = $1 AND c.state = ANY($3::text[]) AND ($7::text IS NULL OR c.state <> 'human' OR c.operator = $7)
          RETURNING c.*),
        ins AS (
          INSERT INTO operator_conversations (user_id, state, operator, reason, state_changed_at, operator_activity_at)
          SELECT $1, $2, $4, $5, $6, CASE WHEN $2 = 'human' THEN $6 END
          WHERE 'ai' = ANY($3::text[]) AND NOT EXISTS (SELECT 1 FROM operator_conversations WHERE user_id = $1)
          ON CONFLICT (user_id) DO NOTHING RETURNING *)
        SELECT * FROM up UNION ALL SELECT * FROM ins`,
        [userId, to, fromList, fields.operator ?? null, fields.reason ?? null, fields.at, guard?.heldBy ?? null]);
    },
    touchOperator,
    async markRead(userId: string, at: Date) {
      await db.query('UPDATE operator_conversations SET last_read_at = $2 WHERE user_id = $1', [userId, at]);
      await db.query('INSERT INTO operator_conversations (user_id, last_read_at) VALUES ($1, $2) ON CONFLICT (user_id) DO NOTHING', [userId, at]);
    },
    /** Conversations held by an operator idle since before `before`: handed back to the AI, returned. */
    async releaseIdle(before: Date, at: Date): Promise<ConversationRow[]> {
      return (await db.query<ConversationRow>(`UPDATE operator_conversations SET state = 'ai', operator = NULL, state_changed_at = $2
        WHERE state = 'human' AND COALESCE(operator_activity_at, state_changed_at) < $1 RETURNING *`, [before, at])).rows;
    },
    audit,
    actions: async (userId: string) => (await db.query<{ id: number; actor: string; action: string; detail: Record<string, unknown>; created_at: Date }>(
      'SELECT id, actor, action, detail, created_at FROM operator_actions WHERE user_id = $1 ORDER BY id DESC LIMIT 200', [userId])).rows.reverse(),
    async inbox(filter: { state?: HandoffState; q?: string; limit: number }): Promise<InboxRow[]> {
      const q = filter.q?.trim() ? filter.q.trim() : null;
      const digits = q ? q.replace(/\D/g, '') : '';
      // One row per person from conversation_summaries (kept by triggers), newest first through its
      // index: a poll reads the listed conversations, not every message. Unread counts stop at 100.
      return (await db.query<InboxRow>(`
        SELECT l.user_id, u.display_name, COALESCE(u.phone, c.wa_recipient) AS phone, l.channel, l.role, l.content, l.created_at,
               c.state, c.operator, c.wa_recipient,
               (SELECT count(*)::int FROM (SELECT m.role, m.created_at FROM conversation_messages m WHERE m.user_id = l.user_id ORDER BY m.id DESC LIMIT 100) r
                 WHERE r.role = 'user' AND r.created_at > COALESCE(c.last_read_at, '-infinity'::timestamptz)) AS unread
          FROM conversation_summaries s JOIN conversation_messages l ON l.id = s.last_message_id
          LEFT JOIN users u ON u.id = s.user_id LEFT JOIN operator_conversations c ON c.user_id = s.user_id
         WHERE ($1::text IS NULL OR COALESCE(c.state, 'ai') = $1)
           AND ($2::text IS NULL OR s.user_id ILIKE '%' || $2 || '%' OR u.display_name ILIKE '%' || $2 || '%'
                OR ($3 <> '' AND COALESCE(u.phone, c.wa_recipient, '') LIKE '%' || $3 || '%'))
         ORDER BY s.last_message_at DESC, s.last_message_id DESC LIMIT $4`, [filter.state ?? null, q, digits, filter.limit])).rows;
    },
    messages: async (userId: string, limit = 300) => (await db.query<{ id: number; role: 'user' | 'assistant' | 'operator'; channel: 'whatsapp' | 'web'; content: string; created_at: Date;
      operator: string | null; sources: { file: string; page: number }[] | null; batch_id: number | null }>(
      'SELECT id, role, channel, content, created_at, operator, sources, batch_id FROM conversation_messages WHERE user_id = $1 ORDER BY id DESC LIMIT $2', [userId, limit])).rows.reverse(),
    /** Delivery of operator replies: the best status Meta reported for their parts. */
    async operatorDelivery(userId: string): Promise<Map<number, { status: string; error: string | null }>> {
      const r = await db.query<{ history_id: number; status: string | null; error: string | null; mstatus: string }>(`
        SELECT m.history_id, m.status AS mstatus, m.error,
               (SELECT s.status FROM whatsapp_statuses s WHERE s.wamid = ANY(m.graph_message_ids)
                 ORDER BY CASE s.status WHEN 'failed' THEN 4 WHEN 'read' THEN 3 WHEN 'delivered' THEN 2 ELSE 1 END DESC LIMIT 1) AS status
          FROM operator_messages m WHERE m.user_id = $1 AND m.history_id IS NOT NULL`, [userId]);
      const failed = await db.query<{ wamid: string; error_title: string | null }>(`SELECT s.wamid, s.error_title FROM whatsapp_statuses s
        JOIN operator_messages m ON s.wamid = ANY(m.graph_message_ids) WHERE m.user_id = $1 AND s.status = 'failed'`, [userId]);
      const reason = failed.rows[0]?.error_title ?? null;
      return new Map(r.rows.map((x) => [Number(x.history_id), { status: x.status ?? (x.mstatus === 'sent' ? 'sent' : x.mstatus), error: x.status === 'failed' ? reason : x.error }]));
    },
    /** WhatsApp batches that sent AI replies (their history rows name them): Meta's best status for their parts and the knowledge pages used. */
    aiReplies: async (batchIds: number[]) => (await db.query<{ id: number; sources: { file: string; page: number }[] | null; status: string | null; error: string | null }>(`
      SELECT b.id, b.reply_meta->'sources' AS sources,
             (SELECT s.status FROM whatsapp_statuses s WHERE s.wamid = ANY(b.graph_message_ids)
               ORDER BY CASE s.status WHEN 'failed' THEN 4 WHEN 'read' THEN 3 WHEN 'delivered' THEN 2 ELSE 1 END DESC LIMIT 1) AS status,
             (SELECT s.error_title FROM whatsapp_statuses s WHERE s.wamid = ANY(b.graph_message_ids) AND s.status = 'failed' LIMIT 1) AS error
        FROM whatsapp_batches b WHERE b.id = ANY($1::bigint[])`, [batchIds])).rows,
    lastUserMessage: (userId: string) => one<{ channel: 'whatsapp' | 'web'; created_at: Date }>(
      "SELECT channel, created_at FROM conversation_messages WHERE user_id = $1 AND role = 'user' ORDER BY id DESC LIMIT 1", [userId]),
    async isOptedOutRecipient(recipient: string): Promise<boolean> {
      return Boolean(await one("SELECT 1 FROM operator_conversations WHERE wa_recipient = $1 AND state = 'opted_out' LIMIT 1", [recipient]));
    },
    /** Inserts the reply's row; null when the key was used before (the other request sends it). */
    claimMessage: (m: { key: string; userId: string; operator: string; channel: 'whatsapp' | 'web'; content: string; at: Date }) => one<OperatorMessageRow>(
      `INSERT INTO operator_messages (idempotency_key, user_id, operator, channel, content, created_at) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (idempotency_key) DO NOTHING RETURNING *`, [m.key, m.userId, m.operator, m.channel, m.content, m.at]),
    getMessage: (key: string) => one<OperatorMessageRow>('SELECT * FROM operator_messages WHERE idempotency_key = $1', [key]),
    async recordPart(key: string, messageId: string) {
      await db.query('UPDATE operator_messages SET parts_sent = parts_sent + 1, graph_message_ids = array_append(graph_message_ids, $2) WHERE idempotency_key = $1', [key, messageId]);
    },
    async failMessage(key: string, error: string) {
      await db.query("UPDATE operator_messages SET status = 'failed', error = $2 WHERE idempotency_key = $1", [key, error.slice(0, 500)]);
    },
    /** Marks the reply sent and appends it to the shared history, in one transaction. */
    async finishMessage(m: OperatorMessageRow, at: Date): Promise<number> {
      return db.transaction(async (tx) => {
        const h = await tx.query<{ id: number }>(`INSERT INTO conversation_messages (user_id, channel, role, content, created_at, operator)
          VALUES ($1, $2, 'operator', $3, $4, $5) RETURNING id`, [m.user_id, m.channel, m.content, at, m.operator]);
        const id = Number(h.rows[0].id);
        await tx.query("UPDATE operator_messages SET status = 'sent', sent_at = $2, history_id = $3 WHERE idempotency_key = $1", [m.idempotency_key, at, id]);
        await touchOperator(m.user_id, at, tx);
        await audit(m.user_id, m.operator, 'message', { channel: m.channel, chars: m.content.length }, at, tx);
        return id;
      });
    },
    async appendNotice(userId: string, channel: 'whatsapp' | 'web', content: string, at: Date) {
      await db.query("INSERT INTO conversation_messages (user_id, channel, role, content, created_at) VALUES ($1, $2, 'assistant', $3, $4)", [userId, channel, content, at]);
    },
    /** A WhatsApp recipient's last inbound message, from the channel's own table (24-hour window). */
    lastInboundOf: async (recipient: string) => (await one<{ at: Date | null }>(
      'SELECT max(last_inbound_at) AS at FROM whatsapp_conversations WHERE recipient = $1', [recipient]))?.at ?? null,
    user: (userId: string) => one<{ id: string; display_name: string | null; phone: string | null; channel: string }>(
      'SELECT id, display_name, phone, channel FROM users WHERE id = $1', [userId]),
  };
}

export type OperatorRepository = ReturnType<typeof createOperatorRepository>;
