// The "Hubungkan WhatsApp" panel in a real headless Chromium, against the local sandbox: sign in on
// the web chat, open the panel, send the shown text from the sandbox's WhatsApp, and watch the
// page switch to "linked" with the WhatsApp turns in the history. Indonesian and English.
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { createSandboxTestApp, type SandboxTestApp } from '../helpers/sandbox-app';
import { recordingAi } from '../helpers/whatsapp-test-app';

const RESULTS = path.resolve(__dirname, '../../test-results');

describe('link panel in Chromium', () => {
  let t: SandboxTestApp;
  let browser: Browser;
  const ai = recordingAi(() => 'Skor Anda ada di laporan akun ini.');

  beforeAll(async () => {
    fs.mkdirSync(RESULTS, { recursive: true });
    t = await createSandboxTestApp({ ai, bufferMs: 300, env: { META_DISPLAY_PHONE_NUMBER: '+62 811 0000 1234' } });
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  });
  afterAll(async () => { await browser?.close(); await t?.close(); });

  async function signIn(page: Page, name: string) {
    await page.goto(t.url);
    await page.locator('#demo-name').fill(name);
    await page.locator('#demo button[type=submit]').click();
    await page.locator('#chat').waitFor();
  }

  it('when an Indonesian user links WhatsApp through the sandbox, then the page shows the code, the wa.me link and QR, then the linked number and the WhatsApp turns', async () => {
    const context = await browser.newContext({ locale: 'id-ID', viewport: { width: 1100, height: 900 } });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    await signIn(page, 'Dewi');
    await page.getByRole('button', { name: 'Hubungkan WhatsApp' }).click();
    await page.locator('#link-code').waitFor();
    const code = (await page.locator('#link-code').textContent())!;
    expect(code).toMatch(/^[A-Z2-9]{4}-[A-Z2-9]{4}$/);
    expect(await page.locator('#link-text').textContent()).toBe(`Kode hubungkan WhatsApp: ${code}`);
    expect(await page.locator('#link-wa').getAttribute('href')).toMatch(/^https:\/\/wa\.me\/6281100001234\?text=Kode%20hubungkan/);
    expect(await page.locator('#link-qr').isVisible()).toBe(true);
    await page.screenshot({ path: path.join(RESULTS, 'link-panel-id.png') });

    // The sandbox opens with the message ready; sending it from a number links that number.
    const sandboxHref = (await page.locator('#link-sandbox').getAttribute('href'))!;
    const wa = await context.newPage();
    await wa.goto(new URL(sandboxHref, t.url).toString());
    expect(await wa.locator('#text').inputValue()).toBe(`Kode hubungkan WhatsApp: ${code}`);
    await wa.locator('#phone').fill('+62 813 7777 0001');
    await wa.locator('#phone').press('Tab');
    await wa.locator('#text').fill(`Kode hubungkan WhatsApp: ${code}`);
    await wa.locator('#text').press('Enter');
    await wa.locator('.msg.bot', { hasText: 'terhubung dengan akun Dewi' }).waitFor({ timeout: 20_000 });
    await wa.screenshot({ path: path.join(RESULTS, 'link-sandbox-confirmation.png') });
    await wa.locator('#text').fill('skor kredit saya berapa?');
    await wa.locator('#text').press('Enter');
    await wa.locator('.msg.bot', { hasText: 'Skor Anda ada' }).waitFor({ timeout: 20_000 });
    expect(ai.turns.at(-1)).toMatchObject({ userId: 'demo_dewi', sender: 'link' });

    await page.bringToFront();
    await page.locator('#link-linked-text', { hasText: 'WhatsApp 6281****001 terhubung' }).waitFor({ timeout: 25_000 });
    await page.reload();
    await page.locator('.msg.user', { hasText: 'skor kredit saya berapa?' }).locator('.channel-tag', { hasText: 'via WhatsApp' }).waitFor();
    expect(await page.locator('#link-open').textContent()).toBe('WhatsApp ✓ 6281****001');
    await page.screenshot({ path: path.join(RESULTS, 'link-panel-linked-id.png') });
    expect(problems).toEqual([]);
    await context.close();
  });

  it('when the browser prefers English, then the panel is in English and the code text is English', async () => {
    const context = await browser.newContext({ locale: 'en-US', viewport: { width: 390, height: 800 }, isMobile: true });
    const page = await context.newPage();
    await signIn(page, 'Emma');
    await page.getByRole('button', { name: 'Link WhatsApp' }).click();
    await page.locator('#link-code').waitFor();
    expect(await page.locator('#link-text').textContent()).toMatch(/^WhatsApp link code: /);
    expect(await page.locator('#link-title').textContent()).toBe('Link WhatsApp');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await page.screenshot({ path: path.join(RESULTS, 'link-panel-en-phone.png') });
    await context.close();
  });
});
