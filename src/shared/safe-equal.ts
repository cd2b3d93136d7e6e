// Constant-time comparison of two secrets (verify token, admin token, CSRF token). Hashing first
// makes the lengths equal, so neither the content nor the length leaks through timing.
import crypto from 'node:crypto';

export function safeEqual(a: string, b: string): boolean {
  const x = crypto.createHash('sha256').update(a).digest();
  const y = crypto.createHash('sha256').update(b).digest();
  return crypto.timingSafeEqual(x, y);
}
