// Links and codes live in the database: two app instances on one database behave as one (the code
// asked for on one instance links through a webhook that reaches the other), and a sender known
// only by its business-scoped user id can be linked too.
import { createTestDatabase, type TestDatabase } from '../helpers/test-database';
import { createWhatsAppTestApp, recordingAi, sleep, type WhatsAppTestApp } from '../helpers/whatsapp-test-app';
import { textPayload } from '../helpers/whatsapp-payloads';
import { demoSignIn } from '../helpers/web-session';

let database: TestDatabase;
let a: WhatsAppTestApp;
let b: WhatsAppTestApp;
const aiA = recordingAi();
const aiB = recordingAi();

beforeAll(async () => {
  database = await createTestDatabase();
  a = await createWhatsAppTestApp({ bufferMs: 100, ai: aiA, database });
  b = await createWhatsAppTestApp({ bufferMs: 100, ai: aiB, database });
});
afterAll(async () => { await a.close(); await b.close(); await database.drop(); });

async function waitFor(cond: () => boolean, ms = 8000) {
  const end = Date.now() + ms;
  while (!cond()) { if (Date.now() > end) throw new Error('timed out'); await sleep(20); }
}

describe('identity across instances', () => {
  it('when the code is asked for on one instance and the WhatsApp message reaches the other, then the number is linked and both answer as the account', async () => {
    const web = await demoSignIn(a.app, 'Two Instances');
    const code = await web.agent.post('/api/link/whatsapp').set('x-csrf-token', web.csrf).send({}).expect(200);
    await b.post(textPayload('6281700000001', code.body.text)).expect(200);
    await waitFor(() => b.graph.sent().some((c) => /terhubung dengan akun Two Instances/.test(c.text ?? '')));

    await a.post(textPayload('6281700000001', 'skor saya?')).expect(200);
    await waitFor(() => aiA.turns.length + aiB.turns.length === 1);
    expect([...aiA.turns, ...aiB.turns][0]).toMatchObject({ userId: 'demo_two_instances', sender: 'link' });
    expect((await web.agent.get('/api/me').expect(200)).body.whatsapp).toEqual({ linked: true, phone: '6281****001' });
  });

  it('when a sender without a phone number (username user) sends a code, then its business-scoped id is linked', async () => {
    const web = await demoSignIn(a.app, 'Username User');
    const code = await web.agent.post('/api/link/whatsapp').set('x-csrf-token', web.csrf).send({}).expect(200);
    await a.post(textPayload('', code.body.text, { userId: 'ID.1234567890abcdef' })).expect(200);
    await waitFor(() => a.graph.sent().some((c) => c.to === 'ID.1234567890abcdef'));
    expect(a.graph.sent().filter((c) => c.to === 'ID.1234567890abcdef').at(-1)!.text).toMatch(/terhubung dengan akun Username User/);
    expect(await a.count("SELECT count(*) AS n FROM whatsapp_links WHERE bsuid = 'ID.1234567890abcdef' AND phone IS NULL")).toBe(1);
    expect((await web.agent.get('/api/me').expect(200)).body.whatsapp).toEqual({ linked: true, phone: null });

    await a.post(textPayload('', 'berapa skor saya?', { userId: 'ID.1234567890abcdef' })).expect(200);
    await waitFor(() => [...aiA.turns, ...aiB.turns].some((t) => t.messages.includes('berapa skor saya?')));
    expect([...aiA.turns, ...aiB.turns].find((t) => t.messages.includes('berapa skor saya?'))).toMatchObject({ userId: 'demo_username_user' });
  });
});
