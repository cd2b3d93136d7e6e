// The chat page in a real headless Chromium: demo sign-in, ask about the credit score, see the
// answer rendered as Markdown (and a hostile reply rendered harmless), history after reload, sign-out.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { chromium, type Browser } from 'playwright-core';
import type { AiResponder } from '../../src/ai/types';
import type { CreditRepository } from '../../src/credit/credit-repository';
import { createTestApp, type TestApp } from '../helpers/test-app';
import { startFakeGoogle } from '../helpers/fake-google-server';

const RESULTS = path.resolve(__dirname, '../../test-results');

/** A stand-in AI that answers from the user's real credit rows, in Markdown, when the test lets it. */
function creditAi(getCredit: () => CreditRepository) {
  let release: () => void = () => {};
  let gate = Promise.resolve();
  const ai: AiResponder & { hold(): void; release(): void } = {
    hold() { gate = new Promise((r) => { release = r; }); },
    release() { release(); },
    async reply(input) {
      await gate;
      const text = input.messages.join(' ');
      if (/hack/i.test(text)) {
        return { text: 'Try this: <img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script> **still bold**', kind: 'ai', model: 'test', promptTokens: 1, completionTokens: 1, latencyMs: 1, sources: [] };
      }
      const { insights } = await getCredit().getReport(input.userId);
      return {
        text: `Hi ${input.userName}! Your credit score is **${insights!.credit_score}** (${insights!.score_band}).\n\n- Open accounts: ${insights!.open_accounts}\n- Keep paying on time to improve it.`,
        kind: 'ai', model: 'test', promptTokens: 1, completionTokens: 1, latencyMs: 1, sources: [],
      };
    },
  };
  return ai;
}

