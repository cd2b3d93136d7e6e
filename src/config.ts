// The only module that reads process.env. Every variable is validated at boot and every
// problem is reported at once, so a typo fails the start with a message naming it instead of
// failing at 3 a.m. on the first WhatsApp message.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import dotenv from 'dotenv';
import { z } from 'zod';

export class ConfigError extends Error {
  constructor(public readonly problems: string[]) {
    super(`Invalid configuration (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n` +
      problems.map((p) => `  - ${p}`).join('\n'));
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

// Values copied unchanged from .env.whatsapp.example ("your_app_secret") count as unset:
// a feature must report "not configured" rather than call Meta with a placeholder.
const PLACEHOLDER = /^(your[_-]|<.*>$|changeme$)/i;

const optionalString = z.string().optional();
/** A true/false setting; undefined when unset (for defaults that depend on other settings). */
const maybeBool = z.enum(['true', 'false', '1', '0', 'yes', 'no', 'on', 'off'], {
  message: 'must be true or false',
}).optional().transform((v) => (v === undefined ? undefined : ['true', '1', 'yes', 'on'].includes(v)));
const bool = (dflt: boolean) => maybeBool.transform((v) => v ?? dflt);
const int = (dflt: number, min: number, max: number) => z.string().optional().transform((v, ctx) => {
  if (v === undefined) return dflt;
  if (!/^-?\d+$/.test(v.trim())) {
    ctx.addIssue({ code: 'custom', message: `must be a whole number, got "${v}"` });
    return z.NEVER;
  }
  const n = Number(v);
  if (n < min || n > max) {
    ctx.addIssue({ code: 'custom', message: `must be between ${min} and ${max}, got ${n}` });
    return z.NEVER;
  }
  return n;
});
/** A whole number that may stay unset (undefined), e.g. a limit that is off unless given. */
const optionalInt = (min: number, max: number) => int(-1, min, max).transform((n) => (n === -1 ? undefined : n));
const url = (protocols: string[]) => z.string().optional().superRefine((v, ctx) => {
  if (v === undefined) return;
  let parsed: URL;
  try { parsed = new URL(v); } catch {
    ctx.addIssue({ code: 'custom', message: `must be a URL (${protocols.join(' or ')}), got "${redactUrl(v)}"` });
    return;
  }
  if (!protocols.includes(parsed.protocol.replace(/:$/, ''))) {
    ctx.addIssue({ code: 'custom', message: `must start with ${protocols.map((p) => `${p}://`).join(' or ')}, got "${parsed.protocol}//"` });
  }
});
const pgUrl = url(['postgres', 'postgresql']);
const httpUrl = url(['http', 'https']);

const schema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).optional().default('development'),
  PORT: int(3000, 0, 65535),
  HOST: z.string().optional().default('0.0.0.0'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).optional(),
  LOG_FORMAT: z.enum(['pretty', 'json']).optional(),
  TRUST_PROXY: z.string().optional(),
  PUBLIC_URL: httpUrl,
  ADMIN_TOKEN: optionalString,

  DATABASE_URL: pgUrl,
  DATABASE_POOL_MAX: int(10, 1, 200),
  EMBEDDED_DB_DIR: z.string().optional().default('./data/pglite'),
  SUPABASE_DATABASE_URL: pgUrl,
  SUPABASE_URL: httpUrl,
  SUPABASE_SERVICE_ROLE_KEY: optionalString,

  META_APP_ID: optionalString,
  META_APP_SECRET: optionalString,
  META_PHONE_NUMBER_ID: optionalString,
  META_BUSINESS_ACCOUNT_ID: optionalString,
  META_WEBHOOK_VERIFY_TOKEN: optionalString,
  META_ACCESS_TOKEN: optionalString,
  META_GRAPH_URL: httpUrl,
  META_GRAPH_VERSION: z.string().regex(/^v\d+\.\d+$/, 'must look like v26.0').optional().default('v26.0'),
  META_GRAPH_TIMEOUT_MS: int(10_000, 100, 120_000),
  WHATSAPP_BUFFER_MS: int(15_000, 0, 600_000),
  WHATSAPP_BUFFER_MIN_MS: optionalInt(0, 600_000),
  WHATSAPP_SESSION_TIMEOUT_MINUTES: int(60, 1, 60 * 24 * 30),
  WHATSAPP_RATE_LIMIT_PER_MINUTE: int(20, 0, 10_000),
  WHATSAPP_SANDBOX: bool(false),
  WHATSAPP_LEASE_MS: int(60_000, 1000, 3_600_000),
  WHATSAPP_SWEEP_MS: int(2000, 100, 600_000),
  META_DISPLAY_PHONE_NUMBER: z.string().regex(/^\+?[\d\s()-]{7,20}$/, 'must be the business phone number, e.g. +62 812 3456 7890').optional(),
  DUMMY_CREDIT_PROFILES: maybeBool,

  OPENROUTER_API_KEY: optionalString,
  OPENROUTER_URL: httpUrl,
  OPENROUTER_MODEL: z.string().optional().default('google/gemini-2.0-flash-exp:free'),
  // No zod default: production's default differs (see privacy block below).
  OPENROUTER_FALLBACK_MODELS: z.string().optional(),
  OPENROUTER_TIMEOUT_MS: int(30_000, 100, 600_000),
  OPENROUTER_MAX_RETRY_MS: int(45_000, 0, 600_000),
  // The model may hand a turn to a person (a dispute, fraud, a complaint) through a tool call.
  OPENROUTER_HANDOFF_TOOL: bool(true),
  APP_NAME: z.string().optional().default('AI Chat WhatsApp'),
  APP_DEFAULT_LANGUAGE: z.enum(['id', 'en'], { message: 'must be id or en' }).optional().default('id'),

  // Voice notes, photos and documents customers send on WhatsApp.
  OPENROUTER_AUDIO_MODEL: z.string().optional().default('google/gemini-3.1-flash-lite'),
  OPENROUTER_VISION_MODEL: optionalString,
  WHATSAPP_MEDIA_MAX_AUDIO_MB: int(16, 1, 100),
  WHATSAPP_MEDIA_MAX_IMAGE_MB: int(5, 1, 100),
  WHATSAPP_MEDIA_MAX_DOCUMENT_MB: int(10, 1, 100),
  WHATSAPP_MEDIA_TIMEOUT_MS: int(20_000, 100, 300_000),
  WHATSAPP_WELCOME_TEXT: optionalString,

  KNOWLEDGE_DIR: z.string().optional().default('./knowledge'),
  KB_CACHE_DIR: z.string().optional().default('./data/kb-cache'),
  KB_MAX_PROMPT_TOKENS: int(1500, 100, 100_000),
  HISTORY_MAX_TOKENS: int(1500, 0, 100_000),
  KB_SYNC_INTERVAL_MS: int(3000, 0, 3_600_000),
  // Retrieval: synonyms table, and semantic search through OpenRouter embeddings when a key is set.
  KB_SYNONYMS_FILE: z.string().optional(),
  KB_EMBEDDINGS_MODEL: z.string().optional().default(''),
  KB_EMBEDDINGS_URL: httpUrl,
  KB_EMBEDDINGS_TIMEOUT_MS: int(1500, 100, 60_000),

  GOOGLE_CLIENT_ID: optionalString,
  GOOGLE_CLIENT_SECRET: optionalString,
  CALLBACK_URL: httpUrl,
  SESSION_SECRET: optionalString,
  GOOGLE_AUTH_URL: httpUrl,
  GOOGLE_TOKEN_URL: httpUrl,
  GOOGLE_USERINFO_URL: httpUrl,
  WEB_CHAT_RATE_LIMIT_PER_MINUTE: int(20, 0, 10_000),

  ENABLE_CHAT_LOGGING: bool(true),
  ENABLE_CLEANUP: bool(true),
  CLEANUP_OLD_SESSIONS_DAYS: int(30, 1, 3650),

  // Privacy, operator access and cost limits.
  OPENROUTER_DATA_COLLECTION: z.enum(['deny', 'allow'], { message: 'must be deny or allow' }).optional(),
  AI_MAX_INPUT_CHARS: int(4000, 100, 100_000),
  AI_DAILY_TURNS_PER_USER: int(50, 0, 1_000_000),
  AI_DAILY_TURN_BUDGET: optionalInt(1, 100_000_000),
  DATA_RETENTION_DAYS: optionalInt(1, 3650),
  GOOGLE_TIMEOUT_MS: int(10_000, 100, 120_000),
  WEBHOOK_UNVERIFIED_MAX_BYTES: int(16 * 1024 * 1024, 64 * 1024, 1024 * 1024 * 1024),

  // Operator console and human handoff.
  OPERATOR_EMAILS: z.string().optional().superRefine((v, ctx) => {
    const bad = (v ?? '').split(',').map((s) => s.trim()).filter((s) => s && !/^[^@\s]+@[^@\s]+$/.test(s));
    if (bad.length) ctx.addIssue({ code: 'custom', message: `must be comma-separated e-mail addresses, got "${bad[0]}"` });
  }),
  OPERATOR_WEBHOOK_URL: httpUrl,
  OPERATOR_IDLE_RELEASE_MINUTES: int(60, 1, 60 * 24 * 7),

  // Operations: readiness, process manager, metrics, Meta's send rate.
  READINESS_WAIT_MS: int(10_000, 0, 120_000),
  METRICS_ENABLED: bool(true),
  META_MESSAGES_PER_SECOND: int(80, 0, 100_000),
  // Set by PM2 in each process it starts: its id, and how many instances the app has.
  pm_id: optionalString,
  instances: optionalString,
});

/** Routers that send each request to a provider picked at random (data policy unknown in advance). */
export const RANDOM_ROUTERS = ['openrouter/free', 'openrouter/auto'];
export const MIN_ADMIN_TOKEN_CHARS = 32;

export type Config = ReturnType<typeof buildConfig>;

/** Reads `.env` (if present) into a copy of the environment and validates it. Throws ConfigError. */
export function loadConfig(options: { env?: Env; envFile?: string | false; argv?: string[] } = {}): Config {
  const env: Env = { ...(options.env ?? process.env) };
  const envFile = options.envFile === undefined ? path.resolve('.env') : options.envFile;
  if (envFile && fs.existsSync(envFile)) {
    const parsed = dotenv.parse(fs.readFileSync(envFile));
    for (const [k, v] of Object.entries(parsed)) if (env[k] === undefined) env[k] = v;
  }
  return parseConfig(env, options.argv ?? process.argv.slice(2));
}

/** Pure: validates an environment object. Exported for tests. */
export function parseConfig(rawEnv: Env, argv: string[] = []): ReturnType<typeof buildConfig> {
  const env: Env = {};
  const known = new Set(Object.keys(schema.shape));
  for (const [k, v] of Object.entries(rawEnv)) {
    if (!known.has(k)) continue;
    const trimmed = v?.trim();
    env[k] = trimmed === '' || trimmed === undefined || PLACEHOLDER.test(trimmed) ? undefined : trimmed;
  }
  const result = schema.safeParse(env);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${i.path.join('.') || 'environment'}: ${i.message}`);
    throw new ConfigError(problems);
  }
  const problems: string[] = [];
  const e = result.data;
  if (e.NODE_ENV === 'production' && !e.SESSION_SECRET) {
    problems.push('SESSION_SECRET: required when NODE_ENV=production (signs the web chat login cookie)');
  }
  if (e.NODE_ENV === 'production' && e.ADMIN_TOKEN !== undefined && e.ADMIN_TOKEN.length < MIN_ADMIN_TOKEN_CHARS) {
    problems.push(`ADMIN_TOKEN: must be at least ${MIN_ADMIN_TOKEN_CHARS} characters when NODE_ENV=production (got ${e.ADMIN_TOKEN.length}); generate one with: openssl rand -hex 32`);
  }
  if (e.SUPABASE_URL && !e.SUPABASE_SERVICE_ROLE_KEY && !e.SUPABASE_DATABASE_URL) {
    problems.push('SUPABASE_SERVICE_ROLE_KEY: required with SUPABASE_URL (or set SUPABASE_DATABASE_URL instead)');
  }
  const instances = instanceCount(e);
  if (!e.DATABASE_URL && instances > 1) {
    problems.push(`DATABASE_URL: required for ${instances} instances (PM2 instances, WEB_CONCURRENCY in ecosystem.config.cjs): the embedded database serves one process; set DATABASE_URL or run one instance`);
  }
  if (e.WHATSAPP_BUFFER_MIN_MS !== undefined && e.WHATSAPP_BUFFER_MIN_MS > e.WHATSAPP_BUFFER_MS) {
    problems.push(`WHATSAPP_BUFFER_MIN_MS: must not be longer than WHATSAPP_BUFFER_MS (${e.WHATSAPP_BUFFER_MS}), got ${e.WHATSAPP_BUFFER_MIN_MS}`);
  }
  if (problems.length) throw new ConfigError(problems);
  return buildConfig(e, argv);
}

const MB = 1024 * 1024;

function buildConfig(e: z.infer<typeof schema>, argv: string[]) {
  const original = argv.includes('--original');
  const production = e.NODE_ENV === 'production';
  const meta = {
    appId: e.META_APP_ID,
    appSecret: e.META_APP_SECRET,
    phoneNumberId: e.META_PHONE_NUMBER_ID,
    businessAccountId: e.META_BUSINESS_ACCOUNT_ID,
    verifyToken: e.META_WEBHOOK_VERIFY_TOKEN,
    accessToken: e.META_ACCESS_TOKEN,
    graphUrl: (e.META_GRAPH_URL ?? 'https://graph.facebook.com').replace(/\/+$/, ''),
    graphVersion: e.META_GRAPH_VERSION,
    timeoutMs: e.META_GRAPH_TIMEOUT_MS,
  };
  const metaConfigured = Boolean(meta.appSecret && meta.accessToken && meta.phoneNumberId && meta.verifyToken);
  return {
    env: e.NODE_ENV,
    production,
    /** `npm run start:original`: the web chat only, no WhatsApp routes or workers. */
    mode: (original ? 'original' : 'full') as 'original' | 'full',
    port: e.PORT,
    host: e.HOST,
    log: { level: e.LOG_LEVEL ?? (e.NODE_ENV === 'test' ? 'silent' : 'info'), format: e.LOG_FORMAT ?? (production ? 'json' : 'pretty') },
    trustProxy: e.TRUST_PROXY,
    publicUrl: e.PUBLIC_URL ?? `http://localhost:${e.PORT}`,
    /** Pages and fixed texts when neither the browser nor the person's messages say otherwise. */
    defaultLanguage: e.APP_DEFAULT_LANGUAGE,
    adminToken: e.ADMIN_TOKEN,
    database: {
      url: e.DATABASE_URL,
      poolMax: e.DATABASE_POOL_MAX,
      embeddedDir: e.EMBEDDED_DB_DIR,
    },
    supabase: { databaseUrl: e.SUPABASE_DATABASE_URL, url: e.SUPABASE_URL, serviceRoleKey: e.SUPABASE_SERVICE_ROLE_KEY },
    meta,
    whatsapp: {
      enabled: !original,
      configured: metaConfigured,
      // Sandbox: the server is its own Meta. Never in production, whatever the variables say.
      sandbox: !original && !production && (e.WHATSAPP_SANDBOX || !metaConfigured),
      bufferMs: e.WHATSAPP_BUFFER_MS,
      /** A message ending in "?" or long enough ends the window after this instead (null = off; buffer-window.ts). */
      bufferMinMs: e.WHATSAPP_BUFFER_MIN_MS ?? null,
      sessionTimeoutMinutes: e.WHATSAPP_SESSION_TIMEOUT_MINUTES,
      rateLimitPerMinute: e.WHATSAPP_RATE_LIMIT_PER_MINUTE,
      /** How long a claimed batch is exclusive without renewal (a crashed process's batch is resumed after it). */
      leaseMs: e.WHATSAPP_LEASE_MS,
      /** How often each process looks for due batches other processes left (safety net behind the timers). */
      sweepMs: e.WHATSAPP_SWEEP_MS,
    },
    identity: {
      /** wa.me links in the web chat's "Link WhatsApp" panel; null = unknown (no link shown). */
      displayPhone: e.META_DISPLAY_PHONE_NUMBER ? e.META_DISPLAY_PHONE_NUMBER.replace(/\D/g, '') : null,
      /**
       * Generated demo credit reports for unknown numbers and new web accounts. Off in production
       * by default: a real customer must never be told a made-up score.
       */
      dummyProfiles: e.DUMMY_CREDIT_PROFILES ?? !production,
    },
    openRouter: {
      apiKey: e.OPENROUTER_API_KEY,
      url: e.OPENROUTER_URL ?? 'https://openrouter.ai/api/v1/chat/completions',
      model: e.OPENROUTER_MODEL,
      // Production's default has no random router: every prompt carries the person's credit data.
      fallbackModels: (e.OPENROUTER_FALLBACK_MODELS ?? (production ? '' : 'openrouter/free')).split(',').map((s) => s.trim()).filter(Boolean),
      timeoutMs: e.OPENROUTER_TIMEOUT_MS,
      maxRetryMs: e.OPENROUTER_MAX_RETRY_MS,
      appName: e.APP_NAME,
      /** Transcribes voice notes (input_audio). */
      audioModel: e.OPENROUTER_AUDIO_MODEL,
      /** Looks at photos; the main model unless set. */
      visionModel: e.OPENROUTER_VISION_MODEL ?? e.OPENROUTER_MODEL,
      /** Offer the model the handoff_to_human tool (models without tool support are asked without it). */
      handoffTool: e.OPENROUTER_HANDOFF_TOOL,
    },
    media: {
      maxBytes: { audio: e.WHATSAPP_MEDIA_MAX_AUDIO_MB * MB, image: e.WHATSAPP_MEDIA_MAX_IMAGE_MB * MB, document: e.WHATSAPP_MEDIA_MAX_DOCUMENT_MB * MB,
        video: e.WHATSAPP_MEDIA_MAX_DOCUMENT_MB * MB, sticker: e.WHATSAPP_MEDIA_MAX_IMAGE_MB * MB },
      timeoutMs: e.WHATSAPP_MEDIA_TIMEOUT_MS,
      /** Sent when a person opens the chat for the first time; null = the Indonesian default. */
      welcomeText: e.WHATSAPP_WELCOME_TEXT ?? null,
    },
    knowledge: { dir: e.KNOWLEDGE_DIR, cacheDir: e.KB_CACHE_DIR, maxPromptTokens: e.KB_MAX_PROMPT_TOKENS, syncIntervalMs: e.KB_SYNC_INTERVAL_MS,
      synonymsFile: e.KB_SYNONYMS_FILE,
      // Semantic retrieval is on when both the key and an embeddings model are set.
      embeddings: e.OPENROUTER_API_KEY && e.KB_EMBEDDINGS_MODEL.trim() ? {
        apiKey: e.OPENROUTER_API_KEY, model: e.KB_EMBEDDINGS_MODEL.trim(), timeoutMs: e.KB_EMBEDDINGS_TIMEOUT_MS, appName: e.APP_NAME,
        url: e.KB_EMBEDDINGS_URL ?? (e.OPENROUTER_URL ?? 'https://openrouter.ai/api/v1/chat/completions').replace(/\/chat\/completions\/?$/, '/embeddings'),
      } : null },
    historyMaxTokens: e.HISTORY_MAX_TOKENS,
    google: {
      clientId: e.GOOGLE_CLIENT_ID,
      clientSecret: e.GOOGLE_CLIENT_SECRET,
      callbackUrl: e.CALLBACK_URL ?? `http://localhost:${e.PORT}/auth/google/callback`,
      configured: Boolean(e.GOOGLE_CLIENT_ID && e.GOOGLE_CLIENT_SECRET),
      // Overrides exist for tests against a fake provider; production always talks to Google.
      authUrl: production ? undefined : e.GOOGLE_AUTH_URL,
      tokenUrl: production ? undefined : e.GOOGLE_TOKEN_URL,
      userInfoUrl: production ? undefined : e.GOOGLE_USERINFO_URL,
    },
    session: { secret: e.SESSION_SECRET ?? 'dev-only-insecure-session-secret' },
    webChat: { rateLimitPerMinute: e.WEB_CHAT_RATE_LIMIT_PER_MINUTE },
    operator: {
      /** Google accounts allowed into /admin and the operator API (lower-case). */
      emails: (e.OPERATOR_EMAILS ?? '').split(',').map((s) => s.trim().toLowerCase()).filter(Boolean),
      /** needs_human announcements are POSTed here (Slack/Teams/e-mail bridges). */
      webhookUrl: e.OPERATOR_WEBHOOK_URL,
      idleReleaseMinutes: e.OPERATOR_IDLE_RELEASE_MINUTES,
    },
    chatLog: {
      enabled: e.ENABLE_CHAT_LOGGING,
      cleanupEnabled: e.ENABLE_CLEANUP,
      cleanupOldSessionsDays: e.CLEANUP_OLD_SESSIONS_DAYS,
    },
    privacy: {
      /** 'deny': OpenRouter routes only to providers that neither store nor train on prompts. */
      dataCollection: e.OPENROUTER_DATA_COLLECTION ?? (production ? 'deny' : 'allow') as 'deny' | 'allow',
      /** One bound for every table holding personal data (src/privacy/registry.ts). */
      retentionDays: e.DATA_RETENTION_DAYS ?? e.CLEANUP_OLD_SESSIONS_DAYS,
      retentionEnabled: e.ENABLE_CLEANUP,
    },
    aiLimits: {
      maxInputChars: e.AI_MAX_INPUT_CHARS,
      /** 0 = no per-person limit. */
      dailyTurnsPerUser: e.AI_DAILY_TURNS_PER_USER,
      /** undefined = no global breaker. */
      dailyTurnBudget: e.AI_DAILY_TURN_BUDGET,
    },
    googleTimeoutMs: e.GOOGLE_TIMEOUT_MS,
    webhookUnverifiedMaxBytes: e.WEBHOOK_UNVERIFIED_MAX_BYTES,
    ops: {
      /** How long a request that needs the schema waits for it at start-up before a 503. */
      readinessWaitMs: e.READINESS_WAIT_MS,
      metricsEnabled: e.METRICS_ENABLED,
      /** Meta's per-number send rate, shared by every instance (0 = not paced). */
      messagesPerSecond: e.META_MESSAGES_PER_SECOND,
      /** Started by PM2: logs go through process.stdout (PM2 captures that, not the raw descriptor). */
      underPm2: e.pm_id !== undefined,
      /** PM2's id of this process: a label on every metric, so instances stay apart. */
      instanceId: e.pm_id,
      instances: instanceCount(e),
    },
  };
}

/** Instances PM2 starts for this app (ecosystem.config.cjs takes them from WEB_CONCURRENCY); 1 outside PM2. */
function instanceCount(e: z.infer<typeof schema>): number {
  if (e.pm_id === undefined) return 1;
  const v = (e.instances ?? '1').trim();
  const cpus = os.availableParallelism();
  if (v === 'max' || v === '0') return cpus;
  const n = Number(v);
  if (!Number.isFinite(n)) return 1;
  return n < 0 ? Math.max(1, cpus + n) : Math.max(1, Math.floor(n));
}

/** Hides the password part of a connection string for messages and logs. */
export function redactUrl(value: string): string {
  return value.replace(/\/\/([^:/@]+):([^@]*)@/, '//$1:***@');
}
