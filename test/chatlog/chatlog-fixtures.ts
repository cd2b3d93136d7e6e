// Helpers for chat-log tests: turns shaped exactly as the channels send them, and direct reads of
// the log tables to check what was stored.
import type { AiTurnResult } from '../../src/ai/types';
import type { Database } from '../../src/db/database';
import type { LoggedTurn } from '../../src/chatlog/types';

export const MIN = 60_000;
export const DAY = 24 * 60 * MIN;

export function reply(at: Date, over: Partial<AiTurnResult> = {}): AiTurnResult & { at: Date } {
  return {
    text: 'Skor kredit Anda 720 (Baik).', kind: 'ai', model: 'google/gemini-2.0-flash-exp:free',
    promptTokens: 900, completionTokens: 120, latencyMs: 1234, sources: [{ file: 'panduan-kredit.pdf', page: 3 }],
    at, ...over,
  };
}

export function turn(userId: string, channel: 'whatsapp' | 'web', at: Date, texts: string[], r?: Partial<AiTurnResult> | null, extra: Partial<LoggedTurn> = {}): LoggedTurn {
  return {
    userId, channel,
    userMessages: texts.map((text, i) => ({ text, at: new Date(at.getTime() + i * 1000) })),
    ...(r === null ? {} : { reply: reply(new Date(at.getTime() + texts.length * 1000 + 2000), r ?? {}) }),
    ...extra,
  };
}

export interface SessionRow { id: string; user_id: string; channel: string; started_at: Date; last_activity_at: Date; ended_at: Date | null; end_reason: string | null; message_count: number }
export interface MessageRow { session_id: string; role: string; content: string; created_at: Date; kind: string | null; model: string | null; prompt_tokens: number | null; completion_tokens: number | null; latency_ms: number | null; sources: { file: string; page: number }[] }

export async function sessions(db: Database, userId?: string): Promise<SessionRow[]> {
  const r = await db.query<SessionRow>(`SELECT * FROM chat_sessions ${userId ? 'WHERE user_id = $1' : ''} ORDER BY started_at, user_id`, userId ? [userId] : []);
  return r.rows;
}

export async function messages(db: Database, sessionId?: string): Promise<MessageRow[]> {
  const r = await db.query<MessageRow>(`SELECT * FROM chat_messages ${sessionId ? 'WHERE session_id = $1' : ''} ORDER BY created_at, seq`, sessionId ? [sessionId] : []);
  return r.rows;
}
