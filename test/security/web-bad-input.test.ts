// The web chat under bad input: every malformed request gets a clear 4xx, text Postgres cannot
// store is cleaned instead of becoming a 500, and the AI is never paid for a request that fails.
import request from 'supertest';
import { createWhatsAppTestApp, recordingAi, type WhatsAppTestApp } from '../helpers/whatsapp-test-app';
import { demoSignIn } from '../helpers/web-session';

let t: WhatsAppTestApp;
const ai = recordingAi();
beforeAll(async () => { t = await createWhatsAppTestApp({ ai, start: false }); });
afterAll(async () => { await t.close(); });

describe('web chat bad input', () => {
  it('when a question contains NUL characters or lone surrogates, then it is answered and stored without them', async () => {
    const { agent, csrf } = await demoSignIn(t.app, 'Nul\u0000 User');
    const r = await agent.post('/api/chat').set('X-CSRF-Token', csrf).send({ message: 'skor\u0000 saya\ud800?' });
    expect(r.status).toBe(200);
    expect(ai.turns.at(-1)!.messages).toEqual(['skor saya\ufffd?']);
    const h = await agent.get('/api/chat/history').expect(200);
    expect(h.body.messages[0].text).toBe('skor saya\ufffd?');
  });

  it.each([
    ['only NUL characters', { message: '\u0000\u0000' }, 400, 'empty-message'],
    ['a number', { message: 42 }, 400, 'empty-message'],
    ['an object', { message: { text: 'hi' } }, 400, 'empty-message'],
    ['an array', ['hi'], 400, 'empty-message'],
    ['no body', undefined, 400, 'empty-message'],
  ])('when the message is %s, then it answers 400 with a clear code and the AI is not called', async (_what, body, status, code) => {
    const { agent, csrf } = await demoSignIn(t.app, 'Bad Input');
    const before = ai.turns.length;
    const req = agent.post('/api/chat').set('X-CSRF-Token', csrf);
    const r = body === undefined ? await req : await req.send(body as object);
    expect(r.status).toBe(status);
    expect(r.body.error.code).toBe(code);
    expect(ai.turns.length).toBe(before);
  });

  it('when the body is not JSON, then it answers 400 invalid-json', async () => {
    const { agent, csrf } = await demoSignIn(t.app, 'Bad Json');
    const r = await agent.post('/api/chat').set('X-CSRF-Token', csrf).set('content-type', 'application/json').send('{"message": "unterminated');
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('invalid-json');
  });

  it('when sign-in gets odd names or shapes, then it never answers 5xx', async () => {
    for (const body of [{ name: '\u0000' }, { name: '\ud800\ud800' }, { name: 'x'.repeat(3000) }, { name: ['a'] }, { name: null }, [], 'plain']) {
      const r = await request(t.app).post('/auth/demo').set('content-type', 'application/json').send(JSON.stringify(body));
      expect([JSON.stringify(body).slice(0, 40), r.status < 500]).toEqual([JSON.stringify(body).slice(0, 40), true]);
    }
  });
});
