// Link codes, pure: how they look, how they are found in what a person typed, how they are stored.
// A code is 8 characters from an alphabet without look-alikes (no 0/O, 1/I/L), with at least one
// letter and one digit, shown as ABCD-2345. People retype codes: case, spaces and hyphens do not
// matter. The alphabet and the letter+digit rule also keep ordinary words from looking like codes.
import crypto from 'node:crypto';

const ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
const CODE_LENGTH = 8;
const VALID = new RegExp(`^[${ALPHABET}]{${CODE_LENGTH}}$`);

export function generateCode(): string {
  for (;;) {
    const bytes = crypto.randomBytes(CODE_LENGTH);
    // 256 % 31 leaves a tiny bias; rejecting those bytes keeps every character equally likely.
    if (bytes.some((b) => b >= 248)) continue;
    const code = Array.from(bytes, (b) => ALPHABET[b % ALPHABET.length]).join('');
    if (isCodeShaped(code)) return code;
  }
}

/** ABCD2345 → ABCD-2345, the form shown to people. */
export function displayCode(code: string): string {
  return `${code.slice(0, 4)}-${code.slice(4)}`;
}

function isCodeShaped(s: string): boolean {
  return VALID.test(s) && /[A-Z]/.test(s) && /\d/.test(s);
}

/**
 * Every code-shaped run in a message: runs of letters and digits next to each other (separated
 * by spaces, hyphens or punctuation) that add up to exactly 8 characters. "kode abcd 2345" →
 * ["ABCD2345"] ("KODEABCD" has an O, so it is not one).
 */
export function findCodeCandidates(text: string): string[] {
  const groups = text.normalize('NFKC').toUpperCase().split(/[^A-Z0-9]+/).filter(Boolean);
  const found = new Set<string>();
  for (let i = 0; i < groups.length && found.size < 10; i++) {
    let s = '';
    for (let j = i; j < groups.length && s.length < CODE_LENGTH; j++) {
      s += groups[j];
      if (s.length === CODE_LENGTH && isCodeShaped(s)) found.add(s);
    }
  }
  return [...found];
}

/**
 * Whether a message is meant as a link attempt even if its code is wrong: it holds a code-shaped
 * run and either says so ("kode", "link", "hubungkan"…) or is little more than the code. Ordinary
 * questions that happen to hold such a run are answered by the AI, not told their code is wrong.
 */
export function looksLikeLinkAttempt(text: string): boolean {
  if (!findCodeCandidates(text).length) return false;
  if (/\b(kode|code|link|tautkan|tautan|hubungkan|sambungkan|verifikasi|verify)\b/i.test(text)) return true;
  return text.trim().split(/\s+/).length <= 3;
}

export function hashCode(code: string): string {
  return crypto.createHash('sha256').update(`whatsapp-link:${code}`).digest('hex');
}

/** 6281234567 → 6281****567: enough for a person to recognise their number, not to dial it. */
export function maskPhone(phone: string | null | undefined): string | null {
  if (!phone) return null;
  const d = phone.replace(/\D/g, '');
  if (d.length <= 7) return `${d.slice(0, 2)}****${d.slice(-1)}`;
  return `${d.slice(0, 4)}****${d.slice(-3)}`;
}

/** A phone number as the links and customer records store it: digits only, 7 to 15 of them (E.164). */
export function normalizePhone(input: string): string | null {
  const d = String(input).replace(/[\s()+.-]/g, '');
  if (!/^\d{7,15}$/.test(d)) return null;
  // Indonesian numbers are often written nationally (0812…): WhatsApp sends them as 62812….
  return d.startsWith('0') ? `62${d.slice(1)}` : d;
}
