// The requester's credit data as a compact text block (a few hundred tokens) for the prompt and
// the offline answer. Reads only `getReport(userId)` of the user whose turn it is: no other
// user's rows can reach a prompt through here, whatever the message says.
import type { Logger } from '../shared/logger';
import type { CreditReport, CreditRepository, TradelineRow } from './credit-repository';

export type Lang = 'id' | 'en';

export interface CreditContext {
  status: 'ok' | 'none' | 'unlinked' | 'unavailable';
  /** Text for the prompt; explains the situation to the model when status is not 'ok'. */
  text: string;
  /** The same for the user's eyes (offline answers). */
  userText: string;
}

const MAX_ACCOUNTS = 6;
const MAX_LATE = 6;

const L = {
  id: {
    header: 'Data kredit pengguna ini', report: 'laporan', dummy: 'DATA CONTOH untuk demo, bukan laporan resmi', score: 'Skor',
    util: 'Utilisasi kartu kredit/paylater', accounts: 'Akun', open: 'aktif', closed: 'ditutup', delinquent: 'bermasalah (kol ≥2)',
    worst: 'kolektibilitas terburuk', totals: 'Total limit', outstanding: 'sisa utang', installment: 'cicilan/bulan',
    inquiries: 'Pengajuan (permintaan SLIK) 6 bulan', active: 'Akun aktif', limit: 'limit', col: 'kol', dpd: 'DPD',
    late: 'Keterlambatan 12 bulan terakhir', days: 'hari', paid: 'dibayar', of: 'dari', noLate: 'Tidak ada keterlambatan dalam 12 bulan terakhir.',
    none: 'Pengguna ini belum memiliki data kredit di sistem kami.',
    noneUser: 'Anda belum memiliki data kredit di sistem kami.',
    unavailableUser: 'Data kredit pribadi Anda belum bisa ditampilkan saat ini. Silakan coba lagi nanti.',
    unavailable: 'Data kredit pribadi pengguna sedang tidak dapat diakses (gangguan database). Jawab dari panduan saja dan katakan bahwa data pribadi belum bisa ditampilkan saat ini.',
  },
  en: {
    header: "This user's credit data", report: 'report', dummy: 'SAMPLE DATA for demos, not an official report', score: 'Score',
    util: 'Credit card/paylater utilisation', accounts: 'Accounts', open: 'open', closed: 'closed', delinquent: 'delinquent (col ≥2)',
    worst: 'worst collectibility', totals: 'Total limit', outstanding: 'outstanding', installment: 'instalments/month',
    inquiries: 'Credit applications (SLIK inquiries) in 6 months', active: 'Open accounts', limit: 'limit', col: 'col', dpd: 'DPD',
    late: 'Late payments, last 12 months', days: 'days', paid: 'paid', of: 'of', noLate: 'No late payments in the last 12 months.',
    none: 'This user has no credit data in our system yet.',
    noneUser: 'You have no credit data in our system yet.',
    unavailableUser: 'Your personal credit data cannot be shown right now. Please try again later.',
    unavailable: "The user's personal credit data cannot be read right now (database problem). Answer from the guide only and say their personal data is unavailable at the moment.",
  },
};

export async function loadCreditContext(deps: { credit: CreditRepository; logger: Logger }, userId: string, lang: Lang): Promise<CreditContext> {
  try {
    const report = await deps.credit.getReport(userId);
    if (!report.insights && !report.tradelines.length) return { status: 'none', text: L[lang].none, userText: L[lang].noneUser };
    const text = summarizeCredit(report, lang);
    return { status: 'ok', text, userText: text };
  } catch (err) {
    deps.logger.error({ module: 'ai', userId, err: { message: (err as Error).message } },
      '❌ Database belum selesai: credit data unavailable, answering from the knowledge base only');
    return { status: 'unavailable', text: L[lang].unavailable, userText: L[lang].unavailableUser };
  }
}

