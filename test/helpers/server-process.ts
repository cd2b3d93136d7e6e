// Starts src/server.ts in a child process (through tsx) so tests can signal or kill -9 it.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { startFakeGraphServer, type FakeGraphServer } from './fake-graph-server';
import { createTestDatabase, type TestDatabase } from './test-database';
import { metaEnv } from './whatsapp-payloads';

const ROOT = path.resolve(__dirname, '../..');
// Absolute: the child runs in its own temp directory, where a bare 'tsx' would not resolve.
const TSX = pathToFileURL(path.join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href;

export interface ServerProcess {
  child: ChildProcess;
  url: string;
  port: number;
  output(): string;
  exited: Promise<number | null>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  kill9(): Promise<void>;
}

export async function spawnServer(opts: { env?: Record<string, string>; waitForListening?: boolean; argv?: string[]; timeoutMs?: number } = {}): Promise<ServerProcess> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'aicw-srv-'));
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '/tmp',
    NODE_ENV: 'test',
    LOG_LEVEL: 'info',
    LOG_FORMAT: 'json',
    HOST: '127.0.0.1',
    PORT: '0',
    EMBEDDED_DB_DIR: path.join(dataDir, 'pglite'),
    KB_CACHE_DIR: path.join(dataDir, 'kb-cache'),
    ...opts.env,
  };
  const child = spawn(process.execPath, ['--import', TSX, path.join(ROOT, 'src/server.ts'), ...(opts.argv ?? [])], {
    cwd: dataDir, env, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => { out += d.toString(); });
  child.stderr!.on('data', (d) => { out += d.toString(); });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let port = 0;
  if (opts.waitForListening !== false) {
    const deadline = Date.now() + (opts.timeoutMs ?? 40_000);
    while (!port) {
      const m = /listening on http:\/\/localhost:(\d+)/.exec(out);
      if (m) port = Number(m[1]);
      else if (child.exitCode !== null) throw new Error(`server exited early:\n${out}`);
      else if (Date.now() > deadline) { child.kill('SIGKILL'); throw new Error(`server did not start:\n${out}`); }
      else await new Promise((r) => setTimeout(r, 50));
    }
  }
  return {
    child, port, url: `http://127.0.0.1:${port}`, output: () => out, exited,
    async stop(signal = 'SIGTERM') { if (child.exitCode === null) child.kill(signal); return exited; },
    async kill9() { if (child.exitCode === null) child.kill('SIGKILL'); await exited; },
  };
}

export interface ServerProcessWorld {
  database: TestDatabase;
  graph: FakeGraphServer;
  /** A server process on this test's database and fake Graph API (META_* set), plus `extra`. */
  start(extra?: Record<string, string>): Promise<ServerProcess>;
}

/**
 * For each test: a database of its own (a PostgreSQL server is needed), a fake Graph API, and the
 * server processes the test starts; afterwards every process is killed (-9) and both are removed.
 */
export function useServerProcesses(): ServerProcessWorld {
  const servers: ServerProcess[] = [];
  const w = {
    start: async (extra: Record<string, string> = {}) => {
      const s = await spawnServer({ env: { DATABASE_URL: w.database.url!, ...metaEnv(w.graph.url), ...extra } });
      servers.push(s);
      return s;
    },
  } as ServerProcessWorld;
  beforeEach(async () => {
    w.database = await createTestDatabase();
    w.graph = await startFakeGraphServer();
  });
  afterEach(async () => {
    for (const s of servers.splice(0)) await s.kill9();
    await w.graph.close();
    await w.database.drop();
  });
  return w;
}
