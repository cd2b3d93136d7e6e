import request from 'supertest';
import type { AiResponder, AiTurnInput } from '../../src/ai/types';
import { createEchoResponder } from '../../src/ai/types';
import { createTestApp, type TestApp } from '../helpers/test-app';
import { demoSignIn, recordingChatLogger } from '../helpers/web-session';
import { errorResponse, startFakeOpenRouter, type FakeOpenRouter } from '../helpers/fake-openrouter-server';
import { tempDir } from '../helpers/kb-fixtures';

/** The placeholder responder, remembering what each turn was given. */
function recordingAi(): AiResponder & { inputs: AiTurnInput[] } {
  const echo = createEchoResponder();
  const inputs: AiTurnInput[] = [];
  return { inputs, reply: (input) => { inputs.push(input); return echo.reply(input); } };
}

describe('web chat API', () => {
  let t: TestApp;
  let ai: ReturnType<typeof recordingAi>;
  let chatLogger: ReturnType<typeof recordingChatLogger>;

  beforeAll(async () => {
    ai = recordingAi();
    chatLogger = recordingChatLogger();
    t = await createTestApp({ env: { WEB_CHAT_RATE_LIMIT_PER_MINUTE: '100' }, build: { overrides: { ai, chatLogger } } });
  });
  afterAll(() => t.close());

  test('when nobody is signed in, then chat and history answer 401 with a plain message', async () => {
    const r = await request(t.app).post('/api/chat').send({ message: 'hi' }).expect(401);
    expect(r.body).toEqual({ error: { code: 'not-signed-in', message: 'Silakan masuk terlebih dahulu.' } }); // Bahasa Indonesia by default
    await request(t.app).get('/api/chat/history').expect(401);
    await request(t.app).get('/api/me').expect(401);
  });

  test('when a signed-in user asks without the CSRF token, then the answer is 403 and the AI is not called', async () => {
    const { agent } = await demoSignIn(t.app, 'Csrf Check');
    const before = ai.inputs.length;
    const r = await agent.post('/api/chat').send({ message: 'hi' }).expect(403);
    expect(r.body.error.code).toBe('csrf-token-invalid');
    await agent.post('/api/chat').set('X-CSRF-Token', 'f'.repeat(64)).send({ message: 'hi' }).expect(403);
    expect(ai.inputs.length).toBe(before);
  });

  test('when one user sends another session\'s CSRF token, then it is refused', async () => {
    const a = await demoSignIn(t.app, 'Token Owner');
    const b = await demoSignIn(t.app, 'Token Thief');
    await b.agent.post('/api/chat').set('X-CSRF-Token', a.csrf).send({ message: 'hi' }).expect(403);
  });

  test('when a signed-in user asks a question, then the same AI answers with channel web, their history and name, and both messages are stored', async () => {
    const { agent, csrf, userId } = await demoSignIn(t.app, 'Budi');
    expect(userId).toBe('demo_budi');
    const first = await agent.post('/api/chat').set('X-CSRF-Token', csrf).send({ message: 'What is my credit score?' }).expect(200);
    expect(first.body.reply).toMatchObject({ role: 'assistant', text: 'Echo: What is my credit score?', kind: 'placeholder' });
    await agent.post('/api/chat').set('X-CSRF-Token', csrf).send({ message: '  And my loans?  ' }).expect(200);

    const last = ai.inputs[ai.inputs.length - 1];
    expect(last).toMatchObject({ userId: 'demo_budi', channel: 'web', messages: ['And my loans?'], userName: 'Budi' });
    expect(last.history.map((m) => [m.role, m.text])).toEqual([['user', 'What is my credit score?'], ['assistant', 'Echo: What is my credit score?']]);

    const h = await agent.get('/api/chat/history').expect(200);
    expect(h.body.messages.map((m: { role: string; text: string }) => `${m.role}: ${m.text}`)).toEqual([
      'user: What is my credit score?', 'assistant: Echo: What is my credit score?', 'user: And my loans?', 'assistant: Echo: And my loans?',
    ]);
    expect(h.body.messages[0].channel).toBe('web');
  });

  test('when a turn is answered, then it is logged through the ChatLogger as channel web with the reply', async () => {
    const { agent, csrf } = await demoSignIn(t.app, 'Logged User');
    await agent.post('/api/chat').set('X-CSRF-Token', csrf).send({ message: 'log me' }).expect(200);
    const turn = chatLogger.turns.find((x) => x.userId === 'demo_logged_user')!;
    expect(turn.channel).toBe('web');
    expect(turn.userMessages.map((m) => m.text)).toEqual(['log me']);
    expect(turn.reply).toMatchObject({ text: 'Echo: log me', kind: 'placeholder' });
  });

  test('when a new demo user signs in, then they get the same kind of dummy credit profile as a new WhatsApp number', async () => {
    await demoSignIn(t.app, 'Fresh Person');
    const report = await t.deps.credit.getReport('demo_fresh_person');
    expect(report.insights).toMatchObject({ is_dummy: true });
    expect(report.tradelines.length).toBeGreaterThan(0);
  });

  test('when two users chat, then neither can read the other\'s conversation, whatever the request says', async () => {
    const alice = await demoSignIn(t.app, 'Alice');
    const bob = await demoSignIn(t.app, 'Bob');
    await alice.agent.post('/api/chat').set('X-CSRF-Token', alice.csrf).send({ message: 'alice secret question' }).expect(200);
    await bob.agent.post('/api/chat').set('X-CSRF-Token', bob.csrf).send({ message: 'bob question', userId: 'demo_alice' }).expect(200);

    const bobs = await bob.agent.get('/api/chat/history?userId=demo_alice').expect(200);
    expect(JSON.stringify(bobs.body)).not.toContain('alice secret');
    expect(bobs.body.messages.map((m: { text: string }) => m.text)).toEqual(['bob question', 'Echo: bob question']);
    const alices = await alice.agent.get('/api/chat/history').expect(200);
    expect(JSON.stringify(alices.body)).not.toContain('bob question');
    // Bob's question with userId: demo_alice was answered as Bob, with Bob's history.
    const bobTurn = ai.inputs.find((i) => i.messages[0] === 'bob question')!;
    expect(bobTurn.userId).toBe('demo_bob');
    expect(JSON.stringify(bobTurn.history)).not.toContain('alice');
  });

  test('when the message is empty, too long or not JSON, then the answer is 400 with a plain message and nothing is stored', async () => {
    const { agent, csrf, userId } = await demoSignIn(t.app, 'Bad Input');
    const empty = await agent.post('/api/chat').set('X-CSRF-Token', csrf).send({ message: '   ', language: 'en' }).expect(400);
    expect(empty.body.error).toEqual({ code: 'empty-message', message: 'Type a question first.' });
    // The page's language: Indonesian by default, English when the browser prefers it.
    const id = await agent.post('/api/chat').set('X-CSRF-Token', csrf).send({ message: '' }).expect(400);
    expect(id.body.error.message).toBe('Tulis pertanyaan Anda dulu.');
    const en = await agent.post('/api/chat').set('X-CSRF-Token', csrf).set('Accept-Language', 'en-US,en;q=0.9').send({ message: '' }).expect(400);
    expect(en.body.error.message).toBe('Type a question first.');
    await agent.post('/api/chat').set('X-CSRF-Token', csrf).send({ message: 42 }).expect(400);
    const long = await agent.post('/api/chat').set('X-CSRF-Token', csrf).send({ message: 'x'.repeat(4001) }).expect(400);
    expect(long.body.error.code).toBe('message-too-long');
    const broken = await agent.post('/api/chat').set('X-CSRF-Token', csrf).set('Content-Type', 'application/json').send('{"message":').expect(400);
    expect(broken.body.error.code).toBe('invalid-json');
    expect(await t.deps.history.recent(userId)).toEqual([]);
  });

  test('when the page is English, then the turn and the fixed texts are English whatever the message says; an Indonesian page gets Indonesian', async () => {
    const en = await demoSignIn(t.app, 'Page English');
    await en.agent.post('/api/chat').set('X-CSRF-Token', en.csrf).send({ message: 'ok', language: 'en' }).expect(200);
    expect(ai.inputs[ai.inputs.length - 1].language).toBe('en');
    const handoff = await en.agent.post('/api/chat').set('X-CSRF-Token', en.csrf).send({ message: 'saya mau bicara dengan CS', language: 'en' }).expect(200);
    expect(handoff.body.reply.text).toMatch(/^Understood, we have passed your request to our team/);
    const id = await demoSignIn(t.app, 'Halaman Indonesia');
    const r = await id.agent.post('/api/chat').set('X-CSRF-Token', id.csrf).set('Cookie', 'lang=id').send({ message: 'I want to talk to a human' }).expect(200);
    expect(r.body.reply.text).toMatch(/^Baik, permintaan Anda sudah kami teruskan/);
  });

  test('when the demo name is missing or has no letters, then sign-in answers 400 and nobody is signed in', async () => {
    await request(t.app).post('/auth/demo').send({}).expect(400);
    const r = await request(t.app).post('/auth/demo').send({ name: '!!!' }).expect(400);
    expect(r.body.error.code).toBe('invalid-demo-name');
    // A cross-site form cannot post JSON; a form post is refused.
    await request(t.app).post('/auth/demo').type('form').send({ name: 'Eve' }).expect(415);
  });
});

