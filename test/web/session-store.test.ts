// The session store runs on both engines (embedded PGlite has no socket, so no pg.Pool could reach it).
import session from 'express-session';
import { parseConfig } from '../../src/config';
import { silentLogger } from '../../src/shared/logger';
import { createSessionMiddleware } from '../../src/web/session-store';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database';

const call = <T>(fn: (cb: (err: unknown, v?: T) => void) => void) =>
  new Promise<T | undefined>((resolve, reject) => fn((err, v) => (err ? reject(err) : resolve(v))));

describe('web session store', () => {
  let database: TestDatabase;
  let store: session.Store;
  let close: () => Promise<void>;
  beforeAll(async () => {
    database = await createTestDatabase();
    ({ store, close } = createSessionMiddleware({ config: parseConfig({ NODE_ENV: 'test' }), db: database.db, logger: silentLogger() }));
  });
  afterAll(async () => { await close(); await database.drop(); });

  const sess = (expires: Date) => ({ cookie: { originalMaxAge: 1000, expires, httpOnly: true, path: '/' }, passport: { user: { id: 'demo_x' } } }) as unknown as session.SessionData;

  test('when a session is saved, then it can be read back, touched and destroyed', async () => {
    await call((cb) => store.set('sid-1', sess(new Date(Date.now() + 60_000)), cb));
    const got = await call<session.SessionData | null>((cb) => store.get('sid-1', cb));
    expect((got as unknown as { passport: { user: { id: string } } }).passport.user.id).toBe('demo_x');
    await call((cb) => store.touch!('sid-1', sess(new Date(Date.now() + 120_000)), (err?: unknown) => cb(err)));
    await call((cb) => store.destroy('sid-1', cb));
    expect(await call((cb) => store.get('sid-1', cb))).toBeUndefined();
  });

  test('when a session has expired, then it is not returned and pruning deletes it', async () => {
    await call((cb) => store.set('sid-old', sess(new Date(Date.now() - 60_000)), cb));
    expect(await call((cb) => store.get('sid-old', cb))).toBeUndefined();
    await call((cb) => (store as unknown as { pruneSessions(cb: (e: unknown) => void): void }).pruneSessions(cb));
    const rows = await database.db.query('SELECT sid FROM web_sessions WHERE sid = $1', ['sid-old']);
    expect(rows.rowCount).toBe(0);
  });
});
