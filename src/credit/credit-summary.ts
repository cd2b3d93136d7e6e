// The requester's credit data as a compact text block (a few hundred tokens) for the prompt (the
// labels below are the model's, not a person's; what a person reads is in the i18n catalogue). Reads only `getReport(userId)` of the user whose turn it is: no other
// user's rows can reach a prompt through here, whatever the message says.
import type { Logger } from '../shared/logger';
import type { CreditReport, CreditRepository, TradelineRow } from './credit-repository';
import { t as tr } from '../i18n/catalogue';
import { formatRupiah } from '../i18n/format';
import type { Lang } from '../i18n/lang';

export type { Lang } from '../i18n/lang';

export interface CreditContext {
  status: 'ok' | 'none' | 'unlinked' | 'unavailable';
  /** Text for the prompt; explains the situation to the model when status is not 'ok'. */
  text: string;
  /** The same for the person's eyes (offline answers): the catalogue's texts, namespace bot. */
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
    unlinked: (url: string) => 'Belum ada laporan kredit yang terhubung dengan nomor WhatsApp ini, jadi tidak ada data kredit pribadi orang ini. ' +
      'Jangan menebak skor, akun, atau angka apa pun. Cara menghubungkan: masuk ke web chat di ' + url + ', pilih "Hubungkan WhatsApp", ' +
      'lalu kirim kode yang muncul dari nomor WhatsApp ini. Nasabah yang sudah terdaftar juga bisa meminta tim kami menghubungkan nomornya.',
    unavailable: 'Data kredit pribadi pengguna sedang tidak dapat diakses (gangguan database). Jawab dari panduan saja dan katakan bahwa data pribadi belum bisa ditampilkan saat ini.',
  },
  en: {
    header: "This user's credit data", report: 'report', dummy: 'SAMPLE DATA for demos, not an official report', score: 'Score',
    util: 'Credit card/paylater utilisation', accounts: 'Accounts', open: 'open', closed: 'closed', delinquent: 'delinquent (col ≥2)',
    worst: 'worst collectibility', totals: 'Total limit', outstanding: 'outstanding', installment: 'instalments/month',
    inquiries: 'Credit applications (SLIK inquiries) in 6 months', active: 'Open accounts', limit: 'limit', col: 'col', dpd: 'DPD',
    late: 'Late payments, last 12 months', days: 'days', paid: 'paid', of: 'of', noLate: 'No late payments in the last 12 months.',
    none: 'This user has no credit data in our system yet.',
    unlinked: (url: string) => 'No credit report is linked to this WhatsApp number, so there is no personal credit data for this person. ' +
      'Do not guess any score, account or figure. How to link: sign in to the web chat at ' + url + ', choose "Link WhatsApp", ' +
      'then send the code it shows from this WhatsApp number. Registered customers can also ask our team to link their number.',
    unavailable: "The user's personal credit data cannot be read right now (database problem). Answer from the guide only and say their personal data is unavailable at the moment.",
  },
};

export async function loadCreditContext(deps: { credit: CreditRepository; logger: Logger }, userId: string, lang: Lang): Promise<CreditContext> {
  try {
    const report = await deps.credit.getReport(userId);
    if (!report.insights && !report.tradelines.length) return { status: 'none', text: L[lang].none, userText: tr(lang, 'bot.creditNone') };
    const text = summarizeCredit(report, lang);
    return { status: 'ok', text, userText: text };
  } catch (err) {
    deps.logger.error({ module: 'ai', userId, err: { message: (err as Error).message } },
      '❌ Database belum selesai: credit data unavailable, answering from the knowledge base only');
    return { status: 'unavailable', text: L[lang].unavailable, userText: tr(lang, 'bot.creditUnavailable') };
  }
}

/** An unknown WhatsApp number: nothing to guess from, and the way to link (for the model and for the person). */
export function unlinkedContext(lang: Lang, url: string): CreditContext {
  return { status: 'unlinked', text: L[lang].unlinked(url), userText: tr(lang, 'bot.unlinked', { url }) };
}

/** Pure: the compact summary. */
export function summarizeCredit(report: CreditReport, lang: Lang): string {
  const t = L[lang];
  const i = report.insights;
  const lines: string[] = [];
  const rp = (n: number | null | undefined) => formatRupiah(Number(n ?? 0), lang);
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
