// The operator console in a real headless Chromium against the local sandbox: the customer asks
// for a person from the sandbox's WhatsApp, the operator signs in with Google (fake provider),
// opens the conversation, takes over, replies, the customer sees the reply, the operator hands
// back and the AI answers again with the operator's turn in its history.
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { startFakeGoogle, type FakeGoogle } from '../helpers/fake-google-server';
import { createSandboxTestApp, type SandboxTestApp } from '../helpers/sandbox-app';
import { recordingAi } from '../helpers/whatsapp-test-app';

const RESULTS = path.resolve(__dirname, '../../test-results');

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

describe('operator console in Chromium', () => {
  let t: SandboxTestApp;
  let google: FakeGoogle;
  let browser: Browser;
  const ai = recordingAi(() => 'Skor kredit Anda 712 (Baik).');

  beforeAll(async () => {
    fs.mkdirSync(RESULTS, { recursive: true });
    const port = await freePort();
    google = await startFakeGoogle({ callbackUrl: `http://127.0.0.1:${port}/auth/google/callback` });
    google.account = { sub: '900100200', name: 'Rina Operator', email: 'rina@example.com', email_verified: true };
    t = await createSandboxTestApp({ ai, bufferMs: 300, port, env: { ...google.env, ADMIN_TOKEN: 'e2e-admin-token', OPERATOR_EMAILS: 'rina@example.com' } });
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  });
  afterAll(async () => { await browser?.close(); await t?.close(); await google?.close(); });

  it('when a customer asks for a person, then an operator signs in, takes over, replies (the customer sees it) and hands back to the AI', async () => {
    const context = await browser.newContext({ locale: 'en-US', viewport: { width: 1360, height: 860 } });
    const problems: string[] = [];
    const wa = await context.newPage();
    wa.on('pageerror', (e) => problems.push(`sandbox: ${e.message}`));
    await wa.goto(`${t.url}/sandbox?token=e2e-admin-token`); // ADMIN_TOKEN is set: the sandbox asks for it too
    await wa.locator('#phone').fill('+62 813 5555 0001');
    await wa.locator('#phone').press('Tab');
    const send = async (text: string) => { await wa.locator('#text').fill(text); await wa.locator('#text').press('Enter'); };
    await send('halo, berapa skor saya?');
    await wa.locator('.msg.bot', { hasText: 'Skor kredit Anda 712' }).waitFor({ timeout: 20_000 });
    await send('saya mau bicara dengan CS');
    await wa.locator('.msg.bot', { hasText: 'Seorang petugas akan membalas' }).waitFor({ timeout: 20_000 });

    const op = await context.newPage();
    op.on('pageerror', (e) => problems.push(`console: ${e.message}`));
    await op.goto(`${t.url}/admin`);
    await op.waitForURL(/\/admin\/login$/);
    await op.screenshot({ path: path.join(RESULTS, 'operator-login.png') });
    await op.getByRole('link', { name: 'Sign in with Google' }).click();
    await op.waitForURL(/\/admin#conversations$/);
    await op.locator('#operator', { hasText: 'Signed in as rina@example.com' }).waitFor();
    const item = op.locator('.inbox-item', { hasText: '6281****001' });
    await item.locator('.badge', { hasText: 'Needs a person' }).waitFor();
    await op.screenshot({ path: path.join(RESULTS, 'operator-inbox.png') });

    await item.locator('a').click();
    await op.locator('#thread-messages .tm-user', { hasText: 'saya mau bicara dengan CS' }).waitFor();
    await op.locator('#takeover').click();
    await op.locator('#thread-state', { hasText: 'Operator: rina@example.com' }).waitFor();
    await op.locator('#composer-text').fill('Halo, saya Rina dari tim layanan. Ada yang bisa saya bantu?');
    await op.locator('#composer-text').press('Enter');
    await op.locator('#thread-messages .tm-operator', { hasText: 'saya Rina' }).locator('.tick').waitFor();
    await op.locator('#side-actions li', { hasText: 'took over' }).waitFor();
    await op.screenshot({ path: path.join(RESULTS, 'operator-thread-human.png') });

    await wa.bringToFront();
    await wa.locator('.msg.bot', { hasText: 'saya Rina dari tim layanan' }).waitFor({ timeout: 20_000 });
    const turns = ai.turns.length;
    await send('skor saya kenapa turun?');
    await op.bringToFront();
    await op.locator('#thread-messages .tm-user', { hasText: 'skor saya kenapa turun?' }).waitFor({ timeout: 20_000 });
    expect(ai.turns.length).toBe(turns); // the AI stayed silent while the operator held it
    await wa.screenshot({ path: path.join(RESULTS, 'operator-customer-sandbox.png') });

    await op.locator('#release').click();
    await op.locator('#thread-state', { hasText: /^AI$/ }).waitFor();
    await wa.bringToFront();
    await send('terima kasih, apa saran Anda?');
    await wa.locator('.msg.bot', { hasText: 'Skor kredit Anda 712' }).nth(1).waitFor({ timeout: 20_000 });
    expect(ai.turns.at(-1)!.history.map((m) => m.role)).toContain('operator');
    await op.bringToFront();
    await op.locator('#side-actions li', { hasText: 'handed back to AI' }).waitFor();
    await op.locator('#thread-messages .tm-assistant').nth(2).waitFor({ timeout: 10_000 }); // the AI's answer after the hand-back
    await op.screenshot({ path: path.join(RESULTS, 'operator-thread-released.png') });
    expect(problems).toEqual([]);
    await context.close();
  });
});
