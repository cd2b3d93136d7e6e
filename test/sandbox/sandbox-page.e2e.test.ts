// /sandbox in a real headless Chromium: two messages typed in a row become ONE reply from the real
// AI processor (OpenRouter faked on 127.0.0.1), delivered through the real webhook, buffer and
// Graph client; the panel shows the signed webhooks and the Graph calls. Laptop and phone widths.
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { createSandboxTestApp, type SandboxTestApp } from '../helpers/sandbox-app';
import { completion, startFakeOpenRouter, type FakeOpenRouter } from '../helpers/fake-openrouter-server';

const RESULTS = path.resolve(__dirname, '../../test-results');

describe('sandbox page in Chromium', () => {
  let t: SandboxTestApp;
  let openRouter: FakeOpenRouter;
  let browser: Browser;

  beforeAll(async () => {
    fs.mkdirSync(RESULTS, { recursive: true });
    openRouter = await startFakeOpenRouter();
    openRouter.defaultText = 'Halo Budi! Skor kredit Anda **742** (baik). Pembayaran Anda tepat waktu: pertahankan.';
    t = await createSandboxTestApp({ bufferMs: 2500, env: { OPENROUTER_API_KEY: 'test-key', OPENROUTER_URL: `${openRouter.url}/api/v1/chat/completions` } });
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await openRouter?.close();
  });

  async function chat(page: Page, phone: string, name: string) {
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
    await page.goto(`${t.url}/sandbox`);
    await page.getByLabel('Phone number').fill(phone);
    await page.getByLabel('Phone number').press('Tab');
    await page.getByLabel('Name').fill(name);
    await page.getByLabel('Name').press('Tab');
    await page.getByLabel('Message').fill('halo');
    await page.keyboard.press('Enter');
    await page.getByLabel('Message').fill('skor kredit saya berapa?');
    await page.getByRole('button', { name: 'Send' }).click();
    await page.locator('.msg.user', { hasText: 'skor kredit saya berapa?' }).waitFor();
    await page.locator('#buffer').getByText('waits').waitFor();
    return problems;
  }

  test('when two messages are sent in a row on a laptop, then ONE merged reply arrives and the panel shows the payloads', async () => {
    const page = await browser.newPage({ locale: 'en-US', viewport: { width: 1366, height: 800 } });
    openRouter.script({ ...completion(openRouter.defaultText), delayMs: 2500 }); // a slow model: time to see "typing…"
    const problems = await chat(page, '+62 812-3456-7890', 'Budi');
    await page.screenshot({ path: path.join(RESULTS, 'sandbox-buffer-laptop.png') });
    await page.locator('.messages .typing').waitFor({ timeout: 20_000 });
    await expect(page.locator('#presence').textContent()).resolves.toBe('typing…');
    await page.screenshot({ path: path.join(RESULTS, 'sandbox-typing-laptop.png') });
    await page.locator('.msg.bot').first().waitFor({ timeout: 20_000 });
    await page.locator('#buffer').waitFor({ state: 'hidden' });
    await expect(page.locator('.msg.bot').count()).resolves.toBe(1);
    await expect(page.locator('.msg.bot strong').textContent()).resolves.toBe('742');
    await expect(page.locator('.msg.user').count()).resolves.toBe(2);
    await expect(page.locator('.msg.user .tick.read').count()).resolves.toBe(2);
    // One AI call, and it saw both messages as one question.
    expect(openRouter.requests).toHaveLength(1);
    expect(JSON.stringify(openRouter.requests[0].body.messages)).toContain('halo');
    expect(JSON.stringify(openRouter.requests[0].body.messages)).toContain('skor kredit saya berapa?');
    // The panel: two signed webhooks, a read+typing call and one text send.
    await page.locator('.events summary', { hasText: '← Graph text' }).waitFor();
    await expect(page.locator('.events summary', { hasText: '→ webhook POST /webhook/whatsapp · 200' }).count()).resolves.toBe(2);
    await expect(page.locator('.events summary', { hasText: '← Graph read' }).count()).resolves.toBeGreaterThan(0);
    await page.locator('.events summary', { hasText: '→ webhook' }).first().click();
    await expect(page.locator('.events details[open] pre').first().textContent()).resolves.toContain('x-hub-signature-256: sha256=');
    await page.screenshot({ path: path.join(RESULTS, 'sandbox-laptop.png') });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    expect(problems).toEqual([]);
    await page.close();
  });

  test('when the same is done on a phone, then the chat fits the screen and the payloads open on demand', async () => {
    openRouter.reset();
    const context = await browser.newContext({ locale: 'en-US', viewport: { width: 390, height: 780 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
    const page = await context.newPage();
    const problems = await chat(page, '+6285712345678', 'Siti');
    await page.locator('.msg.bot').first().waitFor({ timeout: 20_000 });
    await expect(page.locator('.msg.bot').count()).resolves.toBe(1);
    await page.screenshot({ path: path.join(RESULTS, 'sandbox-phone.png') });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await page.getByRole('button', { name: 'Payloads' }).click();
    await page.locator('.events summary', { hasText: '← Graph text' }).waitFor();
    await page.screenshot({ path: path.join(RESULTS, 'sandbox-phone-payloads.png') });
    await page.getByRole('button', { name: 'Back to chat' }).click();
    await page.locator('.msg.bot').waitFor();
    expect(problems).toEqual([]);
    await context.close();
  });
});
