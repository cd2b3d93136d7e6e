// Every page in both languages in a real headless Chromium: the browser's Accept-Language picks
// Bahasa Indonesia or English (<html lang> matching), the visible switcher changes the language and
// the choice is remembered (the lang cookie) on the next visit and on the other pages. Screenshots
// of each page in each language go to test-results/.
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { createSandboxTestApp, type SandboxTestApp } from '../helpers/sandbox-app';
import { recordingAi } from '../helpers/whatsapp-test-app';

const RESULTS = path.resolve(__dirname, '../../test-results');
const TOKEN = 'i18n-e2e-admin-token';

describe('pages in Bahasa Indonesia and English in Chromium', () => {
  let t: SandboxTestApp;
  let browser: Browser;
  const ai = recordingAi(() => 'Skor kredit Anda 712 (Baik).');

  beforeAll(async () => {
    fs.mkdirSync(RESULTS, { recursive: true });
    t = await createSandboxTestApp({ ai, bufferMs: 300, env: { ADMIN_TOKEN: TOKEN } });
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  });
  afterAll(async () => { await browser?.close(); await t?.close(); });

  /** A browser whose Accept-Language is `acceptLanguage`; page errors fail the test. */
  async function visitor(acceptLanguage: string, viewport = { width: 1280, height: 820 }): Promise<{ context: BrowserContext; page: Page; problems: string[] }> {
    const context = await browser.newContext({ viewport, extraHTTPHeaders: { 'Accept-Language': acceptLanguage } });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    page.on('console', (m) => {
      if (m.type() !== 'error') return;
      if (m.location().url.endsWith('/api/me') && m.text().includes('401')) return; // the anonymous sign-in probe
      problems.push(`${m.text()} (${m.location().url})`);
    });
    return { context, page, problems };
  }
  const htmlLang = (page: Page) => page.evaluate(() => document.documentElement.lang);

  test('when an Indonesian browser opens the web chat, then it is in Bahasa Indonesia, and the demo chat answers in it with dates and texts from the catalogue', async () => {
    const { context, page, problems } = await visitor('id-ID,id;q=0.9,en;q=0.5', { width: 390, height: 780 });
    try {
      await page.goto(`${t.url}/`);
      await page.getByText('Masuk demo (hanya lokal).').waitFor();
      expect(await htmlLang(page)).toBe('id');
      expect(await page.title()).toBe('Asisten laporan kredit');
      await expect(page.getByRole('link', { name: 'English' }).isVisible()).resolves.toBe(true);
      await page.screenshot({ path: path.join(RESULTS, 'i18n-web-chat-signin-id.png') });
      await page.getByLabel('Nama Anda').fill('Rina');
      await page.getByRole('button', { name: 'Coba sebagai pengguna demo' }).click();
      await page.getByText('Apa yang ingin Anda ketahui?').waitFor();
      await page.getByLabel('Pertanyaan Anda').fill('berapa skor saya?');
      const asked = page.waitForRequest((r) => r.url().endsWith('/api/chat') && r.method() === 'POST');
      await page.getByRole('button', { name: 'Kirim' }).click();
      // The page tells the server its language with the question (fixed replies come back in it).
      expect((await asked).postDataJSON()).toEqual({ message: 'berapa skor saya?', language: 'id' });
      await page.locator('.msg.assistant', { hasText: 'Skor kredit Anda 712' }).waitFor();
      await page.getByRole('button', { name: 'Hubungkan WhatsApp' }).click();
      await page.getByText('Kode Anda:').waitFor();
      // The code arrives from the server after the click: wait for the text, then read it.
      await page.locator('#link-expiry').filter({ hasText: /^Kode berlaku sampai \d\d[.:]\d\d dan hanya bisa dipakai sekali\./ }).waitFor();
      await expect(page.locator('#link-expiry').textContent()).resolves.toMatch(/^Kode berlaku sampai \d\d[.:]\d\d dan hanya bisa dipakai sekali\./);
      await page.screenshot({ path: path.join(RESULTS, 'i18n-web-chat-id.png'), fullPage: true });
      expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
      expect(problems).toEqual([]);
    } finally { await context.close(); }
  });

  test('when an English browser opens the web chat, then it is in English, and switching to Bahasa Indonesia is remembered on the next visit and on the other pages', async () => {
    const { context, page, problems } = await visitor('en-US,en;q=0.9');
    try {
      await page.goto(`${t.url}/`);
      await page.getByText('Demo sign-in (local only).').waitFor();
      expect(await htmlLang(page)).toBe('en');
      await page.getByLabel('Your name').fill('Joko');
      await page.getByRole('button', { name: 'Try as demo user' }).click();
      await page.getByText('What would you like to know?').waitFor();
      await page.getByRole('button', { name: 'Link WhatsApp' }).click();
      // The code arrives from the server after the click: wait for the text, then read it.
      await page.locator('#link-expiry').filter({ hasText: /^The code is valid until \d\d:\d\d and works once\./ }).waitFor();
      await expect(page.locator('#link-expiry').textContent()).resolves.toMatch(/^The code is valid until \d\d:\d\d and works once\./);
      await page.screenshot({ path: path.join(RESULTS, 'i18n-web-chat-en.png'), fullPage: true });

      await page.getByRole('link', { name: 'Bahasa Indonesia' }).click();
      await page.getByRole('button', { name: 'Kirim' }).waitFor();
      expect(await htmlLang(page)).toBe('id');
      const cookie = (await context.cookies()).find((c) => c.name === 'lang');
      expect(cookie).toMatchObject({ value: 'id', sameSite: 'Lax' });
      expect(cookie!.expires * 1000 - Date.now()).toBeGreaterThan(360 * 24 * 3600 * 1000);

      // A new visit without ?lang=: the remembered choice beats the English browser.
      await page.goto(`${t.url}/`);
      await page.getByRole('button', { name: 'Kirim' }).waitFor();
      expect(await htmlLang(page)).toBe('id');
      await page.goto(`${t.url}/sandbox?token=${TOKEN}`);
      await page.getByLabel('Nomor telepon').waitFor();
      expect(await htmlLang(page)).toBe('id');
      // And back to English from the sandbox's switcher.
      await page.getByRole('link', { name: 'English' }).click();
      await page.getByLabel('Phone number').waitFor();
      await page.goto(`${t.url}/`);
      await page.getByRole('button', { name: 'Send' }).waitFor();
      expect(problems).toEqual([]);
    } finally { await context.close(); }
  });

  for (const [lang, acceptLanguage] of [['id', 'id'], ['en', 'en-GB']] as const) {
    test(`when the sandbox is opened in a browser preferring ${lang}, then its texts, hints and replies' chrome are in that language`, async () => {
      const { context, page, problems } = await visitor(acceptLanguage);
      const text = lang === 'id'
        ? { phone: 'Nomor telepon', message: 'Pesan', send: 'Kirim', hint: 'Bot menjawab 0,3 dtk setelah pesan terakhir Anda', panel: 'Payload', switcher: 'English' }
        : { phone: 'Phone number', message: 'Message', send: 'Send', hint: 'The bot answers 0.3 s after your last message', panel: 'Payloads', switcher: 'Bahasa Indonesia' };
      try {
        await page.goto(`${t.url}/sandbox?token=${TOKEN}`);
        expect(await htmlLang(page)).toBe(lang);
        await page.getByLabel(text.phone).fill(`+62 813 7777 00${lang === 'id' ? '01' : '02'}`);
        await page.getByLabel(text.phone).press('Tab');
        await page.locator('#buffer-note', { hasText: text.hint }).waitFor();
        await page.getByLabel(text.message, { exact: true }).fill('halo, berapa skor saya?');
        await page.getByRole('button', { name: text.send }).click();
        await page.locator('.msg.bot', { hasText: 'Skor kredit Anda 712' }).waitFor({ timeout: 20_000 });
        await expect(page.locator('#toggle-panel').textContent()).resolves.toBe(text.panel);
        await expect(page.getByRole('link', { name: text.switcher }).isVisible()).resolves.toBe(true);
        await page.screenshot({ path: path.join(RESULTS, `i18n-sandbox-${lang}.png`) });
        expect(problems).toEqual([]);
      } finally { await context.close(); }
    });

    test(`when the operator console and the dashboard are opened in a browser preferring ${lang}, then they are in that language`, async () => {
      const { context, page, problems } = await visitor(acceptLanguage);
      const text = lang === 'id'
        ? { title: 'Konsol operator', state: 'Perlu petugas', all: 'Semua status', dashboard: 'Analitik chat', kinds: 'Jenis balasan', storage: 'Penyimpanan', empty: 'Belum ada data pada periode ini.', login: 'Masuk dengan Google' }
        : { title: 'Operator console', state: 'Needs a person', all: 'All states', dashboard: 'Chat analytics', kinds: 'Reply kinds', storage: 'Storage', empty: 'No data in this period yet.', login: 'Sign in with Google' };
      try {
        await page.goto(`${t.url}/admin?token=${TOKEN}#conversations`);
        expect(await htmlLang(page)).toBe(lang);
        await page.locator('.top h1', { hasText: text.title }).waitFor();
        await page.locator('.inbox-item').first().waitFor();
        await expect(page.locator('#inbox-state option').first().textContent()).resolves.toBe(text.all);
        await page.screenshot({ path: path.join(RESULTS, `i18n-console-${lang}.png`) });

        // The dashboard of a period without any traffic says so instead of drawing empty axes.
        await page.goto(`${t.url}/admin?token=${TOKEN}&from=2020-01-01&to=2020-01-31#dashboard`);
        await page.waitForSelector('body[data-loaded="true"]');
        await page.locator('h2', { hasText: text.kinds }).waitFor();
        expect(await page.locator('#c-kinds').isHidden()).toBe(true);
        await expect(page.locator('#c-kinds').locator('..').textContent()).resolves.toContain(text.empty);
        await expect(page.locator('#health').textContent()).resolves.toContain(text.storage);
        await page.screenshot({ path: path.join(RESULTS, `i18n-dashboard-empty-${lang}.png`), fullPage: true });

        await page.goto(`${t.url}/admin/login?signin=refused`);
        expect(await htmlLang(page)).toBe(lang);
        await page.getByRole('link', { name: text.login }).waitFor();
        await expect(page.locator('#login-error').textContent()).resolves.toContain('OPERATOR_EMAILS');
        await page.screenshot({ path: path.join(RESULTS, `i18n-operator-login-${lang}.png`) });
        expect(problems).toEqual([]);
      } finally { await context.close(); }
    });
  }

  test('when a browser opens an address that does not exist, then an error page in its language says so', async () => {
    for (const [acceptLanguage, lang, sentence] of [['id', 'id', 'Halaman atau alamat ini tidak ditemukan.'], ['en', 'en', 'This page or address does not exist.']] as const) {
      const { context, page } = await visitor(acceptLanguage);
      try {
        const res = await page.goto(`${t.url}/no-such-page`);
        expect(res!.status()).toBe(404);
        expect(await htmlLang(page)).toBe(lang);
        await page.getByText(sentence).waitFor();
        await page.screenshot({ path: path.join(RESULTS, `i18n-not-found-${lang}.png`) });
      } finally { await context.close(); }
    }
  });
});
