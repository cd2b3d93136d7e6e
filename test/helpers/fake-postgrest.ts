// A small fake of Supabase's PostgREST on 127.0.0.1, enough for supabase-js rpc(): POST
// /rest/v1/rpc/<function> with a JSON object of named arguments, answered with the function's
// JSON result, or a PostgREST-shaped error { code, message, details, hint }. It runs the call on a
// real database, so the SQL functions themselves are the real ones.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Database } from '../../src/db/database';

export interface FakePostgrest {
  url: string;
  /** Requests received (path, headers) for assertions. */
  requests: { path: string; apikey?: string; authorization?: string }[];
  /** Makes the next n requests fail with 503 (a PostgREST that is restarting). */
  failNext(n: number): void;
  close(): Promise<void>;
}

export async function startFakePostgrest(opts: { db: Database; serviceRoleKey: string }): Promise<FakePostgrest> {
  const requests: FakePostgrest['requests'] = [];
  let failing = 0;
  const send = (res: http.ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify(body));
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      requests.push({ path, apikey: req.headers.apikey as string | undefined, authorization: req.headers.authorization });
      if (failing > 0) {
        failing -= 1;
        return send(res, 503, { code: 'PGRST002', message: 'Could not query the database for the schema cache. Retrying.', details: null, hint: null });
      }
      if (req.headers.apikey !== opts.serviceRoleKey || req.headers.authorization !== `Bearer ${opts.serviceRoleKey}`) {
        return send(res, 401, { code: 'PGRST301', message: 'JWT could not be decoded', details: null, hint: null });
      }
      const m = /^\/rest\/v1\/rpc\/(chat_log_[a-z_]+)$/.exec(path);
      if (req.method !== 'POST' || !m) {
        return send(res, 404, { code: 'PGRST202', message: `Could not find the function ${path} in the schema cache`, details: null, hint: null });
      }
      let args: Record<string, unknown>;
      try { args = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}'); } catch {
        return send(res, 400, { code: 'PGRST102', message: 'Empty or invalid json', details: null, hint: null });
      }
      const names = Object.keys(args);
      if (names.some((n) => !/^p_[a-z_]+$/.test(n))) return send(res, 400, { code: 'PGRST202', message: 'bad argument name', details: null, hint: null });
      try {
        const r = await opts.db.query<{ result: unknown }>(
          `SELECT ${m[1]}(${names.map((n, i) => `${n} => $${i + 1}`).join(', ')}) AS result`,
          names.map((n) => (args[n] !== null && typeof args[n] === 'object' ? JSON.stringify(args[n]) : args[n])));
        send(res, 200, r.rows[0].result);
      } catch (err) {
        send(res, 400, { code: (err as { code?: string }).code ?? 'XX000', message: (err as Error).message, details: null, hint: null });
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    failNext(n) { failing = n; },
    close: () => new Promise((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}
