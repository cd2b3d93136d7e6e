// The conversation the AI sees, per user, for both channels. Separate from the chat log on
// purpose: answering must not depend on analytics storage being on or reachable.
import type { Database, Queryable } from '../db/database';
import type { Channel, ConversationMessage } from '../ai/types';

export interface HistoryRepository {
  /** `sources`: the knowledge pages an AI reply used (shown in the operator console). */
  append(userId: string, channel: Channel, role: 'user' | 'assistant', content: string, at?: Date, tx?: Queryable, sources?: { file: string; page: number }[]): Promise<void>;
  /** The most recent messages, oldest first. */
  recent(userId: string, limit?: number): Promise<ConversationMessage[]>;
}

export function createHistoryRepository(deps: { db: Database }): HistoryRepository {
  const { db } = deps;
  return {
    async append(userId, channel, role, content, at = new Date(), tx = db, sources) {
      await tx.query('INSERT INTO conversation_messages (user_id, channel, role, content, created_at, sources) VALUES ($1, $2, $3, $4, $5, $6)',
        [userId, channel, role, content, at, sources?.length ? JSON.stringify(sources) : null]);
    },
    async recent(userId, limit = 20) {
      const r = await db.query<{ role: 'user' | 'assistant' | 'operator'; content: string; created_at: Date; channel: Channel }>(
        'SELECT role, content, created_at, channel FROM conversation_messages WHERE user_id = $1 ORDER BY id DESC LIMIT $2',
        [userId, limit]);
      return r.rows.reverse().map((m) => ({ role: m.role, text: m.content, at: m.created_at, channel: m.channel }));
    },
  };
}
