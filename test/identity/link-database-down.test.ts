// A link request while the database is down: a 503 with a sentence, and nothing half-written.
import pg from 'pg';
import { createTestApp, type TestApp } from '../helpers/test-app';
import { createTestDatabase, hasServerDatabase, serverUrl } from '../helpers/test-database';
import { demoSignIn } from '../helpers/web-session';

(hasServerDatabase() ? describe : describe.skip)('link requests without a database', () => {
  let t: TestApp;
  afterAll(async () => { await t?.close().catch(() => {}); });

  it('when the database goes away after sign-in, then asking for a code answers 503 with a sentence, not a stack', async () => {
    const database = await createTestDatabase();
    t = await createTestApp({ database });
    const web = await demoSignIn(t.app, 'Down Later');
    const name = new URL(database.url!).pathname.slice(1);
    const admin = new pg.Client({ connectionString: serverUrl() });
    await admin.connect();
    try { await admin.query(`DROP DATABASE "${name}" WITH (FORCE)`); } finally { await admin.end(); }

    const r = await web.agent.post('/api/link/whatsapp').set('x-csrf-token', web.csrf).send({});
    expect(r.status).toBe(503);
    expect(r.body.error.code).toBe('database-unavailable');
    expect(r.body.error.message).toMatch(/database/i);
    expect(JSON.stringify(r.body)).not.toMatch(/\bat \w+ \(|node_modules/);
  });
});
