// Blue ticks during the window and typing after it, measured on the fake Graph server: what the
// customer's phone shows while the 15 s (here 3 s) window runs, and how many Graph calls a burst costs.
import { createWhatsAppTestApp, recordingAi, type WhatsAppTestApp } from '../helpers/whatsapp-test-app';
import { newWamid, textPayload } from '../helpers/whatsapp-payloads';
import { READ_INTERVAL_MS } from '../../src/whatsapp/read-receipts';
import type { GraphCall } from '../helpers/fake-graph-server';

let t: WhatsAppTestApp;
const ai = recordingAi();
const WINDOW_MS = 3000; // longer than the read interval, so a burst shows both kinds of read call

beforeAll(async () => { t = await createWhatsAppTestApp({ bufferMs: WINDOW_MS, ai }); });
afterAll(async () => { await t.close(); });
beforeEach(() => t.graph.reset());

const isTyping = (c: GraphCall) => c.kind === 'read' && Boolean(c.body.typing_indicator);
const isPlainRead = (c: GraphCall) => c.kind === 'read' && !c.body.typing_indicator;

describe('read receipts and typing on WhatsApp', () => {
  test('when a message arrives, then it is marked read during the window, and typing shows only once the window ended, before the reply', async () => {
    const wamid = newWamid();
    await t.post(textPayload('6281600000001', 'halo, saya mau tanya', { id: wamid })).expect(200);
    await t.graph.waitFor((g) => g.calls.some(isPlainRead), 2000);
    // The read came while the window still runs: no typing, no reply yet.
    expect(t.graph.calls.map((c) => c.kind)).toEqual(['read']);
    expect(t.graph.calls[0].body).toEqual({ messaging_product: 'whatsapp', status: 'read', message_id: wamid });
    await t.graph.waitFor((g) => g.sent().length >= 1);
    const calls = t.graph.calls;
    const typing = calls.findIndex(isTyping);
    expect(typing).toBeGreaterThan(0);
    expect(typing).toBeLessThan(calls.findIndex((c) => c.kind === 'text'));
    expect(calls.slice(typing + 1).some(isPlainRead)).toBe(false); // no window read after the window ended
  });

  test('when a burst of 10 messages arrives, then the Graph calls stay bounded: reads combined per conversation, the last one for the latest message', async () => {
    const phone = '6281600000002';
    const wamids: string[] = [];
    const started = Date.now();
    for (let i = 0; i < 10; i++) {
      const id = newWamid();
      wamids.push(id);
      await t.post(textPayload(phone, `pesan nomor ${i + 1}`, { id })).expect(200);
    }
    const postingMs = Date.now() - started;
    await t.graph.waitFor((g) => g.sent().length >= 1);
    const reads = t.graph.calls.filter(isPlainRead);
    const typing = t.graph.calls.filter(isTyping);
    // One read at once, then at most one per interval while messages keep coming (1 + 1 when the
    // burst is quicker than the interval), instead of one per message.
    expect(reads.length).toBeGreaterThanOrEqual(1);
    expect(reads.length).toBeLessThanOrEqual(2 + Math.floor(postingMs / READ_INTERVAL_MS));
    expect(reads[0].body.message_id).toBe(wamids[0]);
    expect(reads[reads.length - 1].body.message_id).toBe(wamids[9]);
    expect(typing).toHaveLength(1);
    expect(typing[0].body.message_id).toBe(wamids[9]);
    expect(t.graph.sent()).toHaveLength(1);
    expect(ai.turns[ai.turns.length - 1].messages).toHaveLength(10);
    expect(t.graph.calls.length).toBe(reads.length + typing.length + 1);
  });

  test('when Graph fails a read, then window reads pause instead of adding load, and the typing call at the window\'s end still marks the messages read', async () => {
    t.graph.failNext({ status: 500, body: { error: { message: 'Service temporarily unavailable', code: 2 } } }, 1, 'read');
    await t.post(textPayload('6281600000003', 'halo')).expect(200);
    await t.graph.waitFor((g) => g.calls.some((c) => c.status === 500));
    await t.post(textPayload('6281600000004', 'halo juga')).expect(200);
    await t.graph.waitFor((g) => g.sent().length >= 2);
    expect(t.graph.calls.filter(isPlainRead).map((c) => c.status)).toEqual([500]); // tried once, not retried, then paused
    expect(t.graph.calls.filter(isTyping).filter((c) => c.status === 200)).toHaveLength(2);
  });
});
