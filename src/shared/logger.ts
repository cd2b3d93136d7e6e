// pino with the redaction rules the product promises: secrets never appear, phone numbers are
// shortened. Readable lines in development, JSON in production.
import pino, { type Logger, type DestinationStream } from 'pino';

export type { Logger };

const SECRET_KEYS = [
  'authorization', 'Authorization', 'accessToken', 'access_token', 'appSecret', 'app_secret', 'apiKey', 'api_key',
  'token', 'secret', 'password', 'cookie', 'Cookie', 'verifyToken', 'serviceRoleKey', 'clientSecret', 'sessionSecret',
];
const REDACT_PATHS = [
  ...SECRET_KEYS, ...SECRET_KEYS.map((k) => `*.${k}`), ...SECRET_KEYS.map((k) => `*.*.${k}`),
  'req.headers.authorization', 'req.headers.cookie', 'headers.authorization', 'headers["x-hub-signature-256"]',
];

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

/** Masks phone numbers inside any string-valued field (user ids like whatsapp_628…, urls, messages). */
function maskDeep(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return maskPhone(value);
  if (depth > 4 || value === null || typeof value !== 'object') return value;
  if (value instanceof Error) return value;
  if (Array.isArray(value)) return value.map((v) => maskDeep(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[k] = maskDeep(v, depth + 1);
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
    destination = pretty({ colorize: process.stdout.isTTY, sync: true, ignore: 'pid,hostname', translateTime: 'SYS:HH:MM:ss.l' });
  }
  return pino({
    level: options.level ?? 'info',
    base: options.base ?? { pid: process.pid },
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    formatters: { log: (obj) => maskDeep(obj) as Record<string, unknown> },
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
