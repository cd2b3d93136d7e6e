// Who a WhatsApp sender is answered as, in production mode: an unknown number gets no invented
// report (and is told how to link), a company customer record with that phone is used as is, and
// operators link numbers to accounts through the operator API.
import request from 'supertest';
import { generateDummyProfile } from '../../src/credit/dummy-profile';
import { startFakeOpenRouter, type FakeOpenRouter } from '../helpers/fake-openrouter-server';
import { createWhatsAppTestApp, sleep, type WhatsAppTestApp } from '../helpers/whatsapp-test-app';
import { textPayload } from '../helpers/whatsapp-payloads';

const ADMIN = 'a-very-long-operator-token-for-tests-0123456789';
const PRODUCTION = { NODE_ENV: 'production', SESSION_SECRET: 'test-session-secret-that-is-long-enough', ADMIN_TOKEN: ADMIN };

async function waitFor(cond: () => boolean | Promise<boolean>, ms = 8000) {
  const end = Date.now() + ms;
  while (!(await cond())) { if (Date.now() > end) throw new Error('timed out'); await sleep(20); }
}

function helpers(t: WhatsAppTestApp) {
  const sentTo = (phone: string) => t.graph.sent().filter((c) => c.to === phone).map((c) => c.text ?? '');
  return {
    sentTo,
    async replyTo(phone: string, text: string): Promise<string> {
      const before = sentTo(phone).length;
      await t.post(textPayload(phone, text)).expect(200);
      await waitFor(() => sentTo(phone).length > before);
      await sleep(50);
      return sentTo(phone).slice(before).join('\n');
    },
  };
}

async function customer(t: WhatsAppTestApp, id: string, phone: string, marker: string) {
  await t.database.db.query("INSERT INTO users (id, channel, display_name, phone) VALUES ($1, 'customer', $2, $3)", [id, `Nasabah ${marker}`, phone]);
  const profile = generateDummyProfile(id);
  profile.insights.score_provider = 'Pefindo Biro Kredit';
  profile.tradelines.forEach((tl, i) => { tl.lender_name = `${marker} ${i}`; });
  await t.database.db.transaction((tx) => t.deps.credit.insertProfile(tx, id, profile, false));
}

