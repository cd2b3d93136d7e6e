import request from 'supertest';
import { parseRange } from '../../src/chatlog/analytics-service';
import { createTestApp, type TestApp } from '../helpers/test-app';
import { GEMINI, FREE, MIN, seedKnownTraffic } from './chatlog-fixtures';

describe('analytics', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: { ADMIN_TOKEN: 'admin-secret-1' }, build: { clock: () => Date.parse('2026-11-25T12:00:00Z') } });
    await seedKnownTraffic(t.database.db);
  });
  afterAll(async () => { await t.close(); });
  const get = (q: string) => request(t.app).get(`/api/analytics${q}`).set('Authorization', 'Bearer admin-secret-1');

  test('when the admin asks for two days, then the figures match the traffic of those days', async () => {
    const r = await get('?from=2026-11-20&to=2026-11-21').expect(200);
    const a = r.body;
    expect(a.range).toEqual({ from: '2026-11-20T00:00:00.000Z', to: '2026-11-22T00:00:00.000Z', tz: 'UTC' });
    expect(a.days).toEqual(['2026-11-20', '2026-11-21']);
    expect(a.totals).toEqual({
      sessions: 4, messages: 13, userMessages: 7, replies: 6, uniqueUsers: 3,
      uniqueUsersByChannel: { whatsapp: 2, web: 1 }, promptTokens: 3400, completionTokens: 320,
    });
    expect(a.perDay).toEqual([
      { day: '2026-11-20', channel: 'web', sessions: 1, messages: 2, users: 1 },
      { day: '2026-11-20', channel: 'whatsapp', sessions: 1, messages: 5, users: 1 },
      { day: '2026-11-21', channel: 'web', sessions: 0, messages: 2, users: 1 },
      { day: '2026-11-21', channel: 'whatsapp', sessions: 2, messages: 4, users: 2 },
    ]);
    // AI replies only: 100, 200, 300, 1000 ms → average 400, p95 interpolated 895.
    expect(a.latency).toEqual({ replies: 4, avgMs: 400, p95Ms: 895 });
    expect(a.replyKinds).toEqual({ ai: 4, fallback: 1, offline: 1, placeholder: 0, fallbackRate: 0.1667 });
    expect(a.tokensPerDay).toEqual([
      { day: '2026-11-20', model: GEMINI, promptTokens: 2100, completionTokens: 250 },
      { day: '2026-11-20', model: FREE, promptTokens: 800, completionTokens: 50 },
      { day: '2026-11-21', model: GEMINI, promptTokens: 500, completionTokens: 20 },
    ]);
    expect(a.perModel).toEqual([
      { model: GEMINI, replies: 3, promptTokens: 2600, completionTokens: 270, avgLatencyMs: 433 },
      { model: FREE, replies: 1, promptTokens: 800, completionTokens: 50, avgLatencyMs: 300 },
    ]);
    expect(a.busiestHours).toHaveLength(24);
    expect(a.busiestHours[2]).toEqual({ hour: 2, messages: 5 });
    expect(a.busiestHours[9]).toEqual({ hour: 9, messages: 1 });
    expect(a.topSources).toEqual([
      { file: 'panduan-kredit.pdf', page: 3, turns: 4, questions: [{ text: 'apa itu kolektibilitas?', count: 3 }, { text: 'terima kasih', count: 1 }] },
      { file: 'faq.pdf', page: 1, turns: 1, questions: [{ text: 'halo kenapa skor saya turun', count: 1 }] },
    ]);
    expect(a.chatLog).toMatchObject({ enabled: true, transport: t.database.db.engine === 'embedded' ? 'pglite' : 'postgres' });
  });

  test('when the days are counted in Jakarta time, then a late-evening UTC message falls on the next day', async () => {
    const r = await get('?from=2026-11-22&to=2026-11-22&tz=Asia/Jakarta').expect(200);
    expect(r.body.range).toEqual({ from: '2026-11-21T17:00:00.000Z', to: '2026-11-22T17:00:00.000Z', tz: 'Asia/Jakarta' });
    expect(r.body.totals).toMatchObject({ messages: 2, userMessages: 1, uniqueUsers: 1 });
    expect(r.body.busiestHours[6]).toEqual({ hour: 6, messages: 1 });
  });

  test('when no range is given, then the last 30 days up to today are shown', async () => {
    const r = await get('').expect(200);
    expect(r.body.days).toHaveLength(30);
    expect(r.body.days[29]).toBe('2026-11-25');
    expect(r.body.totals.messages).toBe(15);
  });

  test('when a day has no traffic, then it is still listed and the totals are zero', async () => {
    const r = await get('?from=2026-10-01&to=2026-10-02').expect(200);
    expect(r.body.days).toEqual(['2026-10-01', '2026-10-02']);
    expect(r.body.totals).toMatchObject({ messages: 0, sessions: 0, uniqueUsers: 0 });
    expect(r.body.latency).toEqual({ replies: 0, avgMs: null, p95Ms: null });
    expect(r.body.replyKinds.fallbackRate).toBe(0);
    expect(r.body.perDay).toEqual([]);
    expect(r.body.topSources).toEqual([]);
  });

  test('when the range is bad, then the answer is a 400 that says what is wrong', async () => {
    expect((await get('?from=yesterday').expect(400)).body.error.code).toBe('invalid-range');
    expect((await get('?from=2026-11-22&to=2026-11-20').expect(400)).body.error.message).toMatch(/before/);
    expect((await get('?from=2020-01-01&to=2026-01-01').expect(400)).body.error.message).toMatch(/400 days/);
    expect((await get('?from=2026-11-01&from=2026-11-02').expect(400)).body.error.code).toBe('invalid-range');
    expect((await get('?tz=Mars/Olympus').expect(400)).body.error.code).toBe('invalid-timezone');
  });

  test('when the admin token is missing or wrong, then the figures are refused', async () => {
    expect((await request(t.app).get('/api/analytics').expect(401)).body.error.code).toBe('unauthorized');
    await request(t.app).get('/api/analytics').set('Authorization', 'Bearer nope').expect(401);
    await request(t.app).get('/admin').expect(401);
    await request(t.app).get('/admin?token=admin-secret-1').expect(200).expect('Content-Type', /html/);
  });

  test('when the dashboard page is served, then its assets are local and the page forbids outside scripts', async () => {
    const page = await request(t.app).get('/admin?token=admin-secret-1').expect(200);
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.headers['referrer-policy']).toBe('no-referrer');
    expect(page.text).not.toMatch(/https?:\/\//);
    await request(t.app).get('/admin/assets/chart.umd.min.js').expect(200).expect('Content-Type', /javascript/);
    await request(t.app).get('/admin/assets/dashboard.js').expect(200);
    await request(t.app).get('/admin/assets/dashboard.css').expect(200);
  });
});

describe('analytics range parsing', () => {
  const now = Date.parse('2026-11-25T12:00:00Z');
  test('when an ISO timestamp range is given, then it is used as is with the end excluded', () => {
    expect(parseRange({ from: '2026-11-20T05:00:00Z', to: '2026-11-20T06:00:00Z' }, now)).toEqual({
      from: new Date('2026-11-20T05:00:00Z'), to: new Date('2026-11-20T06:00:00Z'), tz: 'UTC' });
  });
  test('when only "from" is given, then the range runs to the end of today', () => {
    expect(parseRange({ from: '2026-11-24' }, now).to).toEqual(new Date(now - 12 * 60 * MIN + 24 * 60 * MIN));
  });
});
