// Two instances on one database, one console: the handoff state and operator replies live in the
// database, so a takeover on one instance silences the AI on the other, and the same reply (one
// idempotency key) reaching both instances at once is sent once.
import request from 'supertest';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database';
import { createWhatsAppTestApp, recordingAi, sleep, type WhatsAppTestApp } from '../helpers/whatsapp-test-app';
import { textPayload } from '../helpers/whatsapp-payloads';

const TOKEN = 'two-instances-token';
let database: TestDatabase;
let a: WhatsAppTestApp;
let b: WhatsAppTestApp;
const aiA = recordingAi();
const aiB = recordingAi();

beforeAll(async () => {
  database = await createTestDatabase();
  a = await createWhatsAppTestApp({ bufferMs: 100, ai: aiA, database, env: { ADMIN_TOKEN: TOKEN } });
  b = await createWhatsAppTestApp({ bufferMs: 100, ai: aiB, database, env: { ADMIN_TOKEN: TOKEN } });
});
afterAll(async () => { await a.close(); await b.close(); await database.drop(); });

async function waitFor(cond: () => boolean | Promise<boolean>, ms = 8000) {
  const end = Date.now() + ms;
  while (!(await cond())) { if (Date.now() > end) throw new Error('timed out'); await sleep(20); }
}
const sent = (text: RegExp) => [...a.graph.sent(), ...b.graph.sent()].filter((c) => text.test(c.text ?? ''));
const stored = async (text: string) => Number((await database.db.query<{ n: number }>('SELECT count(*) AS n FROM conversation_messages WHERE content = $1', [text])).rows[0].n);

describe('handoff across instances', () => {
  it('when an operator takes over on one instance, then the other does not answer, and one reply sent to both instances at once goes out once', async () => {
    const phone = '6281800000001';
    const user = `whatsapp_${phone}`;
    await b.post(textPayload(phone, 'halo')).expect(200);
    await waitFor(() => aiA.turns.length + aiB.turns.length === 1);

    await request(a.app).post(`/api/operator/conversations/${user}/takeover`).set('authorization', `Bearer ${TOKEN}`).send({}).expect(200);
    await b.post(textPayload(phone, 'ada orang di sana?')).expect(200);
    await waitFor(async () => (await stored('ada orang di sana?')) === 1);
    await sleep(200);
    expect(aiA.turns.length + aiB.turns.length).toBe(1);

    const reply = (app: WhatsAppTestApp) => request(app.app).post(`/api/operator/conversations/${user}/messages`)
      .set('authorization', `Bearer ${TOKEN}`).set('idempotency-key', 'two-instances-0001').send({ text: 'Halo dari petugas Sari' });
    const answers = await Promise.all([reply(a), reply(b), reply(a), reply(b)]);
    expect(answers.map((r) => r.status).sort()).toEqual([200, 200, 200, 201]);
    await sleep(200);
    expect(sent(/Halo dari petugas Sari/)).toHaveLength(1);
    expect(await stored('Halo dari petugas Sari')).toBe(1);
  });
});
