// `npm run simulate`: signed webhooks the server accepts, the merged reply printed from the
// sandbox, a wrong secret reported as such, and the same CLI against a non-sandbox server.
import { spawn } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { runSimulate } from '../../src/cli/simulate';
import { createSandboxTestApp, type SandboxTestApp } from '../helpers/sandbox-app';
import { createWhatsAppTestApp, recordingAi } from '../helpers/whatsapp-test-app';
import { TEST_META } from '../helpers/whatsapp-payloads';

const ROOT = path.resolve(__dirname, '../..');

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l) }, out, err };
}

describe('npm run simulate against the sandbox', () => {
  let t: SandboxTestApp;
  const ai = recordingAi();
  beforeAll(async () => { t = await createSandboxTestApp({ ai, bufferMs: 300 }); });
  afterAll(async () => { await t.close(); });

  test('when two messages are simulated, then the server accepts both signed webhooks and the one merged reply is printed', async () => {
    const c = capture();
    const code = await runSimulate(['--url', t.url, '--from', '+62812345678', '--name', 'Rina', 'halo', 'skor kredit saya berapa?'], c.io);
    expect(c.err).toEqual([]);
    expect(code).toBe(0);
    expect(c.out.filter((l) => l.startsWith('→ 200 EVENT_RECEIVED'))).toHaveLength(2);
    expect(c.out).toContain('🤖 Reply to: halo | skor kredit saya berapa?');
    expect(ai.turns).toHaveLength(1);
    expect(ai.turns[0]).toMatchObject({ userId: 'whatsapp_62812345678', userName: 'Rina' });
  });

  test('when the secret is wrong, then the server refuses the webhook with 401, nothing is stored and the CLI says the secret is wrong', async () => {
    const c = capture();
    const code = await runSimulate(['--url', t.url, '--from', '+62899999999', '--secret', 'wrong-secret', 'halo'], c.io);
    expect(code).toBe(1);
    expect(c.err.join('\n')).toMatch(/^✗ 401 Invalid webhook signature: .*app secret is wrong/);
    const stored = await t.database.db.query<{ n: number }>("SELECT count(*)::int AS n FROM whatsapp_inbound WHERE conversation_key = 'whatsapp_62899999999'");
    expect(stored.rows[0].n).toBe(0);
  });

  test('when the arguments are incomplete, then it prints the usage and exits with 2', async () => {
    const c = capture();
    await expect(runSimulate(['--url', t.url, 'halo'], c.io)).resolves.toBe(2);
    expect(c.err.join('\n')).toContain('--from must be a phone number');
    await expect(runSimulate(['--url', t.url, '--from', '+62812345678'], capture().io)).resolves.toBe(2);
  });

  test('when run as a program with a wrong secret, then the exit code is 1 and stderr names the problem', async () => {
    const tsx = pathToFileURL(path.join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href;
    const child = spawn(process.execPath, ['--import', tsx, path.join(ROOT, 'src/cli/simulate.ts'), '--url', t.url, '--from', '+62811111111', '--secret', 'nope', 'halo'],
      { cwd: ROOT, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (d) => { stderr += d.toString(); });
    const code = await new Promise<number | null>((r) => child.once('exit', r));
    expect(code).toBe(1);
    expect(stderr).toContain('401 Invalid webhook signature');
  });
});

describe('npm run simulate against a server with real Meta credentials', () => {
  test('when given the app secret and phone number id, then the webhooks are accepted and the HTTP results are printed', async () => {
    const w = await createWhatsAppTestApp({ bufferMs: 200, ai: recordingAi() });
    const server = w.app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const c = capture();
      const code = await runSimulate(['--url', url, '--from', '+6281234567890', '--secret', TEST_META.appSecret, '--phone-number-id', TEST_META.phoneNumberId, 'halo'], c.io);
      expect(c.err).toEqual([]);
      expect(code).toBe(0);
      expect(c.out[0]).toContain('(not a sandbox)');
      expect(c.out).toContain('→ 200 EVENT_RECEIVED  "halo"');
      // The real channel answered through the (fake) Meta Graph API.
      await w.graph.waitFor((g) => g.sent().length === 1);
      expect(w.graph.sent()[0]).toMatchObject({ to: '6281234567890', text: 'Reply to: halo' });

      const noSecret = capture();
      await expect(runSimulate(['--url', url, '--from', '+6281234567890', 'halo'], noSecret.io)).resolves.toBe(1);
      expect(noSecret.err.join('\n')).toContain('is not a sandbox: pass --secret');
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      await w.close();
    }
  });
});
