// pino with the redaction rules the product promises: secrets never appear, phone numbers are
// shortened. Readable lines in development, JSON in production.
import pino, { type Logger, type DestinationStream } from 'pino';

export type { Logger };

// Keys whose values are never written, at any depth (compared in lower case). Censored in the same
// walk that masks phone numbers: pino's path-based redaction ran a second walk over every line
// (about 4 % of the webhook's CPU) and only reached the depths it was told.
const SECRET_KEYS = new Set([
  'authorization', 'accesstoken', 'access_token', 'appsecret', 'app_secret', 'apikey', 'api_key', 'token', 'secret',
  'password', 'cookie', 'set-cookie', 'verifytoken', 'servicerolekey', 'clientsecret', 'sessionsecret', 'x-hub-signature-256',
]);
const CENSOR = '[redacted]';

// Runs of 8+ digits (optionally with a leading +) are phone numbers for our purposes: a
// WhatsApp wa_id is 10-15 digits. Keep enough to tell conversations apart in a log.
const PHONE_RUN = /\+?\d{8,}/g;

/** 628123456789 → 6281****789: enough to correlate, not enough to call. */
export function maskPhone(value: string | null | undefined): string {
  if (!value) return String(value);
  return value.replace(PHONE_RUN, (m) => {
    const plus = m.startsWith('+') ? '+' : '';
    const d = plus ? m.slice(1) : m;
    return `${plus}${d.slice(0, 4)}****${d.slice(-3)}`;
  });
}

/**
 * Masks phone numbers inside any string-valued field (user ids like whatsapp_628…, urls, messages)
 * and censors secret-named keys. Deeper than 6 levels nothing is written at all, so neither can slip through.
 */
function maskDeep(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return maskPhone(value);
  if (value === null || typeof value !== 'object') return value;
  if (depth > 6) return '[too deep]';
  if (value instanceof Error) return maskDeep(pino.stdSerializers.err(value), depth);
  if (Array.isArray(value)) return value.map((v) => maskDeep(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const k in value as Record<string, unknown>) {
    if (!Object.prototype.hasOwnProperty.call(value, k)) continue;
    const v = (value as Record<string, unknown>)[k];
    out[k] = SECRET_KEYS.has(k.toLowerCase()) && v !== undefined && v !== null ? CENSOR : maskDeep(v, depth + 1);
  }
  return out;
}

export interface LoggerOptions {
  level?: string;
  format?: 'pretty' | 'json';
  destination?: DestinationStream;
  base?: Record<string, unknown>;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  let destination = options.destination;
  if (!destination && options.format === 'pretty') {
    // Synchronous pretty stream instead of a worker transport: starts faster and never loses the
    // last lines on a crash.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const pretty = require('pino-pretty') as (o: object) => DestinationStream;
    // One line per event: the message, then its fields inline (an AI reply's sources array used to
    // take ~30 lines). The fields in full, one object per line, are what LOG_FORMAT=json is for.
    destination = pretty({ colorize: process.stdout.isTTY, sync: true, ignore: 'pid,hostname', translateTime: 'SYS:HH:MM:ss.l', singleLine: true });
  }
  return pino({
    level: options.level ?? 'info',
    base: options.base ?? { pid: process.pid },
    formatters: {
      log: (obj) => maskDeep(obj) as Record<string, unknown>,
      bindings: (b) => maskDeep(b) as Record<string, unknown>,
    },
    hooks: {
      logMethod(args, method) {
        // Mask phone numbers in the message text too (the seed's lines name the phone).
        const masked = args.map((a) => (typeof a === 'string' ? maskPhone(a) : a));
        return method.apply(this, masked as Parameters<typeof method>);
      },
    },
    serializers: { err: pino.stdSerializers.err },
  }, destination ?? pino.destination({ sync: false }));
}

/** A logger that writes nowhere; for tests and tools that do not care. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
