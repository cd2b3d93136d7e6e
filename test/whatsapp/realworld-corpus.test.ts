// The 69 webhook payloads other projects published (test/fixtures/realworld-webhooks.json, a copy
// of ../shared/fixtures): each one signed and posted to the real app, answered by the real AI
// processor against a fake OpenRouter. Every payload must be acknowledged with 200 and behave as its
// `expect` says: `turn` = exactly one model call and one reply, with its `content` in the prompt;
// `no-turn` = no model call, no reply; `either` = at most one reply, and `content` in the prompt if
// the model was called.
import request from 'supertest';
import corpus from '../fixtures/realworld-webhooks.json';
import { completion, startFakeOpenRouter, type FakeOpenRouter, type RecordedRequest } from '../helpers/fake-openrouter-server';
import { createWhatsAppTestApp, sleep, type WhatsAppTestApp } from '../helpers/whatsapp-test-app';

interface Entry { kind: string; expect: 'turn' | 'no-turn' | 'either'; content?: string[]; replyTo?: string[]; senders?: string[]; payload: unknown }
const entries = corpus as unknown as Entry[];
const RUN = Date.now().toString(36);

/** Message and status ids made unique per run (the receiver deduplicates on them); timestamps refreshed. */
function forThisRun(payload: unknown, index: number): unknown {
  const now = String(Math.floor(Date.now() / 1000));
  const copy = JSON.parse(JSON.stringify(payload)) as { entry?: { changes?: { value?: { messages?: Record<string, unknown>[]; statuses?: Record<string, unknown>[] } }[] }[] };
  let n = 0; // two messages of one payload may share an id (a placeholder): each gets its own
  for (const e of copy.entry ?? []) for (const c of e.changes ?? []) {
    for (const item of [...(c.value?.messages ?? []), ...(c.value?.statuses ?? [])]) {
      if (typeof item.id === 'string') item.id = `${item.id}.${RUN}.${index}.${n++}`;
      if (typeof item.timestamp === 'number' || /^\d+$/.test(String(item.timestamp))) item.timestamp = typeof item.timestamp === 'number' ? Number(now) : now;
    }
  }
  return copy;
}

function matches(expected: string, prompt: string): boolean {
  if (!expected.startsWith('re:')) return prompt.includes(expected);
  const src = expected.slice(3);
  const insensitive = src.startsWith('(?i)');
  return new RegExp(insensitive ? src.slice(4) : src, insensitive ? 'i' : '').test(prompt);
}

const promptText = (r: RecordedRequest) => r.body.messages.filter((m) => m.role === 'user')
  .map((m) => (Array.isArray(m.content) ? (m.content as { text?: string }[]).map((p) => p.text ?? '').join('\n') : m.content)).join('\n');

describe('the real-world webhook corpus', () => {
  let or: FakeOpenRouter;
  let w: WhatsAppTestApp;
  beforeAll(async () => {
    or = await startFakeOpenRouter();
    or.responder = (body) => completion('Baik, kami bantu.', body.model);
    w = await createWhatsAppTestApp({
      bufferMs: 100,
      env: { OPENROUTER_API_KEY: 'sk-or-test', OPENROUTER_URL: or.url, OPENROUTER_MODEL: 'test/main', OPENROUTER_FALLBACK_MODELS: '', OPENROUTER_MAX_RETRY_MS: '20000' },
    });
  });
  afterAll(async () => { await w.close(); await or.close(); });

  test.each(entries.map((e, i) => [i, e.kind, e] as const))('payload %i (%s): acknowledged with 200 and behaves as expected', async (i, _kind, e) => {
    or.reset();
    w.graph.reset();
    const r = await w.post(forThisRun(e.payload, i));
    expect(r.status).toBe(200);
    const recipients = new Set([...(e.replyTo ?? []), ...(e.senders ?? [])]);
    const replies = () => w.graph.sent().filter((c) => recipients.has(c.to ?? ''));
    if (e.expect === 'turn') await w.graph.waitFor(() => replies().length >= 1, 10_000);
    await sleep(e.expect === 'turn' ? 200 : 600); // a second (wrong) reply or model call would show up by now
    const calls = or.requests;
    if (e.expect === 'turn') {
      expect(calls).toHaveLength(1);
      expect(replies()).toHaveLength(1);
      expect(e.replyTo).toContain(replies()[0].to);
    } else if (e.expect === 'no-turn') {
      expect(calls).toHaveLength(0);
      expect(w.graph.sent()).toHaveLength(0);
    } else {
      expect(replies().length).toBeLessThanOrEqual(1);
      expect(calls.length).toBeLessThanOrEqual(1);
    }
    for (const c of calls.length ? e.content ?? [] : []) expect({ content: c, found: matches(c, promptText(calls[0])) }).toEqual({ content: c, found: true });
  });

  test('when a request_welcome arrives, then the welcome text goes out without a model call', async () => {
    const e = entries.find((x) => x.kind.startsWith('request_welcome'))!;
    or.reset();
    w.graph.reset();
    await w.post(forThisRun(e.payload, 1000)).expect(200);
    await w.graph.waitFor((g) => g.sent().length >= 1);
    expect(w.graph.sent()[0].text).toMatch(/^Halo! 👋 Selamat datang/);
    expect(or.requests).toHaveLength(0);
  });

  test('when an unsupported type arrives, then a short fixed answer goes out once, without a model call', async () => {
    const e = entries.find((x) => x.kind.startsWith('unsupported message type "pool"'))!;
    or.reset();
    w.graph.reset();
    await w.post(forThisRun(e.payload, 1001)).expect(200);
    await w.graph.waitFor((g) => g.sent().length >= 1);
    await sleep(300);
    expect(w.graph.sent().map((c) => c.text)).toEqual(['Maaf, jenis pesan ini belum bisa kami baca. Silakan kirim pertanyaan Anda dalam bentuk teks ya. 🙏']);
    expect(or.requests).toHaveLength(0);
  });

  test('when failed delivery statuses arrive, then they are logged as warnings (string codes as given) and counted on the status endpoint', async () => {
    const failed = entries.filter((x) => x.kind.startsWith('failed status'));
    for (const [k, e] of failed.entries()) await w.post(forThisRun(e.payload, 2000 + k)).expect(200);
    await sleep(100);
    const lines = w.logs.lines().filter((l) => String(l.msg).includes('could not deliver a message'));
    expect(lines.length).toBeGreaterThanOrEqual(failed.length);
    expect(lines.every((l) => l.level === 40)).toBe(true);
    expect(lines.some((l) => String(l.msg).includes('error <ERROR_CODE>'))).toBe(true);
    const status = await request(w.app).get('/api/whatsapp/status').expect(200);
    expect(status.body.graph.failedDeliveries).toBeGreaterThanOrEqual(failed.length);
  });
});
