// Property/fuzz test of the webhook: thousands of random and mutated payloads (Meta's own examples
// with fields replaced, deleted or made extreme; random JSON; random bytes), signed and unsigned,
// against the real app on a real socket and a real database.
//   - signed JSON → always 200 (stored, or ignored as not ours), never a 5xx: a 5xx makes Meta
//     re-deliver the same poison for days; signed non-JSON → 400;
//   - unsigned or wrongly signed → 401 and nothing at all stored;
//   - the server keeps answering and logs no request failure.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import examples from '../fixtures/meta-webhook-examples.json';
import { createWhatsAppTestApp, recordingAi, sleep, type WhatsAppTestApp } from '../helpers/whatsapp-test-app';
import { signPayload, TEST_META } from '../helpers/whatsapp-payloads';

const FIXTURES = (examples as { payload: unknown }[]).map((e) => e.payload);
const RUNS = Number(process.env.FUZZ_RUNS ?? 1500);
/** Longer runs (FUZZ_RUNS=20000) get the time they need. */
const TIMEOUT = Math.max(60_000, RUNS * 20);
const TABLES = ['whatsapp_inbound', 'whatsapp_conversations', 'whatsapp_statuses', 'whatsapp_batches', 'users', 'usercreditinsights', 'conversation_messages'];

// ---- generators -------------------------------------------------------------------------------
/** Values that have broken parsers and databases before: NUL, lone surrogates, huge and odd numbers. */
const nasty = fc.constantFrom<unknown>(
  '', ' ', '\u0000', 'a\u0000b', '\ud800', '\udfff x', '💥'.repeat(100), 'x'.repeat(5000), '9'.repeat(400), '+62 812-3456-7890',
  -1, 0, 1e308, -1e308, 8.64e12, -8.64e12, 253402300800, 99999999999, 1.5, Number.MAX_SAFE_INTEGER, '1e400', '-5',
  null, true, false, [], {}, [[[[[]]]]], { toString: 'x' }, { __proto__: { polluted: true } }, '__proto__', 'constructor',
);
const anyValue = fc.oneof(
  { weight: 3, arbitrary: nasty },
  { weight: 3, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 300 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', minLength: 2000, maxLength: 3000 }) },
);

type Json = unknown;
type Mutation = { kind: 'set' | 'delete' | 'dup-array' | 'wrap'; at: number; value: unknown };
const mutation: fc.Arbitrary<Mutation> = fc.record({
  kind: fc.constantFrom<Mutation['kind']>('set', 'set', 'set', 'delete', 'dup-array', 'wrap'),
  at: fc.nat(),
  value: anyValue,
});

/** Every container (object/array) and key in the tree, so a mutation can pick one by index. */
function slots(node: Json, out: { parent: Record<string, unknown> | unknown[]; key: string | number }[] = []) {
  if (Array.isArray(node)) node.forEach((v, i) => { out.push({ parent: node, key: i }); slots(v, out); });
  else if (node && typeof node === 'object') for (const [k, v] of Object.entries(node)) { out.push({ parent: node as Record<string, unknown>, key: k }); slots(v, out); }
  return out;
}

function mutate(payload: Json, mutations: Mutation[]): Json {
  const root = structuredClone(payload);
  for (const m of mutations) {
    const all = slots(root);
    if (!all.length) break;
    const { parent, key } = all[m.at % all.length];
    const p = parent as Record<string | number, unknown>;
    // A copy: fc.constantFrom hands out the same object every time, and inserting that shared instance
    // let a later mutation make it contain itself (a cycle JSON cannot encode) and leak into later runs.
    if (m.kind === 'set') p[key] = structuredClone(m.value);
    else if (m.kind === 'delete') { if (Array.isArray(parent)) parent.splice(key as number, 1); else delete p[key]; }
    else if (m.kind === 'dup-array') { const v = p[key]; p[key] = Array.isArray(v) ? [...v, ...v] : [v, v]; }
    else p[key] = { wrapped: p[key] };
  }
  return root;
}

const mutatedFixture = fc.tuple(fc.constantFrom(...FIXTURES), fc.array(mutation, { minLength: 1, maxLength: 6 }))
  .map(([p, ms]) => JSON.stringify(mutate(p, ms)));
const jsonBody = fc.oneof(
  { weight: 6, arbitrary: mutatedFixture },
  { weight: 1, arbitrary: fc.constantFrom(...FIXTURES).map((p) => JSON.stringify(p)) },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)) },
);
const rawBody = fc.oneof(
  fc.uint8Array({ maxLength: 2000 }).map((b) => Buffer.from(b)),
  fc.string({ unit: 'binary', maxLength: 500 }).map((s) => Buffer.from(s, 'utf8')),
  mutatedFixture.map((s) => Buffer.from(s.slice(0, Math.max(1, s.length - 7)))), // truncated JSON
);

