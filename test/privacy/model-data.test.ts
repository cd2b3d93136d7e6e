// What leaves for the model provider: the data policy, the fallback list, the identifiers removed
// from prompts, and the daily cost limits. Real app, real database, a fake OpenRouter on 127.0.0.1.
import request from 'supertest';
import { parseConfig } from '../../src/config';
import { modelPolicyWarnings } from '../../src/ai/model-policy';
import { generateDummyProfile } from '../../src/credit/dummy-profile';
import type { AiTurnInput } from '../../src/ai/types';
import { createTestApp, type TestApp } from '../helpers/test-app';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database';
import { createWhatsAppTestApp, type WhatsAppTestApp } from '../helpers/whatsapp-test-app';
import { errorResponse, startFakeOpenRouter, type FakeOpenRouter } from '../helpers/fake-openrouter-server';

const ANI = 'whatsapp_6281200000001';
const PROD = { NODE_ENV: 'production', SESSION_SECRET: 's'.repeat(40) };
const turn = (over: Partial<AiTurnInput> = {}): AiTurnInput =>
  ({ userId: ANI, channel: 'whatsapp', messages: ['Apa arti kol 2 di laporan saya?'], history: [], ...over });

describe('model and data policy defaults', () => {
  test('when the server runs in production, then prompts are sent with data_collection deny and no random router is in the fallback list', () => {
    const c = parseConfig(PROD);
    expect(c.privacy.dataCollection).toBe('deny');
    expect(c.openRouter.fallbackModels).not.toContain('openrouter/free');
    expect(c.openRouter.fallbackModels).not.toContain('openrouter/auto');
    // The seed's default model is kept (README says which current models to set instead).
    expect(c.openRouter.model).toBe('google/gemini-2.0-flash-exp:free');
  });

  test('when production starts with the retired seed model, a random router or data collection allowed, then the boot log warns about each', () => {
    const key = { OPENROUTER_API_KEY: 'sk-or-x' };
    expect(modelPolicyWarnings(parseConfig({ ...PROD, ...key }))).toEqual([expect.stringMatching(/OPENROUTER_MODEL=google\/gemini-2.0-flash-exp:free has been retired/)]);
    const risky = modelPolicyWarnings(parseConfig({ ...PROD, ...key, OPENROUTER_MODEL: 'google/gemini-2.5-flash', OPENROUTER_FALLBACK_MODELS: 'openrouter/free', OPENROUTER_DATA_COLLECTION: 'allow' }));
    expect(risky).toEqual([expect.stringMatching(/openrouter\/free, which sends prompts/), expect.stringMatching(/OPENROUTER_DATA_COLLECTION=allow/)]);
    expect(modelPolicyWarnings(parseConfig({ ...PROD, ...key, OPENROUTER_MODEL: 'google/gemini-2.5-flash' }))).toEqual([]);
  });

  test('when the server runs outside production, then the convenient defaults stay, and the setting can be changed both ways', () => {
    const dev = parseConfig({});
    expect(dev.privacy.dataCollection).toBe('allow');
    expect(dev.openRouter.fallbackModels).toEqual(['openrouter/free']);
    expect(parseConfig({ OPENROUTER_DATA_COLLECTION: 'deny' }).privacy.dataCollection).toBe('deny');
    expect(parseConfig({ ...PROD, OPENROUTER_DATA_COLLECTION: 'allow' }).privacy.dataCollection).toBe('allow');
    expect(() => parseConfig({ OPENROUTER_DATA_COLLECTION: 'maybe' })).toThrow(/OPENROUTER_DATA_COLLECTION/);
  });
});

