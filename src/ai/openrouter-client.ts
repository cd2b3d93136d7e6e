// OpenRouter chat completions: a timeout on every call, retries with backoff on 408/429/5xx and
// network errors within a bounded total time, OpenRouter's `models` fallback list, and a model
// that OpenRouter reports as unknown dropped (logged once) so the fallbacks answer instead. Tools
// (the handoff signal) are offered when asked; a model without tool support is asked again without
// them and remembered for a while, so the person still gets one answer.
import type { Logger } from '../shared/logger';
import type { Metrics } from '../metrics/metrics';
import type { RichChatMessage as ChatMessage } from './content-parts';
import type { ToolCall, ToolSpec } from './handoff-tool';

export interface OpenRouterOptions {
  url: string;
  apiKey: string;
  model: string;
  fallbackModels: string[];
  timeoutMs: number;
  maxRetryMs: number;
  appName: string;
  publicUrl: string;
  logger: Logger;
  /** 'deny': only providers that neither store nor train on prompts (OpenRouter's provider.data_collection). */
  dataCollection?: 'deny' | 'allow';
  /** Told when a data-policy refusal starts or ends (null), so every instance's status can show it. */
  onDataPolicyRefusal?(refusal: DataPolicyRefusal | null): void | Promise<void>;
  /** First backoff step; doubles per attempt (with jitter), capped at 8 s. */
  retryBaseMs?: number;
  metrics?: Pick<Metrics, 'openRouterCalls' | 'modelLatency' | 'tokens'>;
  /** How long a model that refused tools is asked without them (default 30 minutes). */
  noToolsForMs?: number;
}

export interface Completion {
  text: string; model: string; promptTokens: number | null; completionTokens: number | null; latencyMs: number; attempts: number;
  /** Calls of offered tools the model made (its text may then be empty). */
  toolCalls?: ToolCall[];
}

export class OpenRouterError extends Error {
  constructor(message: string, readonly status: number | null, readonly attempts: number, readonly retryable: boolean) {
    super(message);
    this.name = 'OpenRouterError';
  }
}

/** The last refusal because no provider of the chosen models accepts the data policy (null after a success). */
export interface DataPolicyRefusal { at: string; models: string[]; message: string; setting: string }

export interface CompleteOptions {
  temperature?: number; maxTokens?: number; model?: string;
  /** Offered to the model; dropped for models (or model lists) that answered they cannot use tools. */
  tools?: ToolSpec[];
}

export interface OpenRouterClient {
  /** `model`: ask this model only (audio, vision), instead of OPENROUTER_MODEL and its fallbacks. */
  complete(messages: ChatMessage[], opts?: CompleteOptions): Promise<Completion>;
  /** What the status endpoint shows about the data policy. */
  dataPolicy?(): { dataCollection: 'deny' | 'allow'; lastRefusal: DataPolicyRefusal | null };
}

