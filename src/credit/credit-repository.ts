// The three credit tables. Every read takes the user id of the requester: there is no query here
// that can return another user's rows.
import type { Database, Queryable } from '../db/database';
import { generateDummyProfile, type DummyProfile } from './dummy-profile';

export interface CreditInsightsRow {
  user_id: string; credit_score: number | null; score_band: string | null; score_provider: string | null;
  utilization_pct: number | null; total_credit_limit: number; total_outstanding: number; total_monthly_installment: number;
  open_accounts: number; closed_accounts: number; delinquent_accounts: number; worst_collectibility: number | null;
  inquiries_last_6m: number; oldest_account_opened: Date | null; report_date: Date; is_dummy: boolean; last_updated: Date;
}
export interface TradelineRow {
  id: number; user_id: string; lender_name: string; lender_type: string; facility_type: string; account_ref: string;
  credit_limit: number; outstanding_balance: number; monthly_installment: number; interest_rate_pct: number | null;
  tenor_months: number | null; opened_date: Date; maturity_date: Date | null; closed_date: Date | null; status: string;
  collectibility: number; days_past_due: number; currency: string;
}
export interface PaymentRow {
  id: number; user_id: string; tradeline_id: number; period_month: Date; amount_due: number; amount_paid: number;
  days_past_due: number; collectibility: number; payment_status: string;
}
export interface CreditReport { insights: CreditInsightsRow | null; tradelines: TradelineRow[]; payments: PaymentRow[] }

export interface CreditRepository {
  /** The requester's own report; empty when they have none. */
  getReport(userId: string): Promise<CreditReport>;
  /** Creates the first-contact dummy profile unless the user already has a report. True when created. */
  ensureDummyProfile(userId: string): Promise<boolean>;
  insertProfile(tx: Queryable, userId: string, profile: DummyProfile, isDummy: boolean): Promise<boolean>;
}

export function createCreditRepository(deps: { db: Database }): CreditRepository {
  const { db } = deps;
  const repo: CreditRepository = {
    async getReport(userId) {
      // One statement, one row of JSON: three statements cost the database three round
      // trips per AI turn, and pg's row-by-row parsing of ~40 rows (numbers, dates) was about a
      // fifth of the server's CPU per WhatsApp reply; JSON.parse of one value is native.
      const r = await db.query<{ insights: Json | null; tradelines: Json[] | null; payments: Json[] | null }>(
        `SELECT (SELECT row_to_json(i) FROM usercreditinsights i WHERE i.user_id = $1) AS insights,
                (SELECT json_agg(t ORDER BY t.status, t.opened_date) FROM usertradelinedata t WHERE t.user_id = $1) AS tradelines,
                (SELECT json_agg(p ORDER BY p.period_month DESC, p.tradeline_id) FROM userpaymenthistory p WHERE p.user_id = $1) AS payments`,
        [userId], { name: 'credit-report' });
      const { insights, tradelines, payments } = r.rows[0]; // a SELECT without FROM: always one row
      return {
        insights: insights ? withDates(insights, ['oldest_account_opened', 'report_date'], ['last_updated']) as unknown as CreditInsightsRow : null,
        tradelines: (tradelines ?? []).map((t) => withDates(t, ['opened_date', 'maturity_date', 'closed_date'], ['last_updated']) as unknown as TradelineRow),
        payments: (payments ?? []).map((p) => withDates(p, ['period_month'], []) as unknown as PaymentRow),
      };
    },
    ensureDummyProfile(userId) {
      // One statement: atomic by itself, no transaction needed.
      return repo.insertProfile(db, userId, generateDummyProfile(userId), true);
    },
    async insertProfile(tx, userId, profile, isDummy) {
      const i = profile.insights;
      // One statement for the whole report (a first contact used to take 2 statements per
      // tradeline, ~15 round trips, competing with the replies). Tradeline ids are drawn first so
      // the payments can reference them; the insights row doubles as the lock: a concurrent first
      // contact finds it and inserts nothing.
      const r = await tx.query<{ n: number }>(
        `WITH ins AS (
           INSERT INTO usercreditinsights (user_id, credit_score, score_band, score_provider, utilization_pct, total_credit_limit,
             total_outstanding, total_monthly_installment, open_accounts, closed_accounts, delinquent_accounts,
             worst_collectibility, inquiries_last_6m, oldest_account_opened, report_date, is_dummy)
           VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16) ON CONFLICT (user_id) DO NOTHING
           RETURNING user_id
         ), tl AS MATERIALIZED (
           SELECT nextval(pg_get_serial_sequence('usertradelinedata', 'id')) AS id, x.*
           FROM ins, jsonb_to_recordset($17::jsonb) AS x(ord int, lender_name text, lender_type text, facility_type text, account_ref text,
             credit_limit numeric, outstanding_balance numeric, monthly_installment numeric, interest_rate_pct numeric, tenor_months int,
             opened_date date, maturity_date date, status text, collectibility smallint, days_past_due int, payments jsonb)
           ORDER BY x.ord
         ), t AS (
           INSERT INTO usertradelinedata (id, user_id, lender_name, lender_type, facility_type, account_ref, credit_limit,
             outstanding_balance, monthly_installment, interest_rate_pct, tenor_months, opened_date, maturity_date, status,
             collectibility, days_past_due)
           SELECT id, $1, lender_name, lender_type, facility_type, account_ref, credit_limit, outstanding_balance, monthly_installment,
             interest_rate_pct, tenor_months, opened_date, maturity_date, status, collectibility, days_past_due FROM tl
         ), p AS (
           INSERT INTO userpaymenthistory (user_id, tradeline_id, period_month, amount_due, amount_paid, days_past_due,
             collectibility, payment_status)
           SELECT $1, tl.id, y.period_month, y.amount_due, y.amount_paid, y.days_past_due, y.collectibility, y.payment_status
           FROM tl, jsonb_to_recordset(tl.payments) AS y(period_month date, amount_due numeric, amount_paid numeric, days_past_due int,
             collectibility smallint, payment_status text)
         )
         SELECT count(*)::int AS n FROM ins`,
        [userId, i.credit_score, i.score_band, i.score_provider, i.utilization_pct, i.total_credit_limit, i.total_outstanding,
          i.total_monthly_installment, i.open_accounts, i.closed_accounts, i.delinquent_accounts, i.worst_collectibility,
          i.inquiries_last_6m, i.oldest_account_opened, i.report_date, isDummy,
          JSON.stringify(profile.tradelines.map((t, ord) => ({ ...t, ord })))],
        { name: 'credit-insert-profile' });
      return r.rows[0].n > 0;
    },
  };
  return repo;
}

type Json = Record<string, unknown>;

/**
 * JSON carries dates as text: give them back as the Date objects a row read column by column has
 * (a `date` is local midnight, as pg parses it; a timestamptz is its instant).
 */
function withDates(row: Json, dates: string[], instants: string[]): Json {
  for (const k of dates) {
    const v = row[k];
    if (typeof v === 'string') row[k] = new Date(Number(v.slice(0, 4)), Number(v.slice(5, 7)) - 1, Number(v.slice(8, 10)));
  }
  for (const k of instants) if (typeof row[k] === 'string') row[k] = new Date(row[k] as string);
  return row;
}