describe('prompts under the deny policy', () => {
  let fake: FakeOpenRouter;
  let t: WhatsAppTestApp;
  beforeAll(async () => {
    fake = await startFakeOpenRouter();
    t = await createWhatsAppTestApp({
      env: { OPENROUTER_API_KEY: 'sk-or-test', OPENROUTER_URL: fake.url, OPENROUTER_MAX_RETRY_MS: '1000', OPENROUTER_DATA_COLLECTION: 'deny' },
      start: false,
    });
    await t.deps.users.upsert({ id: ANI, channel: 'whatsapp', phone: '6281200000001', email: 'ani.rahma@example.com' });
    const profile = generateDummyProfile(ANI, { riskiness: 0.9 });
    profile.tradelines[0].account_ref = '1234567890123456';
    profile.tradelines[0].status = 'active';
    await t.database.db.transaction((tx) => t.deps.credit.insertProfile(tx, ANI, profile, false));
  });
  afterAll(async () => { await t.close(); await fake.close(); });
  beforeEach(() => { fake.reset(); });

  test('when a person asks, then the request carries provider.data_collection = deny', async () => {
    await t.deps.ai.reply(turn());
    expect(fake.requests[0].body.provider).toEqual({ data_collection: 'deny' });
  });

  test('when the data, the history or the question hold phone numbers, e-mails or full account numbers, then none of them reaches the model', async () => {
    await t.deps.ai.reply(turn({
      userName: '+62 812 0000 0001',
      messages: ['Nomor saya 0812-0000-0001, email ani.rahma@example.com, rekening 9876543210987 dan kartu 4111 1111 1111 1111'],
      history: [{ role: 'user', text: 'hubungi saya di 6281200000001 atau ani.rahma@example.com' }, { role: 'assistant', text: 'Baik.' }],
    }));
    const prompt = JSON.stringify(fake.requests[0].body.messages);
    for (const secret of ['1234567890123456', '6281200000001', '0812-0000-0001', '812 0000 0001', 'ani.rahma@example.com', '9876543210987', '4111 1111 1111 1111']) {
      expect(prompt).not.toContain(secret);
    }
    expect(prompt).toContain('****3456'); // the model still knows which account is meant
    expect(prompt).toContain('****0987');
  });

  test('when OpenRouter has no endpoint matching the data policy, then one clear log line names the setting, the status shows it, the person gets the busy answer and the model is not dropped', async () => {
    const refusal = errorResponse(404, 'No endpoints found matching your data policy (Free model publication). Configure: https://openrouter.ai/settings/privacy');
    fake.script(refusal, refusal);
    const first = await t.deps.ai.reply(turn());
    const second = await t.deps.ai.reply(turn());
    expect(first.kind).toBe('fallback');
    expect(first.text).toMatch(/sedang sibuk/);
    expect(second.kind).toBe('fallback');
    // Not retried (it cannot succeed) and the model stays: it is the policy, not a retired model.
    expect(fake.requests).toHaveLength(2);
    expect(fake.requests[1].body.model).toBe('google/gemini-2.0-flash-exp:free');
    const lines = t.logs.lines().filter((l) => /OPENROUTER_DATA_COLLECTION=deny/.test(String(l.msg)));
    expect(lines).toHaveLength(1);
    expect(t.logs.text()).not.toMatch(/does not know the model/);
    const status = await request(t.app).get('/api/whatsapp/status');
    expect(status.body.dataPolicy).toMatchObject({ dataCollection: 'deny', lastRefusal: { setting: 'OPENROUTER_DATA_COLLECTION' } });
    expect(status.body.dataPolicy.fix).toMatch(/OPENROUTER_DATA_COLLECTION/);
    // Today's model usage is on the status endpoint too.
    expect(status.body.aiUsage).toMatchObject({ day: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/), turns: expect.any(Number), perUserLimit: 50, budget: null });
    // Another instance on the same database shows it as well.
    const other = await createWhatsAppTestApp({ env: { OPENROUTER_API_KEY: 'sk-or-test', OPENROUTER_URL: fake.url, OPENROUTER_DATA_COLLECTION: 'deny' }, database: t.database, start: false });
    try {
      const seen = await request(other.app).get('/api/whatsapp/status');
      expect(seen.body.dataPolicy.lastRefusal).toMatchObject({ setting: 'OPENROUTER_DATA_COLLECTION' });
    } finally { await other.close(); }
    // An answer that works again clears it.
    await t.deps.ai.reply(turn());
    expect((await request(t.app).get('/api/whatsapp/status')).body.dataPolicy.lastRefusal).toBeNull();
  });

  test('when the only model left is retired, then it is said once with the setting to change, and the person gets the busy answer', async () => {
    fake.unknownModels.add('google/gemini-2.0-flash-exp:free');
    fake.unknownModels.add('openrouter/free');
    try {
      expect((await t.deps.ai.reply(turn())).kind).toBe('fallback');
      expect((await t.deps.ai.reply(turn())).kind).toBe('fallback');
      expect(t.logs.lines().filter((l) => /no fallback is left: set OPENROUTER_MODEL/.test(String(l.msg)))).toHaveLength(1);
    } finally { fake.unknownModels.clear(); }
  });
});

