// Retrieval quality benchmark: does the page that answers a customer's question reach the prompt?
// Usage: npm run build && node bench/retrieval.js
// Knowledge base: the sample guide + lender product sheets that share its credit vocabulary
// (near-miss pages, bench/_product-sheets.js) + generic banking filler, about 250 pages.
// Questions: bench/retrieval-questions.json (tuned set), bench/retrieval-questions-heldout.json and
// bench/retrieval-questions-sealed.json (held out), reported separately; the project's regression
// guard, by category:
// paraphrase, chat (informal, typos), english, burst (2-3 short messages), followup (needs the
// previous turn), two_pages (needs both pages), distractor (product sheets look relevant).
// Per category, for the current retrieval and today's baseline (bench/_baseline-retrieval) in the
// same run: hit rate (answering page among the prompt's passages; both pages for two_pages), mean
// rank of the first answering passage, and the passages' size as a share of the knowledge base.
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { fillerPages, pct } = require('./_bench-util');
const root = path.resolve(__dirname, '..');
const dist = (p) => require(path.join(root, 'dist', p));
const { renderPdf } = require(path.join(root, 'scripts/build-knowledge.js'));
const { createKnowledgeBase } = dist('knowledge/knowledge-base.js');
const { CACHE_VERSION } = dist('knowledge/kb-cache.js');
const { conversationContext } = dist('knowledge/retrieval.js');
const { estimateTokens } = dist('knowledge/text-analyzer.js');
const { loadPdfPages } = dist('knowledge/pdf-loader.js');
const { silentLogger } = dist('shared/logger.js');
const { createBaselineSearch } = require('./_baseline-retrieval');
const { productSheets } = require('./_product-sheets');
// The tuned set (the synonyms table was written while looking at it); the held-out set (written
// without looking at the table; its first run is the honest figure, its misses were then looked at
// while improving the ranking, never patched in the table); the sealed set (written before those
// improvements, first run only after them).
const SETS = [
  ['tuned', require('./retrieval-questions.json')],
  ['held-out', require('./retrieval-questions-heldout.json')],
  ['sealed', require('./retrieval-questions-sealed.json')],
];
const questions = SETS.flatMap(([, qs]) => qs);
const http = require('node:http');

const GUIDE = 'panduan-kredit-sehat.pdf';
const MAX_PROMPT_TOKENS = 1500;
const FILLER_FILES = 4;
const FILLER_PAGES = 48;

// Filler words (each bench keeps the list its recorded numbers were measured with).
const FILLER_VOCAB = ('bank nasabah rekening tabungan deposito bunga kredit pinjaman cicilan tenor agunan asuransi premi polis ' +
    'investasi reksa dana saham obligasi transfer biaya administrasi kartu debit limit transaksi mobile banking aplikasi ' +
    'cabang layanan pelanggan formulir dokumen identitas npwp slip gaji perusahaan karyawan usaha modal kerja laporan ' +
    'keuangan neraca arus kas pajak penghasilan bulanan tahunan jatuh tempo denda pembayaran saldo minimum program promo ' +
    'hadiah poin cashback merchant belanja online keamanan sandi verifikasi data pribadi persetujuan syarat ketentuan').split(' ');

const ms = (t0) => Number(process.hrtime.bigint() - t0) / 1e6;
const turnOf = (q) => q.messages.map((m) => m.trim()).filter(Boolean).join('\n');

function judge(q, passages) {
  const want = q.pages.map((p) => `${GUIDE}#${p}`);
  const keys = passages.map((p) => `${p.file}#${p.page}`);
  const hit = q.cat === 'two_pages' ? want.every((w) => keys.includes(w)) : want.some((w) => keys.includes(w));
  const first = keys.findIndex((k) => want.includes(k));
  return { hit, rank: first >= 0 ? first + 1 : null, tokens: passages.reduce((s, p) => s + p.tokens, 0) };
}

async function buildCorpus(kbDir) {
  fs.copyFileSync(path.join(root, 'knowledge', GUIDE), path.join(kbDir, GUIDE));
  fs.copyFileSync(path.join(root, 'knowledge', 'synonyms.txt'), path.join(kbDir, 'synonyms.txt'));
  for (const sheet of productSheets()) await renderPdf(sheet.pages, path.join(kbDir, sheet.file), sheet.title);
  for (let f = 1; f <= FILLER_FILES; f++) await renderPdf(fillerPages(f, FILLER_PAGES, FILLER_VOCAB), path.join(kbDir, `lampiran-${f}.pdf`), `Lampiran ${f}`);
}

/**
 * Timing of the semantic route against a local stand-in of OpenRouter's embeddings endpoint (toy
 * hashed vectors of text-embedding-3-small's size): load cold (embedding every passage) and cached,
 * and a turn = query embedding call + fused search. Quality needs a real model and is not measured.
 */
