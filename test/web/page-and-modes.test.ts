import request from 'supertest';
import { createTestApp } from '../helpers/test-app';
import { spawnServer } from '../helpers/server-process';

// One test starts a real server process: a start can take 40 s on a loaded machine.
jest.setTimeout(90_000);

describe('web chat page and modes', () => {
  test('when someone opens /, then they get the chat page with a strict Content-Security-Policy (no inline script)', async () => {
    const t = await createTestApp();
    try {
      const r = await request(t.app).get('/').set('Accept-Language', 'en').expect(200).expect('Content-Type', /html/);
      expect(r.text).toContain('Sign in with Google');
      expect(r.text).toContain('Demo sign-in (local only)');
      const csp = r.headers['content-security-policy'];
      expect(csp).toMatch(/script-src 'self'(;|$)/);
      expect(csp).toMatch(/script-src-attr 'none'/);
      expect(r.headers['x-content-type-options']).toBe('nosniff');
      for (const asset of ['/app.js', '/styles.css', '/vendor/marked.js', '/vendor/purify.js']) {
        await request(t.app).get(asset).expect(200);
      }
      expect((await request(t.app).get('/vendor/purify.js')).text).toContain('DOMPurify');
    } finally { await t.close(); }
  });

  test('when the server runs in --original mode, then the web chat works and the WhatsApp routes do not exist', async () => {
    const t = await createTestApp({ argv: ['--original'] });
    try {
      expect(t.config.mode).toBe('original');
      expect(t.deps.modules.map((m) => m.name)).toContain('web');
      await request(t.app).get('/').expect(200);
      await request(t.app).get('/api/me').expect(401);
      const demo = await request.agent(t.app).post('/auth/demo').send({ name: 'Original' }).expect(200);
      expect(demo.body.user.id).toBe('demo_original');
      await request(t.app).get('/webhook/whatsapp').expect(404);
      await request(t.app).post('/webhook/whatsapp').send({}).expect(404);
      await request(t.app).get('/api/whatsapp/status').expect(404);
    } finally { await t.close(); }
  });

  test('when `npm run start:original` starts the real server, then it serves the chat page and says it is web chat only', async () => {
    const s = await spawnServer({ argv: ['--original'] });
    try {
      expect(s.output()).toContain('(web chat only)');
      const page = await fetch(`${s.url}/`);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('Asisten laporan kredit'); // Bahasa Indonesia by default
      expect((await fetch(`${s.url}/webhook/whatsapp`)).status).toBe(404);
    } finally { await s.stop(); }
  });
});
