// A plausible credit report for a user we know nothing about yet (first WhatsApp contact, first
// web login), deterministic from the user id so that the same number always gets the same
// report. Every row it produces is marked is_dummy / 'DUMMY' so nobody mistakes it for a real one.

export interface DummyTradeline {
  lender_name: string; lender_type: string; facility_type: string; account_ref: string;
  credit_limit: number; outstanding_balance: number; monthly_installment: number;
  interest_rate_pct: number; tenor_months: number | null; opened_date: string; maturity_date: string | null;
  status: string; collectibility: number; days_past_due: number;
  payments: { period_month: string; amount_due: number; amount_paid: number; days_past_due: number; collectibility: number; payment_status: string }[];
}

export interface DummyProfile {
  insights: {
    credit_score: number; score_band: string; score_provider: string; utilization_pct: number;
    total_credit_limit: number; total_outstanding: number; total_monthly_installment: number;
    open_accounts: number; closed_accounts: number; delinquent_accounts: number; worst_collectibility: number;
    inquiries_last_6m: number; oldest_account_opened: string; report_date: string;
  };
  tradelines: DummyTradeline[];
}

/** OJK collectibility from days past due (POJK 40/2019 style buckets). */
export function collectibilityFromDpd(dpd: number): number {
  if (dpd <= 0) return 1;      // Lancar
  if (dpd <= 90) return 2;     // Dalam Perhatian Khusus
  if (dpd <= 120) return 3;    // Kurang Lancar
  if (dpd <= 180) return 4;    // Diragukan
  return 5;                    // Macet
}

export function scoreBand(score: number): string {
  if (score >= 750) return 'Sangat Baik';
  if (score >= 700) return 'Baik';
  if (score >= 650) return 'Cukup';
  if (score >= 600) return 'Kurang';
  return 'Buruk';
}

