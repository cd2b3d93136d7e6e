import request from 'supertest';
import { createTestApp, type TestApp } from '../helpers/test-app';
import { startFakeGoogle, type FakeGoogle } from '../helpers/fake-google-server';
import { cookieHeader, googleSignIn, recordingChatLogger } from '../helpers/web-session';

describe('web chat: Google sign-in through the real passport flow', () => {
  let google: FakeGoogle;
  let t: TestApp;
  let chatLogger: ReturnType<typeof recordingChatLogger>;

  beforeAll(async () => {
    google = await startFakeGoogle();
    chatLogger = recordingChatLogger();
    t = await createTestApp({ env: { ...google.env }, build: { overrides: { chatLogger } } });
  });
  afterAll(async () => { await t.close(); await google.close(); });
  beforeEach(() => { google.account = { sub: '1001', name: 'Siti Rahma', email: 'siti@example.com', email_verified: true, picture: 'https://lh3.googleusercontent.com/a/siti' }; });

  test('when a person signs in with Google, then they get an httpOnly SameSite=Lax session cookie and /api/me names them', async () => {
    const agent = request.agent(t.app);
    const start = await agent.get('/auth/google').expect(302);
    const authorize = new URL(start.headers.location);
    expect(authorize.origin + authorize.pathname).toBe(`${google.url}/o/oauth2/v2/auth`);
    expect(authorize.searchParams.get('state')).toBeTruthy();
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorize.searchParams.get('scope')).toContain('email');

    const consent = await fetch(authorize, { redirect: 'manual' });
    const back = new URL(consent.headers.get('location')!);
    const callback = await agent.get(back.pathname + back.search).expect(303);
    expect(callback.headers.location).toBe('/');
    const cookie = cookieHeader(callback)!;
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(cookie).not.toMatch(/Secure/i); // not in production: plain http://localhost must work

    const me = await agent.get('/api/me').expect(200);
    expect(me.body.user).toEqual({ id: 'google_1001', name: 'Siti Rahma', email: 'siti@example.com', picture: 'https://lh3.googleusercontent.com/a/siti', demo: false });
    expect(me.body.csrfToken).toMatch(/^[0-9a-f]{64}$/);
    expect(google.requests.map((r) => r.path)).toEqual(expect.arrayContaining(['/token', '/v1/userinfo']));
  });

  test('when a new Google user signs in, then they get a user row and a dummy first-contact credit profile', async () => {
    google.account = { sub: '2002', name: 'Andi Wijaya', email: 'andi@example.com', email_verified: true };
    await googleSignIn(request.agent(t.app));
    const user = await t.deps.users.get('google_2002');
    expect(user).toMatchObject({ channel: 'web', display_name: 'Andi Wijaya', email: 'andi@example.com', google_sub: '2002' });
    const report = await t.deps.credit.getReport('google_2002');
    expect(report.insights).toMatchObject({ is_dummy: true });
    expect(report.insights!.credit_score).toBeGreaterThanOrEqual(250);
  });

  test('when the same Google user signs in twice, then it is the same user and the credit profile is not replaced', async () => {
    google.account = { sub: '3003', name: 'Dewi', email: 'dewi@example.com', email_verified: true };
    await googleSignIn(request.agent(t.app));
    const first = await t.deps.credit.getReport('google_3003');
    await googleSignIn(request.agent(t.app));
    const second = await t.deps.credit.getReport('google_3003');
    expect(second.insights!.credit_score).toBe(first.insights!.credit_score);
    expect(second.tradelines.map((x) => x.id)).toEqual(first.tradelines.map((x) => x.id));
  });

  test('when a person signs in, then the session is stored in Postgres and another instance on the same database accepts the cookie', async () => {
    const agent = request.agent(t.app);
    const callback = await googleSignIn(agent);
    const sid = decodeURIComponent(cookieHeader(callback)!.split(';')[0].split('=')[1]).replace(/^s:/, '').split('.')[0];
    const rows = await t.database.db.query<{ sess: { passport: { user: { id: string } } } }>('SELECT sess FROM web_sessions WHERE sid = $1', [sid]);
    expect(rows.rows[0].sess.passport.user.id).toBe('google_1001');

    const second = await createTestApp({ env: { ...google.env }, database: t.database });
    try {
      const me = await request(second.app).get('/api/me').set('Cookie', cookieHeader(callback)!.split(';')[0]).expect(200);
      expect(me.body.user.id).toBe('google_1001');
    } finally { await second.close(); }
  });

  test('when a signed-in person signs out with the CSRF token, then the session is gone and the chat log session is ended', async () => {
    const agent = request.agent(t.app);
    await googleSignIn(agent);
    const { body } = await agent.get('/api/me').expect(200);
    const out = await agent.post('/auth/logout').set('X-CSRF-Token', body.csrfToken).expect(200);
    expect(out.body).toEqual({ signedOut: true });
    await agent.get('/api/me').expect(401);
    expect(chatLogger.ended).toContainEqual({ userId: 'google_1001', channel: 'web' });
  });

  test('when sign-out is posted without the CSRF token (another site), then it is refused and the person stays signed in', async () => {
    const agent = request.agent(t.app);
    await googleSignIn(agent);
    const r = await agent.post('/auth/logout').expect(403);
    expect(r.body.error.code).toBe('csrf-token-invalid');
    await agent.get('/api/me').expect(200);
  });

  test('when someone opens GET /auth/logout (the original link), then they get a confirm form, not a sign-out', async () => {
    const agent = request.agent(t.app);
    await googleSignIn(agent);
    const page = await agent.get('/auth/logout').expect(200);
    const token = /name="_csrf" value="([0-9a-f]+)"/.exec(page.text)![1];
    await agent.get('/api/me').expect(200);
    await agent.post('/auth/logout').type('form').send({ _csrf: token }).expect(303).expect('Location', '/');
    await agent.get('/api/me').expect(401);
  });

  test('when the person presses Cancel at Google, then they are back on the page with a plain message and not signed in', async () => {
    const agent = request.agent(t.app);
    google.denyNext = true;
    const r = await googleSignIn(agent);
    expect(r.status).toBe(303);
    expect(r.headers.location).toBe('/?signin=cancelled');
    await agent.get('/api/me').expect(401);
  });

  test('when Google token exchange fails, then the person lands on /?signin=failed (no error page, no stack trace)', async () => {
    const agent = request.agent(t.app);
    google.failTokenNext = true;
    const r = await googleSignIn(agent);
    expect(r.status).toBe(303);
    expect(r.headers.location).toBe('/?signin=failed');
    await agent.get('/api/me').expect(401);
  });

  test('when a callback URL started in one browser is opened in another (login CSRF), then the state check refuses it', async () => {
    const victim = request.agent(t.app);
    const attacker = request.agent(t.app);
    const start = await attacker.get('/auth/google').expect(302);
    const consent = await fetch(start.headers.location, { redirect: 'manual' });
    const back = new URL(consent.headers.get('location')!);
    const r = await victim.get(back.pathname + back.search).expect(303);
    expect(r.headers.location).toBe('/?signin=failed');
    await victim.get('/api/me').expect(401);
  });

  test('when Google is configured, then the demo sign-in does not exist', async () => {
    expect((await request(t.app).get('/auth/providers').expect(200)).body).toEqual({ google: true, demo: false });
    await request(t.app).post('/auth/demo').send({ name: 'x' }).expect(404);
  });
});

