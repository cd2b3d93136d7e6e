// The real app in sandbox mode (no META_*), listening on a real port: the sandbox reaches its own
// webhook and Graph endpoint over HTTP, as it does in `npm start`.
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import type { AiResponder } from '../../src/ai/types';
import { createEmptyKnowledgeBase } from '../../src/knowledge/types';
import { createTestApp, type TestApp } from './test-app';

export interface SandboxTestApp extends TestApp { url: string; server: Server }

export async function createSandboxTestApp(opts: { bufferMs?: number; ai?: AiResponder; env?: Record<string, string>; /** A port chosen beforehand (OAuth callback URLs name it). */ port?: number } = {}): Promise<SandboxTestApp> {
  const t = await createTestApp({
    env: { WHATSAPP_BUFFER_MS: String(opts.bufferMs ?? 300), ...opts.env },
    build: { overrides: { knowledge: createEmptyKnowledgeBase(), ...(opts.ai ? { ai: opts.ai } : {}) } },
    start: true,
  });
  const server = t.app.listen(opts.port ?? 0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    ...t, url, server,
    async close() {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      await t.close();
    },
  };
}

/** Polls until the check returns a value (not undefined), or fails with the last value seen. */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}
