// Two real server processes in sandbox mode on one PostgreSQL database: they share one generated
// app secret (so the CLI and the page work whichever instance they reach) and a conversation
// whose messages land on both still gets exactly one merged reply.
import { runSimulate } from '../../src/cli/simulate';
import { hasServerDatabase, createTestDatabase, type TestDatabase } from '../helpers/test-database';
import { spawnServer, type ServerProcess } from '../helpers/server-process';

(hasServerDatabase() ? describe : describe.skip)('WhatsApp sandbox across processes', () => {
  let database: TestDatabase;
  const servers: ServerProcess[] = [];
  beforeAll(async () => { database = await createTestDatabase(); });
  afterAll(async () => {
    for (const s of servers.splice(0)) await s.kill9();
    await database.drop();
  });

  test('when the CLI signs with the secret of one instance and sends to the other, then both accept it and one merged reply is printed', async () => {
    const env = { DATABASE_URL: database.url!, WHATSAPP_BUFFER_MS: '1500' };
    const [a, b] = await Promise.all([spawnServer({ env }), spawnServer({ env })]);
    servers.push(a, b);
    const secretOf = async (s: ServerProcess) => ((await (await fetch(`${s.url}/sandbox/api/credentials`)).json()) as { appSecret: string }).appSecret;
    const secretB = await secretOf(b);
    expect(await secretOf(a)).toBe(secretB);

    const out: string[] = [];
    const err: string[] = [];
    const io = { out: (l: string) => out.push(l), err: (l: string) => err.push(l) };
    // One message through B (no wait), then two through A with B's secret: one conversation, one reply.
    await expect(runSimulate(['--url', b.url, '--from', '+6281700000001', '--wait', '0', 'halo'], io)).resolves.toBe(0);
    await expect(runSimulate(['--url', a.url, '--secret', secretB, '--from', '+6281700000001', 'saya mau tanya', 'skor kredit saya berapa?'], io)).resolves.toBe(0);
    expect(err).toEqual([]);
    expect(out.filter((l) => l.startsWith('→ 200'))).toHaveLength(3);
    expect(out.filter((l) => l.startsWith('🤖'))).toHaveLength(1);
    const batches = await database.db.query<{ message_count: number; status: string }>('SELECT message_count, status FROM whatsapp_batches');
    expect(batches.rows).toEqual([{ message_count: 3, status: 'sent' }]);
  }, 60_000);
});
