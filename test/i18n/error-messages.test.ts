// The JSON errors a person reads come in their language (?lang=, the lang cookie, Accept-Language,
// else APP_DEFAULT_LANGUAGE), with the same stable codes; the pages are served in it too, with
// <html lang> matching and the choice remembered in the lang cookie.
import request from 'supertest';
import { createTestApp, type TestApp } from '../helpers/test-app';
import { demoSignIn } from '../helpers/web-session';

describe('error messages and pages in the reader\'s language', () => {
  let t: TestApp;
  beforeAll(async () => { t = await createTestApp({ env: { WEB_CHAT_RATE_LIMIT_PER_MINUTE: '100' } }); });
  afterAll(() => t.close());

  test('when nobody is signed in, then the 401 says so in Indonesian by default and in English for an English browser, with one code', async () => {
    const id = await request(t.app).post('/api/chat').send({ message: 'hi' }).expect(401);
    expect(id.body).toEqual({ error: { code: 'not-signed-in', message: 'Silakan masuk terlebih dahulu.' } });
    expect(id.headers['content-language']).toBe('id');
    const en = await request(t.app).post('/api/chat').set('Accept-Language', 'en-US,en;q=0.9').send({ message: 'hi' }).expect(401);
    expect(en.body).toEqual({ error: { code: 'not-signed-in', message: 'Please sign in first.' } });
    const oldCode = await request(t.app).get('/api/me').set('Accept-Language', 'in-ID').expect(401);
    expect(oldCode.body.error.message).toBe('Silakan masuk terlebih dahulu.');
  });

  test('when the page chose a language (cookie or ?lang=), then it beats the browser\'s', async () => {
    const r = await request(t.app).get('/api/me').set('Accept-Language', 'id').set('Cookie', 'lang=en').expect(401);
    expect(r.body.error.message).toBe('Please sign in first.');
    const q = await request(t.app).get('/api/me?lang=id').set('Accept-Language', 'en').expect(401);
    expect(q.body.error.message).toBe('Silakan masuk terlebih dahulu.');
  });

  test('when a signed-in person sends an empty or broken message, then the 400 is a sentence in their language', async () => {
    const { agent, csrf } = await demoSignIn(t.app, 'Sari');
    const empty = await agent.post('/api/chat').set('X-CSRF-Token', csrf).set('Accept-Language', 'id').send({ message: '  ' }).expect(400);
    expect(empty.body.error).toEqual({ code: 'empty-message', message: 'Tulis pertanyaan Anda dulu.' });
    const emptyEn = await agent.post('/api/chat').set('X-CSRF-Token', csrf).set('Accept-Language', 'en').send({ message: '  ' }).expect(400);
    expect(emptyEn.body.error).toEqual({ code: 'empty-message', message: 'Type a question first.' });
    const broken = await agent.post('/api/chat').set('X-CSRF-Token', csrf).set('Content-Type', 'application/json').set('Accept-Language', 'en').send('{"message":').expect(400);
    expect(broken.body.error).toEqual({ code: 'invalid-json', message: 'The data sent is not valid JSON.' });
    const csrfMissing = await agent.post('/api/chat').set('Accept-Language', 'id').send({ message: 'hi' }).expect(403);
    expect(csrfMissing.body.error.message).toMatch(/^Halaman ini sudah kedaluwarsa/);
  });

  test('when an address does not exist, then an API client gets JSON and a browser a page, both in its language', async () => {
    const json = await request(t.app).get('/api/nothing-here').set('Accept-Language', 'en').expect(404);
    expect(json.body.error).toEqual({ code: 'not-found', message: 'This page or address does not exist.' });
    const page = await request(t.app).get('/nothing-here').set('Accept', 'text/html,application/xhtml+xml').set('Accept-Language', 'id').expect(404);
    expect(page.type).toBe('text/html');
    expect(page.text).toContain('<html lang="id">');
    expect(page.text).toContain('Halaman atau alamat ini tidak ditemukan.');
    // The pages' HTML files are templates: only their routes serve them, filled in.
    for (const raw of ['/admin/assets/index.html', '/admin/console/login.html']) {
      const r = await request(t.app).get(raw).expect(404);
      expect(r.text).not.toContain('{{');
    }
    const filled = await request(t.app).get('/index.html').expect(200);
    expect(filled.text).not.toContain('{{');
  });

  test('when APP_DEFAULT_LANGUAGE is en, then a browser without a known language reads English', async () => {
    const en = await createTestApp({ env: { APP_DEFAULT_LANGUAGE: 'en' } });
    try {
      const r = await request(en.app).get('/api/me').set('Accept-Language', 'fr-FR').expect(401);
      expect(r.body.error.message).toBe('Please sign in first.');
      const page = await request(en.app).get('/').set('Accept-Language', 'fr-FR').expect(200);
      expect(page.text).toContain('<html lang="en">');
    } finally { await en.close(); }
  });

  test('when the chat page is opened, then it is rendered in the browser\'s language with a switcher, and ?lang= is remembered for a year', async () => {
    const id = await request(t.app).get('/').set('Accept-Language', 'id-ID,id;q=0.9').expect(200);
    expect(id.text).toContain('<html lang="id">');
    expect(id.text).toContain('<title>Asisten laporan kredit</title>');
    expect(id.text).toMatch(/<a href="\?lang=en" hreflang="en" lang="en" data-lang="en">English<\/a>/);
    expect(id.text).not.toMatch(/\{\{[\w.]+\}\}/); // every marker filled
    expect(id.headers.vary).toMatch(/Accept-Language/);
    const en = await request(t.app).get('/?lang=en').set('Accept-Language', 'id').expect(200);
    expect(en.text).toContain('<html lang="en">');
    expect(en.text).toContain('Credit report assistant');
    const cookie = String(en.headers['set-cookie']);
    expect(cookie).toMatch(/^lang=en; Max-Age=31536000; Path=\/; Expires=[^;]+; SameSite=Lax$/);
    // Texts in the JSON data block cannot close the element.
    expect(en.text).toContain('<script type="application/json" id="i18n-data">');
  });

  test('when the sign-out page is opened, then it asks in the visitor\'s language', async () => {
    const { agent } = await demoSignIn(t.app, 'Wati');
    const id = await agent.get('/auth/logout').set('Accept-Language', 'id').expect(200);
    expect(id.text).toContain('<html lang="id">');
    expect(id.text).toContain('Keluar dari chat?');
    const en = await agent.get('/auth/logout').set('Accept-Language', 'en').expect(200);
    expect(en.text).toContain('Sign out of the chat?');
  });
});
