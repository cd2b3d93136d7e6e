// GET /metrics: Prometheus text from the app's own registry, operator-protected, with the series
// an operator needs (webhooks, stored messages, batches, dispatch delay, Graph and OpenRouter calls).
import request from 'supertest';
import { createTestApp } from '../helpers/test-app';
import { createWhatsAppTestApp, sleep } from '../helpers/whatsapp-test-app';
import { webhookPayload } from '../helpers/whatsapp-payloads';
import { startFakeOpenRouter } from '../helpers/fake-openrouter-server';
import { createEmptyKnowledgeBase } from '../../src/knowledge/types';

/** The value of one series line, e.g. value(text, 'whatsapp_batches_total{outcome="answered"}'). */
function value(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('metrics', () => {
  test('when ADMIN_TOKEN is set, then /metrics needs it and answers Prometheus text with process metrics', async () => {
    const t = await createTestApp({ env: { ADMIN_TOKEN: 'metrics-admin-token-123' } });
    try {
      await request(t.app).get('/metrics').expect(401);
      const r = await request(t.app).get('/metrics').set('Authorization', 'Bearer metrics-admin-token-123').expect(200);
      expect(r.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
      expect(r.text).toMatch(/^# HELP process_cpu_user_seconds_total/m);
      expect(r.text).toMatch(/^nodejs_eventloop_lag_seconds /m);
      expect(value(r.text, 'chatlog_queue_entries')).toBe(0);
      expect(r.text).toMatch(/^knowledge_passages \d+/m);
    } finally { await t.close(); }
  });

  test('when METRICS_ENABLED=false, then there is no /metrics route', async () => {
    const t = await createTestApp({ env: { METRICS_ENABLED: 'false' } });
    try { await request(t.app).get('/metrics').expect(404); } finally { await t.close(); }
  });

  test('when a WhatsApp message is answered, then the webhook, stored message, batch, dispatch delay and Graph calls are counted', async () => {
    const t = await createWhatsAppTestApp({ bufferMs: 200 });
    try {
      await t.post(webhookPayload({ messages: [{ from: '6281200001111', text: 'halo' }] })).expect(200);
      await t.post('{"not": "signed right"}', 'wrong-secret').expect(401);
      await t.graph.waitFor((g) => g.sent().length === 1);
      await sleep(100);
      const text = (await request(t.app).get('/metrics').expect(200)).text;
      expect(value(text, 'whatsapp_webhooks_total{result="200"}')).toBe(1);
      expect(value(text, 'whatsapp_webhooks_total{result="401"}')).toBe(1);
      expect(value(text, 'whatsapp_messages_stored_total')).toBe(1);
      expect(value(text, 'whatsapp_batches_total{outcome="answered"}')).toBe(1);
      expect(value(text, 'whatsapp_reply_dispatch_delay_seconds_count')).toBe(1);
      expect(value(text, 'whatsapp_graph_calls_total{kind="send",result="200"}')).toBe(1);
      expect(value(text, 'whatsapp_send_rate_wait_seconds_count')).toBe(1);
    } finally { await t.close(); }
  });

  test('when OpenRouter answers, then calls by result and model, latency and tokens are counted', async () => {
    const fake = await startFakeOpenRouter();
    const t = await createTestApp({
      env: { OPENROUTER_API_KEY: 'sk-or-test', OPENROUTER_URL: fake.url, OPENROUTER_MAX_RETRY_MS: '0' },
      build: { overrides: { knowledge: createEmptyKnowledgeBase() } },
    });
    try {
      await t.deps.ai.reply({ userId: 'web_metrics', channel: 'web', messages: ['Apa itu SLIK?'], history: [] });
      const text = (await request(t.app).get('/metrics').expect(200)).text;
      const model = 'google/gemini-2.0-flash-exp:free';
      expect(value(text, `openrouter_calls_total{result="ok",model="${model}"}`)).toBe(1);
      expect(value(text, `openrouter_latency_seconds_count{model="${model}"}`)).toBe(1);
      expect(value(text, `openrouter_tokens_total{kind="prompt",model="${model}"}`)).toBeGreaterThan(0);
    } finally { await t.close(); await fake.close(); }
  });
});
