// Start-up ordering: requests that need the schema wait for the migrations (bounded), then get a 503
// with Retry-After; a lost database is a 503 with a sentence. Never a 500, never an ERROR line.
import request from 'supertest';
import { buildDeps } from '../../src/deps';
import { createApp } from '../../src/app';
import { parseConfig } from '../../src/config';
import { migrate } from '../../src/db/migrator';
import { captureLogs } from '../helpers/test-app';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database';
import { metaEnv, signedRequest, webhookPayload } from '../helpers/whatsapp-payloads';

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => { resolve = r; });
  return { promise, resolve };
}

async function unmigratedApp(env: Record<string, string> = {}) {
  const database = await createTestDatabase({ migrated: false });
  const logs = captureLogs();
  const schema = deferred();
  const config = parseConfig({ NODE_ENV: 'test', ...metaEnv('http://127.0.0.1:9'), WHATSAPP_BUFFER_MS: '600000', ...env });
  const deps = await buildDeps(config, logs.logger, database.db, { schemaReady: schema.promise });
  return { app: createApp(deps), deps, logs, database, schema };
}

const errorLines = (logs: ReturnType<typeof captureLogs>) => logs.lines().filter((l) => Number(l.level) >= 50);

async function close(t: { deps: Awaited<ReturnType<typeof buildDeps>>; database: TestDatabase }) {
  for (const m of [...t.deps.modules].reverse()) await m.stop?.();
  await t.deps.chatLogger.close();
  await t.database.drop();
}

describe('readiness at start-up', () => {
  test('when requests arrive before the migrations ran, then they wait and are served once the schema is there', async () => {
    const t = await unmigratedApp();
    try {
      const signed = signedRequest(webhookPayload({ messages: [{ from: '6281234567890', text: 'halo' }] }));
      const webhook = request(t.app).post('/webhook/whatsapp').set(signed.headers).send(signed.body);
      const demo = request(t.app).post('/auth/demo').send({ name: 'Budi' });
      const readyBefore = await request(t.app).get('/readyz');
      expect(readyBefore.status).toBe(503);
      await request(t.app).get('/healthz').expect(200);
      setTimeout(() => { void migrate(t.database.db).then(t.schema.resolve); }, 200);
      const [w, d] = await Promise.all([webhook, demo]);
      expect(w.status).toBe(200);
      expect(d.status).toBe(200);
      await request(t.app).get('/readyz').expect(200);
      expect(errorLines(t.logs)).toEqual([]);
    } finally { await close(t); }
  });

  test('when the schema is not there within READINESS_WAIT_MS, then the answer is 503 with Retry-After, without a database error or an ERROR line', async () => {
    const t = await unmigratedApp({ READINESS_WAIT_MS: '300' });
    try {
      const signed = signedRequest(webhookPayload({ messages: [{ from: '6281234567890', text: 'halo' }] }));
      const started = Date.now();
      const w = await request(t.app).post('/webhook/whatsapp').set(signed.headers).send(signed.body);
      expect(Date.now() - started).toBeGreaterThanOrEqual(250);
      expect(w.status).toBe(503);
      expect(w.headers['retry-after']).toBe('5');
      expect(w.body.error.code).toBe('starting');
      const me = await request(t.app).get('/api/me').set('Accept-Language', 'en-US');
      expect(me.status).toBe(503);
      expect(me.body.error.message).toMatch(/server is starting/);
      const creds = await request(t.app).get('/sandbox/api/credentials');
      expect(creds.status).toBe(503);
      expect(creds.body.error.message).toMatch(/Server sedang bersiap/);
      expect(errorLines(t.logs)).toEqual([]);
      // One warning for the burst, naming what happened.
      const warnings = t.logs.lines().filter((l) => /schema not ready/.test(String(l.msg)));
      expect(warnings).toHaveLength(1);
      // Nothing was written: the table does not even exist, and nothing tried to read it.
      expect(t.logs.text()).not.toMatch(/does not exist/);
    } finally { await close(t); }
  });
});

describe('a database lost after start', () => {
  test('when the database connection is gone, then routes answer 503 with a sentence and Retry-After, and nothing is logged at ERROR', async () => {
    const database = await createTestDatabase();
    const logs = captureLogs();
    const config = parseConfig({ NODE_ENV: 'test' });
    const deps = await buildDeps(config, logs.logger, database.db);
    const app = createApp(deps);
    try {
      await database.db.close();
      const r = await request(app).post('/auth/demo').send({ name: 'Budi' });
      expect(r.status).toBe(503);
      expect(r.headers['retry-after']).toBe('5');
      expect(r.body.error.code).toBe('database-unavailable');
      expect(r.body.error.message).toMatch(/Database sedang tidak dapat dihubungi/);
      expect(errorLines(logs)).toEqual([]);
    } finally {
      await deps.chatLogger.close().catch(() => {});
      await database.drop().catch(() => {});
    }
  });
});
