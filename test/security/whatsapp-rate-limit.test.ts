// Per-phone rate limit (WHATSAPP_RATE_LIMIT_PER_MINUTE): one number cannot run up the AI bill.
// Messages over the limit are stored but start no AI turn; the sender gets one short notice per
// window; the count is shared by every instance on the database.
import { createWhatsAppTestApp, recordingAi, sleep, type WhatsAppTestApp } from '../helpers/whatsapp-test-app';
import { webhookPayload, type MessageSpec } from '../helpers/whatsapp-payloads';

const PHONE = '6281300000001';
const burst = (n: number, from = PHONE, prefix = 'msg'): MessageSpec[] =>
  Array.from({ length: n }, (_, i) => ({ from, text: `${prefix} ${i + 1}`, timestamp: Math.floor(Date.now() / 1000) + i }));
const notices = (t: WhatsAppTestApp) => t.graph.sent().filter((c) => c.text?.startsWith('⏳'));
const replies = (t: WhatsAppTestApp) => t.graph.sent().filter((c) => !c.text?.startsWith('⏳'));

async function settle(t: WhatsAppTestApp) {
  // Until no conversation has pending messages or an open batch.
  const end = Date.now() + 8000;
  await sleep(150);
  while (await t.count('SELECT count(*)::int AS n FROM whatsapp_conversations WHERE due_at IS NOT NULL OR open_batch_id IS NOT NULL') > 0) {
    if (Date.now() > end) throw new Error('batches did not settle');
    await sleep(25);
  }
  await sleep(50);
}

describe('WhatsApp per-phone rate limit', () => {
  let offset = 0;
  const clock = () => Date.now() + offset;
  const ai = recordingAi();
  let t: WhatsAppTestApp;
  beforeAll(async () => { t = await createWhatsAppTestApp({ bufferMs: 100, ai, clock, env: { WHATSAPP_RATE_LIMIT_PER_MINUTE: '3' } }); });
  afterAll(async () => { await t.close(); });

  it('when a phone sends more messages in a minute than the limit, then only the first ones reach the AI, all are stored, and one notice goes out', async () => {
    expect((await t.post(webhookPayload({ messages: burst(5) }))).status).toBe(200);
    await settle(t);
    expect(ai.turns.map((x) => x.messages)).toEqual([['msg 1', 'msg 2', 'msg 3']]);
    expect(await t.count('SELECT count(*)::int AS n FROM whatsapp_inbound WHERE conversation_key = $1', [`whatsapp_${PHONE}`])).toBe(5);
    expect(await t.count('SELECT count(*)::int AS n FROM whatsapp_inbound WHERE rate_limited AND NOT starts_turn')).toBe(2);
    expect(replies(t)).toHaveLength(1);
    expect(notices(t)).toHaveLength(1);
    expect(notices(t)[0].to).toBe(PHONE);
  });

  it('when the same phone keeps sending in the same window, then no AI turn starts and no second notice is sent', async () => {
    await t.post(webhookPayload({ messages: burst(2, PHONE, 'more') }));
    await settle(t);
    await t.post(webhookPayload({ messages: burst(1, PHONE, 'again') }));
    await settle(t);
    expect(ai.turns).toHaveLength(1);
    expect(notices(t)).toHaveLength(1);
    expect(await t.count('SELECT count(*)::int AS n FROM whatsapp_inbound WHERE rate_limited')).toBe(5);
  });

  it('when another phone writes meanwhile, then it has its own allowance', async () => {
    await t.post(webhookPayload({ messages: burst(2, '6281300000002', 'other') }));
    await settle(t);
    expect(ai.turns.at(-1)!.messages).toEqual(['other 1', 'other 2']);
    expect(ai.turns.at(-1)!.userId).toBe('whatsapp_6281300000002');
  });

  it('when bursts under the limit follow each other in one window, then they count together and the one that crosses it is cut', async () => {
    const phone = '6281300000003';
    await t.post(webhookPayload({ messages: burst(2, phone, 'first') })); // answered: 2 of 3 used (stored by the finish)
    await settle(t);
    await t.post(webhookPayload({ messages: burst(2, phone, 'second') }));
    await settle(t);
    const mine = ai.turns.filter((x) => x.userId === `whatsapp_${phone}`).map((x) => x.messages);
    expect(mine).toEqual([['first 1', 'first 2'], ['second 1']]);
    expect(await t.count('SELECT count(*)::int AS n FROM whatsapp_inbound WHERE conversation_key = $1 AND rate_limited', [`whatsapp_${phone}`])).toBe(1);
    expect(notices(t).filter((n) => n.to === phone)).toHaveLength(1);
  });

  it('when the window has passed, then the phone is answered again (and a later flood gets a new notice)', async () => {
    offset += 61_000;
    await t.post(webhookPayload({ messages: burst(1, PHONE, 'later') }));
    await settle(t);
    expect(ai.turns.at(-1)!.messages).toEqual(['later 1']);
    expect(replies(t).filter((c) => c.to === PHONE)).toHaveLength(2);
    offset += 61_000;
    await t.post(webhookPayload({ messages: burst(4, PHONE, 'flood') }));
    await settle(t);
    expect(ai.turns.at(-1)!.messages).toEqual(['flood 1', 'flood 2', 'flood 3']);
    expect(notices(t).filter((n) => n.to === PHONE)).toHaveLength(2);
  });
});

describe('WhatsApp rate limit across instances and when switched off', () => {
  it('when two instances share the database, then the phone gets the limit once in total, and one notice', async () => {
    const ai = recordingAi();
    const a = await createWhatsAppTestApp({ bufferMs: 100, ai, env: { WHATSAPP_RATE_LIMIT_PER_MINUTE: '3' } });
    const b = await createWhatsAppTestApp({ bufferMs: 100, ai, env: { WHATSAPP_RATE_LIMIT_PER_MINUTE: '3' }, database: a.database });
    try {
      await a.post(webhookPayload({ messages: burst(2, PHONE, 'to-a') }));
      await settle(a);
      await b.post(webhookPayload({ messages: burst(2, PHONE, 'to-b') }));
      await settle(b);
      await a.post(webhookPayload({ messages: burst(2, PHONE, 'to-a-again') }));
      await settle(a);
      const admitted = ai.turns.flatMap((x) => x.messages);
      expect(admitted).toEqual(['to-a 1', 'to-a 2', 'to-b 1']);
      expect(notices(a).length + notices(b).length).toBe(1);
      expect(await a.count('SELECT count(*)::int AS n FROM whatsapp_inbound')).toBe(6);
    } finally {
      await b.close();
      await a.close();
    }
  });

  it('when WHATSAPP_RATE_LIMIT_PER_MINUTE=0, then every message reaches the AI and no notice is sent', async () => {
    const ai = recordingAi();
    const t = await createWhatsAppTestApp({ bufferMs: 100, ai, env: { WHATSAPP_RATE_LIMIT_PER_MINUTE: '0' } });
    try {
      await t.post(webhookPayload({ messages: burst(30) }));
      await settle(t);
      expect(ai.turns.flatMap((x) => x.messages)).toHaveLength(30);
      expect(notices(t)).toHaveLength(0);
    } finally { await t.close(); }
  });
});
