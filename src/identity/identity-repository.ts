// Links, link codes and guessing limits, in SQL. The resolution rule itself is one SQL expression
// (senderResolutionSql) so the batch claim can apply it in its own statement and every path
// answers a sender as the same user.
import type { Database, Queryable } from '../db/database';

export type SenderSource = 'link' | 'customer' | 'number';
export interface ResolvedSender { userId: string; source: SenderSource }
export interface LinkRow { user_id: string; phone: string | null; bsuid: string | null; linked_by: 'code' | 'operator'; created_at: Date }

/**
 * SQL for the user a sender is answered as, given SQL expressions for its phone and BSUID:
 * `ARRAY[user_id, source]`, or NULL when neither a link nor a company record knows the number
 * (the caller falls back to whatsapp_<digits>). A link by phone wins over one by BSUID.
 */
export function senderResolutionSql(phone: string, bsuid: string): string {
  return `(SELECT ARRAY[x.user_id, x.source] FROM (
      SELECT l.user_id, 'link' AS source, CASE WHEN l.phone = ${phone} THEN 0 ELSE 1 END AS rank
      FROM whatsapp_links l WHERE l.phone = ${phone} OR l.bsuid = ${bsuid}
      UNION ALL
      SELECT u.id, 'customer', 2 FROM users u WHERE u.phone = ${phone} AND u.id NOT LIKE 'whatsapp\\_%'
    ) x ORDER BY x.rank, x.user_id LIMIT 1)`;
}

const RESOLVE_SQL = `SELECT ${senderResolutionSql('$1::text', '$2::text')} AS who`;

export interface IdentityRepository {
  resolve(phone: string | null, bsuid: string | null): Promise<ResolvedSender | null>;
  /** The sender's earlier conversation moves to the account; a generated profile of the number is deleted. */
  adopt(fromUserId: string, toUserId: string, tx?: Queryable): Promise<{ moved: number; dummyDeleted: boolean }>;
  linkOfUser(userId: string, tx?: Queryable): Promise<LinkRow | null>;
  linkOfSender(phone: string | null, bsuid: string | null, tx?: Queryable, forUpdate?: boolean): Promise<LinkRow | null>;
  insertLink(tx: Queryable, l: { userId: string; phone: string | null; bsuid: string | null; linkedBy: 'code' | 'operator'; at: Date }): Promise<void>;
  deleteLinkOfUser(userId: string, tx?: Queryable): Promise<LinkRow | null>;
  saveCode(userId: string, codeHash: string, language: 'id' | 'en', expiresAt: Date): Promise<void>;
  /** Deletes (uses up) whichever of these codes exists and returns it, expired or not. */
  takeCode(tx: Queryable, hashes: string[]): Promise<{ user_id: string; language: 'id' | 'en'; expires_at: Date } | null>;
  failures(key: string, sinceMs: number): Promise<number>;
  recordFailure(key: string, nowMs: number, windowMs: number): Promise<void>;
  deleteExpiredCodes(nowMs: number): Promise<number>;
}

export function createIdentityRepository(deps: { db: Database }): IdentityRepository {
  const { db } = deps;
  const linkOf = async (q: Queryable, sql: string, params: unknown[]) => (await q.query<LinkRow>(sql, params)).rows[0] ?? null;
  return {
    async resolve(phone, bsuid) {
      const r = await db.query<{ who: [string, SenderSource] | null }>(RESOLVE_SQL, [phone, bsuid], { name: 'identity-resolve' });
      const who = r.rows[0]?.who;
      return who ? { userId: who[0], source: who[1] } : null;
    },
    async adopt(fromUserId, toUserId, tx = db) {
      if (fromUserId === toUserId) return { moved: 0, dummyDeleted: false };
      // Payments go with their accounts (ON DELETE CASCADE). Only a generated profile is deleted:
      // a real report stays where the company put it.
      const r = await tx.query<{ moved: number; dummy: number }>(
        `WITH moved AS (UPDATE conversation_messages SET user_id = $2 WHERE user_id = $1 RETURNING 1),
              dummy AS (DELETE FROM usercreditinsights WHERE user_id = $1 AND is_dummy RETURNING user_id),
              accounts AS (DELETE FROM usertradelinedata WHERE user_id IN (SELECT user_id FROM dummy) RETURNING 1)
         SELECT (SELECT count(*) FROM moved)::int AS moved, (SELECT count(*) FROM dummy)::int AS dummy,
                (SELECT count(*) FROM accounts)::int AS accounts`, [fromUserId, toUserId]);
      return { moved: r.rows[0].moved, dummyDeleted: r.rows[0].dummy > 0 };
    },
    linkOfUser: (userId, tx = db) => linkOf(tx, 'SELECT * FROM whatsapp_links WHERE user_id = $1', [userId]),
    linkOfSender: (phone, bsuid, tx = db, forUpdate = false) => linkOf(tx,
      `SELECT * FROM whatsapp_links WHERE phone = $1 OR bsuid = $2 ORDER BY (phone = $1) DESC NULLS LAST LIMIT 1${forUpdate ? ' FOR UPDATE' : ''}`,
      [phone, bsuid]),
    async insertLink(tx, l) {
      await tx.query('INSERT INTO whatsapp_links (user_id, phone, bsuid, linked_by, created_at) VALUES ($1, $2, $3, $4, $5)',
        [l.userId, l.phone, l.bsuid, l.linkedBy, l.at]);
    },
    deleteLinkOfUser: (userId, tx = db) => linkOf(tx, 'DELETE FROM whatsapp_links WHERE user_id = $1 RETURNING *', [userId]),
    async saveCode(userId, codeHash, language, expiresAt) {
      await db.query(
        `INSERT INTO whatsapp_link_codes (code_hash, user_id, language, expires_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (user_id) DO UPDATE SET code_hash = EXCLUDED.code_hash, language = EXCLUDED.language,
           expires_at = EXCLUDED.expires_at, created_at = now()`, [codeHash, userId, language, expiresAt]);
    },
    async takeCode(tx, hashes) {
      const r = await tx.query<{ user_id: string; language: 'id' | 'en'; expires_at: Date }>(
        'DELETE FROM whatsapp_link_codes WHERE code_hash = ANY($1::text[]) RETURNING user_id, language, expires_at', [hashes]);
      return r.rows[0] ?? null;
    },
    async failures(key, sinceMs) {
      const r = await db.query<{ failures: number }>(
        'SELECT failures FROM whatsapp_link_attempts WHERE conversation_key = $1 AND window_start > $2', [key, new Date(sinceMs)]);
      return r.rows[0]?.failures ?? 0;
    },
    async recordFailure(key, nowMs, windowMs) {
      await db.query(
        `INSERT INTO whatsapp_link_attempts AS a (conversation_key, window_start, failures) VALUES ($1, $2, 1)
         ON CONFLICT (conversation_key) DO UPDATE SET
           failures = CASE WHEN a.window_start > $3 THEN a.failures + 1 ELSE 1 END,
           window_start = CASE WHEN a.window_start > $3 THEN a.window_start ELSE EXCLUDED.window_start END`,
        [key, new Date(nowMs), new Date(nowMs - windowMs)]);
    },
    async deleteExpiredCodes(nowMs) {
      const r = await db.query('DELETE FROM whatsapp_link_codes WHERE expires_at < $1', [new Date(nowMs)]);
      return r.rowCount;
    },
  };
}
