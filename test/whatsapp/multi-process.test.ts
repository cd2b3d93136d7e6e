// Real server processes on one PostgreSQL database: a crash mid-window loses nothing, and with
// several processes every batch is answered by exactly one of them.
import { hasServerDatabase } from '../helpers/test-database';
import { useServerProcesses } from '../helpers/server-process';
import { postWebhook, textPayload } from '../helpers/whatsapp-payloads';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

(hasServerDatabase() ? describe : describe.skip)('WhatsApp channel across processes', () => {
  const w = useServerProcesses();
  const start = (bufferMs: number) => w.start({ WHATSAPP_BUFFER_MS: String(bufferMs) });

  test('when the process is killed (kill -9) in the middle of a window and a new one starts, then the batch is answered exactly once', async () => {
    const a = await start(4000);
    expect((await postWebhook(a.url, textPayload('6281500000001', 'sebelum crash 1'))).status).toBe(200);
    expect((await postWebhook(a.url, textPayload('6281500000001', 'sebelum crash 2'))).status).toBe(200);
    await a.kill9();
    expect(w.graph.sent()).toHaveLength(0);
    await start(4000);
    await w.graph.waitFor((g) => g.sent().length >= 1, 20_000);
    await sleep(3000);
    expect(w.graph.sent().map((c) => c.to)).toEqual(['6281500000001']);
    // One turn held both messages (the reply text comes from the offline AI, so it is not asserted).
    const b = await w.database.db.query<{ message_count: number; status: string }>('SELECT message_count, status FROM whatsapp_batches');
    expect(b.rows).toEqual([{ message_count: 2, status: 'sent' }]);
  }, 60_000);

  test('when two processes share one database and receive messages of the same conversations, then each batch gets exactly one reply', async () => {
    const [a, b] = await Promise.all([start(1500), start(1500)]);
    const phones = Array.from({ length: 8 }, (_, i) => `62815000001${String(i).padStart(2, '0')}`);
    for (let round = 0; round < 3; round++) {
      await Promise.all(phones.map((p, i) => postWebhook((i + round) % 2 ? a.url : b.url, textPayload(p, `m${round}`))
        .then((r) => expect(r.status).toBe(200))));
    }
    await w.graph.waitFor((g) => g.sent().length >= phones.length, 20_000);
    await sleep(4000); // more than two windows and two sweeps: a duplicate would have shown up
    const sent = w.graph.sent();
    expect(sent).toHaveLength(phones.length);
    expect(new Set(sent.map((c) => c.to))).toEqual(new Set(phones));
    const batches = await w.database.db.query<{ conversation_key: string; message_count: number; status: string }>('SELECT conversation_key, message_count, status FROM whatsapp_batches');
    expect(batches.rows).toHaveLength(phones.length);
    for (const row of batches.rows) expect(row).toMatchObject({ message_count: 3, status: 'sent' });
  }, 60_000);
});
