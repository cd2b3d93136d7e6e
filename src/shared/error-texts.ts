// What a person reads for an error code, in their language. The code stays the stable contract; the
// catalogue text replaces the thrower's message when every {placeholder} it needs is in the error's
// details (a text that cannot be filled keeps the thrower's own, more specific message). Codes not
// listed here (webhook, analytics parameters, operator API details) are for developers and keep theirs.
import type { MessageKey, Params } from '../i18n/catalogue';
import { t } from '../i18n/catalogue';
import type { Lang } from '../i18n/lang';

const BY_CODE: Record<string, MessageKey> = {
  'not-found': 'errors.notFound',
  'internal-error': 'errors.internal',
  'payload-too-large': 'errors.payloadTooLarge',
  'invalid-json': 'errors.invalidJson',
  'unsupported-media-type': 'errors.unsupportedMediaType',
  'not-signed-in': 'errors.notSignedIn',
  'csrf-token-invalid': 'errors.csrfInvalid',
  'rate-limited': 'errors.rateLimited',
  'empty-message': 'errors.emptyMessage',
  'message-too-long': 'errors.messageTooLong',
  'invalid-demo-name': 'errors.invalidDemoName',
  'demo-local-only': 'errors.demoLocalOnly',
  'database-unavailable': 'errors.databaseUnavailable',
  'starting': 'errors.starting',
  'unauthorized': 'errors.unauthorized',
  'admin-token-not-set': 'errors.adminTokenNotSet',
  'forbidden': 'errors.forbidden',
  'cross-origin': 'errors.crossOrigin',
  'opted-out': 'errors.optedOut',
  'held-by-other': 'errors.heldByOther',
  'conversation-not-found': 'errors.conversationNotFound',
  'no-whatsapp-recipient': 'errors.noWhatsappRecipient',
  'outside-24h-window': 'errors.outside24hWindow',
  'send-failed': 'errors.sendFailed',
  'empty-file': 'errors.emptyFile',
  'unsupported-file': 'errors.unsupportedFile',
  'chat-logging-disabled': 'errors.chatLoggingDisabled',
};
// Phone-number complaints come from the sandbox page and the operator API alike; only the page's
// wording is a sentence for people, so it is translated where the page calls (/sandbox/api).
const PAGE_ONLY: Record<string, MessageKey> = { 'invalid-phone': 'errors.invalidPhone' };

/** The message for this error in `lang`, or null when the thrower's message should stay. */
export function errorText(lang: Lang, code: string, path: string, details?: Record<string, unknown>): string | null {
  const key = BY_CODE[code] ?? (path.startsWith('/sandbox/') ? PAGE_ONLY[code] : undefined);
  if (!key) return null;
  const params: Params = {};
  for (const [k, v] of Object.entries(details ?? {})) if (typeof v === 'string' || typeof v === 'number') params[k] = v;
  if (code === 'held-by-other') params.operator = typeof details?.operator === 'string' ? details.operator : t(lang, 'console.anotherOperator');
  const text = t(lang, key, params);
  return /\{\w+\}/.test(text) ? null : text;
}
