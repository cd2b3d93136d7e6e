// How many model turns one person (both channels together) and the whole service may use per day.
// Counted in the database, so every instance shares the counts. A turn is counted only when the
// model is really asked: the person's row and the day's total ('*') are taken in one transaction,
// each with a conditional upsert, so concurrent turns cannot overshoot either limit.
import type { Database } from '../db/database';
import type { Logger } from '../shared/logger';

export const TOTAL_KEY = '*';
const JAKARTA_OFFSET_MS = 7 * 3600 * 1000;

export type UsageDecision = 'ok' | 'user-limit' | 'budget';

export interface AiUsage {
  /** Counts one model turn for the person, unless a limit is reached. */
  take(userId: string): Promise<UsageDecision>;
  today(): Promise<{ day: string; turns: number; users: number; perUserLimit: number | null; budget: number | null; budgetReached: boolean }>;
}

/** The calendar day in Indonesia's western time zone (the company's business day). */
export function usageDay(nowMs: number): string {
  return new Date(nowMs + JAKARTA_OFFSET_MS).toISOString().slice(0, 10);
}

class Refused extends Error { constructor(readonly decision: UsageDecision) { super(decision); } }

export function createAiUsage(deps: { db: Database; logger: Logger; perUser: number; budget?: number; clock?: () => number }): AiUsage {
  const { db } = deps;
  const clock = deps.clock ?? Date.now;
  const log = deps.logger.child({ module: 'ai-usage' });
  const perUser = deps.perUser > 0 ? deps.perUser : null;
  const budget = deps.budget ?? null;
  let budgetLoggedFor: string | null = null;
  const bump = `INSERT INTO ai_daily_usage AS u (day, user_id, turns) VALUES ($1, $2, 1)
    ON CONFLICT (day, user_id) DO UPDATE SET turns = u.turns + 1 WHERE $3::int IS NULL OR u.turns < $3::int RETURNING turns`;
  return {
    async take(userId) {
      const day = usageDay(clock());
      try {
        await db.transaction(async (tx) => {
          if ((await tx.query(bump, [day, userId, perUser])).rows.length === 0) throw new Refused('user-limit');
          if ((await tx.query(bump, [day, TOTAL_KEY, budget])).rows.length === 0) throw new Refused('budget');
        });
        return 'ok';
      } catch (err) {
        if (!(err instanceof Refused)) throw err;
        if (err.decision === 'budget' && budgetLoggedFor !== day) {
          budgetLoggedFor = day;
          log.error({ day, budget }, `❌ AI_DAILY_TURN_BUDGET of ${budget} model turns reached for ${day}: answering offline until the day ends`);
        }
        return err.decision;
      }
    },
    async today() {
      const day = usageDay(clock());
      const r = await db.query<{ turns: number | null; users: number }>(
        `SELECT max(turns) FILTER (WHERE user_id = $2)::int AS turns, count(*) FILTER (WHERE user_id <> $2)::int AS users
           FROM ai_daily_usage WHERE day = $1`, [day, TOTAL_KEY]);
      const turns = r.rows[0]?.turns ?? 0;
      return { day, turns, users: r.rows[0]?.users ?? 0, perUserLimit: perUser, budget, budgetReached: budget !== null && turns >= budget };
    },
  };
}
