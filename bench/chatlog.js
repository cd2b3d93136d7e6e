// Chat log: what logTurn costs the caller (a reply path) and how fast the background writer
// drains to PostgreSQL with batching, each against a baseline measured in the same run:
//   caller cost  vs  the no-op logger (ENABLE_CHAT_LOGGING=false)
//   batched writes (100 per call)  vs  one call per turn
// Needs `npm run build` (done by `npm run bench`) and a PostgreSQL server:
//   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres node bench/chatlog.js
const pg = require('pg');
const { createPostgresDatabase } = require('../dist/db/database');
const { migrate } = require('../dist/db/migrator');
const { chatLogMigrations, createPostgresChatLogTransport } = require('../dist/chatlog/chatlog-repository');
const { createChatLogger } = require('../dist/chatlog/chat-logger');
const { createNoopChatLogger } = require('../dist/chatlog/types');
const { silentLogger } = require('../dist/shared/logger');

const SERVER = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const NAME = `aicw_bench_chatlog_${process.pid}`;
const N_CALLS = 20_000;
const N_WRITES = 3_000;

const turnOf = (i) => ({
  userId: `whatsapp_6281${String(i % 500).padStart(8, '0')}`, channel: i % 3 ? 'whatsapp' : 'web',
  userMessages: [{ text: 'Kenapa skor kredit saya turun bulan ini?', at: new Date() }],
  reply: { text: 'Skor Anda turun karena utilisasi kartu kredit naik.'.repeat(4), kind: 'ai', model: 'google/gemini-2.0-flash-exp:free',
    promptTokens: 900, completionTokens: 120, latencyMs: 1200, sources: [{ file: 'panduan-kredit.pdf', page: 3 }], at: new Date() },
});

async function admin(sql) {
  const c = new pg.Client({ connectionString: SERVER });
  await c.connect();
  try { await c.query(sql); } finally { await c.end(); }
}

function callerCost(logger) {
  const t = process.hrtime.bigint();
  for (let i = 0; i < N_CALLS; i++) logger.logTurn(turnOf(i));
  return Number(process.hrtime.bigint() - t) / 1e3 / N_CALLS; // µs per call
}

async function drain(db, batchSize) {
  await db.query('TRUNCATE chat_sessions CASCADE');
  const logger = createChatLogger({ transport: createPostgresChatLogTransport({ db }), logger: silentLogger(), whatsappIdleMinutes: 60, batchSize, maxQueue: N_WRITES });
  const t = Date.now();
  for (let i = 0; i < N_WRITES; i++) logger.logTurn(turnOf(i));
  await logger.flush();
  const ms = Date.now() - t;
  const h = logger.health();
  if (h.written !== N_WRITES) throw new Error(`expected ${N_WRITES} written, got ${JSON.stringify(h)}`);
  return Math.round(N_WRITES / (ms / 1000));
}

(async () => {
  await admin(`DROP DATABASE IF EXISTS "${NAME}"`);
  await admin(`CREATE DATABASE "${NAME}"`);
  const url = new URL(SERVER); url.pathname = `/${NAME}`;
  const db = createPostgresDatabase({ url: url.toString(), poolMax: 3 });
  try {
    await migrate(db, { migrations: chatLogMigrations() });
    // The queue is large enough for every call; the writer is never started (no event-loop turn).
    const noop = callerCost(createNoopChatLogger());
    const real = createChatLogger({ transport: createPostgresChatLogTransport({ db }), logger: silentLogger(), whatsappIdleMinutes: 60, maxQueue: N_CALLS });
    const cost = callerCost(real);
    await real.close();
    const one = await drain(db, 1);
    const batched = await drain(db, 100);
    console.table([
      { what: 'logTurn, caller cost (µs/call)', baseline: `${noop.toFixed(2)} (no-op logger)`, result: cost.toFixed(2) },
      { what: 'writes to PostgreSQL (turns/s)', baseline: `${one} (1 turn per call)`, result: `${batched} (100 per call)` },
    ]);
  } finally {
    await db.close();
    await admin(`DROP DATABASE IF EXISTS "${NAME}" WITH (FORCE)`);
  }
})().catch((err) => { console.error(err); process.exit(1); });
