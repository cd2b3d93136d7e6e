// The real server process: starts, serves, and shuts down gracefully on SIGTERM and SIGINT.
import net from 'node:net';
import { spawnServer } from '../helpers/server-process';

// Each test starts a real server process: allow for a slow start on a loaded machine.
jest.setTimeout(90_000);

describe('server process', () => {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    test(`when the server receives ${signal}, then it stops serving, closes the database and exits 0`, async () => {
      const s = await spawnServer();
      const health = await fetch(`${s.url}/readyz`);
      expect(health.status).toBe(200);
      const code = await s.stop(signal);
      expect(code).toBe(0);
      expect(s.output()).toContain('shutting down');
      expect(s.output()).toContain('stopped');
      await expect(fetch(`${s.url}/healthz`)).rejects.toThrow();
    });
  }

  test('when a variable is malformed, then the process exits 78 (not restarted by PM2) with one message naming every problem', async () => {
    const s = await spawnServer({ env: { PORT: 'abc', CLEANUP_OLD_SESSIONS_DAYS: 'abc' }, waitForListening: false });
    const code = await s.exited;
    expect(code).toBe(78);
    expect(s.output()).toContain('PORT: must be a whole number');
    expect(s.output()).toContain('CLEANUP_OLD_SESSIONS_DAYS: must be a whole number');
  });

  test('when another process owns the port, then the server exits 78 with one line naming the port and never says it is listening', async () => {
    const blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      const s = await spawnServer({ env: { PORT: String(port) }, waitForListening: false });
      expect(await s.exited).toBe(78);
      const out = s.output();
      expect(out).not.toContain('listening on');
      const fatal = out.split('\n').filter((l) => l.includes('could not start'));
      expect(fatal).toHaveLength(1);
      expect(fatal[0]).toContain(`port ${port} is already in use`);
      expect(fatal[0]).not.toContain('"stack"');
    } finally { blocker.close(); }
  });

  test('when the PostgreSQL server is down at boot, then the log says it is unreachable (address without password, no empty stack) and requests get 503 with Retry-After', async () => {
    const s = await spawnServer({ env: { DATABASE_URL: 'postgres://app:s3cret@127.0.0.1:1/aicw', READINESS_WAIT_MS: '300' } });
    try {
      const r = await fetch(`${s.url}/api/me`);
      expect(r.status).toBe(503);
      expect(r.headers.get('retry-after')).toBe('5');
      await new Promise((res) => setTimeout(res, 200));
      const out = s.output();
      expect(out).toContain('database unreachable at postgres://app:***@127.0.0.1:1/aicw');
      expect(out).not.toContain('s3cret');
      expect(out).not.toContain('belum selesai');
      expect(out).not.toMatch(/"stack":\s*""/);
      expect((await fetch(`${s.url}/healthz`)).status).toBe(200);
      expect((await fetch(`${s.url}/readyz`)).status).toBe(503);
    } finally { expect(await s.stop()).toBe(0); }
  });
});
