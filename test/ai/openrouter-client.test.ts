import { createOpenRouterClient, OpenRouterError } from '../../src/ai/openrouter-client';
import { captureLogs } from '../helpers/test-app';
import { completion, errorResponse, startFakeOpenRouter, toolCallCompletion, type FakeOpenRouter } from '../helpers/fake-openrouter-server';
import { HANDOFF_TOOL } from '../../src/ai/handoff-tool';

const messages = [{ role: 'system' as const, content: 'rules' }, { role: 'user' as const, content: 'halo' }];

describe('OpenRouter client against a fake OpenRouter', () => {
  let fake: FakeOpenRouter;
  beforeEach(async () => { fake = await startFakeOpenRouter(); });
  afterEach(async () => { await fake.close(); });

  const client = (over: Partial<Parameters<typeof createOpenRouterClient>[0]> = {}) => {
    const logs = captureLogs();
    const c = createOpenRouterClient({
      url: fake.url, apiKey: 'sk-or-test', model: 'google/gemini-2.0-flash-exp:free', fallbackModels: ['openrouter/free'],
      timeoutMs: 2000, maxRetryMs: 3000, appName: 'Kredit Bot', publicUrl: 'https://kredit.example', logger: logs.logger,
      retryBaseMs: 20, ...over,
    });
    return { c, logs };
  };

  test('when a call succeeds, then the headers, the models fallback list and the usage are as OpenRouter expects', async () => {
    fake.script(completion('Jawaban', 'openrouter/free', { prompt_tokens: 111, completion_tokens: 22 }));
    const r = await client().c.complete(messages);
    expect(r).toMatchObject({ text: 'Jawaban', model: 'openrouter/free', promptTokens: 111, completionTokens: 22, attempts: 1 });
    const req = fake.requests[0];
    expect(req.headers.authorization).toBe('Bearer sk-or-test');
    expect(req.headers['http-referer']).toBe('https://kredit.example');
    expect(req.headers['x-title']).toBe('Kredit Bot');
    expect(req.body.model).toBe('google/gemini-2.0-flash-exp:free');
    expect(req.body.models).toEqual(['google/gemini-2.0-flash-exp:free', 'openrouter/free']);
    expect(req.body.messages).toEqual(messages);
  });

  test('when OpenRouter answers 429 then 200, then the call is retried and succeeds', async () => {
    fake.script(errorResponse(429, 'Rate limit exceeded', { 'retry-after': '0' }), completion('Setelah antre'));
    const r = await client().c.complete(messages);
    expect(r.text).toBe('Setelah antre');
    expect(r.attempts).toBe(2);
    expect(fake.requests).toHaveLength(2);
  });

  test('when OpenRouter keeps answering 500, then the client gives up within the retry budget with an error', async () => {
    for (let i = 0; i < 50; i++) fake.script(errorResponse(500, 'Internal error'));
    const err = await client({ maxRetryMs: 500 }).c.complete(messages).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenRouterError);
    expect((err as OpenRouterError).message).toMatch(/OpenRouter 500.*gave up after \d+ attempt/);
    expect(fake.requests.length).toBeGreaterThan(1);
    expect(fake.requests.length).toBeLessThan(50);
  });

  test.each([[400, 'Bad request'], [401, 'No auth credentials found'], [402, 'Insufficient credits']])(
    'when OpenRouter answers %i, then the call is not retried', async (status, message) => {
      fake.script(errorResponse(status, message));
      const err = await client().c.complete(messages).catch((e: unknown) => e);
      expect((err as OpenRouterError).status).toBe(status);
      expect(fake.requests).toHaveLength(1);
    });

  test('when a call hangs past the timeout, then it is abandoned and retried', async () => {
    fake.script({ ...completion('terlambat'), delayMs: 1500 }, completion('tepat waktu'));
    const r = await client({ timeoutMs: 200 }).c.complete(messages);
    expect(r.text).toBe('tepat waktu');
    expect(fake.requests).toHaveLength(2);
  });

  test('when OpenRouter says 200 but carries an error in the body, then it counts as a failure and is retried', async () => {
    fake.script({ status: 200, body: { error: { code: 502, message: 'Provider returned error' } } }, completion('ok'));
    expect((await client().c.complete(messages)).text).toBe('ok');
    expect(fake.requests).toHaveLength(2);
  });

  test('when the model is unknown to OpenRouter, then it is logged once and the fallback list answers every later turn', async () => {
    fake.unknownModels.add('google/gemini-2.0-flash-exp:free');
    const { c, logs } = client();
    const first = await c.complete(messages);
    const second = await c.complete(messages);
    expect(first.model).toBe('openrouter/free');
    expect(second.model).toBe('openrouter/free');
    expect(fake.requests.map((r) => r.body.model)).toEqual(['google/gemini-2.0-flash-exp:free', 'openrouter/free', 'openrouter/free']);
    const warnings = logs.lines().filter((l) => /does not know the model/.test(String(l.msg)));
    expect(warnings).toHaveLength(1);
    expect(String(warnings[0].msg)).toMatch(/google\/gemini-2\.0-flash-exp:free.*OPENROUTER_MODEL/);
  });

  test('when a fallback model is the unknown one, then that one is dropped and the primary keeps answering', async () => {
    fake.unknownModels.add('old/retired:free');
    const { c, logs } = client({ model: 'openai/gpt-4o-mini', fallbackModels: ['old/retired:free', 'openrouter/free'] });
    await c.complete(messages);
    expect(fake.requests[1].body).toMatchObject({ model: 'openai/gpt-4o-mini', models: ['openai/gpt-4o-mini', 'openrouter/free'] });
    expect(logs.text()).toMatch(/old\/retired:free.*OPENROUTER_FALLBACK_MODELS/);
  });

  test('when tools are offered and the model calls one without words, then the call is returned (not retried as an empty answer) and unknown calls are ignored', async () => {
    fake.script(toolCallCompletion('handoff_to_human', { reason: 'fraud' }));
    const { c } = client();
    const r = await c.complete(messages, { tools: [HANDOFF_TOOL] });
    expect(r).toMatchObject({ text: '', toolCalls: [{ name: 'handoff_to_human', arguments: '{"reason":"fraud"}' }], attempts: 1 });
    expect(fake.requests[0].body.tools).toEqual([HANDOFF_TOOL]);
    expect(fake.requests[0].body.tool_choice).toBeUndefined();
    fake.script(toolCallCompletion('delete_everything', {}, 'Baik.'));
    const other = await c.complete(messages, { tools: [HANDOFF_TOOL] });
    expect(other.text).toBe('Baik.');
    expect(other.toolCalls).toBeUndefined();
  });

  test('when no endpoint of the models supports tool use, then the same turn is asked once more without tools, the model is not dropped, and later turns skip the tools', async () => {
    fake.noToolModels.add('google/gemini-2.0-flash-exp:free');
    const { c, logs } = client();
    const first = await c.complete(messages, { tools: [HANDOFF_TOOL] });
    expect(first).toMatchObject({ text: fake.defaultText, attempts: 2 });
    const second = await c.complete(messages, { tools: [HANDOFF_TOOL] });
    expect(second.text).toBe(fake.defaultText);
    expect(fake.requests.map((r) => [r.body.model, Boolean(r.body.tools)])).toEqual([
      ['google/gemini-2.0-flash-exp:free', true], ['google/gemini-2.0-flash-exp:free', false], ['google/gemini-2.0-flash-exp:free', false]]);
    expect(logs.text()).toMatch(/no endpoint for .* that supports tool use/);
    expect(logs.text()).not.toMatch(/does not know the model/);
  });

  test('when a model refused tools a while ago, then tools are offered to it again after the remembered time', async () => {
    fake.noToolModels.add('google/gemini-2.0-flash-exp:free');
    const { c } = client({ noToolsForMs: 1 });
    await c.complete(messages, { tools: [HANDOFF_TOOL] });
    await new Promise((r) => setTimeout(r, 5));
    fake.noToolModels.clear();
    fake.script(toolCallCompletion('handoff_to_human', { reason: 'dispute' }, 'Petugas kami akan membantu.'));
    const r = await c.complete(messages, { tools: [HANDOFF_TOOL] });
    expect(r.toolCalls).toHaveLength(1);
    expect(fake.requests.map((q) => Boolean(q.body.tools))).toEqual([true, false, true]);
  });

  test('when OpenRouter cannot be reached at all, then the client gives up with a network error', async () => {
    const url = fake.url;
    await fake.close();
    const err = await client({ url, maxRetryMs: 300 }).c.complete(messages).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/unreachable.*gave up/);
    fake = await startFakeOpenRouter(); // for afterEach
  });
});
