// The Prometheus registry (prom-client), made once per app by buildDeps and injected like the
// logger: no global registry, so two apps in one test process keep their own counts. Each process
// reports its own numbers; under PM2 every series carries the instance's id (see README, "Metrics").
import client from 'prom-client';

export interface MetricsOptions {
  /** PM2's instance number (NODE_APP_INSTANCE): added to every series so instances stay apart. */
  instance?: string;
  /** Process metrics (CPU, memory, event loop lag, handles). */
  processMetrics?: boolean;
}

const SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

export function createMetrics(opts: MetricsOptions = {}) {
  const registry = new client.Registry();
  if (opts.instance !== undefined) registry.setDefaultLabels({ instance: opts.instance });
  if (opts.processMetrics !== false) client.collectDefaultMetrics({ register: registry });
  const registers = [registry];
  return {
    registry,
    webhooks: new client.Counter({ name: 'whatsapp_webhooks_total', help: 'WhatsApp webhook POSTs by result (stored, invalid-signature, invalid-json, storage-unavailable, starting, …)', labelNames: ['result'] as const, registers }),
    messagesStored: new client.Counter({ name: 'whatsapp_messages_stored_total', help: 'Inbound WhatsApp messages stored (duplicates excluded)', registers }),
    batches: new client.Counter({ name: 'whatsapp_batches_total', help: 'Conversation batches finished, by outcome (answered, failed)', labelNames: ['outcome'] as const, registers }),
    replyDelay: new client.Histogram({ name: 'whatsapp_reply_dispatch_delay_seconds', help: 'Time from the end of a conversation window to the claim of its batch', buckets: SECONDS, registers }),
    graphCalls: new client.Counter({ name: 'whatsapp_graph_calls_total', help: 'Graph API calls by kind (send, read) and result (HTTP status and Graph error code, or network)', labelNames: ['kind', 'result'] as const, registers }),
    sendRateWait: new client.Histogram({ name: 'whatsapp_send_rate_wait_seconds', help: 'Time a message waited for a slot of META_MESSAGES_PER_SECOND', buckets: SECONDS, registers }),
    openRouterCalls: new client.Counter({ name: 'openrouter_calls_total', help: 'OpenRouter HTTP calls by result (ok, HTTP status, network, timeout) and model', labelNames: ['result', 'model'] as const, registers }),
    modelLatency: new client.Histogram({ name: 'openrouter_latency_seconds', help: 'Latency of answered OpenRouter calls, by model', labelNames: ['model'] as const, buckets: SECONDS, registers }),
    tokens: new client.Counter({ name: 'openrouter_tokens_total', help: 'Tokens reported by OpenRouter, by kind (prompt, completion) and model', labelNames: ['kind', 'model'] as const, registers }),
    /** Gauges read at scrape time from the object that knows the number. */
    gauge(name: string, help: string, read: () => number | Promise<number>) {
      return new client.Gauge({ name, help, registers, async collect() { this.set(await read()); } });
    },
    async render(): Promise<{ contentType: string; body: string }> {
      return { contentType: registry.contentType, body: await registry.metrics() };
    },
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
