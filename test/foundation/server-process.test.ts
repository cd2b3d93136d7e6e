// The real server process: starts, serves, and shuts down gracefully on SIGTERM and SIGINT.
import { spawnServer } from '../helpers/server-process';

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

  test('when a variable is malformed, then the process exits 1 with one message naming every problem', async () => {
    const s = await spawnServer({ env: { PORT: 'abc', CLEANUP_OLD_SESSIONS_DAYS: 'abc' }, waitForListening: false });
    const code = await s.exited;
    expect(code).toBe(1);
    expect(s.output()).toContain('PORT: must be a whole number');
    expect(s.output()).toContain('CLEANUP_OLD_SESSIONS_DAYS: must be a whole number');
  });
});
