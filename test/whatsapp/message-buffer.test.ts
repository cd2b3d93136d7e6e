// The durable buffer's claim/resume rules, straight against the database.
import { createMessageBuffer } from '../../src/whatsapp/message-buffer';
import { createUserRepository } from '../../src/users/user-repository';
import { parseWebhook } from '../../src/whatsapp/parse-webhook';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database';
import { textPayload } from '../helpers/whatsapp-payloads';

describe('durable message buffer', () => {
  let database: TestDatabase;
  beforeEach(async () => { database = await createTestDatabase(); });
  afterEach(async () => { await database.drop(); });
  const msgs = (phone: string, text: string) => parseWebhook(textPayload(phone, text)).messages;

  test('when several workers claim the same due conversation at once, then exactly one gets the batch', async () => {
    const buffer = createMessageBuffer({ db: database.db });
    const t0 = Date.now();
    await buffer.ingest(msgs('6281600000001', 'halo'), t0, 1000);
    expect(await buffer.claim('whatsapp_6281600000001', 'early', t0 + 500, 60_000)).toBeNull(); // window still open
    const claims = await Promise.all(['a', 'b', 'c', 'd', 'e'].map((o) => buffer.claim('whatsapp_6281600000001', o, t0 + 1000, 60_000)));
    expect(claims.filter(Boolean)).toHaveLength(1);
    expect(claims.find(Boolean)!.messages.map((m) => m.content)).toEqual(['halo']);
  });

  test('when messages arrive after a batch was claimed, then they wait for the next batch', async () => {
    const buffer = createMessageBuffer({ db: database.db });
    const t0 = Date.now();
    await buffer.ingest(msgs('6281600000002', 'satu'), t0, 1000);
    const first = (await buffer.claim('whatsapp_6281600000002', 'w', t0 + 1000, 60_000))!;
    const { due } = await buffer.ingest(msgs('6281600000002', 'dua'), t0 + 1100, 1000);
    expect(due[0].dueAt!.getTime()).toBe(t0 + 2100);
    expect(await buffer.claim('whatsapp_6281600000002', 'w2', t0 + 2100, 60_000)).toBeNull(); // first batch still in flight
    const next = await buffer.finish(first, 'w', { status: 'sent' }, t0 + 1200);
    expect(next!.getTime()).toBe(t0 + 2100);
    const second = (await buffer.claim('whatsapp_6281600000002', 'w2', t0 + 2100, 60_000))!;
    expect(second.messages.map((m) => m.content)).toEqual(['dua']);
  });

  test('when the worker dies after sending part 1 of 2, then after its lease the batch resumes with the same reply and only part 2 is left', async () => {
    const buffer = createMessageBuffer({ db: database.db });
    const t0 = Date.now();
    await buffer.ingest(msgs('6281600000003', 'panjang'), t0, 1000);
    const b = (await buffer.claim('whatsapp_6281600000003', 'dead', t0 + 1000, 60_000))!;
    await buffer.recordPartSent(b.id, 'wamid.P1', { parts: ['part one', 'part two'], meta: { text: 'part one\n\npart two' } });
    expect(await buffer.claim('whatsapp_6281600000003', 'other', t0 + 30_000, 60_000)).toBeNull(); // lease still held
    expect(await buffer.candidates(t0 + 61_001, 0, 10)).toEqual([{ key: 'whatsapp_6281600000003', dueAt: null }]);
    const resumed = (await buffer.claim('whatsapp_6281600000003', 'other', t0 + 61_001, 60_000))!;
    expect(resumed).toMatchObject({ id: b.id, attempts: 2, replyParts: ['part one', 'part two'], partsSent: 1 });
    expect(resumed.messages.map((m) => m.content)).toEqual(['panjang']);
  });

  test('when concurrent writes carry the same conversations in different orders and the same wamids, then every write succeeds and each message is stored once', async () => {
    // Two group INSERTs locking the same conversation rows in opposite orders, or waiting on each
    // other's uncommitted wamid, deadlocked: PostgreSQL aborted one and its webhooks got a 503.
    const buffer = createMessageBuffer({ db: database.db });
    const all = Array.from({ length: 40 }, (_, i) => msgs(`62816100000${String(i % 20).padStart(2, '0')}`, `pesan ${i}`)[0]);
    const shuffled = (xs: typeof all) => xs.map((x) => [Math.random(), x] as const).sort((a, b) => a[0] - b[0]).map(([, x]) => x);
    const now = Date.now();
    for (let round = 0; round < 15; round++) {
      const results = await Promise.allSettled(Array.from({ length: 4 }, () => buffer.ingest(shuffled(all), now + round, 1000)));
      expect(results.filter((r) => r.status === 'rejected').map((r) => String((r as PromiseRejectedResult).reason))).toEqual([]);
    }
    const n = await database.db.query<{ n: number }>("SELECT count(*)::int AS n FROM whatsapp_inbound WHERE conversation_key LIKE 'whatsapp_628161%'");
    expect(n.rows[0].n).toBe(40);
  });

  test('when only a reaction arrives, then nothing becomes due', async () => {
    const buffer = createMessageBuffer({ db: database.db });
    const t0 = Date.now();
    const reaction = parseWebhook({ entry: [{ changes: [{ value: { messages: [
      { from: '6281600000004', id: 'wamid.R1', timestamp: '1', type: 'reaction', reaction: { message_id: 'x', emoji: '👍' } }] } }] }] }).messages;
    const { due } = await buffer.ingest(reaction, t0, 1000);
    expect(due).toEqual([{ key: 'whatsapp_6281600000004', dueAt: null }]);
    expect(await buffer.candidates(t0 + 10_000, 0, 10)).toEqual([]);
  });

  test('when many batches finish at the same moment, then each is closed with its own reply and history, and one that cannot be written does not fail the others', async () => {
    const buffer = createMessageBuffer({ db: database.db });
    const users = createUserRepository({ db: database.db });
    const phones = Array.from({ length: 12 }, (_, i) => `62816200000${String(i).padStart(2, '0')}`);
    const t0 = Date.now();
    for (const p of phones) {
      await users.upsert({ id: `whatsapp_${p}`, channel: 'whatsapp', phone: p });
      await buffer.ingest(msgs(p, `tanya ${p}`), t0, 1000);
    }
    const batches = await buffer.claimMany(phones.map((p) => `whatsapp_${p}`), 'w', t0 + 1000, 60_000);
    expect(batches).toHaveLength(12);
    // The user of the last one is deleted meanwhile: its history rows cannot be written (foreign key).
    const gone = batches[11];
    await database.db.query('DELETE FROM users WHERE id = $1', [gone.key]);
    const results = await Promise.allSettled(batches.map((b, i) => buffer.finish(b, 'w', {
      status: 'sent', lastPart: { messageId: `wamid.R${i}`, reply: { parts: [`jawab ${i}`], meta: { text: `jawab ${i}`, kind: 'offline' } } },
      history: [{ role: 'user', content: b.messages[0].content, at: new Date(t0) }, { role: 'assistant', content: `jawab ${i}`, at: new Date(t0 + 1) }],
    }, t0 + 1200)));
    expect(results.filter((r) => r.status === 'rejected')).toHaveLength(1);
    expect(results[11].status).toBe('rejected');
    for (const [i, b] of batches.slice(0, 11).entries()) {
      const row = (await database.db.query<{ status: string; graph_message_ids: string[]; reply_parts: string[] }>(
        'SELECT status, graph_message_ids, reply_parts FROM whatsapp_batches WHERE id = $1', [b.id])).rows[0];
      expect(row).toEqual({ status: 'sent', graph_message_ids: [`wamid.R${i}`], reply_parts: [`jawab ${i}`] });
      const history = await database.db.query<{ role: string; content: string }>('SELECT role, content FROM conversation_messages WHERE user_id = $1 ORDER BY id', [b.key]);
      expect(history.rows).toEqual([{ role: 'user', content: `tanya ${phones[i]}` }, { role: 'assistant', content: `jawab ${i}` }]);
    }
    expect(await buffer.pendingBatches()).toBe(1); // only the failed one keeps its open batch (resumed after its lease)
  });
  test('when a finish is written again (its acknowledgement was lost and it is retried), then the turn is in the history once and the part recorded once', async () => {
    // persist() retries a finish until the database answers; if the first commit succeeded but the
    // connection died before its answer, the retry must change nothing.
    const buffer = createMessageBuffer({ db: database.db });
    const users = createUserRepository({ db: database.db });
    const t0 = Date.now();
    await users.upsert({ id: 'whatsapp_6281630000001', channel: 'whatsapp', phone: '6281630000001' });
    await buffer.ingest(msgs('6281630000001', 'skor saya?'), t0, 1000);
    const b = (await buffer.claim('whatsapp_6281630000001', 'w', t0 + 1000, 60_000))!;
    await buffer.recordPartSent(b.id, 'wamid.A1', { parts: ['satu', 'dua'], meta: { text: 'satu\n\ndua' } });
    await buffer.recordPartSent(b.id, 'wamid.A1'); // the same record retried
    const outcome = {
      status: 'sent' as const, lastPart: { messageId: 'wamid.A2' },
      history: [{ role: 'user' as const, content: 'skor saya?', at: new Date(t0) }, { role: 'assistant' as const, content: 'satu\n\ndua', at: new Date(t0 + 1) }],
    };
    await buffer.finish(b, 'w', outcome, t0 + 1200);
    await buffer.finish(b, 'w', outcome, t0 + 1300);
    const row = (await database.db.query('SELECT status, parts_sent, graph_message_ids FROM whatsapp_batches WHERE id = $1', [b.id])).rows[0];
    expect(row).toEqual({ status: 'sent', parts_sent: 2, graph_message_ids: ['wamid.A1', 'wamid.A2'] });
    const history = await database.db.query<{ role: string }>('SELECT role FROM conversation_messages WHERE user_id = $1 ORDER BY id', [b.key]);
    expect(history.rows.map((r) => r.role)).toEqual(['user', 'assistant']);
  });
});
