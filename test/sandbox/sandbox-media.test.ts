// Attachments in the sandbox, through its API: the file is stored, announced in a genuine signed
// media webhook, downloaded by the real media client from the sandbox's Graph stand-in (metadata,
// then the file, both with the Bearer token), transcribed by a fake OpenRouter and answered.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import PDFDocument from 'pdfkit';
import { runSimulate } from '../../src/cli/simulate';
import request from 'supertest';
import { completion, startFakeOpenRouter, type FakeOpenRouter } from '../helpers/fake-openrouter-server';
import { createSandboxTestApp, eventually, type SandboxTestApp } from '../helpers/sandbox-app';

describe('sandbox attachments', () => {
  let or: FakeOpenRouter;
  let t: SandboxTestApp;
  beforeAll(async () => {
    or = await startFakeOpenRouter();
    or.responder = (body) => (JSON.stringify(body.messages).includes('input_audio')
      ? completion('berapa skor kredit saya', body.model) : completion('Skor Anda 742.', body.model));
    // A window long enough for the CLI's three uploads in a row on a loaded machine (they must make one turn).
    t = await createSandboxTestApp({ bufferMs: 1500, env: { OPENROUTER_API_KEY: 'test-key', OPENROUTER_URL: `${or.url}` } });
  });
  afterAll(async () => { await t.close(); await or.close(); });

  // Through the listening server (t.url): the sandbox reaches itself on the port it was called on.
  const upload = (phone: string, type: string, bytes: Buffer, q: Record<string, string> = {}) => request(t.url)
    .post('/sandbox/api/media').query({ phone, name: 'Budi', ...q }).set('content-type', type).set('x-sandbox-upload', '1').send(bytes);

  test('when a voice note is attached, then the bot downloads it from the Graph stand-in, transcribes it and answers the words', async () => {
    const r = await upload('+6281299900001', 'audio/ogg', Buffer.concat([Buffer.from('OggS'), crypto.randomBytes(500)])).expect(200);
    expect(r.body.status).toBe(200);
    const view = await eventually(async () => {
      const v = (await request(t.url).get('/sandbox/api/conversation').query({ phone: '6281299900001' })).body;
      return v.messages.some((m: { from: string }) => m.from === 'bot') ? v : undefined;
    });
    expect(view.messages.map((m: { from: string; text: string }) => [m.from, m.text])).toEqual([['user', '🎤 berapa skor kredit saya'], ['bot', 'Skor Anda 742.']]);
    const media = view.events.filter((e: { kind: string }) => e.kind === 'media');
    expect(media.map((e: { path: string; responseStatus: number }) => e.responseStatus)).toEqual([200, 200]);
    const webhook = JSON.parse(view.events.find((e: { direction: string }) => e.direction === 'webhook').body);
    expect(webhook.entry[0].changes[0].value.messages[0]).toMatchObject({ type: 'audio', audio: { mime_type: 'audio/ogg', voice: true } });
  });

  test('when an upload lacks the X-Sandbox-Upload header (a plain cross-site form could send one), then it is refused', async () => {
    await request(t.url).post('/sandbox/api/media').query({ phone: '6281299900002' }).set('content-type', 'image/png').send(Buffer.from('x')).expect(400);
  });

  test('when the Graph stand-in is asked for media with a wrong token, then it answers 401 like Meta', async () => {
    await request(t.url).get('/sandbox/graph/v26.0/12345').set('authorization', 'Bearer nope').expect(401);
  });

  test('when `npm run simulate --image --document` is used, then both files and the text make one turn with the picture and the PDF text', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aicw-sim-'));
    const img = path.join(dir, 'tagihan.png');
    fs.writeFileSync(img, Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47]), crypto.randomBytes(300)]));
    const pdfFile = path.join(dir, 'ideb.pdf');
    fs.writeFileSync(pdfFile, await new Promise<Buffer>((resolve) => {
      const doc = new PDFDocument(); const chunks: Buffer[] = [];
      doc.on('data', (c: Buffer) => chunks.push(c)); doc.on('end', () => resolve(Buffer.concat(chunks))); doc.text('Kolektibilitas 5 di Bank Contoh'); doc.end();
    }));
    or.reset();
    const out: string[] = []; const err: string[] = [];
    const code = await runSimulate(['--url', t.url, '--from', '+6281299900003', '--image', img, '--document', pdfFile, '--caption', 'tolong cek', '--wait', '20', 'ini punya saya'],
      { out: (l) => out.push(l), err: (l) => err.push(l) });
    fs.rmSync(dir, { recursive: true, force: true });
    expect(err).toEqual([]);
    expect(code).toBe(0);
    expect(out).toEqual(expect.arrayContaining(['→ 200 image tagihan.png', '→ 200 document ideb.pdf', '🤖 Skor Anda 742.']));
    expect(or.requests).toHaveLength(1);
    const user = or.requests[0].body.messages.at(-1)!.content as unknown as { type: string; text?: string; image_url?: { url: string } }[];
    expect(user.find((p) => p.type === 'image_url')!.image_url!.url).toMatch(/^data:image\/png;base64,/);
    expect(user[0].text).toMatch(/\[image: tolong cek\]\n\[document ideb\.pdf: tolong cek\]\n[\s\S]*Kolektibilitas 5[\s\S]*\nini punya saya$/);
  });
});
