// The operator's tools: `npm run link` against a running server's operator API, and the customer
// import (CSV → users rows a WhatsApp number is answered as).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { runLink } from '../../src/cli/link';
import { importCustomers, parseCustomersCsv } from '../../src/identity/customer-import';
import { createWhatsAppTestApp, recordingAi, sleep, type WhatsAppTestApp } from '../helpers/whatsapp-test-app';
import { textPayload } from '../helpers/whatsapp-payloads';

const TOKEN = 'cli-test-admin-token-0123456789abcdefghij';
let t: WhatsAppTestApp;
let server: http.Server;
let url: string;
const ai = recordingAi();

beforeAll(async () => {
  t = await createWhatsAppTestApp({ bufferMs: 100, ai, env: { ADMIN_TOKEN: TOKEN } });
  server = http.createServer(t.app);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => { server.closeAllConnections(); await new Promise((r) => server.close(r)); await t.close(); });

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l) }, out, err };
}

async function ask(phone: string, text: string) {
  const n = ai.turns.length;
  await t.post(textPayload(phone, text)).expect(200);
  for (let i = 0; i < 400 && ai.turns.length === n; i++) await sleep(20);
  return ai.turns.at(-1)!;
}

describe('npm run customers:import', () => {
  it('when a CSV of customers is imported, then their numbers are answered as those customers and earlier messages follow them; bad rows are named by line', async () => {
    await ask('6281600000001', 'halo sebelum impor');
    for (let i = 0; i < 400 && (await t.count("SELECT count(*) AS n FROM conversation_messages WHERE user_id = 'whatsapp_6281600000001'")) < 2; i++) await sleep(20);
    const csv = 'id,name,phone,email\ncust-9001,Budi Santoso,+62 816-0000-0001,budi@example.com\ncust-9002,Sinta,08160000002,\n,No Id,6281600000003,\nwhatsapp_1,Bad,6281,\ncust-9003,Dup Phone,6281600000002,\n';
    expect(parseCustomersCsv(csv).rows.map((r) => r.phone)).toEqual(['6281600000001', '628160000002', '6281600000002']);
    const r = await importCustomers(t.database.db, csv);
    expect(r).toMatchObject({ imported: 3, updated: 0, conversationsMoved: 2 });
    expect(r.errors.map((e) => e.line)).toEqual([4, 5]);
    const again = await importCustomers(t.database.db, 'id,name,phone\ncust-9002,Sinta Dewi,6281600000009\n');
    expect(again).toMatchObject({ imported: 0, updated: 1 });

    const turn = await ask('6281600000001', 'skor saya?');
    expect(turn).toMatchObject({ userId: 'cust-9001', sender: 'customer' });
    expect(turn.history.map((m) => m.text)).toContain('halo sebelum impor');
  });
});

describe('npm run link', () => {
  it('when an operator links, shows and unlinks a number with the CLI, then each step is printed and takes effect', async () => {
    await importCustomers(t.database.db, 'id,name\ncust-7001,Rudi\n');
    let c = capture();
    expect(await runLink(['6281600000050', 'cust-7001', '--url', url], c.io)).toBe(1);
    expect(c.err.join('\n')).toMatch(/401/);

    c = capture();
    expect(await runLink(['6281600000050', 'cust-7001', '--url', url, '--token', TOKEN], c.io)).toBe(0);
    expect(c.out).toEqual(['✓ 6281600000050 linked to cust-7001']);
    expect((await ask('6281600000050', 'halo')).userId).toBe('cust-7001');

    c = capture();
    expect(await runLink(['--show', '6281600000050', '--url', url, '--token', TOKEN], c.io)).toBe(0);
    expect(c.out[0]).toMatch(/^6281600000050 → cust-7001 \(linked by operator/);

    c = capture();
    expect(await runLink(['--unlink', '6281600000050', '--url', url, '--token', TOKEN], c.io)).toBe(0);
    c = capture();
    expect(await runLink(['--show', '6281600000050', '--url', url, '--token', TOKEN], c.io)).toBe(1);
    expect(c.out.join('\n')).toMatch(/answered as whatsapp_6281600000050 \(number\)/);
    expect(await runLink([], capture().io)).toBe(2);
  });
});
