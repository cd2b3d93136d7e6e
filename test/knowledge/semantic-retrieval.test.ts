// Semantic retrieval through OpenRouter's embeddings endpoint, against a fake OpenRouter on
// 127.0.0.1: vectors cached on disk per file and model, the query embedded per turn and fused
// with BM25, and lexical-only search whenever the endpoint fails or is slow.
import path from 'node:path';
import { parseConfig } from '../../src/config';
import { createKnowledgeBase } from '../../src/knowledge/knowledge-base';
import { captureLogs, createTestApp } from '../helpers/test-app';
import { SAMPLE_PDF, tempDir } from '../helpers/kb-fixtures';
import { completion, errorResponse, startFakeOpenRouter, type FakeOpenRouter, type RecordedRequest } from '../helpers/fake-openrouter-server';

/** A toy embedding model: words hashed into 64 dimensions, with "zonk" meaning what "utilisasi" means. */
function embed(text: string): number[] {
  const v = new Array<number>(64).fill(0);
  for (const raw of text.toLowerCase().split(/[^a-z0-9]+/).filter(Boolean)) {
    const w = raw === 'zonk' ? 'utilisasi' : raw;
    let h = 0;
    for (const c of w) h = (h * 31 + c.charCodeAt(0)) >>> 0;
    v[h % 64] += 1;
  }
  return v;
}

const embeddingsOf = (body: RecordedRequest['body']) => {
  const input = body.input as string[];
  return { status: 200, body: { object: 'list', model: body.model, data: input.map((t, index) => ({ object: 'embedding', index, embedding: embed(t) })) } };
};
const isEmbedding = (r: RecordedRequest) => Array.isArray(r.body.input);

describe('semantic retrieval with OpenRouter embeddings', () => {
  let fake: FakeOpenRouter;
  beforeAll(async () => {
    fake = await startFakeOpenRouter();
    fake.responder = (body) => (Array.isArray(body.input) ? embeddingsOf(body) : completion('ok'));
  });
  afterAll(async () => { await fake.close(); });
  beforeEach(() => { fake.reset(); });

  const kbFor = (cacheDir: string, timeoutMs = 1000) => {
    const logs = captureLogs();
    const kb = createKnowledgeBase({
      dir: path.dirname(SAMPLE_PDF), cacheDir, maxPromptTokens: 1500, logger: logs.logger,
      embeddings: { url: fake.url.replace('/chat/completions', '/embeddings'), apiKey: 'sk-or-test', model: 'test/embed-64', timeoutMs },
    });
    return { kb, logs };
  };

  test('when a key and model are set, then passages are embedded once and cached, and a question without shared words finds its page', async () => {
    const cacheDir = tempDir('cache');
    const first = kbFor(cacheDir);
    await first.kb.reload();
    const loadCalls = fake.requests.filter(isEmbedding);
    expect(loadCalls.length).toBeGreaterThan(0);
    expect(loadCalls[0].body.model).toBe('test/embed-64');
    expect(loadCalls[0].headers.authorization).toBe('Bearer sk-or-test');
    expect(first.logs.text()).toMatch(/Semantic search ready: \d+ passages \(0 from cache\)/);

    fake.reset();
    const second = kbFor(cacheDir);
    await second.kb.reload();
    expect(fake.requests.filter(isEmbedding)).toHaveLength(0); // vectors came from disk
    expect(second.logs.text()).toMatch(/Semantic search ready: (\d+) passages \(\1 from cache\)/);

    expect(second.kb.search('zonk')).toEqual([]); // no word in common with the guide
    const vector = await second.kb.embedQuery('zonk');
    expect(fake.requests.filter(isEmbedding)).toHaveLength(1);
    expect(second.kb.search('zonk', { queryVector: vector })[0]).toMatchObject({ page: 7 });
  });

  test('when the embeddings endpoint fails at load, then search stays lexical and says so once', async () => {
    fake.script(errorResponse(500, 'upstream down'));
    const { kb, logs } = kbFor(tempDir('cache'));
    await kb.reload();
    expect(logs.text()).toMatch(/Semantic search off until the next reload: embeddings for panduan-kredit-sehat\.pdf failed \(embeddings HTTP 500: upstream down\)/);
    expect(await kb.embedQuery('zonk')).toBeNull();
    expect(kb.search('Berapa lama keterlambatan tercatat di SLIK?')[0]).toMatchObject({ page: 8 });
  });

  test('when the query embedding is slower than KB_EMBEDDINGS_TIMEOUT_MS, then the turn searches by words without waiting longer', async () => {
    const { kb, logs } = kbFor(tempDir('cache'), 300);
    await kb.reload();
    fake.script({ ...embeddingsOf({ model: 'm', input: ['x'], messages: [] }), delayMs: 2000 });
    const started = Date.now();
    const vector = await kb.embedQuery('Berapa lama keterlambatan tercatat?');
    expect(vector).toBeNull();
    expect(Date.now() - started).toBeLessThan(1500);
    expect(logs.text()).toMatch(/Query embedding failed/);
    expect(kb.search('Berapa lama keterlambatan tercatat?', { queryVector: vector })[0]).toMatchObject({ page: 8 });
  });

  test('when no embeddings model is configured, then no embeddings call is ever made', async () => {
    const kb = createKnowledgeBase({ dir: path.dirname(SAMPLE_PDF), cacheDir: tempDir('cache'), maxPromptTokens: 1500, logger: captureLogs().logger });
    await kb.reload();
    expect(await kb.embedQuery('zonk')).toBeNull();
    expect(fake.requests).toHaveLength(0);
  });

  test('when the settings are read, then semantic search needs both the key and a model, and the URL follows OPENROUTER_URL', () => {
    expect(parseConfig({ NODE_ENV: 'test', OPENROUTER_API_KEY: 'k' }, []).knowledge.embeddings).toBeNull();
    expect(parseConfig({ NODE_ENV: 'test', KB_EMBEDDINGS_MODEL: 'openai/text-embedding-3-small' }, []).knowledge.embeddings).toBeNull();
    const on = parseConfig({ NODE_ENV: 'test', OPENROUTER_API_KEY: 'k', KB_EMBEDDINGS_MODEL: 'openai/text-embedding-3-small', OPENROUTER_URL: 'http://127.0.0.1:9/api/v1/chat/completions' }, []);
    expect(on.knowledge.embeddings).toMatchObject({ model: 'openai/text-embedding-3-small', url: 'http://127.0.0.1:9/api/v1/embeddings', timeoutMs: 1500 });
  });

  test('when a turn is answered with semantic search on, then the question is embedded and the model still gets the lexical passages', async () => {
    const t = await createTestApp({ env: {
      OPENROUTER_API_KEY: 'sk-or-test', OPENROUTER_URL: fake.url, KB_EMBEDDINGS_MODEL: 'test/embed-64',
      KNOWLEDGE_DIR: path.dirname(SAMPLE_PDF), KB_CACHE_DIR: tempDir('cache'),
    } });
    try {
      await t.deps.knowledge.reload();
      fake.reset();
      const r = await t.deps.ai.reply({ userId: 'web_1', channel: 'web', messages: ['Berapa lama keterlambatan tercatat di SLIK?'], history: [] });
      expect(r.kind).toBe('ai');
      expect(fake.requests.map((q) => (isEmbedding(q) ? 'embed' : 'chat'))).toEqual(['embed', 'chat']);
      expect(r.sources[0]).toEqual({ file: 'panduan-kredit-sehat.pdf', page: 8 });
    } finally { await t.close(); }
  });
});
