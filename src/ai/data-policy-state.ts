// OpenRouter's last refusal for the data policy, kept in the database (whatsapp_channel_state) so
// the status endpoint of every instance shows it, not only the one that made the call.
import type { Database } from '../db/database';
import type { DataPolicyRefusal } from './openrouter-client';

const KEY = 'openrouter_data_policy_refusal';

export interface DataPolicyStatus { dataCollection: 'deny' | 'allow'; lastRefusal: unknown }

export function createDataPolicyState(db: Database) {
  return {
    /** A refusal started (or ended: null). Never throws: the instance's own copy still shows it. */
    async record(refusal: DataPolicyRefusal | null): Promise<void> {
      const q = refusal
        ? db.query(`INSERT INTO whatsapp_channel_state (key, value, updated_at) VALUES ($1, $2, now())
                    ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = now()`, [KEY, JSON.stringify(refusal)])
        : db.query('DELETE FROM whatsapp_channel_state WHERE key = $1', [KEY]);
      await q.then(() => {}, () => {});
    },
    /** What the status shows; `own` is this instance's view (null when offline). */
    async read(own: { dataCollection: 'deny' | 'allow'; lastRefusal: DataPolicyRefusal | null } | null): Promise<DataPolicyStatus | null> {
      if (!own) return null;
      const r = await db.query<{ value: unknown }>('SELECT value FROM whatsapp_channel_state WHERE key = $1', [KEY]).catch(() => null);
      return { dataCollection: own.dataCollection, lastRefusal: r ? r.rows[0]?.value ?? null : own.lastRefusal };
    },
  };
}