describe('cost limits', () => {
  let fake: FakeOpenRouter;
  let database: TestDatabase;
  let a: TestApp;
  let b: TestApp;
  let now = Date.parse('2026-11-30T10:00:00Z');
  beforeAll(async () => {
    fake = await startFakeOpenRouter();
    database = await createTestDatabase();
    const env = { OPENROUTER_API_KEY: 'sk-or-test', OPENROUTER_URL: fake.url, AI_MAX_INPUT_CHARS: '200', AI_DAILY_TURNS_PER_USER: '3', AI_DAILY_TURN_BUDGET: '5' };
    // Two instances on one database: the counts are shared.
    a = await createTestApp({ env, database, build: { clock: () => now } });
    b = await createTestApp({ env, database, build: { clock: () => now } });
  });
  afterAll(async () => { await a.close(); await b.close(); await database.drop(); await fake.close(); });
  beforeEach(() => { fake.reset(); });

  test('when a turn is longer than AI_MAX_INPUT_CHARS, then the model gets the first part only and the person is told', async () => {
    const r = await a.deps.ai.reply(turn({ userId: 'web_long', channel: 'web', messages: ['x'.repeat(150), 'y'.repeat(150)] }));
    const sent = fake.requests[0].body.messages.at(-1)!.content;
    expect(sent.replace(/\n/g, '')).toHaveLength(200);
    expect(r.text).toMatch(/hanya 200 karakter pertama/);
  });

  test('when a person used AI_DAILY_TURNS_PER_USER on both channels and both instances, then the next turn gets a polite fixed answer without a model call', async () => {
    await a.deps.ai.reply(turn({ userId: 'whatsapp_6281300000003', channel: 'whatsapp' }));
    await b.deps.ai.reply(turn({ userId: 'whatsapp_6281300000003', channel: 'web' }));
    await a.deps.ai.reply(turn({ userId: 'whatsapp_6281300000003', channel: 'web' }));
    expect(fake.requests).toHaveLength(3);
    const limited = await b.deps.ai.reply(turn({ userId: 'whatsapp_6281300000003', channel: 'whatsapp' }));
    expect(fake.requests).toHaveLength(3);
    expect(limited.text).toMatch(/batas 3 pertanyaan untuk hari ini/);
    // The next day (in Jakarta) the count starts again.
    now += 24 * 3600 * 1000;
    await b.deps.ai.reply(turn({ userId: 'whatsapp_6281300000003' }));
    expect(fake.requests).toHaveLength(4);
  });

  test('when the AI_DAILY_TURN_BUDGET is used up, then every instance answers offline and logs it once', async () => {
    now += 24 * 3600 * 1000;
    for (let i = 0; i < 5; i++) await (i % 2 ? a : b).deps.ai.reply(turn({ userId: `web_user_${i}`, channel: 'web' }));
    expect(fake.requests).toHaveLength(5);
    const offA = await a.deps.ai.reply(turn({ userId: 'web_user_9', channel: 'web' }));
    const offB = await a.deps.ai.reply(turn({ userId: 'web_user_10', channel: 'web' }));
    expect(fake.requests).toHaveLength(5);
    expect(offA.kind).toBe('offline');
    expect(offB.kind).toBe('offline');
    expect(a.logs.lines().filter((l) => /AI_DAILY_TURN_BUDGET of 5 model turns reached/.test(String(l.msg)))).toHaveLength(1);
    expect(await a.deps.aiUsage.today()).toMatchObject({ turns: 5, budget: 5, budgetReached: true, perUserLimit: 3 });
  });
});
