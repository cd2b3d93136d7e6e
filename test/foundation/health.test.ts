import request from 'supertest';
import { createPostgresDatabase } from '../../src/db/database';
import { buildDeps } from '../../src/deps';
import { createApp } from '../../src/app';
import { parseConfig } from '../../src/config';
import { silentLogger } from '../../src/shared/logger';
import { createTestApp } from '../helpers/test-app';

describe('health and readiness', () => {
  test('when the database is reachable and migrated, then /healthz and /readyz answer 200', async () => {
    const t = await createTestApp();
    try {
      await request(t.app).get('/healthz').expect(200, /"status":"ok"/);
      const r = await request(t.app).get('/readyz').expect(200);
      expect(r.body).toEqual({ ready: true });
    } finally { await t.close(); }
  });

  test('when the database is down, then /readyz answers 503 and /healthz still 200', async () => {
    const t = await createTestApp();
    try {
      await t.database.db.close();
      await request(t.app).get('/healthz').expect(200);
      const r = await request(t.app).get('/readyz').expect(503);
      expect(r.body).toEqual({ ready: false, reason: 'database-unreachable' });
    } finally { await t.database.drop().catch(() => {}); }
  });

  test('when the PostgreSQL server cannot be reached, then /readyz answers 503 instead of hanging or crashing', async () => {
    const unreachable = createPostgresDatabase({ url: 'postgres://postgres@127.0.0.1:1/none', connectionTimeoutMs: 1000 });
    try {
      const token = 't'.repeat(32);
      const deps = await buildDeps(parseConfig({ NODE_ENV: 'test', ADMIN_TOKEN: token }), silentLogger(), unreachable);
      const r = await request(createApp(deps)).get('/readyz').expect(503);
      // The public sees a boolean and a coarse reason: no host:port, no driver message.
      expect(r.body).toEqual({ ready: false, reason: 'database-unreachable' });
      expect(JSON.stringify(r.body)).not.toContain('127.0.0.1');
      const detailed = await request(createApp(deps)).get('/readyz').set('Authorization', `Bearer ${token}`).expect(503);
      expect(detailed.body).toMatchObject({ ready: false, database: 'unreachable', error: expect.any(String) });
    } finally { await unreachable.close(); }
  });

  test('when a route does not exist, then the answer is a JSON error with a stable code', async () => {
    const t = await createTestApp();
    try {
      const r = await request(t.app).get('/nope').expect(404);
      expect(r.body).toEqual({ error: { code: 'not-found', message: 'Halaman atau alamat ini tidak ditemukan.' } });
      const en = await request(t.app).get('/nope').set('Accept-Language', 'en').expect(404);
      expect(en.body).toEqual({ error: { code: 'not-found', message: 'This page or address does not exist.' } });
    } finally { await t.close(); }
  });
});
