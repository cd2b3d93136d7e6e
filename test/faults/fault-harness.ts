// Shared machinery of the fault suite: a cluster of real server processes on one database, a
// Meta-like sender that re-delivers every webhook until it gets a 200 (as Meta does), and the final
// tally: messages sent by users, replies received, lost and duplicated, printed per scenario.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Database } from '../../src/db/database';
import { spawnServer, type ServerProcess } from '../helpers/server-process';
import { startFakeGraphServer, type FakeGraphServer } from '../helpers/fake-graph-server';
import { startFakeOpenRouter, type FakeOpenRouter } from '../helpers/fake-openrouter-server';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database';
import { metaEnv, newWamid, signedRequest, webhookPayload } from '../helpers/whatsapp-payloads';

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface UserMessage { wamid: string; text: string; timestamp: number }
export interface Conversation { phone: string; messages: UserMessage[] }

/** `n` conversations of `perConversation` messages each, WhatsApp timestamps one second apart. */
export function makeConversations(n: number, prefix: string, perConversation = 1): Conversation[] {
  const now = Math.floor(Date.now() / 1000);
  return Array.from({ length: n }, (_, i) => ({
    phone: `${prefix}${String(i).padStart(4, '0')}`,
    messages: Array.from({ length: perConversation }, (_, j) => ({ wamid: newWamid(), text: `pesan ${j + 1} dari percakapan ${i}`, timestamp: now + j })),
  }));
}

export const payloadOf = (phone: string, m: UserMessage) =>
  webhookPayload({ messages: [{ from: phone, text: m.text, id: m.wamid, timestamp: m.timestamp, name: 'Fault Test' }] });

/** Environment of every server process of the suite: short window, lease and sweep, fakes for Meta and OpenRouter. */
export function faultEnv(o: { databaseUrl: string; graph: FakeGraphServer; openRouterUrl: string; extra?: Record<string, string> }): Record<string, string> {
  const kbDir = fs.mkdtempSync(path.join(os.tmpdir(), 'aicw-faults-kb-'));
  return {
    DATABASE_URL: o.databaseUrl, ...metaEnv(o.graph.url),
    WHATSAPP_BUFFER_MS: '1000', WHATSAPP_LEASE_MS: '3000', WHATSAPP_SWEEP_MS: '300', META_GRAPH_TIMEOUT_MS: '1000',
    OPENROUTER_API_KEY: 'test-openrouter-key', OPENROUTER_URL: o.openRouterUrl, OPENROUTER_TIMEOUT_MS: '1000', OPENROUTER_MAX_RETRY_MS: '20000',
    KNOWLEDGE_DIR: kbDir, ENABLE_CLEANUP: 'false', DATABASE_POOL_MAX: '5', LOG_LEVEL: 'info',
    ...o.extra,
  };
}

export class Cluster {
  readonly servers: (ServerProcess | null)[] = [];
  kills = 0;
  constructor(private readonly env: Record<string, string>, size: number) { this.servers.length = size; this.servers.fill(null); }
  async start(i: number): Promise<ServerProcess> {
    const s = await spawnServer({ env: this.env, timeoutMs: 30_000 });
    this.servers[i] = s;
    return s;
  }
  async startAll() { await Promise.all(this.servers.map((_, i) => this.start(i))); }
  /** The killed process stays in the rotation until it is restarted, like a load balancer that has not noticed yet. */
  async kill9(i: number) { this.kills++; await this.servers[i]?.kill9(); }
  isDown(i: number) { const s = this.servers[i]; return !s || s.child.exitCode !== null || s.child.signalCode !== null; }
  targets(): ServerProcess[] { return this.servers.filter((s): s is ServerProcess => s !== null); }
  alive(): ServerProcess[] { return this.servers.filter((s, i): s is ServerProcess => s !== null && !this.isDown(i)); }
  async stopAll() { for (const s of this.servers.splice(0)) await s?.kill9(); }
  output() { return this.servers.map((s) => s?.output() ?? '').join('\n'); }
}

/** What every scenario (but the database restart, which brings its own server) runs against. */
export interface FaultWorld {
  database: TestDatabase;
  graph: FakeGraphServer;
  ai: FakeOpenRouter;
  cluster: Cluster;
  /** Starts the server processes now (for a scenario that sets things up first); stopped after the file. */
  startCluster(extra?: Record<string, string>, size?: number): Promise<Cluster>;
}

/**
 * Registers beforeAll/afterAll that make the outside world of a fault scenario: a database of its
 * own on the PostgreSQL server, fake Graph and OpenRouter servers (the model answering `aiText`),
 * and, with `cluster`, two server processes started before the tests. Everything is removed after.
 */
export function useFaultWorld(opts: { aiText?: string; cluster?: { extra?: Record<string, string>; size?: number } } = {}): FaultWorld {
  const w = {} as FaultWorld;
  w.startCluster = async (extra, size = 2) => {
    w.cluster = new Cluster(faultEnv({ databaseUrl: w.database.url!, graph: w.graph, openRouterUrl: w.ai.url, extra }), size);
    await w.cluster.startAll();
    return w.cluster;
  };
  beforeAll(async () => {
    w.database = await createTestDatabase();
    w.graph = await startFakeGraphServer();
    w.ai = await startFakeOpenRouter();
    if (opts.aiText) w.ai.defaultText = opts.aiText;
    if (opts.cluster) await w.startCluster(opts.cluster.extra, opts.cluster.size);
  });
  afterAll(async () => {
    await w.cluster?.stopAll();
    await w.graph?.close();
    await w.ai?.close();
    await w.database?.drop();
  });
  return w;
}

