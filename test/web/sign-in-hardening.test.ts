// Sign-in against a real (fake) OpenID provider on 127.0.0.1: the userinfo token in the header, a
// hanging token endpoint, anonymous sessions that do not pile up, and demo sign-in only locally.
import request from 'supertest';
import { createTestApp, type TestApp } from '../helpers/test-app';
import { startFakeGoogle, type FakeGoogle } from '../helpers/fake-google-server';
import { googleSignIn } from '../helpers/web-session';

describe('Google sign-in against a strict provider', () => {
  let google: FakeGoogle;
  let t: TestApp;
  beforeAll(async () => {
    google = await startFakeGoogle();
    t = await createTestApp({ env: { ...google.env, GOOGLE_TIMEOUT_MS: '500' } });
  });
  afterAll(async () => { await t.close(); await google.close(); });
  beforeEach(() => { google.requests.length = 0; google.headerOnly = true; });

  test('when the profile is fetched, then the access token goes in the Authorization header, never in the URL', async () => {
    const agent = request.agent(t.app);
    const done = await googleSignIn(agent);
    expect(done.status).toBe(303);
    expect(done.headers.location).toBe('/');
    const userinfo = google.requests.find((r) => r.path === '/v1/userinfo')!;
    expect(userinfo.search).not.toMatch(/access_token/);
    expect(userinfo.authorization).toMatch(/^Bearer ya29\./);
    expect((await agent.get('/api/me')).status).toBe(200);
  });

  test('when the token endpoint hangs, then the person gets the "sign-in did not work" page within the timeout', async () => {
    google.hangTokenNext = true;
    const started = Date.now();
    const done = await googleSignIn(request.agent(t.app));
    expect(done.status).toBe(303);
    expect(done.headers.location).toBe('/?signin=failed');
    expect(Date.now() - started).toBeLessThan(5000);
    expect(t.logs.text()).toMatch(/did not answer within 500 ms/);
  });

  test('when many anonymous visitors start a sign-in, then their sessions expire in minutes, and a completed sign-in gets the full lifetime', async () => {
    await t.database.db.query('DELETE FROM web_sessions');
    for (let i = 0; i < 5; i++) await request(t.app).get('/auth/google').expect(302);
    const anon = await t.database.db.query<{ expire: Date }>('SELECT expire FROM web_sessions');
    expect(anon.rows).toHaveLength(5);
    for (const r of anon.rows) expect(new Date(r.expire).getTime() - Date.now()).toBeLessThanOrEqual(10 * 60 * 1000 + 5000);

    await t.database.db.query('DELETE FROM web_sessions');
    await googleSignIn(request.agent(t.app));
    const signedIn = await t.database.db.query<{ expire: Date }>('SELECT expire FROM web_sessions');
    expect(signedIn.rows).toHaveLength(1);
    expect(new Date(signedIn.rows[0].expire).getTime() - Date.now()).toBeGreaterThan(6 * 24 * 3600 * 1000);
  });
});

describe('demo sign-in', () => {
  let t: TestApp;
  beforeAll(async () => { t = await createTestApp(); });
  afterAll(async () => { await t.close(); });

  test('when the demo sign-in is asked under another host name (or through a proxy), then it answers 403 and nobody is signed in', async () => {
    const res = await request(t.app).post('/auth/demo').set('Host', 'chat.example.com').send({ name: 'Ani' });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('demo-local-only');
    const proxied = await request(t.app).post('/auth/demo').set('X-Forwarded-For', '203.0.113.5').send({ name: 'Ani' });
    expect(proxied.status).toBe(403);
    expect(await t.deps.users.get('demo_ani')).toBeNull();
    expect((await request(t.app).get('/auth/providers').set('Host', 'chat.example.com')).body.demo).toBe(false);
  });

  test('when it is asked on the machine itself, then it works as before', async () => {
    expect((await request(t.app).post('/auth/demo').send({ name: 'Ani' })).status).toBe(200);
    expect((await request(t.app).get('/auth/providers')).body.demo).toBe(true);
  });
});
