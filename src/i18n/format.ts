// Numbers, money and dates the way each language writes them: Rp1.250.000 and 30 Nov 2026 in
// Indonesian, Rp1,250,000 and 30 Nov 2026 in English. Intl does the work; the "Rp" prefix is
// written without the space Intl's currency style adds, as Indonesian banks print it.
import type { Lang } from './lang';

const LOCALE: Record<Lang, string> = { id: 'id-ID', en: 'en-GB' };
const TIME_ZONE = 'Asia/Jakarta';

export function formatNumber(n: number, lang: Lang, maximumFractionDigits = 0): string {
  return new Intl.NumberFormat(LOCALE[lang], { maximumFractionDigits }).format(n);
}

export function formatRupiah(amount: number, lang: Lang): string {
  const sign = amount < 0 ? '-' : '';
  return `${sign}Rp${formatNumber(Math.abs(Math.round(amount)), lang)}`;
}

export function formatDate(d: Date | string, lang: Lang, timeZone = TIME_ZONE): string {
  return new Intl.DateTimeFormat(LOCALE[lang], { day: 'numeric', month: 'short', year: 'numeric', timeZone }).format(new Date(d));
}

export function formatDateTime(d: Date | string, lang: Lang, timeZone = TIME_ZONE): string {
  return new Intl.DateTimeFormat(LOCALE[lang], { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', timeZone }).format(new Date(d));
}

export function formatPercent(fraction: number, lang: Lang): string {
  return new Intl.NumberFormat(LOCALE[lang], { style: 'percent', maximumFractionDigits: 0 }).format(fraction);
}
