// Knowledge base and AI turn benchmark. Usage: npm run build && node bench/knowledge.js
// Builds a ≥200-page knowledge base (the sample guide + generated filler PDFs) in a temp folder and
// measures, each against a baseline from the same run:
//  - prompt tokens per turn: retrieval (what we send) vs pasting the whole knowledge base;
//  - retrieval hit rate (right page in the top 5 / top 1) on bench/kb-questions.json vs a naive
//    word-overlap ranking without our Indonesian/English analysis;
//  - knowledge base load time: cold (parse every PDF) vs cached (content-hash cache);
//  - per-turn processing time excluding the model call (retrieval + credit data from the embedded
//    database + prompt) vs building a whole-KB prompt.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const root = path.resolve(__dirname, '..');
const dist = (p) => require(path.join(root, 'dist', p));
const { renderPdf } = require(path.join(root, 'scripts/build-knowledge.js'));
const { fillerPages, pct } = require('./_bench-util');
const { createKnowledgeBase } = dist('knowledge/knowledge-base.js');
const { estimateTokens, words } = dist('knowledge/text-analyzer.js');
const { createAiProcessor } = dist('ai/processor.js');
const { buildChatMessages, promptTokens } = dist('ai/prompts.js');
const { createEmbeddedDatabase } = dist('db/database.js');
const { migrate } = dist('db/migrator.js');
const { createCreditRepository } = dist('credit/credit-repository.js');
const { createUserRepository } = dist('users/user-repository.js');
const { silentLogger } = dist('shared/logger.js');
const questions = require('./kb-questions.json');

const SAMPLE = path.join(root, 'knowledge', 'panduan-kredit-sehat.pdf');
const FILLER_FILES = 4;
const FILLER_PAGES = 48;

// Filler words (each bench keeps the list its recorded numbers were measured with).
const FILLER_VOCAB = ('bank nasabah rekening tabungan deposito bunga kredit pinjaman cicilan tenor agunan asuransi premi polis ' +
    'investasi reksa dana saham obligasi transfer biaya administrasi kartu debit limit transaksi mobile banking aplikasi ' +
    'cabang layanan pelanggan formulir dokumen identitas npwp slip gaji perusahaan karyawan usaha modal kerja laporan ' +
    'keuangan neraca arus kas pajak penghasilan bulanan tahunan jatuh tempo denda pembayaran saldo minimum program promo ' +
    'hadiah poin cashback merchant belanja online keamanan sandi verifikasi data pribadi persetujuan syarat ketentuan ' +
    'nasional regional kantor pusat direksi komisaris rapat anggaran proyek infrastruktur valuta asing kurs rupiah dolar').split(' ');

const ms = (t0) => Number(process.hrtime.bigint() - t0) / 1e6;

