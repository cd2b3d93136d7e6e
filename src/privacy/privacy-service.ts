// Erasure of one person everywhere, and the retention sweep, both driven by the registry
// (registry.ts). The chat log may live in another database or behind supabase-js: it is reached
// through its transport's chat_log_forget function, like every other chat-log operation.
import type { ChatLogTransport } from '../chatlog/chatlog-repository';
import type { Database, Queryable } from '../db/database';
import { AppError } from '../shared/errors';
import type { Logger } from '../shared/logger';
import { PERSONAL_DATA_TABLES, type PersonalDataTable } from './registry';

export interface Subject { ids: string[]; phones: string[]; bsuids: string[] }
export interface ErasureResult { subject: { userIds: string[] }; deleted: Record<string, number>; total: number }
export interface RetentionResult { olderThan: string; deleted: Record<string, number>; total: number }

const PHONE = /^\+?\d{7,15}$/;
const DAY_MS = 24 * 3600 * 1000;
const subjectCte = 'WITH s AS (SELECT $1::text[] AS ids, $2::text[] AS phones, $3::text[] AS bsuids)';

export interface PrivacyService {
  /** `who`: a user id, or a phone number (digits, optionally with +). */
  forget(who: string): Promise<ErasureResult>;
  sweep(): Promise<RetentionResult>;
}

export function createPrivacyService(deps: {
  db: Database; logger: Logger; retentionDays: number; chatLog?: ChatLogTransport; clock?: () => number; tables?: PersonalDataTable[];
}): PrivacyService {
  const { db } = deps;
  const tables = deps.tables ?? PERSONAL_DATA_TABLES;
  const clock = deps.clock ?? Date.now;
  const log = deps.logger.child({ module: 'privacy' });

  /** Everything that names the person: the ids of their user rows, their phone and Meta user ids. */
  async function resolve(q: Queryable, who: string): Promise<Subject> {
    const input = who.trim();
    if (!input || input.length > 200) throw new AppError('invalid-person', 400, 'Give a user id or a phone number');
    const phone = PHONE.test(input) ? input.replace(/^\+/, '') : null;
    const ids = new Set<string>(phone ? [`whatsapp_${phone}`] : [input]);
    const phones = new Set<string>(phone ? [phone] : []);
    const bsuids = new Set<string>();
    const bsuidPrefix = 'whatsapp_bsuid_';
    if (!phone && input.startsWith(bsuidPrefix)) bsuids.add(input.slice(bsuidPrefix.length));
    else if (!phone && /^whatsapp_\d{7,15}$/.test(input)) phones.add(input.slice('whatsapp_'.length));
    const r = await q.query<{ id: string; phone: string | null; wa_user_id: string | null }>(
      'SELECT id, phone, wa_user_id FROM users WHERE id = ANY($1::text[]) OR phone = ANY($2::text[])', [[...ids], [...phones]]);
    for (const u of r.rows) {
      ids.add(u.id);
      if (u.phone) { phones.add(u.phone); ids.add(`whatsapp_${u.phone}`); }
      if (u.wa_user_id) { bsuids.add(u.wa_user_id); ids.add(`${bsuidPrefix}${u.wa_user_id}`); }
    }
    // A linked WhatsApp number is the same person as its account, whichever side was named.
    const links = await q.query<{ user_id: string; phone: string | null; bsuid: string | null }>(
      'SELECT user_id, phone, bsuid FROM whatsapp_links WHERE user_id = ANY($1::text[]) OR phone = ANY($2::text[]) OR bsuid = ANY($3::text[])',
      [[...ids], [...phones], [...bsuids]]);
    for (const l of links.rows) {
      ids.add(l.user_id);
      if (l.phone) { phones.add(l.phone); ids.add(`whatsapp_${l.phone}`); }
      if (l.bsuid) { bsuids.add(l.bsuid); ids.add(`${bsuidPrefix}${l.bsuid}`); }
    }
    return { ids: [...ids], phones: [...phones], bsuids: [...bsuids] };
  }

  return {
    async forget(who) {
      const { subject, deleted } = await db.transaction(async (tx) => {
        const s = await resolve(tx, who);
        const counts: Record<string, number> = {};
        for (const t of tables) {
          const r = await tx.query<{ n: number }>(
            `${subjectCte}, d AS (DELETE FROM ${t.table} t USING s WHERE ${t.person} RETURNING 1) SELECT count(*)::int AS n FROM d`,
            [s.ids, s.phones, s.bsuids]);
          counts[t.table] = r.rows[0].n;
        }
        return { subject: s, deleted: counts };
      });
      if (deps.chatLog) {
        // After the main database: a failure here is reported (the operator runs it again: idempotent).
        const r = await deps.chatLog.call<{ sessions: number; messages: number }>('chat_log_forget', { p_user_ids: subject.ids });
        deleted.chat_messages = r.messages;
        deleted.chat_sessions = r.sessions;
      }
      const total = Object.values(deleted).reduce((a, b) => a + b, 0);
      log.info({ userIds: subject.ids, deleted, total, chatLog: deps.chatLog?.name ?? 'off' }, `🗑️ erased one person: ${total} row(s) deleted`);
      return { subject: { userIds: subject.ids }, deleted, total };
    },

    async sweep() {
      const now = clock();
      const cutoff = new Date(now - deps.retentionDays * DAY_MS);
      const deleted: Record<string, number> = {};
      for (const t of tables) {
        if (!t.retention) continue;
        const before = t.retention.kind === 'expiry' ? new Date(now) : cutoff;
        const keep = t.retention.keepIf ? ` AND NOT (${t.retention.keepIf})` : '';
        const r = await db.query<{ n: number }>(
          `WITH d AS (DELETE FROM ${t.table} t WHERE t.${t.retention.column} < $1${keep} RETURNING 1) SELECT count(*)::int AS n FROM d`, [before]);
        deleted[t.table] = r.rows[0].n;
      }
      const total = Object.values(deleted).reduce((a, b) => a + b, 0);
      log.info({ deleted, total, olderThanDays: deps.retentionDays }, `🧹 retention: deleted ${total} row(s) of personal data older than ${deps.retentionDays} days`);
      return { olderThan: cutoff.toISOString(), deleted, total };
    },
  };
}
