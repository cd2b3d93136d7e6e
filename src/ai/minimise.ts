// What the model may see of a person: their question and their credit summary, never the
// identifiers that would let a provider who keeps prompts tie them to someone. E-mail addresses,
// phone numbers and long account or ID numbers (NIK, card and account numbers) are replaced before
// any text leaves for OpenRouter; the model needs none of them to explain a credit report.

const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+/g;
// Indonesian mobile numbers as people write them (0812-3456-7890, +62 812 3456 7890, 62812…) and
// any other international number with a leading +.
const PHONE = /(?:\+|\b)(?:62|0)\s?8\d{1,3}(?:[\s.-]?\d{2,5}){2,3}\b|\+\d{1,3}(?:[\s.-]?\d{2,5}){2,5}\b/g;
// Card numbers written in groups (4111 1111 1111 1111) and plain runs of 10+ digits (accounts,
// NIK), except amounts written after Rp/IDR.
const GROUPED = /\b\d{4}(?:[\s-]\d{4}){2,4}\b/g;
const LONG_DIGITS = /(?<!(?:Rp|IDR)\s?)\b\d{10,}\b/gi;

export const REDACTED = { email: '[email]', phone: '[nomor telepon]' };

/** Keeps the last four digits, like the masked account references in the credit tables. */
export function maskNumber(value: string): string {
  const digits = value.replace(/\D/g, '');
  return digits.length <= 4 ? value : `****${digits.slice(-4)}`;
}

/** Pure: the text with e-mails, phone numbers and long account-like numbers removed or masked. */
export function minimiseText(text: string): string {
  return text
    .replace(EMAIL, REDACTED.email)
    .replace(PHONE, REDACTED.phone)
    .replace(GROUPED, (m) => maskNumber(m))
    .replace(LONG_DIGITS, (m) => maskNumber(m));
}

/** A profile name that is really a phone number or an e-mail is not a name: dropped. */
export function minimiseName(name: string | null | undefined): string | null {
  if (!name) return null;
  const cleaned = minimiseText(name);
  return cleaned === name ? name : null;
}