async function semanticTiming(kbDir, dir) {
  const DIM = 1536;
  const vector = (text) => {
    const v = new Array(DIM).fill(0);
    for (const w of text.toLowerCase().split(/[^a-z0-9]+/).filter(Boolean)) { let h = 0; for (const c of w) h = (h * 31 + c.charCodeAt(0)) >>> 0; v[h % DIM] += 1; }
    return v;
  };
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ object: 'list', model: body.model, data: body.input.map((t, index) => ({ object: 'embedding', index, embedding: vector(t) })) }));
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const embeddings = { url: `http://127.0.0.1:${server.address().port}/api/v1/embeddings`, apiKey: 'bench', model: 'bench/toy-1536', timeoutMs: 1500 };
  const out = [];
  try {
    const guideDir = path.join(dir, 'guide-only');
    fs.mkdirSync(guideDir);
    fs.copyFileSync(path.join(kbDir, GUIDE), path.join(guideDir, GUIDE));
    for (const [label, folder] of [['sample guide', guideDir], ['bench knowledge base', kbDir]]) {
      const cacheDir = path.join(dir, `sem-cache-${label.length}`);
      const make = () => createKnowledgeBase({ dir: folder, cacheDir, maxPromptTokens: MAX_PROMPT_TOKENS, logger: silentLogger(), embeddings });
      let t0 = process.hrtime.bigint();
      await make().reload();
      const cold = ms(t0);
      t0 = process.hrtime.bigint();
      const kb = make();
      const report = await kb.reload();
      const cached = ms(t0);
      out.push(`${label} (${report.totalPassages} passages): load with embeddings cold ${Math.round(cold)} ms, with embeddings cached ${Math.round(cached)} ms`);
      if (folder !== kbDir) continue;
      const turn = [];
      const searchOnly = [];
      for (let round = 0; round < 3; round++) {
        for (const q of questions) {
          const context = conversationContext(q.history ?? []);
          t0 = process.hrtime.bigint();
          const queryVector = await kb.embedQuery(turnOf(q), context);
          const t1 = process.hrtime.bigint();
          kb.search(turnOf(q), { maxTokens: MAX_PROMPT_TOKENS, context, queryVector });
          searchOnly.push(ms(t1));
          turn.push(ms(t0));
        }
      }
      out.push(`per turn (query embedding over local HTTP + fused search): p50 ${pct(turn, 50).toFixed(2)} ms, p95 ${pct(turn, 95).toFixed(2)} ms; fused search alone p95 ${pct(searchOnly, 95).toFixed(2)} ms (${turn.length} turns)`);
    }
  } finally {
    await new Promise((r) => server.close(r));
  }
  return out;
}