(async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aicw-bench-kb-'));
  const cacheDir = path.join(dir, 'cache');
  const kbDir = path.join(dir, 'kb');
  fs.mkdirSync(kbDir);
  fs.copyFileSync(SAMPLE, path.join(kbDir, 'panduan-kredit-sehat.pdf'));
  for (let f = 1; f <= FILLER_FILES; f++) await renderPdf(fillerPages(f, FILLER_PAGES, FILLER_VOCAB), path.join(kbDir, `lampiran-${f}.pdf`), `Lampiran ${f}`);

  // Load: cold (empty cache) vs cached (a new process would see the same cache folder).
  let t0 = process.hrtime.bigint();
  const cold = createKnowledgeBase({ dir: kbDir, cacheDir, maxPromptTokens: 1500, logger: silentLogger() });
  const report = await cold.reload();
  const coldMs = ms(t0);
  t0 = process.hrtime.bigint();
  const kb = createKnowledgeBase({ dir: kbDir, cacheDir, maxPromptTokens: 1500, logger: silentLogger() });
  await kb.reload();
  const cachedMs = ms(t0);

  // Whole-KB baseline text, page by page, straight from the cache entries' passages would double
  // count overlaps, so parse the pages once more for an exact figure.
  const { loadPdfPages } = dist('knowledge/pdf-loader.js');
  let wholeText = '';
  for (const f of fs.readdirSync(kbDir).filter((n) => n.endsWith('.pdf'))) {
    for (const p of await loadPdfPages(new Uint8Array(fs.readFileSync(path.join(kbDir, f))))) wholeText += `${p.text}\n`;
  }

  // Hit rate: our search vs a naive word-overlap ranking of pages.
  const pages = [];
  for (const p of await loadPdfPages(new Uint8Array(fs.readFileSync(SAMPLE)))) pages.push({ file: 'panduan-kredit-sehat.pdf', page: p.num, words: new Set(words(p.text)) });
  for (let f = 1; f <= FILLER_FILES; f++) {
    for (const p of await loadPdfPages(new Uint8Array(fs.readFileSync(path.join(kbDir, `lampiran-${f}.pdf`))))) pages.push({ file: `lampiran-${f}.pdf`, page: p.num, words: new Set(words(p.text)) });
  }
  let top5 = 0, top1 = 0, naive5 = 0, naive1 = 0;
  for (const { q, page } of questions) {
    const ranked = [];
    for (const p of kb.search(q, { limit: 20, maxTokens: 1e9 })) {
      const key = `${p.file}#${p.page}`;
      if (!ranked.includes(key)) ranked.push(key);
    }
    const want = `panduan-kredit-sehat.pdf#${page}`;
    if (ranked.slice(0, 5).includes(want)) top5++;
    if (ranked[0] === want) top1++;
    const qw = words(q);
    const naive = pages.map((p) => ({ key: `${p.file}#${p.page}`, s: qw.filter((w) => p.words.has(w)).length })).sort((a, b) => b.s - a.s);
    if (naive.slice(0, 5).some((x) => x.key === want)) naive5++;
    if (naive[0].key === want) naive1++;
  }

  // Per-turn processing without the model: a client that answers instantly stands in for OpenRouter.
  const db = await createEmbeddedDatabase({});
  await migrate(db);
  const users = createUserRepository({ db });
  const credit = createCreditRepository({ db });
  await users.upsert({ id: 'whatsapp_6281200000001', channel: 'whatsapp', phone: '6281200000001' });
  await credit.ensureDummyProfile('whatsapp_6281200000001');
  const sent = [];
  const client = { async complete(messages) { sent.push(promptTokens(messages)); return { text: 'ok', model: 'bench', promptTokens: null, completionTokens: null, latencyMs: 0, attempts: 1 }; } };
  const config = { openRouter: { apiKey: 'x', url: 'http://127.0.0.1:9', model: 'm', fallbackModels: [], timeoutMs: 1000, maxRetryMs: 0, appName: 'Bench' },
    knowledge: { dir: kbDir, cacheDir, maxPromptTokens: 1500 }, historyMaxTokens: 1500, publicUrl: 'http://localhost' };
  const ai = createAiProcessor({ config, logger: silentLogger(), knowledge: kb, credit, client });
  const turnMs = [];
  for (let round = 0; round < 5; round++) {
    for (const { q } of questions) {
      t0 = process.hrtime.bigint();
      await ai.reply({ userId: 'whatsapp_6281200000001', channel: 'whatsapp', messages: [q], history: [] });
      turnMs.push(ms(t0));
    }
  }
  // Baseline turn: the whole knowledge base pasted into the prompt (what the seed-style bot does).
  const wholeMs = [];
  const wholeTokens = [];
  for (const { q } of questions) {
    t0 = process.hrtime.bigint();
    const userData = 'x'.repeat(1000);
    const msgs = buildChatMessages({ appName: 'Bench', passages: [{ file: 'all', page: 0, text: wholeText, score: 1, tokens: 0 }], userData, history: [], messages: [q] });
    wholeTokens.push(promptTokens(msgs));
    wholeMs.push(ms(t0));
  }
  await db.close();
  fs.rmSync(dir, { recursive: true, force: true });

  const avg = (xs) => xs.reduce((s, x) => s + x, 0) / xs.length;
  const n = questions.length;
  const rows = [
    ['knowledge base', `${report.files.length} PDFs, ${report.totalPages} pages, ${report.totalPassages} passages, ${estimateTokens(wholeText)} tokens of text`, ''],
    ['prompt tokens per turn (estimate)', `retrieval: avg ${Math.round(avg(sent))}, max ${Math.max(...sent)}`, `whole KB pasted: ${Math.round(avg(wholeTokens))}`],
    ['right page in top 5', `${top5}/${n} (${Math.round(100 * top5 / n)}%)`, `naive word overlap: ${naive5}/${n} (${Math.round(100 * naive5 / n)}%)`],
    ['right page first', `${top1}/${n} (${Math.round(100 * top1 / n)}%)`, `naive word overlap: ${naive1}/${n} (${Math.round(100 * naive1 / n)}%)`],
    ['KB load', `cached: ${Math.round(cachedMs)} ms`, `cold (parse all): ${Math.round(coldMs)} ms`],
    ['turn processing excl. model (retrieval + credit rows + prompt)', `p50 ${pct(turnMs, 50).toFixed(2)} ms, p95 ${pct(turnMs, 95).toFixed(2)} ms (${turnMs.length} turns)`, `whole-KB prompt build: p50 ${pct(wholeMs, 50).toFixed(2)} ms`],
  ];
  console.log('| what | ours | baseline (same run) |\n|---|---|---|');
  for (const r of rows) console.log(`| ${r.join(' | ')} |`);
})().catch((err) => { console.error(err); process.exit(1); });
