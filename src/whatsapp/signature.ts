// X-Hub-Signature-256: HMAC-SHA256 of the exact raw body bytes with the app secret, hex, "sha256="
// prefix. Both directions live here because the local sandbox signs webhooks in production code.
import crypto from 'node:crypto';

export const SIGNATURE_HEADER = 'x-hub-signature-256';

/** The header value Meta would send for this body. */
export function signPayload(raw: Buffer | string, secret: string): string {
  return `sha256=${crypto.createHmac('sha256', secret).update(raw).digest('hex')}`;
}

/** Constant-time check of a header value against the raw body; false for anything malformed. */
export function verifySignature(raw: Buffer | string, header: string | undefined | null, secret: string): boolean {
  if (!header || !secret || !header.startsWith('sha256=')) return false;
  const hex = header.slice(7).trim();
  if (!/^[0-9a-fA-F]{64}$/.test(hex)) return false;
  const got = Buffer.from(hex, 'hex');
  const want = crypto.createHmac('sha256', secret).update(raw).digest();
  return got.length === want.length && crypto.timingSafeEqual(got, want);
}