/** Pure: the compact summary. */
export function summarizeCredit(report: CreditReport, lang: Lang): string {
  const t = L[lang];
  const i = report.insights;
  const lines: string[] = [];
  const rp = (n: number | null | undefined) => `Rp${Math.round(Number(n ?? 0)).toLocaleString('id-ID')}`;
  if (i) {
    lines.push(`${t.header} (${t.report} ${ymd(i.report_date)}${i.is_dummy ? `; ${t.dummy}` : ''}):`);
    if (i.credit_score !== null) lines.push(`- ${t.score}: ${i.credit_score}${i.score_band ? ` (${i.score_band})` : ''}${i.score_provider ? `, ${i.score_provider}` : ''}`);
    if (i.utilization_pct !== null) lines.push(`- ${t.util}: ${Number(i.utilization_pct)}%`);
    lines.push(`- ${t.accounts}: ${i.open_accounts} ${t.open}, ${i.closed_accounts} ${t.closed}, ${i.delinquent_accounts} ${t.delinquent}` +
      (i.worst_collectibility !== null ? `; ${t.worst}: ${i.worst_collectibility}` : ''));
    lines.push(`- ${t.totals} ${rp(i.total_credit_limit)}, ${t.outstanding} ${rp(i.total_outstanding)}, ${t.installment} ${rp(i.total_monthly_installment)}`);
    lines.push(`- ${t.inquiries}: ${i.inquiries_last_6m}`);
  } else {
    lines.push(`${t.header}:`);
  }
  const byId = new Map<number, TradelineRow>(report.tradelines.map((tl) => [Number(tl.id), tl]));
  const open = report.tradelines.filter((tl) => tl.status !== 'closed').slice(0, MAX_ACCOUNTS);
  if (open.length) {
    lines.push(`${t.active}:`);
    for (const tl of open) {
      lines.push(`- ${tl.lender_name} (${tl.facility_type}) ${maskAccount(tl.account_ref)}: ${t.limit} ${rp(tl.credit_limit)}, ${t.outstanding} ${rp(tl.outstanding_balance)}, ` +
        `${t.col} ${tl.collectibility}, ${t.dpd} ${tl.days_past_due}${tl.status !== 'active' ? `, ${tl.status}` : ''}`);
    }
  }
  const newest = report.payments.reduce((m, p) => Math.max(m, toDate(p.period_month).getTime()), 0);
  const yearAgo = newest - 365 * 24 * 3600 * 1000;
  const late = report.payments
    .filter((p) => p.days_past_due > 0 && toDate(p.period_month).getTime() > yearAgo)
    .sort((a, b) => toDate(b.period_month).getTime() - toDate(a.period_month).getTime());
  if (late.length) {
    lines.push(`${t.late} (${late.length}):`);
    for (const p of late.slice(0, MAX_LATE)) {
      const lender = byId.get(Number(p.tradeline_id))?.lender_name ?? '?';
      lines.push(`- ${ymd(p.period_month).slice(0, 7)} ${lender}: ${p.days_past_due} ${t.days} (${t.col} ${p.collectibility}), ${t.paid} ${rp(p.amount_paid)} ${t.of} ${rp(p.amount_due)}`);
    }
  } else if (report.payments.length) {
    lines.push(t.noLate);
  }
  return lines.join('\n');
}

/** Only the last four digits of an account number ever leave the database (prompts, answers). */
export function maskAccount(ref: string): string {
  const digits = ref.replace(/\D/g, '');
  return digits.length <= 4 ? ref : `****${digits.slice(-4)}`;
}

function toDate(v: Date | string): Date {
  return v instanceof Date ? v : new Date(`${String(v).slice(0, 10)}T00:00:00`);
}

/** A `date` column comes back as local midnight (pg) : format it in local time. */
function ymd(v: Date | string | null): string {
  if (!v) return '?';
  if (!(v instanceof Date)) return String(v).slice(0, 10);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${v.getFullYear()}-${p(v.getMonth() + 1)}-${p(v.getDate())}`;
}