export interface DeliveryStats { deliveries: number; non2xx: Map<number, number>; networkErrors: number }
export const newStats = (): DeliveryStats => ({ deliveries: 0, non2xx: new Map(), networkErrors: 0 });

/**
 * Delivers one webhook like Meta: to any live instance (the load balancer), again and again with
 * backoff until one answers 200. Returns the statuses seen before the 200.
 */
export async function deliver(cluster: Cluster, payload: unknown, stats: DeliveryStats, opts: { deadlineMs?: number; pick?: number } = {}): Promise<number[]> {
  const { body, headers } = signedRequest(payload);
  const deadline = Date.now() + (opts.deadlineMs ?? 90_000);
  const seen: number[] = [];
  for (let attempt = 0; ; attempt++) {
    const all = cluster.targets();
    const target = all.length ? all[((opts.pick ?? 0) + attempt) % all.length] : null;
    if (target) {
      stats.deliveries++;
      try {
        const res = await fetch(`${target.url}/webhook/whatsapp`, { method: 'POST', headers, body, signal: AbortSignal.timeout(10_000) });
        await res.text();
        if (res.status === 200) return seen;
        seen.push(res.status);
        stats.non2xx.set(res.status, (stats.non2xx.get(res.status) ?? 0) + 1);
      } catch {
        seen.push(0);
        stats.networkErrors++;
      }
    }
    if (Date.now() > deadline) throw new Error(`webhook never accepted; statuses seen: ${seen.join(',')}`);
    await sleep(Math.min(2000, 100 * 2 ** Math.min(attempt, 5)));
  }
}

export interface Tally { scenario: string; conversations: number; sent: number; stored: number; batches: number; received: number; lost: number; duplicated: number }

/** Counts from the user's side (replies the fake Graph API accepted) and the database's. */
export async function tally(scenario: string, db: Database, graph: FakeGraphServer, conversations: Conversation[]): Promise<Tally> {
  const wamids = conversations.flatMap((c) => c.messages.map((m) => m.wamid));
  const stored = await db.query<{ wamid: string; status: string | null }>(
    `SELECT i.wamid, b.status FROM whatsapp_inbound i LEFT JOIN whatsapp_batches b ON b.id = i.batch_id WHERE i.wamid = ANY($1::text[])`, [wamids]);
  const answered = new Set(stored.rows.filter((r) => r.status === 'sent').map((r) => r.wamid));
  const batches = await db.query<{ conversation_key: string; n: number }>(
    `SELECT conversation_key, count(*)::int AS n FROM whatsapp_batches WHERE status = 'sent' GROUP BY conversation_key`);
  const batchesOf = new Map(batches.rows.map((r) => [r.conversation_key, r.n]));
  const replies = new Map<string, number>();
  for (const c of graph.sent()) replies.set(c.to!, (replies.get(c.to!) ?? 0) + 1);
  let lost = wamids.filter((w) => !answered.has(w)).length;
  let duplicated = 0;
  let received = 0;
  let batchCount = 0;
  for (const c of conversations) {
    const got = replies.get(c.phone) ?? 0;
    const expected = batchesOf.get(`whatsapp_${c.phone}`) ?? 0;
    received += got;
    batchCount += expected;
    duplicated += Math.max(0, got - expected);
    lost += Math.max(0, expected - got);
  }
  const t: Tally = { scenario, conversations: conversations.length, sent: wamids.length, stored: stored.rows.length, batches: batchCount, received, lost, duplicated };
  // The suite's report: one line per scenario.
  console.log(`[faults] ${scenario}: sent=${t.sent} received=${t.received} lost=${t.lost} duplicated=${t.duplicated} (conversations=${t.conversations}, stored=${t.stored}, batches answered=${t.batches})`);
  return t;
}

/** Waits until every message is in an answered batch and every answered batch has its reply, then a quiet period for late duplicates. */
export async function settle(db: Database, graph: FakeGraphServer, conversations: Conversation[], opts: { timeoutMs?: number; quietMs?: number } = {}) {
  const deadline = Date.now() + (opts.timeoutMs ?? 90_000);
  const wamids = conversations.flatMap((c) => c.messages.map((m) => m.wamid));
  for (;;) {
    const r = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM whatsapp_inbound i JOIN whatsapp_batches b ON b.id = i.batch_id AND b.status = 'sent' WHERE i.wamid = ANY($1::text[])`, [wamids])
      .catch(() => ({ rows: [{ n: -1 }] }));
    const open = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM whatsapp_conversations WHERE due_at IS NOT NULL OR open_batch_id IS NOT NULL`)
      .catch(() => ({ rows: [{ n: -1 }] }));
    if (r.rows[0].n === wamids.length && open.rows[0].n === 0) break;
    if (Date.now() > deadline) break; // the tally reports what is missing
    await sleep(250);
  }
  await sleep(opts.quietMs ?? 3000);
  void graph;
}
