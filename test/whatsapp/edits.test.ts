// Edits and deletions of a message still waiting in the buffer, through the real app and database.
import { createWhatsAppTestApp, recordingAi, sleep, type WhatsAppTestApp } from '../helpers/whatsapp-test-app';
import { newWamid, webhookPayload } from '../helpers/whatsapp-payloads';

describe('WhatsApp edits and deletions', () => {
  const ai = recordingAi();
  let w: WhatsAppTestApp;
  beforeAll(async () => { w = await createWhatsAppTestApp({ bufferMs: 1200, ai }); });
  afterAll(async () => { await w.close(); });
  beforeEach(() => { ai.turns.length = 0; w.graph.reset(); });

  const edit = (from: string, original: string, text: string) => webhookPayload({ messages: [{ from, type: 'edit',
    content: { original_message_id: original, message: { type: 'text', text: { body: text } } } }] });
  const revoke = (from: string, original: string) => webhookPayload({ messages: [{ from, type: 'revoke', content: { original_message_id: original } }] });

  test('when a pending message is edited, then the model sees only the edited text, in the original\'s place', async () => {
    const id = newWamid();
    await w.post(webhookPayload({ messages: [{ from: '6281388000001', id, text: 'skor sya berapa' }, { from: '6281388000001', text: 'terima kasih' }] })).expect(200);
    await w.post(edit('6281388000001', id, 'skor saya berapa')).expect(200);
    await w.graph.waitFor((g) => g.sent().length >= 1);
    expect(ai.turns.map((t) => t.messages)).toEqual([['skor saya berapa', 'terima kasih']]);
  });

  test('when an answered message is edited, then the edit is a new message marked as an edit', async () => {
    const id = newWamid();
    await w.post(webhookPayload({ messages: [{ from: '6281388000002', id, text: 'halo' }] })).expect(200);
    await w.graph.waitFor((g) => g.sent().length >= 1);
    await w.post(edit('6281388000002', id, 'halo kak')).expect(200);
    await w.graph.waitFor((g) => g.sent().length >= 2);
    expect(ai.turns.map((t) => t.messages)).toEqual([['halo'], ['(edited) halo kak']]);
  });

  test('when a pending message is deleted, then it is left out of the turn, and a deletion alone starts nothing', async () => {
    const id = newWamid();
    await w.post(webhookPayload({ messages: [{ from: '6281388000003', id, text: 'nomor KTP saya 3171...' }, { from: '6281388000003', text: 'cek skor' }] })).expect(200);
    await w.post(revoke('6281388000003', id)).expect(200);
    await w.graph.waitFor((g) => g.sent().length >= 1);
    expect(ai.turns.map((t) => t.messages)).toEqual([['cek skor']]);
    await w.post(revoke('6281388000003', newWamid())).expect(200);
    await sleep(1800);
    expect(ai.turns).toHaveLength(1);
  });

  test('when the only pending message is deleted, then no turn happens at all', async () => {
    const id = newWamid();
    await w.post(webhookPayload({ messages: [{ from: '6281388000004', id, text: 'salah kirim' }] })).expect(200);
    await w.post(revoke('6281388000004', id)).expect(200);
    await sleep(1800);
    expect(ai.turns).toHaveLength(0);
    expect(w.graph.sent()).toHaveLength(0);
  });

  test('when someone else\'s message id is edited, then nothing changes', async () => {
    const id = newWamid();
    await w.post(webhookPayload({ messages: [{ from: '6281388000005', id, text: 'pesan asli' }] })).expect(200);
    await w.post(edit('6281388000006', id, 'diubah orang lain')).expect(200);
    await w.graph.waitFor((g) => g.sent().length >= 2);
    expect(ai.turns.map((t) => t.messages).sort()).toEqual([['(edited) diubah orang lain'], ['pesan asli']]);
  });
});
