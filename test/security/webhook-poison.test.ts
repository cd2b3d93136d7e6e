// Signed payloads that once turned into a 5xx (found by the fuzz test): each is now acknowledged,
// the readable messages beside it are stored and answered, and the broken part is ignored.
import { createWhatsAppTestApp, recordingAi, sleep, type WhatsAppTestApp } from '../helpers/whatsapp-test-app';
import { statusUpdate, webhookPayload } from '../helpers/whatsapp-payloads';

let t: WhatsAppTestApp;
const ai = recordingAi();
beforeAll(async () => { t = await createWhatsAppTestApp({ bufferMs: 50, ai }); });
afterAll(async () => { await t.close(); });

async function waitFor(cond: () => Promise<boolean> | boolean, ms = 5000) {
  const end = Date.now() + ms;
  while (!(await cond())) { if (Date.now() > end) throw new Error('timed out'); await sleep(20); }
}

describe('poisonous but signed webhook payloads', () => {
  it('when a text contains NUL characters and lone surrogates, then it is stored without them and answered', async () => {
    const res = await t.post(webhookPayload({ messages: [{ from: '6281200000001', text: 'halo\u0000 skor\ud800 saya?' }] }));
    expect(res.status).toBe(200);
    await waitFor(() => t.graph.sent().length > 0);
    expect(ai.turns.at(-1)!.messages).toEqual(['halo skor\ufffd saya?']);
  });

  it('when one message of a payload is unreadable, then the others are still stored', async () => {
    const payload = webhookPayload({ messages: [
      { from: '6281200000002', text: 'first', extra: { timestamp: -8.64e12 } },
      { from: '6281200000002', text: 'second', id: `wamid.${'x'.repeat(5000)}` },
      { from: '9'.repeat(400), text: 'not a phone' },
      { from: '6281200000002', type: 'location', content: { latitude: 1, longitude: { toString: 'no' } } },
    ] });
    (payload as { object: unknown }).object = 'whatsapp_business_account';
    const res = await t.post(payload);
    expect(res.status).toBe(200);
    expect(await t.count("SELECT count(*)::int AS n FROM whatsapp_inbound WHERE conversation_key = 'whatsapp_6281200000002'")).toBe(2);
    expect(await t.count("SELECT count(*)::int AS n FROM whatsapp_inbound WHERE length(wamid) > 256")).toBe(0);
  });

  it('when the payload has an object whose toString is not a function, or absurd error codes, then it is acknowledged', async () => {
    expect((await t.post({ object: { toString: '' }, entry: [] })).status).toBe(200);
    expect((await t.post({ object: 'whatsapp_business_account', entry: [{ changes: [{ field: { toString: 1 }, value: {} }] }] })).status).toBe(200);
    const statuses = [statusUpdate({ id: 'wamid.S1', status: 'failed', errorCode: 1e308 }), statusUpdate({ id: 'wamid.S2', status: 'failed', errorCode: 99999999999 })];
    expect((await t.post(webhookPayload({ statuses }))).status).toBe(200);
    expect(await t.count("SELECT count(*)::int AS n FROM whatsapp_statuses WHERE wamid IN ('wamid.S1', 'wamid.S2') AND error_code IS NULL")).toBe(2);
  });
});