/** OpenRouter: 404 "No endpoints found matching your data policy (…)": the models exist, none may see this prompt. */
const DATA_POLICY = /matching your data policy|data policy/i;
/** 404 "No endpoints found that support tool use" (or the tool_choice value); some providers answer 400 instead. */
const NO_TOOLS = /support tool use|tool_choice|(does not|doesn't|not) support (tools|tool calling|function calling)/i;
const UNKNOWN_MODEL = /not a valid model|no endpoints found|model .*not found|unknown model|model .*does not exist/i;

export function createOpenRouterClient(o: OpenRouterOptions): OpenRouterClient {
  const log = o.logger.child({ module: 'openrouter' });
  const gone = new Set<string>(); // models OpenRouter said it does not know; reported once each
  const base = o.retryBaseMs ?? 500;
  const dataCollection = o.dataCollection ?? 'allow';
  let lastRefusal: DataPolicyRefusal | null = null;
  const lastModelReported = new Set<string>();
  const noTools = new Map<string, number>(); // model list → until when tools are not offered to it
  const noToolsForMs = o.noToolsForMs ?? 30 * 60_000;

  const modelList = () => [o.model, ...o.fallbackModels].filter((m, i, all) => !gone.has(m) && all.indexOf(m) === i);

  function observe(result: string, model: string, startedMs: number, usage?: { prompt_tokens?: number; completion_tokens?: number }) {
    const m = o.metrics;
    if (!m) return;
    m.openRouterCalls.inc({ result, model });
    if (result !== 'ok') return;
    m.modelLatency.observe({ model }, (Date.now() - startedMs) / 1000);
    if (usage?.prompt_tokens) m.tokens.inc({ kind: 'prompt', model }, usage.prompt_tokens);
    if (usage?.completion_tokens) m.tokens.inc({ kind: 'completion', model }, usage.completion_tokens);
  }

  async function attempt(messages: ChatMessage[], models: string[], timeoutMs: number, opts: CompleteOptions, tools: ToolSpec[] | null) {
    const body: Record<string, unknown> = {
      model: models[0], messages, temperature: opts.temperature ?? 0.3, max_tokens: opts.maxTokens ?? 700,
    };
    // No tool_choice: "auto" is the default, and some providers refuse an explicit value.
    if (tools) body.tools = tools;
    if (models.length > 1) body.models = models;
    if (dataCollection === 'deny') body.provider = { data_collection: 'deny' };
    const res = await fetch(o.url, {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${o.apiKey}`, 'Content-Type': 'application/json',
        'HTTP-Referer': o.publicUrl, 'X-Title': o.appName, 'X-OpenRouter-Title': o.appName,
      },
      // Bytes, not a string: fetch would scan a string body for lone surrogates and re-encode it, which
      // for a turn carrying a photo (megabytes of base64) cost a fifth of the server's CPU (media benchmark).
      body: Buffer.from(JSON.stringify(body)),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const raw = await res.text();
    let json: { error?: { code?: number; message?: string }; model?: string; choices?: { finish_reason?: string; message?: { content?: string | null; tool_calls?: { function?: { name?: string; arguments?: string } }[] } }[]; usage?: { prompt_tokens?: number; completion_tokens?: number } } = {};
    try { json = JSON.parse(raw); } catch { /* non-JSON error page */ }
    return { res, json, raw };
  }

  return {
    dataPolicy: () => ({ dataCollection, lastRefusal }),
    async complete(messages, opts = {}) {
      const started = Date.now();
      const deadline = started + o.maxRetryMs;
      let attempts = 0;
      let lastError: OpenRouterError | null = null;
      for (;;) {
        const models = opts.model ? [opts.model] : modelList();
        if (!models.length) throw new OpenRouterError('no usable model left (all unknown to OpenRouter)', 404, attempts, false);
        attempts++;
        const modelsKey = models.join(',');
        const tools = opts.tools?.length && !((noTools.get(modelsKey) ?? 0) > Date.now()) ? opts.tools : null;
        const timeoutMs = Math.max(100, Math.min(o.timeoutMs, deadline - Date.now()));
        let retryAfterMs: number | null = null;
        try {
          const callStarted = Date.now();
          const { res, json, raw } = await attempt(messages, models, timeoutMs, opts, tools);
          const status = res.ok && json.error ? Number(json.error.code ?? 500) : res.status;
          observe(status >= 200 && status < 300 ? 'ok' : String(status), json.model ?? models[0], callStarted, json.usage);
          const message = json.error?.message ?? (res.ok ? '' : raw.slice(0, 200));
          if (status >= 200 && status < 300) {
            const choice = json.choices?.[0];
            const text = choice?.message?.content?.trim() ?? '';
            const toolCalls = offeredCalls(choice?.message?.tool_calls, tools);
            if ((text || toolCalls.length) && choice?.finish_reason !== 'error') {
              if (lastRefusal) { lastRefusal = null; await o.onDataPolicyRefusal?.(null); }
              return {
                text, model: json.model ?? models[0], attempts, latencyMs: Date.now() - started,
                promptTokens: json.usage?.prompt_tokens ?? null, completionTokens: json.usage?.completion_tokens ?? null,
                ...(toolCalls.length ? { toolCalls } : {}),
              };
            }
            lastError = new OpenRouterError('empty answer from the model', 200, attempts, true);
          } else if (tools && (status === 400 || status === 404) && NO_TOOLS.test(message)) {
            // Not an unknown model ("No endpoints found …" matches that test too): the same turn again, without tools.
            noTools.set(modelsKey, Date.now() + noToolsForMs);
            log.warn({ models, status, message, forMinutes: Math.round(noToolsForMs / 60_000) },
              `OpenRouter has no endpoint for ${modelsKey} that supports tool use: asking without the handoff tool (the model cannot flag a turn for a person; the customer's own request for one still works)`);
            continue;
          } else if (status === 404 && DATA_POLICY.test(message)) {
            // Not a retired model: dropping it would only hide the cause. Logged once until an answer succeeds.
            if (!lastRefusal) {
              log.error({ status, message, models, dataCollection },
                `❌ OpenRouter has no provider for ${models.join(', ')} that accepts OPENROUTER_DATA_COLLECTION=${dataCollection}: ` +
                'set OPENROUTER_MODEL (and OPENROUTER_FALLBACK_MODELS) to models whose providers keep no data (free models usually refuse "deny"), ' +
                'or set OPENROUTER_DATA_COLLECTION=allow if sending credit data to providers that may store it is acceptable');
            }
            lastRefusal = { at: new Date().toISOString(), models, message: message.slice(0, 200), setting: 'OPENROUTER_DATA_COLLECTION' };
            await o.onDataPolicyRefusal?.(lastRefusal);
            lastError = new OpenRouterError(`OpenRouter 404: ${message}`, 404, attempts, false);
          } else if ((status === 400 || status === 404) && UNKNOWN_MODEL.test(message) && models.length > 1) {
            // The message names the unknown id; when it does not, blame the first (the one validated as `model`).
            const unknown = models.find((m) => message.includes(m)) ?? models[0];
            gone.add(unknown);
            const setting = unknown === o.model ? 'OPENROUTER_MODEL' : 'OPENROUTER_FALLBACK_MODELS';
            log.error({ model: unknown, status, message, remaining: modelList() },
              `❌ OpenRouter does not know the model "${unknown}" (retired?): fix ${setting}; using ${modelList().join(', ')}`);
            continue; // immediately, without it
          } else if ((status === 400 || status === 404) && UNKNOWN_MODEL.test(message)) {
            // The last model left is unknown too: nothing to fall back to. Said once, then every turn gets the busy answer.
            if (!lastModelReported.has(models[0])) {
              lastModelReported.add(models[0]);
              log.error({ model: models[0], status, message },
                `❌ OpenRouter does not know the model "${models[0]}" (retired?) and no fallback is left: set OPENROUTER_MODEL to a current model`);
            }
            lastError = new OpenRouterError(`OpenRouter ${status}: ${message}`, status, attempts, false);
          } else {
            const retryable = status === 408 || status === 429 || status >= 500;
            lastError = new OpenRouterError(`OpenRouter ${status}: ${message || res.statusText}`, status, attempts, retryable);
            const ra = Number(res.headers.get('retry-after'));
            if (Number.isFinite(ra) && ra > 0) retryAfterMs = ra * 1000;
          }
        } catch (err) {
          const timedOut = (err as Error).name === 'TimeoutError' || (err as Error).name === 'AbortError';
          o.metrics?.openRouterCalls.inc({ result: timedOut ? 'timeout' : 'network', model: models[0] ?? 'none' });
          lastError = new OpenRouterError(timedOut ? `OpenRouter timed out after ${timeoutMs}ms` : `OpenRouter unreachable: ${(err as Error).message}`,
            timedOut ? 408 : null, attempts, true);
        }
        if (!lastError.retryable) throw lastError;
        const backoff = Math.min(8000, base * 2 ** (attempts - 1)) * (0.75 + Math.random() * 0.5);
        const wait = Math.max(backoff, retryAfterMs ?? 0);
        if (Date.now() + wait >= deadline) {
          throw new OpenRouterError(`${lastError.message} (gave up after ${attempts} attempt(s), ${Date.now() - started}ms)`, lastError.status, attempts, false);
        }
        log.warn({ status: lastError.status, attempt: attempts, waitMs: Math.round(wait) }, `OpenRouter call failed, retrying: ${lastError.message}`);
        await new Promise((r) => setTimeout(r, wait));
      }
    },
  };
}

/** The calls of tools that were offered; anything else the model invented is ignored. */
function offeredCalls(raw: { function?: { name?: string; arguments?: string } }[] | undefined, tools: ToolSpec[] | null): ToolCall[] {
  if (!tools || !Array.isArray(raw)) return [];
  const names = new Set(tools.map((t) => t.function.name));
  return raw.flatMap((c) => (c?.function?.name && names.has(c.function.name) ? [{ name: c.function.name, arguments: String(c.function.arguments ?? '') }] : []));
}
