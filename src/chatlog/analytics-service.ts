// Chat-log statistics for /api/analytics and the /admin dashboard. The aggregation is one SQL
// function (chat_log_analytics in 020-chat-log.sql) so the Postgres and supabase-js transports give
// the same figures; this service turns query strings into a time range and fills in empty days.
import { AppError } from '../shared/errors';
import type { ChatLogTransport } from './chatlog-repository';

export interface AnalyticsRange { from: Date; to: Date; tz: string }

export interface Analytics {
  range: { from: string; to: string; tz: string };
  /** Every day of the range (in tz), so charts have a point for days without traffic. */
  days: string[];
  totals: {
    sessions: number; messages: number; userMessages: number; replies: number; uniqueUsers: number;
    uniqueUsersByChannel: { whatsapp: number; web: number }; promptTokens: number; completionTokens: number;
  };
  perDay: { day: string; channel: 'whatsapp' | 'web'; sessions: number; messages: number; users: number }[];
  latency: { replies: number; avgMs: number | null; p95Ms: number | null };
  replyKinds: { ai: number; fallback: number; offline: number; placeholder: number; fallbackRate: number };
  tokensPerDay: { day: string; model: string; promptTokens: number; completionTokens: number }[];
  perModel: { model: string; replies: number; promptTokens: number; completionTokens: number; avgLatencyMs: number | null }[];
  busiestHours: { hour: number; messages: number }[];
  topSources: { file: string; page: number; turns: number; questions: { text: string; count: number }[] }[];
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const DAY_MS = 86_400_000;
const MAX_DAYS = 400;

function validTimeZone(tz: string): boolean {
  try { new Intl.DateTimeFormat('en-US', { timeZone: tz }); return true; } catch { return false; }
}

/** 'YYYY-MM-DD' of an instant in a time zone. */
export function dayIn(t: number, tz: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit' }).format(t);
}

// Offset of tz from UTC at instant t, in ms (Jakarta: +7 h).
function offsetMs(t: number, tz: string): number {
  const p = Object.fromEntries(new Intl.DateTimeFormat('en-US', {
    timeZone: tz, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric',
  }).formatToParts(t).map((x) => [x.type, Number(x.value)]));
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - Math.floor(t / 1000) * 1000;
}

/** The instant a calendar day starts in tz (handles DST by re-checking the offset once). */
export function startOfDay(day: string, tz: string): number {
  const guess = Date.parse(`${day}T00:00:00Z`);
  const first = guess - offsetMs(guess, tz);
  return guess - offsetMs(first, tz);
}

/** from/to: 'YYYY-MM-DD' (days in tz, `to` included) or ISO timestamps (`to` excluded). Default: the last 30 days. */
export function parseRange(q: { from?: unknown; to?: unknown; tz?: unknown }, now: number): AnalyticsRange {
  const tz = typeof q.tz === 'string' && q.tz ? q.tz : 'UTC';
  if (tz.length > 64 || !validTimeZone(tz)) throw new AppError('invalid-timezone', 400, `Unknown time zone "${String(tz).slice(0, 64)}"; use an IANA name such as Asia/Jakarta`);
  const point = (v: unknown, name: string, end: boolean): number | undefined => {
    if (v === undefined || v === '') return undefined;
    if (typeof v !== 'string') throw new AppError('invalid-range', 400, `${name} must be given once`);
    if (DAY.test(v) && !Number.isNaN(Date.parse(`${v}T00:00:00Z`))) {
      return end ? startOfDay(dayIn(Date.parse(`${v}T12:00:00Z`) + DAY_MS, 'UTC'), tz) : startOfDay(v, tz);
    }
    const t = Date.parse(v);
    if (Number.isNaN(t) || !/^\d{4}-\d{2}-\d{2}T/.test(v)) throw new AppError('invalid-range', 400, `${name} must be a date (YYYY-MM-DD) or an ISO timestamp, got "${v.slice(0, 40)}"`);
    return t;
  };
  const to = point(q.to, 'to', true) ?? startOfDay(dayIn(now + DAY_MS, tz), tz);
  const from = point(q.from, 'from', false) ?? startOfDay(dayIn(to - 30 * DAY_MS, tz), tz);
  if (from >= to) throw new AppError('invalid-range', 400, '"from" must be before "to"');
  if (to - from > MAX_DAYS * DAY_MS) throw new AppError('invalid-range', 400, `The range may cover at most ${MAX_DAYS} days`);
  return { from: new Date(from), to: new Date(to), tz };
}

export function daysBetween(range: AnalyticsRange): string[] {
  const days: string[] = [];
  const last = dayIn(range.to.getTime() - 1, range.tz);
  let d = dayIn(range.from.getTime(), range.tz);
  while (d <= last && days.length <= MAX_DAYS + 1) {
    days.push(d);
    d = new Date(Date.parse(`${d}T12:00:00Z`) + DAY_MS).toISOString().slice(0, 10);
  }
  return days;
}

export interface AnalyticsService { summary(range: AnalyticsRange): Promise<Analytics> }

export function createAnalyticsService(deps: { transport: ChatLogTransport }): AnalyticsService {
  return {
    async summary(range) {
      let raw: Omit<Analytics, 'range' | 'days'>;
      try {
        raw = await deps.transport.call('chat_log_analytics', { p_from: range.from, p_to: range.to, p_tz: range.tz });
      } catch (err) {
        // A zone Intl knows but this Postgres does not: the caller's input, not an outage.
        if (/time zone .* not recognized/i.test((err as Error).message)) {
          throw new AppError('invalid-timezone', 400, `The database does not know the time zone "${range.tz}"; use another IANA name`);
        }
        throw new AppError('chat-log-unavailable', 503, `The chat log database cannot be read: ${(err as Error).message}`);
      }
      return {
        range: { from: range.from.toISOString(), to: range.to.toISOString(), tz: range.tz },
        days: daysBetween(range),
        ...raw,
      };
    },
  };
}
