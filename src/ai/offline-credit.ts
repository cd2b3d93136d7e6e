// A short credit summary for offline answers, shown only when the person asks about their own
// report: human labels in their language (no column codes like `credit_card`), four lines at most.
import type { CreditReport } from '../credit/credit-repository';
import type { Lang } from './prompts';

const FACILITY: Record<Lang, Record<string, string>> = {
  id: { credit_card: 'kartu kredit', kpr: 'KPR', kta: 'KTA', kkb: 'kredit kendaraan', paylater: 'paylater', multiguna: 'kredit multiguna', pinjol: 'pinjaman online' },
  en: { credit_card: 'credit card', kpr: 'mortgage (KPR)', kta: 'personal loan (KTA)', kkb: 'vehicle loan', paylater: 'paylater', multiguna: 'multipurpose loan', pinjol: 'online loan' },
};

const COLLECTIBILITY: Record<Lang, string[]> = {
  id: ['', 'Lancar', 'Dalam Perhatian Khusus', 'Kurang Lancar', 'Diragukan', 'Macet'],
  en: ['', 'Current', 'Special mention', 'Substandard', 'Doubtful', 'Loss (bad debt)'],
};

const BAND_EN: Record<string, string> = { 'Sangat Baik': 'Very good', Baik: 'Good', Cukup: 'Fair', Kurang: 'Poor', Buruk: 'Bad' };

const T = {
  id: { score: 'Skor kredit', sample: 'data contoh, bukan laporan resmi', accounts: 'Akun aktif', worst: 'Kolektibilitas terburuk', late: 'Keterlambatan 12 bulan terakhir', times: 'kali', noLate: 'tidak ada', util: 'pemakaian limit kartu/paylater' },
  en: { score: 'Credit score', sample: 'sample data, not an official report', accounts: 'Open accounts', worst: 'Worst collectibility', late: 'Late payments in the last 12 months', times: 'times', noLate: 'none', util: 'card/paylater limit used' },
};

export function shortCreditSummary(report: CreditReport, lang: Lang): string {
  const t = T[lang];
  const i = report.insights;
  const lines: string[] = [];
  if (i?.credit_score != null) {
    const band = i.score_band ? (lang === 'en' ? BAND_EN[i.score_band] ?? i.score_band : i.score_band) : '';
    lines.push(`- ${t.score}: ${i.credit_score}${band ? ` (${band})` : ''}${i.is_dummy ? `, ${t.sample}` : ''}` +
      (i.utilization_pct != null ? `; ${t.util} ${Number(i.utilization_pct)}%` : ''));
  }
  const open = report.tradelines.filter((tl) => tl.status !== 'closed');
  if (open.length) {
    const kinds = new Map<string, number>();
    for (const tl of open) {
      const label = FACILITY[lang][tl.facility_type] ?? tl.facility_type.replace(/_/g, ' ');
      kinds.set(label, (kinds.get(label) ?? 0) + 1);
    }
    lines.push(`- ${t.accounts}: ${[...kinds].map(([k, n]) => `${n} ${k}`).join(', ')}`);
  }
  const worst = i?.worst_collectibility ?? (open.length ? Math.max(...open.map((tl) => tl.collectibility)) : null);
  if (worst) lines.push(`- ${t.worst}: ${worst} (${COLLECTIBILITY[lang][worst] ?? worst})`);
  if (report.payments.length) {
    const newest = Math.max(...report.payments.map((p) => new Date(p.period_month).getTime()));
    const late = report.payments.filter((p) => p.days_past_due > 0 && new Date(p.period_month).getTime() > newest - 365 * 864e5).length;
    lines.push(`- ${t.late}: ${late ? `${late} ${t.times}` : t.noLate}`);
  }
  return lines.join('\n');
}
