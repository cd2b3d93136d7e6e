// The sandbox page's attach button in headless Chromium: a voice-note file and a photo are
// attached, the real pipeline downloads them from the sandbox's Graph stand-in, the fake OpenRouter
// transcribes the audio and looks at the photo, and the chat shows "🎤 <transcript>" and the reply.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { createSandboxTestApp, type SandboxTestApp } from '../helpers/sandbox-app';
import { completion, startFakeOpenRouter, type FakeOpenRouter } from '../helpers/fake-openrouter-server';

const RESULTS = path.resolve(__dirname, '../../test-results');

describe('sandbox attachments in Chromium', () => {
  let t: SandboxTestApp;
  let or: FakeOpenRouter;
  let browser: Browser;

  beforeAll(async () => {
    fs.mkdirSync(RESULTS, { recursive: true });
    or = await startFakeOpenRouter();
    or.responder = (body) => {
      const s = JSON.stringify(body.messages);
      if (s.includes('input_audio')) return completion('skor kredit saya berapa', body.model);
      return completion(s.includes('image_url') ? 'Di foto tagihan Anda tertulis jatuh tempo *15 Desember*.' : 'Skor kredit Anda *742* (baik).', body.model);
    };
    t = await createSandboxTestApp({ bufferMs: 1200, env: { OPENROUTER_API_KEY: 'test-key', OPENROUTER_URL: or.url } });
    // A fake microphone (a beep) for the record button.
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream'] });
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await or?.close();
  });

  test('when a voice note and then a captioned photo are attached, then each gets its answer and the chat shows the transcript', async () => {
    const page = await browser.newPage({ locale: 'en-US', viewport: { width: 1366, height: 800 } });
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    await page.goto(`${t.url}/sandbox`);
    await page.getByLabel('Phone number').fill('+62 812-7777-0001');
    await page.getByLabel('Phone number').press('Tab');
    await expect(page.getByRole('button', { name: 'Attach an audio file, a photo or a PDF' }).isVisible()).resolves.toBe(true);

    await page.locator('#file').setInputFiles({ name: 'pesan-suara.ogg', mimeType: 'audio/ogg', buffer: Buffer.concat([Buffer.from('OggS'), crypto.randomBytes(800)]) });
    await page.locator('.msg.user', { hasText: '🎤 skor kredit saya berapa' }).waitFor({ timeout: 20_000 });
    await page.locator('.msg.bot', { hasText: '742' }).waitFor({ timeout: 20_000 });

    await page.getByLabel('Message').fill('ini tagihan saya');
    await page.locator('#file').setInputFiles({ name: 'tagihan.png', mimeType: 'image/png', buffer: Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47]), crypto.randomBytes(500)]) });
    await page.locator('.msg.bot', { hasText: '15 Desember' }).waitFor({ timeout: 20_000 });
    await page.screenshot({ path: path.join(RESULTS, 'sandbox-attachments-laptop.png') });

    await expect(page.locator('.msg.user').allTextContents()).resolves.toEqual([expect.stringContaining('🎤 skor kredit saya berapa'), expect.stringContaining('[image: ini tagihan saya]')]);
    await page.locator('#toggle-panel').isVisible().then((v) => (v ? page.locator('#toggle-panel').click() : undefined));
    await expect(page.locator('.events summary', { hasText: '← Graph media GET' }).count()).resolves.toBeGreaterThanOrEqual(4);
    const transcriptions = or.requests.filter((r) => JSON.stringify(r.body).includes('input_audio'));
    expect(transcriptions).toHaveLength(1);
    expect(problems).toEqual([]);
    await page.close();
  });

  test('when a voice note is recorded with the microphone, then it goes as WAV (a format OpenRouter accepts) and is answered', async () => {
    or.reset();
    const context = await browser.newContext({ locale: 'en-US', viewport: { width: 390, height: 844 }, permissions: ['microphone'] });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    await page.goto(`${t.url}/sandbox`);
    await page.getByLabel('Phone number').fill('+62 812-7777-0002');
    await page.getByLabel('Phone number').press('Tab');
    await page.getByRole('button', { name: 'Record a voice note' }).click();
    await page.getByRole('button', { name: 'Stop recording and send' }).waitFor();
    await page.waitForTimeout(1500);
    await page.getByRole('button', { name: 'Stop recording and send' }).click();
    await page.locator('.msg.bot', { hasText: '742' }).waitFor({ timeout: 20_000 });
    await page.screenshot({ path: path.join(RESULTS, 'sandbox-recording-phone.png') });
    const t1 = or.requests.find((r) => JSON.stringify(r.body).includes('input_audio'))!;
    const audio = (t1.body.messages.at(-1)!.content as unknown as { type: string; input_audio?: { data: string; format: string } }[]).find((p) => p.type === 'input_audio')!;
    expect(audio.input_audio!.format).toBe('wav');
    expect(Buffer.from(audio.input_audio!.data, 'base64').subarray(0, 4).toString()).toBe('RIFF');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    expect(problems).toEqual([]);
    await context.close();
  });
});