describe('web chat API when the AI fails', () => {
  test('when the AI throws, then the person gets a friendly 503 message, no stack trace, and nothing half-stored', async () => {
    const chatLogger = recordingChatLogger();
    const failing: AiResponder = { reply: async () => { throw new Error('OpenRouter 502 Bad Gateway at processor.ts:42'); } };
    const t = await createTestApp({ build: { overrides: { ai: failing, chatLogger } } });
    try {
      const { agent, csrf, userId } = await demoSignIn(t.app, 'Unlucky');
      const r = await agent.post('/api/chat').set('X-CSRF-Token', csrf).send({ message: 'What is my score?', language: 'en' }).expect(503);
      expect(r.body.error.code).toBe('ai-unavailable');
      expect(r.body.error.message).toMatch(/could not answer just now/);
      expect(r.text).not.toMatch(/OpenRouter|processor\.ts|at .*:\d+/);
      expect(await t.deps.history.recent(userId)).toEqual([]);
      // The question still reaches the chat log, marked as unanswered.
      expect(chatLogger.turns).toHaveLength(1);
      expect(chatLogger.turns[0]).toMatchObject({ userId, channel: 'web', userMessages: [{ text: 'What is my score?' }] });
      expect(chatLogger.turns[0].reply).toBeUndefined();
      expect(t.logs.text()).toContain('AI admin belum selesai');
    } finally { await t.close(); }
  });

  test('when the chat logger itself throws, then the person still gets the answer', async () => {
    const broken = { ...recordingChatLogger(), logTurn: () => { throw new Error('logger down'); } };
    const t = await createTestApp({ build: { overrides: { chatLogger: broken, ai: createEchoResponder() } } });
    try {
      const { agent, csrf } = await demoSignIn(t.app, 'Still Answered');
      const r = await agent.post('/api/chat').set('X-CSRF-Token', csrf).send({ message: 'hello' }).expect(200);
      expect(r.body.reply.text).toBe('Echo: hello');
    } finally { await t.close(); }
  });
});