describe('in production, with the model on', () => {
  let or: FakeOpenRouter;
  let t: WhatsAppTestApp;
  let h: ReturnType<typeof helpers>;
  beforeAll(async () => {
    or = await startFakeOpenRouter();
    t = await createWhatsAppTestApp({ bufferMs: 100, env: { ...PRODUCTION, OPENROUTER_API_KEY: 'sk-or-v1-test-key', OPENROUTER_URL: or.url } });
    h = helpers(t);
  });
  afterAll(async () => { await t.close(); await or.close(); });
  const lastPrompt = () => or.requests.at(-1)!.body.messages.map((m) => String(m.content)).join('\n');

  it('when an unknown number asks for its score, then no report is generated and the model is told how to link instead of anything to guess from', async () => {
    expect(t.config.identity.dummyProfiles).toBe(false);
    await h.replyTo('6281500000001', 'skor kredit saya berapa?');
    const prompt = lastPrompt();
    expect(prompt).toMatch(/Belum ada laporan kredit yang terhubung dengan nomor WhatsApp ini/);
    expect(prompt).toMatch(/Hubungkan WhatsApp/);
    expect(prompt).toMatch(/never guess/);
    expect(prompt).not.toMatch(/dummy|skor: \d/i);
    expect(await t.count("SELECT count(*) AS n FROM usercreditinsights WHERE user_id = 'whatsapp_6281500000001'")).toBe(0);
    expect(await t.count("SELECT count(*) AS n FROM usertradelinedata WHERE user_id = 'whatsapp_6281500000001'")).toBe(0);
    expect(t.logs.text()).toMatch(/👤 New WhatsApp user \S+: no credit report linked/);
  });

  it('when a number belongs to a customer record the company loaded, then it is answered with that customer\'s report', async () => {
    await customer(t, 'cust-1001', '6281500000002', 'Bank Nasabah Asli');
    await h.replyTo('6281500000002', 'berapa cicilan saya?');
    expect(lastPrompt()).toContain('Bank Nasabah Asli 0');
    expect(lastPrompt()).toContain('name: "Test User"');
    expect(await t.count("SELECT count(*) AS n FROM conversation_messages WHERE user_id = 'cust-1001' AND content = 'berapa cicilan saya?'")).toBe(1);
  });

  it('when an operator links a number, then the number is told, later questions use the account, and unknown users, clashes and missing tokens are refused', async () => {
    const phone = '6281500000003';
    await h.replyTo(phone, 'halo, sebelum dihubungkan');
    await customer(t, 'cust-2002', '6289999999999', 'Bank Operator Link');

    await request(t.app).put(`/api/whatsapp/links/${phone}`).send({ userId: 'cust-2002' }).expect(401);
    const auth = { Authorization: `Bearer ${ADMIN}` };
    const missing = await request(t.app).put(`/api/whatsapp/links/${phone}`).set(auth).send({ userId: 'nobody-here' }).expect(404);
    expect(missing.body.error.code).toBe('unknown-user');
    await request(t.app).put('/api/whatsapp/links/not-a-phone').set(auth).send({ userId: 'cust-2002' }).expect(400);
    await request(t.app).get(`/api/whatsapp/links/${phone}`).set(auth).expect(404);

    const before = h.sentTo(phone).length;
    const put = await request(t.app).put(`/api/whatsapp/links/${phone}`).set(auth).send({ userId: 'cust-2002' }).expect(200);
    expect(put.body).toMatchObject({ phone, userId: 'cust-2002', linked: true, changed: true });
    await waitFor(() => h.sentTo(phone).length > before);
    expect(h.sentTo(phone).at(-1)).toMatch(/dihubungkan dengan akun nasabah/);
    const got = await request(t.app).get(`/api/whatsapp/links/+${phone}`).set(auth).expect(200);
    expect(got.body).toMatchObject({ userId: 'cust-2002', linkedBy: 'operator', resolvesTo: { userId: 'cust-2002', source: 'link' } });

    await h.replyTo(phone, 'akun saya apa saja?');
    expect(lastPrompt()).toContain('Bank Operator Link 0');
    expect(lastPrompt()).toContain('halo, sebelum dihubungkan'); // the conversation continues

    await customer(t, 'cust-3003', '6288888888888', 'Bank Other');
    const clash = await request(t.app).put(`/api/whatsapp/links/${phone}`).set(auth).send({ userId: 'cust-3003' }).expect(409);
    expect(clash.body.error.code).toBe('already-linked');

    await request(t.app).delete(`/api/whatsapp/links/${phone}`).set(auth).expect(200);
    await request(t.app).delete(`/api/whatsapp/links/${phone}`).set(auth).expect(404);
    await waitFor(() => /tidak lagi terhubung/.test(h.sentTo(phone).at(-1) ?? ''));
    await request(t.app).put(`/api/whatsapp/links/${phone}`).set(auth).send({ userId: 'cust-3003' }).expect(200);
  });
});

describe('in production, offline (no model key)', () => {
  it('when an unknown number asks about its report, then the offline answer explains how to link and shows no figures', async () => {
    const t = await createWhatsAppTestApp({ bufferMs: 100, env: PRODUCTION });
    try {
      const reply = await helpers(t).replyTo('6281500000009', 'skor kredit saya berapa?');
      expect(reply).toMatch(/belum terhubung dengan laporan kredit Anda/);
      expect(reply).toMatch(/Hubungkan WhatsApp/);
      expect(reply).not.toMatch(/dummy|Skor: \d/i);
    } finally { await t.close(); }
  });
});

describe('outside production', () => {
  it('when DUMMY_CREDIT_PROFILES is not set, then an unknown number still gets the seed\'s generated demo profile', async () => {
    const t = await createWhatsAppTestApp({ bufferMs: 100 });
    try {
      await helpers(t).replyTo('6281500000010', 'halo');
      expect(await t.count("SELECT count(*) AS n FROM usercreditinsights WHERE user_id = 'whatsapp_6281500000010' AND is_dummy")).toBe(1);
    } finally { await t.close(); }
  });
});
