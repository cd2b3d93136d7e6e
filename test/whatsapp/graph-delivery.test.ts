// Sending through the Graph API: retries, splitting, errors that must not be retried, token expiry.
import request from 'supertest';
import { createGraphClient, GraphApiError } from '../../src/whatsapp/graph-client';
import { silentLogger } from '../../src/shared/logger';
import { graphError, startFakeGraphServer } from '../helpers/fake-graph-server';
import { textPayload, TEST_META } from '../helpers/whatsapp-payloads';
import { createWhatsAppTestApp, recordingAi, sleep } from '../helpers/whatsapp-test-app';

describe('WhatsApp replies through the Graph API', () => {
  test('when Graph answers 429 once and then 200, then the reply is delivered exactly once', async () => {
    const w = await createWhatsAppTestApp({ bufferMs: 300, ai: recordingAi() });
    try {
      w.graph.failNext(graphError(130429, '(#130429) Rate limit hit', 429), 1, 'text');
      await w.post(textPayload('6281300000001', 'halo')).expect(200);
      await w.graph.waitFor((g) => g.sent().length >= 1);
      await sleep(800);
      expect(w.graph.calls.filter((c) => c.kind === 'text').map((c) => c.status)).toEqual([429, 200]);
      expect(w.graph.sent()).toHaveLength(1);
    } finally { await w.close(); }
  });

  test('when the reply is 6000 characters, then it goes out as two messages, in order, split between paragraphs', async () => {
    const p1 = 'Bagian pertama. '.repeat(190).trim();
    const p2 = 'Bagian kedua. '.repeat(210).trim();
    const w = await createWhatsAppTestApp({ bufferMs: 300, ai: recordingAi(() => `${p1}\n\n${p2}`) });
    try {
      await w.post(textPayload('6281300000002', 'jelaskan')).expect(200);
      await w.graph.waitFor((g) => g.sent().length >= 2);
      expect(w.graph.sent().map((c) => c.text)).toEqual([p1, p2]);
      // The second part is recorded right after Graph accepts it: wait for that write, not just the call.
      const batch = () => w.database.db.query<{ parts_sent: number; graph_message_ids: string[] }>('SELECT parts_sent, graph_message_ids FROM whatsapp_batches');
      for (let i = 0; i < 100 && (await batch()).rows[0]?.parts_sent !== 2; i++) await sleep(20);
      expect((await batch()).rows[0]).toEqual({ parts_sent: 2, graph_message_ids: w.graph.sent().map((c) => c.messageId) });
    } finally { await w.close(); }
  });

  test('when the model answers in Markdown, then WhatsApp formatting is sent', async () => {
    const w = await createWhatsAppTestApp({ bufferMs: 300, ai: recordingAi(() => '## Skor\nSkor Anda **720**.') });
    try {
      await w.post(textPayload('6281300000003', 'skor?')).expect(200);
      await w.graph.waitFor((g) => g.sent().length >= 1);
      expect(w.graph.sent()[0].text).toBe('*Skor*\nSkor Anda *720*.');
    } finally { await w.close(); }
  });

  test('when the access token has expired (error 190), then it is not retried, "Failed to send message" is logged and the status endpoint shows it', async () => {
    const w = await createWhatsAppTestApp({ bufferMs: 300 });
    try {
      w.graph.failAlways(graphError(190, 'Error validating access token: Session has expired', 401));
      await w.post(textPayload('6281300000004', 'halo')).expect(200);
      await w.graph.waitFor((g) => g.calls.some((c) => c.kind === 'text'));
      await sleep(500);
      expect(w.graph.calls.filter((c) => c.kind === 'text')).toHaveLength(1);
      expect(w.logs.text()).toContain('Failed to send message');
      expect(w.logs.text()).toContain('access token expired or invalid');
      const s = await request(w.app).get('/api/whatsapp/status').expect(200);
      expect(s.body.graph.lastError).toMatchObject({ code: 190 });
      expect(s.body.graph.tokenInvalid).toBe(true);
      const b = await w.database.db.query<{ status: string }>('SELECT status FROM whatsapp_batches');
      expect(b.rows).toEqual([{ status: 'failed' }]);
    } finally { await w.close(); }
  });

  test('when the user is outside the 24-hour window (131047), then the send is not retried and the batch is closed as failed', async () => {
    const w = await createWhatsAppTestApp({ bufferMs: 300 });
    try {
      w.graph.failNext(graphError(131047, 'Re-engagement message'), 1, 'text');
      await w.post(textPayload('6281300000005', 'halo')).expect(200);
      await w.graph.waitFor((g) => g.calls.some((c) => c.kind === 'text'));
      await sleep(800);
      expect(w.graph.calls.filter((c) => c.kind === 'text')).toHaveLength(1);
      // The next message is answered normally: the conversation is not stuck.
      await w.post(textPayload('6281300000005', 'lagi')).expect(200);
      await w.graph.waitFor((g) => g.sent().length >= 1);
    } finally { await w.close(); }
  });

  test('when Graph keeps failing with 5xx, then the client retries with backoff and gives up after its bounded time', async () => {
    const graph = await startFakeGraphServer();
    try {
      graph.failAlways(graphError(131000, 'Something went wrong', 500));
      const errors: number[] = [];
      const client = createGraphClient({
        credentials: { ...TEST_META, graphUrl: graph.url, graphVersion: 'v26.0' }, logger: silentLogger(),
        retryBaseMs: 50, maxRetryMs: 1000, onError: (e) => errors.push(e.code ?? 0),
      });
      await expect(client.sendText('628', 'x')).rejects.toBeInstanceOf(GraphApiError);
      expect(graph.calls.length).toBeGreaterThan(2);
      expect(errors.every((c) => c === 131000)).toBe(true);
    } finally { await graph.close(); }
  });

  test('when Graph answers 429 with Retry-After, then the client waits as told and then succeeds', async () => {
    const graph = await startFakeGraphServer();
    try {
      graph.failNext({ ...graphError(4, 'Application request limit reached', 429), headers: { 'retry-after': '0' } });
      const client = createGraphClient({ credentials: { ...TEST_META, graphUrl: graph.url, graphVersion: 'v26.0' }, logger: silentLogger() });
      const r = await client.sendText('628', 'x');
      expect(r.messageId).toMatch(/^wamid\./);
      expect(graph.calls.map((c) => c.status)).toEqual([429, 200]);
    } finally { await graph.close(); }
  });

  test('when the Graph API does not answer within the timeout, then the call fails as a network error instead of hanging', async () => {
    const graph = await startFakeGraphServer();
    try {
      graph.setDelay(2000);
      const client = createGraphClient({ credentials: { ...TEST_META, graphUrl: graph.url, graphVersion: 'v26.0' }, logger: silentLogger(), timeoutMs: 200, maxRetryMs: 0 });
      await expect(client.sendText('628', 'x')).rejects.toThrow(/timed out/);
    } finally { await graph.close(); }
  });
});