describe('web chat rate limit', () => {
  // The limiter counts in fixed one-minute windows on the injected clock, so the test cannot
  // straddle a window boundary by accident.
  let now = Math.floor(Date.now() / 60_000) * 60_000 + 1_000;
  const clock = () => now;

  test('when a user sends more than the limit in a minute, then they get a clear 429 and other users are not affected', async () => {
    const t = await createTestApp({ env: { WEB_CHAT_RATE_LIMIT_PER_MINUTE: '2' }, build: { clock } });
    try {
      const a = await demoSignIn(t.app, 'Fast Typer');
      const b = await demoSignIn(t.app, 'Calm Typer');
      for (let i = 0; i < 2; i++) await a.agent.post('/api/chat').set('X-CSRF-Token', a.csrf).send({ message: `q${i}` }).expect(200);
      const r = await a.agent.post('/api/chat').set('X-CSRF-Token', a.csrf).send({ message: 'q3', language: 'en' }).expect(429);
      expect(r.body.error.code).toBe('rate-limited');
      expect(r.body.error.message).toMatch(/too quickly \(at most 2 a minute\)/);
      const id = await a.agent.post('/api/chat').set('X-CSRF-Token', a.csrf).send({ message: 'q4' }).expect(429);
      expect(id.body.error.message).toMatch(/^Pesan Anda terlalu cepat \(paling banyak 2 per menit\)/);
      // The clock stands 1 s into its minute: the window ends in 59 s, whatever the wall clock says.
      expect(r.headers['retry-after']).toBe('59');
      expect(r.body.error.details).toEqual({ retryAfterSeconds: 59 });
      await b.agent.post('/api/chat').set('X-CSRF-Token', b.csrf).send({ message: 'fine' }).expect(200);

      now += 60_000; // next window
      await a.agent.post('/api/chat').set('X-CSRF-Token', a.csrf).send({ message: 'again' }).expect(200);
    } finally { await t.close(); }
  });

  test('when two instances share the database, then they share one count per user', async () => {
    const t = await createTestApp({ env: { WEB_CHAT_RATE_LIMIT_PER_MINUTE: '3' }, build: { clock } });
    const other = await createTestApp({ env: { WEB_CHAT_RATE_LIMIT_PER_MINUTE: '3' }, build: { clock }, database: t.database });
    try {
      const a = await demoSignIn(t.app, 'Two Tabs');
      const cookie = (await a.agent.get('/api/me')).request.cookies;
      const send = (app: typeof t.app) => request(app).post('/api/chat').set('Cookie', cookie).set('X-CSRF-Token', a.csrf).send({ message: 'q' });
      await send(t.app).expect(200);
      await send(other.app).expect(200);
      await send(t.app).expect(200);
      await send(other.app).expect(429);
    } finally { await other.close(); await t.close(); }
  });
});

