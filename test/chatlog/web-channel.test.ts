// The chat log behind the real web chat (demo sign-in, POST /api/chat, logout): what a user does
// in the browser ends up as one session with its messages, and a dead log database changes nothing
// for the user.
import { createTestApp } from '../helpers/test-app';
import { demoSignIn } from '../helpers/web-session';
import { messages, sessions } from './chatlog-fixtures';

describe('chat log behind the web chat', () => {
  test('when a signed-in user asks two questions and logs out, then one ended web session holds the four messages', async () => {
    const t = await createTestApp();
    try {
      const { agent, csrf, userId } = await demoSignIn(t.app, 'Sari');
      await agent.post('/api/chat').set('X-CSRF-Token', csrf).send({ message: 'Apa itu kolektibilitas?' }).expect(200);
      await agent.post('/api/chat').set('X-CSRF-Token', csrf).send({ message: 'Bagaimana menaikkan skor kredit?' }).expect(200);
      await agent.post('/auth/logout').set('X-CSRF-Token', csrf).expect((r) => { if (r.status >= 400) throw new Error(`logout ${r.status}`); });
      await t.deps.chatLogger.flush();
      const s = await sessions(t.database.db, userId);
      expect(s).toHaveLength(1);
      expect(s[0]).toMatchObject({ channel: 'web', message_count: 4, end_reason: 'logout' });
      const m = await messages(t.database.db, s[0].id);
      expect(m.map((x) => x.role)).toEqual(['user', 'assistant', 'user', 'assistant']);
      expect(m[0].content).toBe('Apa itu kolektibilitas?');
      // No OpenRouter key in tests: the processor answers offline, from the sample guide.
      expect(m[1].kind).toBe('offline');
      expect(t.deps.chatLogger.health()).toMatchObject({ failedWrites: 0, droppedWrites: 0 });
    } finally { await t.close(); }
  });

  test('when the same user signs in twice without logging out, then each login is its own log session', async () => {
    const t = await createTestApp();
    try {
      const first = await demoSignIn(t.app, 'Wati');
      await first.agent.post('/api/chat').set('X-CSRF-Token', first.csrf).send({ message: 'Apa itu SLIK?' }).expect(200);
      const second = await demoSignIn(t.app, 'Wati');
      expect(second.userId).toBe(first.userId);
      await second.agent.post('/api/chat').set('X-CSRF-Token', second.csrf).send({ message: 'Apa itu utilisasi?' }).expect(200);
      await t.deps.chatLogger.flush();
      const s = await sessions(t.database.db, first.userId);
      expect(s).toHaveLength(2);
      expect(s.map((x) => x.message_count)).toEqual([2, 2]);
    } finally { await t.close(); }
  });

  test('when the log database is down, then the web user still gets the answer and the lost entry is counted', async () => {
    const t = await createTestApp({ env: { SUPABASE_DATABASE_URL: 'postgres://postgres@127.0.0.1:1/chatlog' } });
    try {
      const { agent, csrf } = await demoSignIn(t.app, 'Dewi');
      const r = await agent.post('/api/chat').set('X-CSRF-Token', csrf).send({ message: 'Apa itu SLIK?' }).expect(200);
      expect(r.body.reply.text.length).toBeGreaterThan(0);
      expect(t.deps.chatLogger.health()).toMatchObject({ transport: 'supabase-postgres', written: 0 });
      expect(t.deps.chatLogger.health().queued + t.deps.chatLogger.health().failedWrites).toBe(1);
    } finally {
      // close() gives up on what cannot be written (after at most 5 s) and counts it.
      await t.close();
      expect(t.deps.chatLogger.health()).toMatchObject({ queued: 0, failedWrites: 1 });
    }
  });
});
