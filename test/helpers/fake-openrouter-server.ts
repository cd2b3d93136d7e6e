// A real HTTP server on 127.0.0.1 speaking OpenRouter's chat-completions protocol. Tests script
// its answers (200, 429, 500, slow responses, unknown model) and read back every request it got
// (headers and JSON body), to assert on the prompt, the `models` list and the headers.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  headers: http.IncomingHttpHeaders;
  body: { model?: string; models?: string[]; messages: { role: string; content: string }[]; [k: string]: unknown };
}

export interface ScriptedResponse {
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Wait this long before answering (longer than the client's timeout = a timeout). */
  delayMs?: number;
}

export interface FakeOpenRouter {
  url: string;
  requests: RecordedRequest[];
  /** Queue responses for the next calls, in order; afterwards the default answer is used. */
  script(...responses: ScriptedResponse[]): void;
  /** Forget scripted responses not used yet and the recorded requests. */
  reset(): void;
  /** Model ids answered with OpenRouter's "not a valid model ID" 400 when sent in `model` or `models`. */
  unknownModels: Set<string>;
  /** Model ids without tool support: a request offering `tools` gets OpenRouter's 404 "No endpoints found that support tool use". */
  noToolModels: Set<string>;
  /** Text of the default 200 answer. */
  defaultText: string;
  /** When set, answers every unscripted call (e.g. `echoPrompt`, the model repeating its whole prompt). */
  responder?: (body: RecordedRequest['body']) => ScriptedResponse;
  close(): Promise<void>;
}

export function completion(text: string, model = 'openrouter/free', usage = { prompt_tokens: 321, completion_tokens: 45 }): ScriptedResponse {
  return {
    status: 200,
    body: {
      id: 'gen-test', object: 'chat.completion', created: 1, model,
      choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content: text } }],
      usage: { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens },
    },
  };
}

/** The model calls a function (OpenAI/OpenRouter format), with or without words of its own. */
export function toolCallCompletion(name: string, args: Record<string, unknown>, text: string | null = null, model = 'openrouter/free'): ScriptedResponse {
  return {
    status: 200,
    body: {
      id: 'gen-tool', object: 'chat.completion', created: 1, model,
      choices: [{ index: 0, finish_reason: 'tool_calls', message: { role: 'assistant', content: text,
        tool_calls: [{ id: 'call_1', type: 'function', function: { name, arguments: JSON.stringify(args) } }] } }],
      usage: { prompt_tokens: 300, completion_tokens: 20, total_tokens: 320 },
    },
  };
}

export const NO_TOOL_USE = 'No endpoints found that support tool use. To learn more about provider routing, visit: https://openrouter.ai/docs/guides/routing/provider-selection';

export const errorResponse = (status: number, message: string, headers?: Record<string, string>): ScriptedResponse =>
  ({ status, body: { error: { code: status, message } }, headers });

export async function startFakeOpenRouter(): Promise<FakeOpenRouter> {
  const queue: ScriptedResponse[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const fake: Omit<FakeOpenRouter, 'url' | 'close'> = {
    requests: [], unknownModels: new Set(), noToolModels: new Set(), defaultText: 'Halo! Ini jawaban dari AI admin.',
    script: (...r) => { queue.push(...r); },
    reset: () => { queue.length = 0; fake.requests.length = 0; },
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      let body: RecordedRequest['body'];
      try { body = JSON.parse(Buffer.concat(chunks).toString('utf8')); } catch {
        res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { code: 400, message: 'invalid JSON' } }));
        return;
      }
      fake.requests.push({ headers: req.headers, body });
      let r: ScriptedResponse;
      const unknown = [body.model, ...(body.models ?? [])].find((m) => m && fake.unknownModels.has(m));
      const toolless = Array.isArray(body.tools) && [body.model, ...(body.models ?? [])].some((m) => m && fake.noToolModels.has(m));
      if (unknown) r = errorResponse(400, `${unknown} is not a valid model ID`);
      else if (toolless) r = errorResponse(404, NO_TOOL_USE);
      else r = queue.shift() ?? fake.responder?.(body) ?? completion(fake.defaultText, body.models?.[0] ?? body.model ?? 'openrouter/free');
      const send = () => {
        if (res.destroyed) return;
        res.writeHead(r.status ?? 200, { 'content-type': 'application/json', ...r.headers });
        res.end(typeof r.body === 'string' ? r.body : JSON.stringify(r.body ?? {}));
      };
      if (r.delayMs) {
        const t = setTimeout(() => { timers.delete(t); send(); }, r.delayMs);
        timers.add(t);
      } else send();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(fake, {
    url: `http://127.0.0.1:${port}/api/v1/chat/completions`,
    async close() {
      for (const t of timers) clearTimeout(t);
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  }) as FakeOpenRouter;
}

/** A "model" that answers with its whole prompt: whatever reached the prompt reaches the user. */
export const echoPrompt = (body: RecordedRequest['body']): ScriptedResponse =>
  completion(body.messages.map((m) => `[${m.role}] ${m.content}`).join('\n\n'));
