// A short credit summary for offline answers, shown only when the person asks about their own
// report: human labels in their language (no column codes like `credit_card`), four lines at most.
// The labels are the catalogue's (namespace bot).
import type { CreditReport } from '../credit/credit-repository';
import { CATALOGUES, t, type MessageKey } from '../i18n/catalogue';
import { formatNumber } from '../i18n/format';
import type { Lang } from '../i18n/lang';

/** The score bands as the bureau data writes them (Indonesian) → their catalogue key. */
const BAND: Record<string, MessageKey> = {
  'Sangat Baik': 'bot.bandVeryGood', Baik: 'bot.bandGood', Cukup: 'bot.bandFair', Kurang: 'bot.bandPoor', Buruk: 'bot.bandBad',
};

function facility(type: string, lang: Lang): string {
  const key = `facility_${type}`;
  return (CATALOGUES[lang].bot as Record<string, string>)[key] ?? type.replace(/_/g, ' ');
}

export function shortCreditSummary(report: CreditReport, lang: Lang): string {
  const i = report.insights;
  const lines: string[] = [];
  if (i?.credit_score != null) {
    const band = i.score_band ? (BAND[i.score_band] ? t(lang, BAND[i.score_band]) : i.score_band) : '';
    lines.push(`- ${t(lang, 'bot.creditScore')}: ${i.credit_score}${band ? ` (${band})` : ''}${i.is_dummy ? `, ${t(lang, 'bot.creditSample')}` : ''}` +
      (i.utilization_pct != null ? `; ${t(lang, 'bot.creditUtil', { pct: `${formatNumber(Number(i.utilization_pct), lang, 1)}%` })}` : ''));
  }
  const open = report.tradelines.filter((tl) => tl.status !== 'closed');
  if (open.length) {
    const kinds = new Map<string, number>();
    for (const tl of open) {
      const label = facility(tl.facility_type, lang);
      kinds.set(label, (kinds.get(label) ?? 0) + 1);
    }
    lines.push(`- ${t(lang, 'bot.creditAccounts')}: ${[...kinds].map(([k, n]) => `${n} ${k}`).join(', ')}`);
  }
  const worst = i?.worst_collectibility ?? (open.length ? Math.max(...open.map((tl) => tl.collectibility)) : null);
  if (worst) {
    const name = worst >= 1 && worst <= 5 ? t(lang, `bot.collectibility${worst}` as MessageKey) : String(worst);
    lines.push(`- ${t(lang, 'bot.creditWorst')}: ${worst} (${name})`);
  }
  if (report.payments.length) {
    const newest = Math.max(...report.payments.map((p) => new Date(p.period_month).getTime()));
    const late = report.payments.filter((p) => p.days_past_due > 0 && new Date(p.period_month).getTime() > newest - 365 * 864e5).length;
    lines.push(`- ${t(lang, 'bot.creditLate')}: ${late ? t(lang, 'bot.creditLateTimes', { count: late }) : t(lang, 'bot.creditNoLate')}`);
  }
  return lines.join('\n');
}
