// Users of both channels. The id is the key everything else hangs on:
//   whatsapp_<digits of the phone>   (the seed's rule: +62812345678 → whatsapp_62812345678)
//   whatsapp_bsuid_<sanitised BSUID>  (a WhatsApp user who hides the phone behind a username)
//   google_<Google sub>               (web chat)
//   demo_<name>                        (local demo sign-in outside production)
import type { Database } from '../db/database';

export interface UserRow {
  id: string; channel: 'whatsapp' | 'web'; display_name: string | null; phone: string | null; wa_user_id: string | null;
  email: string | null; google_sub: string | null; created_at: Date; last_seen_at: Date;
}

export function whatsappUserId(sender: { phone?: string | null; bsuid?: string | null }): string {
  const digits = (sender.phone ?? '').replace(/\D/g, '');
  if (digits) return `whatsapp_${digits}`;
  const bsuid = (sender.bsuid ?? '').replace(/[^A-Za-z0-9._-]/g, '');
  if (bsuid) return `whatsapp_bsuid_${bsuid}`;
  throw new Error('a WhatsApp sender needs a phone number or a business-scoped user id');
}

export interface UpsertResult { user: UserRow; created: boolean }

export interface UserRepository {
  get(id: string): Promise<UserRow | null>;
  upsert(u: { id: string; channel: 'whatsapp' | 'web'; displayName?: string | null; phone?: string | null; waUserId?: string | null; email?: string | null; googleSub?: string | null }): Promise<UpsertResult>;
}

export function createUserRepository(deps: { db: Database }): UserRepository {
  const { db } = deps;
  return {
    async get(id) {
      const r = await db.query<UserRow>('SELECT * FROM users WHERE id = $1', [id]);
      return r.rows[0] ?? null;
    },
    async upsert(u) {
      // xmax = 0 tells an inserted row from an updated one in a single round trip.
      const r = await db.query<UserRow & { inserted: boolean }>(
        `INSERT INTO users (id, channel, display_name, phone, wa_user_id, email, google_sub)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (id) DO UPDATE SET
           display_name = COALESCE(EXCLUDED.display_name, users.display_name),
           wa_user_id = COALESCE(users.wa_user_id, EXCLUDED.wa_user_id),
           email = COALESCE(EXCLUDED.email, users.email),
           last_seen_at = now()
         RETURNING *, (xmax = 0) AS inserted`,
        [u.id, u.channel, u.displayName ?? null, u.phone ?? null, u.waUserId ?? null, u.email ?? null, u.googleSub ?? null]);
      const { inserted, ...user } = r.rows[0];
      return { user, created: inserted };
    },
  };
}
