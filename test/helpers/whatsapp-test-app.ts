// The real app with the WhatsApp channel configured against a fake Graph server, plus helpers to
// post signed webhooks and read what was stored.
import request from 'supertest';
import type { AiResponder } from '../../src/ai/types';
import { createEmptyKnowledgeBase } from '../../src/knowledge/types';
import { createTestApp, type TestApp } from './test-app';
import type { TestDatabase } from './test-database';
import { startFakeGraphServer, type FakeGraphServer } from './fake-graph-server';
import { metaEnv, signedRequest } from './whatsapp-payloads';

export interface WhatsAppTestApp extends TestApp {
  graph: FakeGraphServer;
  post(payload: unknown, secret?: string): request.Test;
  count(sql: string, params?: unknown[]): Promise<number>;
}

/** A recording AI: answers "Reply to: <messages joined by ' | '>" and remembers every turn. */
export function recordingAi(answer?: (messages: string[]) => string): AiResponder & { turns: Parameters<AiResponder['reply']>[0][] } {
  const turns: Parameters<AiResponder['reply']>[0][] = [];
  return {
    turns,
    async reply(input) {
      turns.push(input);
      return {
        text: answer ? answer(input.messages) : `Reply to: ${input.messages.join(' | ')}`,
        kind: 'ai', model: 'fake/model', promptTokens: 10, completionTokens: 5, latencyMs: 1, sources: [],
      };
    },
  };
}

export async function createWhatsAppTestApp(opts: {
  bufferMs?: number; ai?: AiResponder; env?: Record<string, string>; start?: boolean;
  /** Share one database between several app instances; a clock the test can move forward. */
  database?: TestDatabase; clock?: () => number;
} = {}): Promise<WhatsAppTestApp> {
  const graph = await startFakeGraphServer();
  const t = await createTestApp({
    env: { ...metaEnv(graph.url), WHATSAPP_BUFFER_MS: String(opts.bufferMs ?? 1000), ...opts.env },
    // No PDF loading in the background of channel tests; the AI is the real processor unless given.
    build: { overrides: { knowledge: createEmptyKnowledgeBase(), ...(opts.ai ? { ai: opts.ai } : {}) }, clock: opts.clock },
    database: opts.database,
    start: opts.start ?? true,
  });
  return {
    ...t,
    graph,
    post(payload, secret) {
      const { body, headers } = signedRequest(payload, secret);
      return request(t.app).post('/webhook/whatsapp').set(headers).send(body);
    },
    async count(sql, params) {
      const r = await t.database.db.query<{ n: number }>(sql, params);
      return Number(r.rows[0].n);
    },
    async close() {
      await t.close();
      await graph.close();
    },
  };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