describe('web chat with the real AI processor (fake OpenRouter)', () => {
  let fake: FakeOpenRouter;
  let t: TestApp;
  let chatLogger: ReturnType<typeof recordingChatLogger>;
  beforeAll(async () => {
    fake = await startFakeOpenRouter();
    chatLogger = recordingChatLogger();
    t = await createTestApp({
      env: { OPENROUTER_API_KEY: 'sk-or-test', OPENROUTER_URL: fake.url, OPENROUTER_MAX_RETRY_MS: '300', OPENROUTER_TIMEOUT_MS: '2000', KNOWLEDGE_DIR: tempDir('kb-empty'), KB_CACHE_DIR: tempDir('kb-cache') },
      build: { overrides: { chatLogger } },
    });
  });
  afterAll(async () => { await t.close(); await fake.close(); });
  beforeEach(() => fake.reset());

  test('when a web user asks about their score, then the model gets their own credit data and the answer comes back', async () => {
    const me = await demoSignIn(t.app, 'Prompt Owner');
    const other = await demoSignIn(t.app, 'Someone Else');
    const mine = (await t.deps.credit.getReport(me.userId)).insights!;
    fake.script({ status: 200, body: { id: 'gen', object: 'chat.completion', created: 1, model: 'google/gemini-2.0-flash-exp:free',
      choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content: 'Skor Anda **baik**.' } }], usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 } } });
    const r = await me.agent.post('/api/chat').set('X-CSRF-Token', me.csrf).send({ message: 'Berapa skor kredit saya?' }).expect(200);
    expect(r.body.reply).toMatchObject({ text: 'Skor Anda **baik**.', kind: 'ai' });
    const prompt = JSON.stringify(fake.requests[0].body.messages);
    expect(prompt).toContain(String(mine.credit_score));
    expect(prompt).not.toContain(other.userId);
    expect(t.logs.text()).toMatch(/🤖 AI response generated in \d+ms for user demo_prompt_owner/);
    expect(chatLogger.turns.at(-1)).toMatchObject({ channel: 'web', reply: { kind: 'ai', model: 'google/gemini-2.0-flash-exp:free' } });
  });

  test('when OpenRouter keeps failing, then the person gets the processor\'s busy message in their language as a 503 and nothing is stored', async () => {
    const { agent, csrf, userId } = await demoSignIn(t.app, 'Busy Day');
    fake.script(...Array.from({ length: 10 }, () => errorResponse(500, 'upstream exploded')));
    const r = await agent.post('/api/chat').set('X-CSRF-Token', csrf).send({ message: 'Berapa skor kredit saya?' }).expect(503);
    expect(r.body.error.code).toBe('ai-unavailable');
    expect(r.body.error.message).toMatch(/^Maaf, AI admin kami sedang sibuk/);
    expect(r.text).not.toContain('upstream exploded');
    expect(await t.deps.history.recent(userId)).toEqual([]);
    expect(chatLogger.turns.at(-1)).toMatchObject({ userId, reply: { kind: 'fallback' } });
  });
});

describe('web chat when the database goes away', () => {
  test('when the database is down, then signed-in requests get a 503 with a sentence and the server keeps answering', async () => {
    const t = await createTestApp({ build: { overrides: { ai: createEchoResponder() } } });
    try {
      const { agent, csrf } = await demoSignIn(t.app, 'Db Down');
      await t.database.db.close();
      const r = await agent.post('/api/chat').set('X-CSRF-Token', csrf).send({ message: 'still there?' });
      expect(r.status).toBe(503);
      expect(r.body.error).toMatchObject({ code: 'database-unavailable', message: expect.stringMatching(/Database sedang tidak dapat dihubungi/) });
      expect(r.text).not.toMatch(/at .*\.ts:\d+/);
      await request(t.app).get('/healthz').expect(200);
    } finally { await t.close().catch(() => {}); }
  });
});
