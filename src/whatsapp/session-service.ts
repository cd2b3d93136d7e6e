// Who a WhatsApp sender is. The conversation key is the user id:
//   phone known        → whatsapp_<digits>          (the seed's rule)
//   only a BSUID known → whatsapp_bsuid_<id>        (Meta's username users send no phone number)
// A sender is never merged with someone else's conversation: without either id the message is ignored.
// Sessions: a conversation is "active" until WHATSAPP_SESSION_TIMEOUT_MINUTES without a message;
// the hourly cleanup closes it (and tells the ChatLogger) and the next message opens a new one.
import type { Database } from '../db/database';
import type { Logger } from '../shared/logger';
import type { UserRepository } from '../users/user-repository';
import { whatsappUserId } from '../users/user-repository';
import type { CreditRepository } from '../credit/credit-repository';
import type { ChatLogger } from '../chatlog/types';
import type { IdentityService } from '../identity/identity-service';

export function conversationKey(sender: { phone: string | null; bsuid: string | null }): string {
  return whatsappUserId({ phone: sender.phone, bsuid: sender.bsuid });
}

export interface WhatsAppSession { userId: string; profileName: string | null; startedAt: Date; lastActivityAt: Date; messageCount: number; pending: boolean }

export interface SessionService {
  /**
   * First contact: creates the number's own user row and finds who the sender is. A linked number or
   * a company customer gets the number's earlier conversation moved to their account; an unknown
   * number gets a generated demo profile only where DUMMY_CREDIT_PROFILES allows it.
   */
  ensureUser(s: { userId: string; phone: string | null; bsuid: string | null; profileName: string | null }): Promise<{ created: boolean }>;
  activeSessions(nowMs: number): Promise<WhatsAppSession[]>;
  /** Closes sessions idle longer than the timeout; returns how many. */
  closeInactive(nowMs: number): Promise<number>;
}

export function createSessionService(deps: {
  db: Database; users: UserRepository; credit: CreditRepository; chatLogger: ChatLogger; logger: Logger; timeoutMinutes: number;
  identity: IdentityService; dummyProfiles: boolean;
}): SessionService {
  const { db, users, credit } = deps;
  const timeoutMs = deps.timeoutMinutes * 60_000;
  return {
    async ensureUser(s) {
      const base = { id: s.userId, channel: 'whatsapp' as const, displayName: s.profileName, phone: s.phone };
      let created: boolean;
      try {
        ({ created } = await users.upsert({ ...base, waUserId: s.bsuid }));
      } catch (err) {
        // The BSUID may already belong to the same person's other user id (seen earlier without a
        // phone number): keep both users apart rather than fail the turn.
        if ((err as { code?: string }).code !== '23505') throw err;
        ({ created } = await users.upsert(base));
      }
      const who = await deps.identity.resolve({ key: s.userId, phone: s.phone, bsuid: s.bsuid });
      let profile = false;
      if (who.source !== 'number') await deps.identity.adopt(s.userId, who.userId);
      // Idempotent (ON CONFLICT DO NOTHING), so a crash between the two calls is repaired next turn.
      else if (deps.dummyProfiles) profile = await credit.ensureDummyProfile(s.userId);
      if (created) {
        const what = who.source === 'link' ? `answered as linked account ${who.userId}` : who.source === 'customer' ? `answered as customer ${who.userId}`
          : profile ? 'dummy credit profile created' : 'no credit report linked';
        deps.logger.info({ module: 'whatsapp', userId: s.userId, answeredAs: who.userId, source: who.source }, `👤 New WhatsApp user ${s.userId}: ${what}`);
      }
      return { created };
    },
    async activeSessions(nowMs) {
      const r = await db.query<{ conversation_key: string; profile_name: string | null; session_started_at: Date; last_inbound_at: Date; session_messages: number; pending: boolean }>(
        `SELECT conversation_key, profile_name, session_started_at, last_inbound_at, session_messages,
                (due_at IS NOT NULL OR open_batch_id IS NOT NULL) AS pending
         FROM whatsapp_conversations WHERE session_ended_at IS NULL AND last_inbound_at > $1
         ORDER BY last_inbound_at DESC LIMIT 500`, [new Date(nowMs - timeoutMs)]);
      return r.rows.map((row) => ({
        userId: row.conversation_key, profileName: row.profile_name, startedAt: row.session_started_at,
        lastActivityAt: row.last_inbound_at, messageCount: row.session_messages, pending: row.pending,
      }));
    },
    async closeInactive(nowMs) {
      const r = await db.query<{ conversation_key: string }>(
        `UPDATE whatsapp_conversations SET session_ended_at = $1
         WHERE session_ended_at IS NULL AND last_inbound_at <= $2 AND due_at IS NULL AND open_batch_id IS NULL
         RETURNING conversation_key`, [new Date(nowMs), new Date(nowMs - timeoutMs)]);
      for (const row of r.rows) deps.chatLogger.endSession(row.conversation_key, 'whatsapp');
      if (r.rows.length) deps.logger.info({ module: 'whatsapp', closed: r.rows.length }, `🧹 Closed ${r.rows.length} inactive WhatsApp session(s)`);
      return r.rows.length;
    },
  };
}
