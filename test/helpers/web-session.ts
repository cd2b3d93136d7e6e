// Helpers for web chat tests: sign in through the real routes (demo or Google against the fake
// provider) with a supertest agent that keeps the session cookie like a browser does.
import request from 'supertest';
import type { Express } from 'express';
type App = Express;
import type { ChatLogger, LoggedTurn } from '../../src/chatlog/types';
import type { Channel } from '../../src/ai/types';

export type Agent = ReturnType<typeof request.agent>;

/** Signs in as demo_<name>; returns the agent and the session's CSRF token. */
export async function demoSignIn(app: App, name: string): Promise<{ agent: Agent; csrf: string; userId: string }> {
  const agent = request.agent(app);
  const r = await agent.post('/auth/demo').send({ name }).expect(200);
  return { agent, csrf: r.body.csrfToken as string, userId: r.body.user.id as string };
}

/** Runs the whole Google authorization-code flow: app → fake Google → callback. Returns the callback response. */
export async function googleSignIn(agent: Agent) {
  const start = await agent.get('/auth/google').expect(302);
  const authorize = new URL(start.headers.location);
  const consent = await fetch(authorize, { redirect: 'manual' });
  const back = new URL(consent.headers.get('location')!);
  return agent.get(back.pathname + back.search);
}

/** A ChatLogger that remembers what it was given (an implementation of the interface, not a mock of a module). */
export function recordingChatLogger(): ChatLogger & { turns: LoggedTurn[]; ended: { userId: string; channel: Channel }[] } {
  const turns: LoggedTurn[] = [];
  const ended: { userId: string; channel: Channel }[] = [];
  return {
    turns, ended,
    logTurn: (t) => { turns.push(t); },
    endSession: (userId, channel) => { ended.push({ userId, channel }); },
    activeSessions: async () => [],
    health: () => ({ enabled: true, transport: 'memory', queued: 0, written: turns.length, failedWrites: 0, droppedWrites: 0 }),
    flush: async () => {},
    close: async () => {},
  };
}

export const cookieHeader = (res: { headers: Record<string, unknown> }, name = 'aicw.sid'): string | undefined =>
  ([] as string[]).concat((res.headers['set-cookie'] as string[] | undefined) ?? []).find((c) => c.startsWith(`${name}=`));
