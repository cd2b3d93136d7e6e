// GET /api/whatsapp/status and POST /api/whatsapp/refresh-kb.
import request from 'supertest';
import type { KnowledgeBase, KnowledgeLoadReport } from '../../src/knowledge/types';
import { createEmptyKnowledgeBase } from '../../src/knowledge/types';
import { createTestApp } from '../helpers/test-app';
import { createSessionService } from '../../src/whatsapp/session-service';
import { textPayload } from '../helpers/whatsapp-payloads';
import { createWhatsAppTestApp } from '../helpers/whatsapp-test-app';

describe('WhatsApp operator endpoints', () => {
  test('when asked for status, then it has the seed\'s exact shape, no secret, and the active session', async () => {
    const w = await createWhatsAppTestApp({ bufferMs: 600_000 });
    try {
      await w.post(textPayload('6281400000001', 'halo', { name: 'Budi' })).expect(200);
      const r = await request(w.app).get('/api/whatsapp/status').expect(200);
      expect(r.body).toMatchObject({
        webhook: { accessToken: true, phoneNumberId: true, verifyToken: true, appSecret: true, isConfigured: true },
        ai: { openRouterApiKey: false, databaseUrl: true, knowledgeBaseLoaded: false, isConfigured: false },
        sessions: { activeSessions: 1, sessions: [expect.objectContaining({ userId: 'whatsapp_6281400000001', name: 'Budi', messageCount: 1, pendingReply: true })] },
        isFullyConfigured: false,
        buffer: { windowMs: 600_000, pendingBatches: 1 },
        chatLog: { enabled: true, transport: expect.any(String) },
        graph: { lastError: null, tokenInvalid: false },
      });
      expect(Object.keys(r.body.webhook)).toEqual(['accessToken', 'phoneNumberId', 'verifyToken', 'appSecret', 'isConfigured']);
      expect(Object.keys(r.body.ai)).toEqual(['openRouterApiKey', 'databaseUrl', 'knowledgeBaseLoaded', 'isConfigured']);
      expect(typeof r.body.version).toBe('string');
      expect(r.text).not.toContain('test-access-token');
      expect(r.text).not.toContain('test-app-secret');
      expect(r.text).not.toContain('test-verify-token');
    } finally { await w.close(); }
  });

  test('when nothing is configured in production (no sandbox there), then status says so instead of failing', async () => {
    const token = 'a'.repeat(32);
    const t = await createTestApp({ env: { NODE_ENV: 'production', SESSION_SECRET: 'x'.repeat(32), ADMIN_TOKEN: token } });
    try {
      const r = await request(t.app).get('/api/whatsapp/status').set('Authorization', `Bearer ${token}`).expect(200);
      expect(r.body.webhook).toEqual({ accessToken: false, phoneNumberId: false, verifyToken: false, appSecret: false, isConfigured: false });
      expect(r.body.isFullyConfigured).toBe(false);
      expect(r.body.sessions).toEqual({ activeSessions: 0, sessions: [] });
      expect(r.body.sandbox).toEqual({ enabled: false });
    } finally { await t.close(); }
  });

  test('when started with --original (npm run start:original), then no WhatsApp route exists', async () => {
    const t = await createTestApp({ argv: ['--original'] });
    try {
      await request(t.app).get('/api/whatsapp/status').expect(404);
      await request(t.app).post('/webhook/whatsapp').send('{}').expect(404);
      expect(t.deps.modules.map((m) => m.name)).not.toContain('whatsapp');
    } finally { await t.close(); }
  });

  test('when ADMIN_TOKEN is set, then the endpoints need it as a Bearer token', async () => {
    const t = await createTestApp({ env: { ADMIN_TOKEN: 'op-token' } });
    try {
      await request(t.app).get('/api/whatsapp/status').expect(401);
      await request(t.app).get('/api/whatsapp/status').set('authorization', 'Bearer wrong').expect(401);
      await request(t.app).post('/api/whatsapp/refresh-kb').expect(401);
      await request(t.app).get('/api/whatsapp/status').set('authorization', 'Bearer op-token').expect(200);
    } finally { await t.close(); }
  });

  test('when refresh-kb is called, then the knowledge base reloads and the answer says what was loaded; status then shows it loaded', async () => {
    let loaded = false;
    const report: KnowledgeLoadReport = { files: [{ file: 'guide.pdf', pages: 16, passages: 40, cached: false }], failed: [], totalPages: 16, totalPassages: 40, loadedAt: new Date().toISOString(), durationMs: 5 };
    const knowledge: KnowledgeBase = { ...createEmptyKnowledgeBase(), async reload() { loaded = true; return report; }, isLoaded: () => loaded, lastReport: () => report };
    const t = await createTestApp({ build: { overrides: { knowledge } } });
    try {
      const r = await request(t.app).post('/api/whatsapp/refresh-kb').expect(200);
      expect(r.body).toMatchObject({ success: true, totalPages: 16, totalPassages: 40, files: [{ file: 'guide.pdf' }] });
      const s = await request(t.app).get('/api/whatsapp/status').expect(200);
      expect(s.body.ai.knowledgeBaseLoaded).toBe(true);
    } finally { await t.close(); }
  });

  test('when a session has been idle longer than the timeout, then the cleanup closes it and it leaves the status list', async () => {
    const w = await createWhatsAppTestApp({ bufferMs: 200, env: { WHATSAPP_SESSION_TIMEOUT_MINUTES: '1' } });
    try {
      await w.post(textPayload('6281400000002', 'halo')).expect(200);
      await w.graph.waitFor((g) => g.sent().length >= 1);
      await new Promise((r) => setTimeout(r, 200));
      await w.database.db.query("UPDATE whatsapp_conversations SET last_inbound_at = now() - interval '2 minutes'");
      // The hourly cleanup, run now (the module starts it at boot and every hour).
      const closed = await createSessionService({ ...w.deps, timeoutMinutes: 1, dummyProfiles: true }).closeInactive(Date.now());
      expect(closed).toBe(1);
      const s = await request(w.app).get('/api/whatsapp/status').expect(200);
      expect(s.body.sessions.activeSessions).toBe(0);
      await w.post(textPayload('6281400000002', 'lagi')).expect(200);
      const again = await request(w.app).get('/api/whatsapp/status').expect(200);
      expect(again.body.sessions.sessions[0]).toMatchObject({ userId: 'whatsapp_6281400000002', messageCount: 1 });
    } finally { await w.close(); }
  });
});