describe('web chat page in Chromium', () => {
  let t: TestApp;
  let server: Server;
  let base: string;
  let browser: Browser;
  let ai: ReturnType<typeof creditAi>;

  beforeAll(async () => {
    fs.mkdirSync(RESULTS, { recursive: true });
    ai = creditAi(() => t.deps.credit);
    t = await createTestApp({ argv: ['--original'], build: { overrides: { ai } } });
    server = t.app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  });
  afterAll(async () => {
    await browser?.close();
    server?.closeAllConnections();
    await new Promise((r) => server?.close(r));
    await t?.close();
  });

  test('when a visitor signs in as a demo user on a phone and asks about the credit score, then the answer appears', async () => {
    const context = await browser.newContext({ locale: 'en-US', viewport: { width: 390, height: 780 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    page.on('console', (m) => {
      if (m.type() !== 'error') return;
      const url = m.location().url;
      // Expected: the anonymous /api/me probe (401), and Chromium reporting the hostile onerror
      // attribute while DOMPurify parses it in an inert document (CSP blocks it there too).
      if (url.endsWith('/api/me') && m.text().includes('401')) return;
      if (url.endsWith('/vendor/purify.js') && m.text().includes('Content Security Policy')) return;
      problems.push(`${m.text()} (${url})`);
    });
    try {
      await page.goto(base + '/');
      await page.getByText('Demo sign-in (local only).').waitFor();
      await page.screenshot({ path: path.join(RESULTS, 'web-chat-signin-phone.png') });
      await page.getByLabel('Your name').fill('Rina');
      await page.getByRole('button', { name: 'Try as demo user' }).click();
      await page.getByText('What would you like to know?').waitFor();
      await expect(page.locator('#who-name').textContent()).resolves.toBe('Rina');
      await expect(page.locator('#who-demo').isVisible()).resolves.toBe(true);

      ai.hold();
      await page.getByLabel('Your question').fill('What is my credit score?');
      await page.keyboard.press('Enter');
      await page.locator('#typing').waitFor({ state: 'visible' });
      await page.screenshot({ path: path.join(RESULTS, 'web-chat-typing-phone.png') });
      ai.release();
      const score = (await t.deps.credit.getReport('demo_rina')).insights!.credit_score;
      const answer = page.locator('.msg.assistant').last();
      await answer.getByText('Your credit score is').waitFor();
      await expect(answer.locator('strong').first().textContent()).resolves.toBe(String(score));
      await expect(answer.locator('li').count()).resolves.toBe(2);
      await page.locator('#typing').waitFor({ state: 'hidden' });
      await page.screenshot({ path: path.join(RESULTS, 'web-chat-phone.png') });

      // Nothing overflows sideways at phone width.
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow).toBeLessThanOrEqual(0);

      // A hostile reply (or user text) is shown as text/markup only: nothing runs, no image loads.
      await page.getByLabel('Your question').fill('<b>hack</b> me');
      await page.getByRole('button', { name: 'Send' }).click();
      await page.getByText('still bold').waitFor();
      await expect(page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).resolves.toBeUndefined();
      await expect(page.locator('.messages img, .messages script').count()).resolves.toBe(0);
      await expect(page.locator('.msg.user').last().textContent()).resolves.toBe('<b>hack</b> me');

      // History survives a reload.
      await page.reload();
      await page.getByText('Your credit score is').first().waitFor();
      await expect(page.locator('.msg.user').count()).resolves.toBe(2);

      // Sign out returns to the sign-in panel.
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.getByRole('button', { name: 'Try as demo user' }).waitFor();
      await expect(page.locator('#chat').isVisible()).resolves.toBe(false);
      expect(problems).toEqual([]);
    } finally { await context.close(); }
  });

  test('when the AI fails, then the page says so in plain words and keeps the question in the box', async () => {
    const context = await browser.newContext({ locale: 'en-US', viewport: { width: 1024, height: 700 } });
    const page = await context.newPage();
    const original = ai.reply;
    ai.reply = async () => { throw new Error('boom'); };
    try {
      await page.goto(base + '/');
      await page.getByLabel('Your name').fill('Joko');
      await page.getByRole('button', { name: 'Try as demo user' }).click();
      await page.getByLabel('Your question').fill('Is my score good?');
      await page.getByRole('button', { name: 'Send' }).click();
      await page.getByText('could not answer just now').waitFor();
      await expect(page.getByLabel('Your question').inputValue()).resolves.toBe('Is my score good?');
      await page.screenshot({ path: path.join(RESULTS, 'web-chat-ai-error-desktop.png') });
    } finally { ai.reply = original; await context.close(); }
  });
});

describe('web chat page with Google sign-in in Chromium', () => {
  test('when a visitor clicks "Sign in with Google", then after the provider they are back in the chat under their Google name', async () => {
    // The callback URL must name the port before the app is built, so the server exists first.
    let handler: http.RequestListener = (_req, res) => { res.statusCode = 503; res.end(); };
    const server = http.createServer((req, res) => handler(req, res));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const google = await startFakeGoogle({ callbackUrl: `${base}/auth/google/callback` });
    google.account = { sub: '424242', name: 'Putri Google', email: 'putri@example.com', email_verified: true };
    const t = await createTestApp({ env: { ...google.env, KNOWLEDGE_DIR: path.resolve(__dirname, '../../knowledge') }, start: true });
    handler = t.app;
    const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
    try {
      const page = await browser.newPage({ locale: 'en-US', viewport: { width: 390, height: 700 } });
      await page.goto(base + '/');
      await expect(page.getByText('Demo sign-in (local only).').isVisible()).resolves.toBe(false);
      await page.getByRole('link', { name: 'Sign in with Google' }).click();
      await page.locator('#who-name').getByText('Putri Google').waitFor();
      await expect(page.locator('#who-demo').isVisible()).resolves.toBe(false);
      await page.getByLabel('Your question').fill('Berapa skor kredit saya?');
      await page.keyboard.press('Enter');
      // The real AI processor, offline (no OpenRouter key): it still answers from the user's own credit rows.
      const answer = page.locator('.msg.assistant').nth(1);
      await answer.waitFor();
      const score = (await t.deps.credit.getReport('google_424242')).insights!.credit_score;
      await expect(answer.textContent()).resolves.toContain(String(score));
      await page.setViewportSize({ width: 390, height: 1500 }); // the whole (long) offline answer in one picture
      await page.screenshot({ path: path.join(RESULTS, 'web-chat-google-phone.png') });
      const cookies = await page.context().cookies();
      expect(cookies.find((c) => c.name === 'aicw.sid')).toMatchObject({ httpOnly: true, sameSite: 'Lax' });
    } finally {
      await browser.close();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      await t.close();
      await google.close();
    }
  });
});
