// Helpers for chat-log tests: turns shaped exactly as the channels send them, and direct reads of
// the log tables to check what was stored.
import type { AiTurnResult } from '../../src/ai/types';
import type { Database } from '../../src/db/database';
import type { LoggedTurn } from '../../src/chatlog/types';
import { createChatLogger } from '../../src/chatlog/chat-logger';
import { createPostgresChatLogTransport } from '../../src/chatlog/chatlog-repository';
import { silentLogger } from '../../src/shared/logger';

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

// Known traffic, all in November 2026 (UTC):
//  20th: WhatsApp A two turns (one a burst of two messages), web B one turn
//  21st: WhatsApp C a fallback reply, web B an offline reply, WhatsApp A again late (a new session)
//  19th: one turn outside the asked range
const at = (iso: string) => new Date(iso);
export const GEMINI = 'google/gemini-2.0-flash-exp:free';
export const FREE = 'openrouter/free';

export async function seedKnownTraffic(db: Database): Promise<void> {
  const log = createChatLogger({ transport: createPostgresChatLogTransport({ db }), logger: silentLogger(), whatsappIdleMinutes: 60 });
  const bab3 = [{ file: 'panduan-kredit.pdf', page: 3 }];
  log.logTurn(turn('whatsapp_628100000001', 'whatsapp', at('2026-11-19T10:00:00Z'), ['Outside the range'], { latencyMs: 99_999 }));
  log.logTurn(turn('whatsapp_628100000001', 'whatsapp', at('2026-11-20T02:00:00Z'), ['Apa itu  Kolektibilitas?'],
    { latencyMs: 100, promptTokens: 1000, completionTokens: 100, sources: [...bab3, ...bab3] }));
  log.logTurn(turn('whatsapp_628100000001', 'whatsapp', at('2026-11-20T02:10:00Z'), ['Halo', 'kenapa skor saya turun'],
    { latencyMs: 200, promptTokens: 1100, completionTokens: 150, sources: [{ file: 'faq.pdf', page: 1 }] }));
  log.logTurn(turn('google_b', 'web', at('2026-11-20T09:30:00Z'), ['apa itu kolektibilitas?'],
    { latencyMs: 300, promptTokens: 800, completionTokens: 50, model: FREE, sources: bab3 }));
  log.logTurn(turn('whatsapp_628100000003', 'whatsapp', at('2026-11-21T02:20:00Z'), ['Tolong cek tagihan'],
    { kind: 'fallback', model: null, promptTokens: null, completionTokens: null, latencyMs: 45_000, sources: [] }));
  log.logTurn(turn('google_b', 'web', at('2026-11-21T02:40:00Z'), ['Apa itu kolektibilitas?'],
    { kind: 'offline', model: null, promptTokens: null, completionTokens: null, latencyMs: 5, sources: bab3 }));
  log.logTurn(turn('whatsapp_628100000001', 'whatsapp', at('2026-11-21T23:00:00Z'), ['Terima kasih'],
    { latencyMs: 1000, promptTokens: 500, completionTokens: 20 }));
  await log.close();
}


/** Plausible traffic for the dashboard: `days` days up to `end`, deterministic. */
export async function seedDemoTraffic(db: Database, end: Date, days: number): Promise<void> {
  const log = createChatLogger({ transport: createPostgresChatLogTransport({ db }), logger: silentLogger(), whatsappIdleMinutes: 60 });
  let seed = 42;
  const rnd = () => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648; };
  const questions = ['Apa itu kolektibilitas?', 'Kenapa skor kredit saya turun?', 'Bagaimana cara menaikkan skor?', 'Berapa utilisasi kartu kredit saya?', 'Apa arti status macet?'];
  const sources = [{ file: 'panduan-kredit.pdf', page: 3 }, { file: 'panduan-kredit.pdf', page: 7 }, { file: 'faq-slik.pdf', page: 2 }, { file: 'faq-slik.pdf', page: 5 }];
  for (let d = days - 1; d >= 0; d--) {
    const base = end.getTime() - d * DAY;
    const turns = 6 + Math.floor(rnd() * 14);
    for (let i = 0; i < turns; i++) {
      const channel = rnd() < 0.65 ? 'whatsapp' : 'web';
      const user = channel === 'whatsapp' ? `whatsapp_62812000${Math.floor(rnd() * 30)}` : `google_${Math.floor(rnd() * 15)}`;
      const hour = [8, 9, 10, 11, 12, 13, 19, 20, 21][Math.floor(rnd() * 9)];
      const at = new Date(Math.floor(base / DAY) * DAY + hour * 60 * MIN + Math.floor(rnd() * 59) * MIN);
      const q = Math.floor(rnd() * questions.length);
      const k = rnd();
      const kind = k < 0.08 ? 'fallback' : k < 0.12 ? 'offline' : 'ai';
      log.logTurn(turn(user, channel, at, [questions[q]], kind === 'ai'
        ? { model: rnd() < 0.8 ? GEMINI : FREE, latencyMs: 600 + Math.floor(rnd() * 2500), promptTokens: 700 + Math.floor(rnd() * 900),
            completionTokens: 60 + Math.floor(rnd() * 200), sources: [sources[q % sources.length]] }
        : { kind, model: null, promptTokens: null, completionTokens: null, latencyMs: kind === 'fallback' ? 45_000 : 3, sources: kind === 'offline' ? [sources[0]] : [] }));
    }
  }
  await log.close();
}