function seededRandom(seed: string): () => number {
  // FNV-1a into mulberry32: tiny, deterministic, good enough for demo data.
  let h = 2166136261;
  for (let i = 0; i < seed.length; i++) { h ^= seed.charCodeAt(i); h = Math.imul(h, 16777619); }
  let a = h >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PRODUCTS = [
  { lender_name: 'Bank Central Asia', lender_type: 'bank', facility_type: 'credit_card', limit: [5e6, 40e6], rate: 1.75, tenor: null },
  { lender_name: 'Bank Mandiri', lender_type: 'bank', facility_type: 'credit_card', limit: [3e6, 30e6], rate: 1.75, tenor: null },
  { lender_name: 'Bank Rakyat Indonesia', lender_type: 'bank', facility_type: 'kta', limit: [10e6, 150e6], rate: 11, tenor: 36 },
  { lender_name: 'Bank Negara Indonesia', lender_type: 'bank', facility_type: 'kpr', limit: [300e6, 1200e6], rate: 7.5, tenor: 180 },
  { lender_name: 'Bank Tabungan Negara', lender_type: 'bank', facility_type: 'kpr', limit: [250e6, 900e6], rate: 8, tenor: 240 },
  { lender_name: 'Adira Finance', lender_type: 'multifinance', facility_type: 'kkb', limit: [20e6, 250e6], rate: 9.5, tenor: 36 },
  { lender_name: 'Kredivo', lender_type: 'paylater', facility_type: 'paylater', limit: [1e6, 15e6], rate: 2.6, tenor: null },
  { lender_name: 'Akulaku', lender_type: 'paylater', facility_type: 'paylater', limit: [1e6, 10e6], rate: 2.9, tenor: null },
  { lender_name: 'Shopee PayLater', lender_type: 'paylater', facility_type: 'paylater', limit: [0.75e6, 12e6], rate: 2.95, tenor: null },
  { lender_name: 'CIMB Niaga', lender_type: 'bank', facility_type: 'multiguna', limit: [25e6, 200e6], rate: 10, tenor: 48 },
];

const iso = (d: Date) => d.toISOString().slice(0, 10);
const round = (n: number, to = 1000) => Math.round(n / to) * to;

export function generateDummyProfile(userId: string, opts: { today?: Date; riskiness?: number; provider?: string } = {}): DummyProfile {
  const today = opts.today ?? new Date();
  const rnd = seededRandom(userId);
  const between = (lo: number, hi: number) => lo + rnd() * (hi - lo);
  const drawn = rnd();
  const riskiness = opts.riskiness ?? drawn; // 0 = spotless payer, 1 = struggling
  const count = 2 + Math.floor(rnd() * 3);
  const chosen = new Set<number>();
  while (chosen.size < count) chosen.add(Math.floor(rnd() * PRODUCTS.length));
  const firstOfMonth = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), 1));

  const tradelines: DummyTradeline[] = [...chosen].map((idx, n) => {
    const p = PRODUCTS[idx];
    const limit = round(between(p.limit[0], p.limit[1]), 500_000);
    const ageMonths = 6 + Math.floor(rnd() * 60);
    const opened = new Date(Date.UTC(firstOfMonth.getUTCFullYear(), firstOfMonth.getUTCMonth() - ageMonths, 1 + Math.floor(rnd() * 27)));
    const closed = n > 0 && rnd() < 0.15;
    const revolving = p.tenor === null;
    const used = revolving ? between(0.05, 0.35 + riskiness * 0.6) : between(0.3, 0.95);
    const outstanding = closed ? 0 : round(limit * Math.min(used, 1));
    const installment = revolving ? round(Math.max(outstanding * 0.1, outstanding ? 50_000 : 0)) : round(limit / (p.tenor ?? 12) * (1 + p.rate / 100));
    const payments: DummyTradeline['payments'] = [];
    let dpd = 0;
    for (let m = 11; m >= 0; m--) {
      const period = new Date(Date.UTC(firstOfMonth.getUTCFullYear(), firstOfMonth.getUTCMonth() - m - 1, 1));
      if (period < new Date(Date.UTC(opened.getUTCFullYear(), opened.getUTCMonth(), 1))) continue;
      if (closed) { payments.push({ period_month: iso(period), amount_due: 0, amount_paid: 0, days_past_due: 0, collectibility: 1, payment_status: m === 0 ? 'paid_off' : 'no_payment_due' }); continue; }
      const late = rnd() < riskiness * 0.35;
      dpd = late ? Math.min(dpd + 30, 120) : 0;
      const due = installment;
      const paid = late ? round(due * between(0, 0.6)) : due;
      payments.push({ period_month: iso(period), amount_due: due, amount_paid: paid, days_past_due: dpd,
        collectibility: collectibilityFromDpd(dpd), payment_status: late ? (paid === 0 ? 'missed' : 'late') : 'on_time' });
    }
    const last = payments[payments.length - 1];
    return {
      lender_name: p.lender_name, lender_type: p.lender_type, facility_type: p.facility_type,
      account_ref: `****${String(Math.floor(rnd() * 10_000)).padStart(4, '0')}`,
      credit_limit: limit, outstanding_balance: outstanding, monthly_installment: closed ? 0 : installment,
      interest_rate_pct: p.rate, tenor_months: p.tenor,
      opened_date: iso(opened),
      maturity_date: p.tenor ? iso(new Date(Date.UTC(opened.getUTCFullYear(), opened.getUTCMonth() + p.tenor, opened.getUTCDate()))) : null,
      status: closed ? 'closed' : 'active',
      collectibility: last?.collectibility ?? 1,
      days_past_due: last?.days_past_due ?? 0,
      payments,
    };
  });

  const open = tradelines.filter((t) => t.status === 'active');
  const revolvingOpen = open.filter((t) => t.facility_type === 'credit_card' || t.facility_type === 'paylater');
  const revLimit = revolvingOpen.reduce((s, t) => s + t.credit_limit, 0);
  const revUsed = revolvingOpen.reduce((s, t) => s + t.outstanding_balance, 0);
  const utilization = revLimit ? Math.round((revUsed / revLimit) * 10_000) / 100 : 0;
  const lateCount = tradelines.reduce((s, t) => s + t.payments.filter((p) => p.days_past_due > 0).length, 0);
  const worst = Math.max(1, ...open.map((t) => t.collectibility));
  const inquiries = Math.floor(rnd() * (1 + riskiness * 5));
  const score = Math.max(300, Math.min(880, Math.round(820 - riskiness * 120 - lateCount * 12 - Math.max(0, utilization - 30) * 1.5 - inquiries * 6 - (worst - 1) * 40)));
  return {
    insights: {
      credit_score: score,
      score_band: scoreBand(score),
      score_provider: opts.provider ?? 'DUMMY (generated demo data)',
      utilization_pct: utilization,
      total_credit_limit: open.reduce((s, t) => s + t.credit_limit, 0),
      total_outstanding: open.reduce((s, t) => s + t.outstanding_balance, 0),
      total_monthly_installment: open.reduce((s, t) => s + t.monthly_installment, 0),
      open_accounts: open.length,
      closed_accounts: tradelines.length - open.length,
      delinquent_accounts: open.filter((t) => t.collectibility >= 2).length,
      worst_collectibility: worst,
      inquiries_last_6m: inquiries,
      oldest_account_opened: tradelines.map((t) => t.opened_date).sort()[0],
      report_date: iso(today),
    },
    tradelines,
  };
}