// ---- the server under test --------------------------------------------------------------------
let t: WhatsAppTestApp;
let server: http.Server;
let base: string;

beforeAll(async () => {
  // A long window: these tests are about intake; the batch worker never runs on this garbage here.
  t = await createWhatsAppTestApp({ bufferMs: 10 * 60_000, ai: recordingAi() });
  server = http.createServer(t.app);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
  await t.close();
});

async function post(body: Buffer | string, signature: string | null): Promise<number> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (signature !== null) headers['x-hub-signature-256'] = signature;
  const res = await fetch(`${base}/webhook/whatsapp`, { method: 'POST', headers, body: typeof body === 'string' ? body : new Uint8Array(body) });
  await res.arrayBuffer();
  return res.status;
}

async function counts(): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const table of TABLES) out[table] = await t.count(`SELECT count(*)::int AS n FROM ${table}`);
  return out;
}

const failures = () => t.logs.lines().filter((l) => l.msg === 'request failed' || /could not store webhook/.test(String(l.msg)));

describe('webhook under random and mutated input', () => {
  it('when thousands of unsigned or wrongly signed payloads arrive, then each gets 401 and nothing is stored', async () => {
    const badSignature = fc.oneof(
      fc.constant(null),
      fc.constant(''),
      fc.constant('sha256='),
      fc.string({ maxLength: 80 }),
      fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 64, maxLength: 64 }).map((h) => `sha256=${h}`),
      fc.constant('sha1=0000'),
    );
    await fc.assert(fc.asyncProperty(fc.oneof(jsonBody, rawBody), badSignature, fc.boolean(), async (body, sig, signedWithOtherSecret) => {
      // Either a made-up signature, or a real one made with the wrong secret.
      const signature = signedWithOtherSecret ? signPayload(body, `${TEST_META.appSecret}-not`) : sig;
      expect(await post(body, signature)).toBe(401);
    }), { numRuns: RUNS });
    await sleep(50);
    expect(Object.values(await counts()).every((n) => n === 0)).toBe(true);
    expect(failures()).toEqual([]);
  }, TIMEOUT);

  it('when thousands of signed random and mutated payloads arrive, then JSON gets 200, non-JSON 400, and never a 5xx', async () => {
    const seen = new Map<number, number>();
    await fc.assert(fc.asyncProperty(fc.oneof({ weight: 4, arbitrary: jsonBody }, { weight: 1, arbitrary: rawBody }), async (body) => {
      const buf = Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8');
      let isJson = true;
      try { JSON.parse(buf.toString('utf8')); } catch { isJson = false; }
      const status = await post(buf, signPayload(buf, TEST_META.appSecret));
      seen.set(status, (seen.get(status) ?? 0) + 1);
      expect({ status, body: buf.toString('utf8').slice(0, 300) }).toEqual({ status: isJson ? 200 : 400, body: buf.toString('utf8').slice(0, 300) });
    }), { numRuns: RUNS });
    // Something really was stored (the generators are not all rejected early), and nothing failed.
    expect(await t.count('SELECT count(*)::int AS n FROM whatsapp_inbound')).toBeGreaterThan(0);
    expect(failures()).toEqual([]);
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
  }, TIMEOUT);
});

describe('the batch worker on fuzzed input', () => {
  it('when signed mutated payloads are answered end to end, then every batch finishes and nothing fails unexpectedly', async () => {
    const w = await createWhatsAppTestApp({ bufferMs: 30, ai: recordingAi(), env: { WHATSAPP_RATE_LIMIT_PER_MINUTE: '0' } });
    try {
      const bodies = fc.sample(mutatedFixture, { numRuns: Number(process.env.FUZZ_WORKER_RUNS ?? 300) });
      for (const body of bodies) {
        const res = await w.post(body);
        expect(res.status).toBe(200);
      }
      const end = Date.now() + 20_000;
      await sleep(100);
      while (await w.count('SELECT count(*)::int AS n FROM whatsapp_conversations WHERE due_at IS NOT NULL OR open_batch_id IS NOT NULL') > 0) {
        if (Date.now() > end) throw new Error('batches did not finish');
        await sleep(50);
      }
      // Errors Meta's own example payloads report (failed statuses, error notices) are expected lines.
      const expected = /^(❌ Failed to send message|❌ WhatsApp could not deliver a message|❌ WhatsApp reported error)/;
      const unexpected = w.logs.lines().filter((l) => Number(l.level) >= 50 && !expected.test(String(l.msg)));
      // The error goes with the line, so a failure says what went wrong (seen once in CI, not reproduced).
      expect(unexpected.map((l) => `${l.msg}${l.err ? `: ${JSON.stringify(l.err).slice(0, 500)}` : ''}`)).toEqual([]);
      expect(await w.count("SELECT count(*)::int AS n FROM whatsapp_batches WHERE status = 'open'")).toBe(0);
      expect(w.graph.sent().length).toBeGreaterThan(0);
    } finally { await w.close(); }
  });
});
