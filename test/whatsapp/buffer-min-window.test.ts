// WHATSAPP_BUFFER_MIN_MS: a message that looks finished (a question mark at the end, or long)
// ends the window after the minimum; anything else keeps the full WHATSAPP_BUFFER_MS. Checked on
// the stored due time with a frozen clock (no timing), and the setting's validation.
import { ConfigError, parseConfig } from '../../src/config';
import { LONG_MESSAGE_CHARS } from '../../src/whatsapp/buffer-window';
import { createWhatsAppTestApp, recordingAi, type WhatsAppTestApp } from '../helpers/whatsapp-test-app';
import { textPayload, webhookPayload } from '../helpers/whatsapp-payloads';

const NOW = Date.parse('2026-11-30T10:00:00Z');
const clock = () => NOW;

async function dueIn(t: WhatsAppTestApp, phone: string): Promise<number | null> {
  const r = await t.database.db.query<{ due_at: Date | null }>('SELECT due_at FROM whatsapp_conversations WHERE conversation_key = $1', [`whatsapp_${phone}`]);
  const due = r.rows[0]?.due_at;
  return due ? new Date(due).getTime() - NOW : null;
}

describe('WHATSAPP_BUFFER_MIN_MS', () => {
  let t: WhatsAppTestApp;
  beforeAll(async () => {
    t = await createWhatsAppTestApp({ bufferMs: 15_000, ai: recordingAi(), clock, start: false, env: { WHATSAPP_BUFFER_MIN_MS: '2000' } });
  });
  afterAll(async () => { await t.close(); });

  test('when a message ends with a question mark, then the window ends after the minimum; a following "ok" gives back the full window', async () => {
    await t.post(textPayload('6281700000001', 'berapa skor kredit saya?')).expect(200);
    expect(await dueIn(t, '6281700000001')).toBe(2000);
    await t.post(textPayload('6281700000001', 'ok')).expect(200);
    expect(await dueIn(t, '6281700000001')).toBe(15_000);
  });

  test('when a message is long, then the window ends after the minimum; a short one without a question mark keeps the full window', async () => {
    await t.post(textPayload('6281700000002', `${'saya sudah melunasi semua cicilan kartu kredit saya sejak bulan lalu '.repeat(3)}`.slice(0, LONG_MESSAGE_CHARS))).expect(200);
    expect(await dueIn(t, '6281700000002')).toBe(2000);
    await t.post(textPayload('6281700000003', 'halo kak')).expect(200);
    expect(await dueIn(t, '6281700000003')).toBe(15_000);
  });

  test('when a burst arrives in one webhook, then its latest message (by the time it was sent) decides the window', async () => {
    const base = Math.floor(NOW / 1000);
    await t.post(webhookPayload({ messages: [
      { from: '6281700000004', text: 'apakah telat bayar tercatat?', timestamp: base + 1 }, { from: '6281700000004', text: 'halo', timestamp: base },
    ] })).expect(200);
    expect(await dueIn(t, '6281700000004')).toBe(2000);
    await t.post(webhookPayload({ messages: [
      { from: '6281700000005', text: 'apakah telat bayar tercatat?', timestamp: base }, { from: '6281700000005', text: 'halo', timestamp: base + 1 },
    ] })).expect(200);
    expect(await dueIn(t, '6281700000005')).toBe(15_000);
  });
});

describe('WHATSAPP_BUFFER_MIN_MS validation', () => {
  test('when it is not set, then it is off and every message waits the full window', () => {
    expect(parseConfig({}).whatsapp.bufferMinMs).toBeNull();
  });

  test('when it is longer than WHATSAPP_BUFFER_MS or not a number, then the server refuses to start and names it', () => {
    const problems = (env: Record<string, string>) => {
      try { parseConfig(env); return []; } catch (err) { if (err instanceof ConfigError) return err.problems; throw err; }
    };
    expect(problems({ WHATSAPP_BUFFER_MS: '5000', WHATSAPP_BUFFER_MIN_MS: '8000' })).toEqual([
      'WHATSAPP_BUFFER_MIN_MS: must not be longer than WHATSAPP_BUFFER_MS (5000), got 8000',
    ]);
    expect(problems({ WHATSAPP_BUFFER_MIN_MS: 'soon' })[0]).toMatch(/^WHATSAPP_BUFFER_MIN_MS: must be a whole number/);
    expect(parseConfig({ WHATSAPP_BUFFER_MIN_MS: '3000' }).whatsapp.bufferMinMs).toBe(3000);
  });
});
