// The /admin dashboard in real headless Chromium against the real app and database: the charts
// render from /api/analytics, at laptop and phone widths. Screenshots go to test-results/.
import fs from 'node:fs';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { chromium, type Browser } from 'playwright-core';
import { createTestApp, type TestApp } from '../helpers/test-app';
import { seedDemoTraffic } from './chatlog-fixtures';

const RESULTS = path.resolve(__dirname, '../../test-results');
const TOKEN = 'dashboard-admin-token';
const END = new Date('2026-11-25T12:00:00Z');

describe('admin dashboard in a browser', () => {
  let t: TestApp;
  let server: Server;
  let base: string;
  let browser: Browser;

  beforeAll(async () => {
    fs.mkdirSync(RESULTS, { recursive: true });
    t = await createTestApp({ env: { ADMIN_TOKEN: TOKEN } });
    await seedDemoTraffic(t.database.db, END, 21);
    server = t.app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
  });
  afterAll(async () => {
    await browser?.close();
    await new Promise((r) => server?.close(r));
    await t?.close();
  });

  for (const viewport of [{ name: 'laptop', width: 1366, height: 900 }, { name: 'phone', width: 390, height: 844 }]) {
    test(`when the admin opens /admin on a ${viewport.name}, then every chart is drawn from the figures and nothing overflows`, async () => {
      const page = await browser.newPage({ locale: 'en-US', viewport, deviceScaleFactor: 1 });
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
      try {
        await page.goto(`${base}/admin?token=${TOKEN}&from=2026-11-05&to=2026-11-25`);
        await page.waitForSelector('body[data-loaded="true"]');
        // The token left the address bar after it was stored for the tab.
        expect(page.url()).not.toContain(TOKEN);
        for (const id of ['c-daily', 'c-tokens', 'c-hours', 'c-kinds']) {
          expect(await page.getAttribute(`#${id}`, 'width')).not.toBeNull();
          expect(await page.$eval(`#${id}`, (c) => c.parentElement!.getAttribute('data-rendered'))).toBe('true');
          // Something was painted: the canvas is not blank.
          const painted = await page.$eval(`#${id}`, (c) => {
            const canvas = c as HTMLCanvasElement;
            const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
            let n = 0;
            for (let i = 3; i < data.length; i += 4) if (data[i] !== 0) n++;
            return n;
          });
          expect(painted).toBeGreaterThan(500);
        }
        const kpi = await page.textContent('#k-messages');
        expect(Number(kpi!.replace(/\D/g, ''))).toBeGreaterThan(100);
        expect(await page.$$eval('#sources > li', (l) => l.length)).toBeGreaterThanOrEqual(3);
        expect(await page.textContent('#sources')).toContain('panduan-kredit.pdf');
        expect(await page.$eval('#status', (s) => (s as HTMLElement).hidden)).toBe(true);
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        expect(overflow).toBeLessThanOrEqual(0);
        await page.screenshot({ path: path.join(RESULTS, `admin-dashboard-${viewport.name}.png`), fullPage: true });
        expect(errors).toEqual([]);
      } finally { await page.close(); }
    });
  }

  test('when chat logging is switched off, then the dashboard says so instead of showing zeros', async () => {
    const off = await createTestApp({ env: { ENABLE_CHAT_LOGGING: 'false' } });
    const offServer = off.app.listen(0, '127.0.0.1');
    await new Promise((r) => offServer.once('listening', r));
    const page = await browser.newPage({ locale: 'en-US', viewport: { width: 390, height: 844 } });
    try {
      // No ADMIN_TOKEN: requests from the machine itself are allowed.
      await page.goto(`http://127.0.0.1:${(offServer.address() as AddressInfo).port}/admin`);
      await page.waitForSelector('#status.error');
      expect(await page.textContent('#status')).toContain('ENABLE_CHAT_LOGGING=false');
      await page.screenshot({ path: path.join(RESULTS, 'admin-dashboard-logging-off.png') });
    } finally {
      await page.close();
      await new Promise((r) => offServer.close(r));
      await off.close();
    }
  });

  test('when the token is wrong, then the page is refused', async () => {
    const page = await browser.newPage({ locale: 'en-US' });
    try {
      const res = await page.goto(`${base}/admin?token=wrong`);
      expect(res!.status()).toBe(401);
    } finally { await page.close(); }
  });
});