describe('web chat sign-in in production', () => {
  test('when NODE_ENV=production, then test URLs are ignored, the cookie is Secure and there is no demo sign-in', async () => {
    const google = await startFakeGoogle();
    const t = await createTestApp({ env: { ...google.env, NODE_ENV: 'production', SESSION_SECRET: 's3cret-for-tests', TRUST_PROXY: '1', LOG_LEVEL: 'silent' } });
    try {
      const start = await request(t.app).get('/auth/google').set('X-Forwarded-Proto', 'https').expect(302);
      expect(start.headers.location).toMatch(/^https:\/\/accounts\.google\.com\/o\/oauth2\/v2\/auth\?/);
      expect(cookieHeader(start)).toMatch(/;\s*Secure/i);
      expect((await request(t.app).get('/auth/providers')).body).toEqual({ google: true, demo: false });
      await request(t.app).post('/auth/demo').send({ name: 'x' }).expect(404);
    } finally { await t.close(); await google.close(); }
  });

  test('when production has no Google credentials, then there is no way to sign in, and the demo path still does not exist', async () => {
    const t = await createTestApp({ env: { NODE_ENV: 'production', SESSION_SECRET: 's3cret-for-tests', LOG_LEVEL: 'silent' } });
    try {
      expect((await request(t.app).get('/auth/providers')).body).toEqual({ google: false, demo: false });
      await request(t.app).post('/auth/demo').send({ name: 'x' }).expect(404);
      await request(t.app).get('/auth/google').expect(303).expect('Location', '/?signin=unavailable');
    } finally { await t.close(); }
  });
});
