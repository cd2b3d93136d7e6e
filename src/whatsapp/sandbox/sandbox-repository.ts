// SQL of the local sandbox: its shared secrets, its event log (webhooks it sent, Graph calls it
// received) and a read-only view of what the real WhatsApp channel stored for one phone.
import crypto from 'node:crypto';
import type { Database } from '../../db/database';

export interface SandboxSecrets { appSecret: string; verifyToken: string; accessToken: string }

export interface SandboxEvent {
  id: number;
  at: Date;
  direction: 'webhook' | 'graph';
  phone: string | null;
  kind: string;
  wamid: string | null;
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
  responseStatus: number | null;
  responseBody: string | null;
}

export type NewSandboxEvent = Omit<SandboxEvent, 'id' | 'at'>;

export interface InboundRow { wamid: string; type: string; content: string; sentAt: Date; receivedAt: Date; seq: number }

/** Keep the event log small: it is a debugging aid, not a record. */
const KEEP_EVENTS = 5000;

export function createSandboxRepository(deps: { db: Database }) {
  const { db } = deps;
  let inserts = 0;
  return {
    /** First caller (any instance) generates the secrets; everyone reads the same ones. */
    async secrets(): Promise<SandboxSecrets> {
      const gen = () => crypto.randomBytes(24).toString('hex');
      await db.query(
        `INSERT INTO sandbox_settings (key, value) VALUES ('app_secret', $1), ('verify_token', $2), ('access_token', $3)
         ON CONFLICT (key) DO NOTHING`, [gen(), gen(), `SANDBOX${gen()}`]);
      const r = await db.query<{ key: string; value: string }>(
        "SELECT key, value FROM sandbox_settings WHERE key IN ('app_secret', 'verify_token', 'access_token')");
      const v = Object.fromEntries(r.rows.map((x) => [x.key, x.value]));
      return { appSecret: v.app_secret, verifyToken: v.verify_token, accessToken: v.access_token };
    },

    async record(e: NewSandboxEvent): Promise<number> {
      const r = await db.query<{ id: number }>(
        `INSERT INTO sandbox_events (direction, phone, kind, wamid, method, path, headers, body, response_status, response_body)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
        [e.direction, e.phone, e.kind, e.wamid, e.method, e.path, JSON.stringify(e.headers), e.body, e.responseStatus, e.responseBody]);
      if (++inserts % 200 === 0) {
        await db.query('DELETE FROM sandbox_events WHERE id < (SELECT max(id) FROM sandbox_events) - $1', [KEEP_EVENTS]).catch(() => {});
      }
      return Number(r.rows[0].id);
    },

    async events(opts: { phone?: string; afterId?: number; limit?: number }): Promise<SandboxEvent[]> {
      const r = await db.query<Record<string, unknown>>(
        `SELECT * FROM (
           SELECT id, at, direction, phone, kind, wamid, method, path, headers, body, response_status, response_body
           FROM sandbox_events WHERE ($1::text IS NULL OR phone = $1) AND id > $2 ORDER BY id DESC LIMIT $3
         ) e ORDER BY id`,
        [opts.phone ?? null, opts.afterId ?? 0, opts.limit ?? 50]);
      return r.rows.map((x) => ({
        id: Number(x.id), at: x.at as Date, direction: x.direction as SandboxEvent['direction'], phone: x.phone as string | null,
        kind: x.kind as string, wamid: x.wamid as string | null, method: x.method as string, path: x.path as string,
        headers: x.headers as Record<string, string>, body: x.body as string,
        responseStatus: x.response_status as number | null, responseBody: x.response_body as string | null,
      }));
    },

    async lastEventId(): Promise<number> {
      const r = await db.query<{ id: number | null }>('SELECT max(id) AS id FROM sandbox_events');
      return Number(r.rows[0]?.id ?? 0);
    },

    /** The phone (Graph `to`) of the conversation an inbound message belongs to, for read receipts. */
    async phoneOfMessage(wamid: string): Promise<string | null> {
      const r = await db.query<{ recipient: string }>(
        `SELECT c.recipient FROM whatsapp_inbound i JOIN whatsapp_conversations c ON c.conversation_key = i.conversation_key
         WHERE i.wamid = $1`, [wamid]);
      return r.rows[0]?.recipient ?? null;
    },

    /** What the real channel stored from this phone (whoever sent it: the page, the CLI, a test). */
    async inbound(conversationKey: string, limit = 100): Promise<InboundRow[]> {
      const r = await db.query<{ wamid: string; type: string; content: string; sent_at: Date; received_at: Date; seq: number }>(
        `SELECT * FROM (SELECT wamid, type, content, sent_at, received_at, seq FROM whatsapp_inbound
         WHERE conversation_key = $1 ORDER BY seq DESC LIMIT $2) x ORDER BY seq`, [conversationKey, limit]);
      return r.rows.map((x) => ({ wamid: x.wamid, type: x.type, content: x.content, sentAt: x.sent_at, receivedAt: x.received_at, seq: Number(x.seq) }));
    },

    /** True while messages wait in the buffer or a batch is being answered. */
    async pending(conversationKey: string): Promise<{ pending: boolean; dueAt: Date | null }> {
      const r = await db.query<{ due_at: Date | null; open_batch_id: number | null }>(
        'SELECT due_at, open_batch_id FROM whatsapp_conversations WHERE conversation_key = $1', [conversationKey]);
      const row = r.rows[0];
      return { pending: Boolean(row && (row.due_at || row.open_batch_id)), dueAt: row?.due_at ?? null };
    },
  };
}

export type SandboxRepository = ReturnType<typeof createSandboxRepository>;