(async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aicw-bench-retrieval-'));
  const kbDir = path.join(dir, 'kb');
  const cacheDir = path.join(dir, 'cache');
  fs.mkdirSync(kbDir);
  await buildCorpus(kbDir);
  const make = () => createKnowledgeBase({ dir: kbDir, cacheDir, maxPromptTokens: MAX_PROMPT_TOKENS, logger: silentLogger() });
  let t0 = process.hrtime.bigint();
  const report = await make().reload();
  const coldMs = ms(t0);
  t0 = process.hrtime.bigint();
  const kb = make();
  await kb.reload();
  const cachedMs = ms(t0);

  // The same passages for the baseline (from the cache entries), and the knowledge base's size.
  const passages = [];
  let kbTokens = 0;
  for (const f of fs.readdirSync(kbDir).filter((n) => n.endsWith('.pdf')).sort()) {
    const content = fs.readFileSync(path.join(kbDir, f));
    const key = `${crypto.createHash('sha256').update(content).digest('hex')}-${CACHE_VERSION}`;
    for (const p of JSON.parse(fs.readFileSync(path.join(cacheDir, `${key}.json`), 'utf8')).passages) passages.push({ ...p, file: f });
    for (const p of await loadPdfPages(new Uint8Array(content))) kbTokens += estimateTokens(p.text);
  }
  const baseline = createBaselineSearch(passages);
  // Ablation: the new stemmer and ranking without the synonyms table (an empty one).
  const emptySynonyms = path.join(dir, 'empty-synonyms.txt');
  fs.writeFileSync(emptySynonyms, '');
  const bare = createKnowledgeBase({ dir: kbDir, cacheDir: path.join(dir, 'cache-bare'), maxPromptTokens: MAX_PROMPT_TOKENS, logger: silentLogger(), synonymsFile: emptySynonyms });
  await bare.reload();

  const evaluate = (set) => {
    const cats = [...new Set(set.map((q) => q.cat))];
    const stats = {};
    const misses = [];
    for (const c of cats) stats[c] = { n: 0, ours: [], base: [], bare: [] };
    for (const q of set) {
      const turn = turnOf(q);
      const history = q.history ?? [];
      const ours = judge(q, kb.search(turn, { maxTokens: MAX_PROMPT_TOKENS, context: conversationContext(history) }));
      stats[q.cat].n++;
      stats[q.cat].ours.push(ours);
      stats[q.cat].base.push(judge(q, baseline(turn, history, { maxTokens: MAX_PROMPT_TOKENS })));
      stats[q.cat].bare.push(judge(q, bare.search(turn, { maxTokens: MAX_PROMPT_TOKENS, context: conversationContext(history) })));
      if (!ours.hit) misses.push(`${q.cat}: ${turn.replace(/\n/g, ' / ')} (want ${q.pages.join('+')})`);
    }
    return { cats, stats, misses, n: set.length };
  };
  const results = SETS.map(([name, set]) => [name, evaluate(set)]);

  // Typo stress: every question of every set again, with one deterministic typo in each word of six
  // letters or more (a letter dropped, two letters swapped, or the vowels dropped as in "sndiri").
  const TYPOS = {
    'letter dropped': (w) => w.slice(0, w.length >> 1) + w.slice((w.length >> 1) + 1),
    'letters swapped': (w) => { const i = w.length >> 1; return w.slice(0, i) + w[i + 1] + w[i] + w.slice(i + 2); },
    'vowels dropped': (w) => w[0] + w.slice(1).replace(/[aeiou]/gi, ''),
  };
  const typoRows = Object.entries(TYPOS).map(([name, typo]) => {
    const garble = (m) => m.replace(/[A-Za-z]{6,}/g, typo);
    const ours = [];
    const base = [];
    for (const q of questions) {
      const t = { ...q, messages: q.messages.map(garble) };
      const history = q.history ?? [];
      ours.push(judge(q, kb.search(turnOf(t), { maxTokens: MAX_PROMPT_TOKENS, context: conversationContext(history) })));
      base.push(judge(q, baseline(turnOf(t), history, { maxTokens: MAX_PROMPT_TOKENS })));
    }
    return [name, ours, base];
  });

  // Per-turn retrieval time (lexical): every question, five rounds.
  const times = [];
  for (let round = 0; round < 5; round++) {
    for (const q of questions) {
      t0 = process.hrtime.bigint();
      kb.search(turnOf(q), { maxTokens: MAX_PROMPT_TOKENS, context: conversationContext(q.history ?? []) });
      times.push(ms(t0));
    }
  }
  // RETRIEVAL_QUICK=1: quality tables only (while iterating on the ranking).
  const semantic = process.env.RETRIEVAL_QUICK ? [] : await semanticTiming(kbDir, dir);
  fs.rmSync(dir, { recursive: true, force: true });

  const fmt = (rs) => {
    const hits = rs.filter((r) => r.hit).length;
    const ranks = rs.map((r) => r.rank).filter((r) => r !== null);
    const share = rs.reduce((s, r) => s + r.tokens, 0) / rs.length / kbTokens;
    return `${hits}/${rs.length} (${Math.round(100 * hits / rs.length)}%) · rank ${ranks.length ? (ranks.reduce((s, r) => s + r, 0) / ranks.length).toFixed(2) : '-'} · ${(100 * share).toFixed(2)}%`;
  };
  console.log(`knowledge base: ${report.files.length} PDFs, ${report.totalPages} pages, ${report.totalPassages} passages, ~${kbTokens} tokens; budget ${MAX_PROMPT_TOKENS} tokens/turn\n`);
  for (const [name, r] of results) {
    console.log(`${name} set:\n`);
    console.log('| category | n | ours: hit · mean rank · prompt share of KB | baseline (same run) | ours without synonyms.txt |\n|---|---|---|---|---|');
    const all = { ours: [], base: [], bare: [] };
    for (const c of r.cats) {
      console.log(`| ${c} | ${r.stats[c].n} | ${fmt(r.stats[c].ours)} | ${fmt(r.stats[c].base)} | ${fmt(r.stats[c].bare)} |`);
      for (const k of ['ours', 'base', 'bare']) all[k].push(...r.stats[c][k]);
    }
    console.log(`| all | ${r.n} | ${fmt(all.ours)} | ${fmt(all.base)} | ${fmt(all.bare)} |\n`);
  }
  console.log(`typo stress (all ${questions.length} questions, a typo in every word of 6+ letters):\n`);
  console.log('| typo | ours | baseline (same run) |\n|---|---|---|');
  for (const [name, ours, base] of typoRows) console.log(`| ${name} | ${fmt(ours)} | ${fmt(base)} |`);
  console.log(`\nlexical retrieval per turn: p50 ${pct(times, 50).toFixed(2)} ms, p95 ${pct(times, 95).toFixed(2)} ms (${times.length} searches)`);
  console.log(`KB load: cold ${Math.round(coldMs)} ms, cached ${Math.round(cachedMs)} ms`);
  for (const [name, r] of results) if (r.misses.length) console.log(`\nmisses (ours, ${name} set):\n- ${r.misses.join('\n- ')}`);
  console.log(`\nsemantic route, timing only (a local stand-in for the embeddings endpoint: toy 1,536-dimension vectors, so no quality figures):`);
  for (const line of semantic) console.log(`- ${line}`);
})().catch((err) => { console.error(err); process.exit(1); });
