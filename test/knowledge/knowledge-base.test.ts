import fs from 'node:fs';
import path from 'node:path';
import { createKnowledgeBase } from '../../src/knowledge/knowledge-base';
import { createKnowledgeModule } from '../../src/knowledge/knowledge-module';
import { captureLogs } from '../helpers/test-app';
import { SAMPLE_PDF, tempDir, writePdf } from '../helpers/kb-fixtures';
import questions from '../../bench/kb-questions.json';

function kbFor(dir: string, cacheDir = tempDir('cache'), extra: { progressAfterMs?: number } = {}) {
  const logs = captureLogs();
  const kb = createKnowledgeBase({ dir, cacheDir, maxPromptTokens: 1500, logger: logs.logger, ...extra });
  return { kb, logs, cacheDir };
}

describe('knowledge base: retrieval on the sample guide', () => {
  const { kb } = kbFor(path.dirname(SAMPLE_PDF));
  beforeAll(async () => { await kb.reload(); });

  test('when a question is asked, then the page that answers it is among the top 3 passages (Indonesian and English)', () => {
    const misses = questions.filter(({ q, page }) => {
      const pages = [...new Set(kb.search(q, { limit: 10 }).map((p) => p.page))];
      return !pages.slice(0, 3).includes(page);
    });
    expect(misses).toEqual([]);
  });

  test('when passages are returned, then each names its file and page and the total fits the token budget', () => {
    const found = kb.search('Berapa lama keterlambatan pembayaran tercatat di SLIK?', { maxTokens: 500, limit: 5 });
    expect(found.length).toBeGreaterThan(0);
    expect(found.reduce((s, p) => s + p.tokens, 0)).toBeLessThanOrEqual(500);
    expect(found[0]).toMatchObject({ file: 'panduan-kredit-sehat.pdf', page: 8 });
    // Page 8 comes in two passages; the one with the answer is among them.
    expect(found.some((p) => p.page === 8 && /24 bulan/.test(p.text))).toBe(true);
    expect(kb.search('kolektibilitas', { limit: 2 })).toHaveLength(2);
  });

  test('when the default budget applies, then a broad question still stays within KB_MAX_PROMPT_TOKENS', () => {
    const found = kb.search('skor kredit kolektibilitas paylater KPR KTA utilisasi sanggahan restrukturisasi', { limit: 50 });
    expect(found.reduce((s, p) => s + p.tokens, 0)).toBeLessThanOrEqual(1500);
  });

  test('when the question has no meaningful words, then nothing is returned', () => {
    expect(kb.search('   ')).toEqual([]);
    expect(kb.search('yang dan di ke')).toEqual([]);
  });
});

describe('knowledge base: loading, refresh, cache and bad files', () => {
  test('when nothing has been loaded yet, then isLoaded is false and search returns nothing', () => {
    const { kb } = kbFor(path.dirname(SAMPLE_PDF));
    expect(kb.isLoaded()).toBe(false);
    expect(kb.lastReport()).toBeNull();
    expect(kb.search('skor kredit')).toEqual([]);
  });

  test('when a PDF is added, changed and removed, then each refresh picks it up without a restart', async () => {
    const dir = tempDir('kb');
    fs.copyFileSync(SAMPLE_PDF, path.join(dir, 'panduan.pdf'));
    const { kb } = kbFor(dir);
    let report = await kb.reload();
    expect(report.files.map((f) => f.file)).toEqual(['panduan.pdf']);

    await writePdf(path.join(dir, 'promo.pdf'), ['Program cashback zamrud untuk nasabah baru.', 'Syarat program zamrud: minimal transaksi.']);
    report = await kb.reload();
    expect(report.files.map((f) => [f.file, f.pages])).toEqual([['panduan.pdf', 18], ['promo.pdf', 2]]);
    expect(report.totalPages).toBe(20);
    expect(kb.search('program zamrud')[0]).toMatchObject({ file: 'promo.pdf' });

    await writePdf(path.join(dir, 'promo.pdf'), ['Program safir menggantikan program lama.']);
    report = await kb.reload();
    expect(report.files.find((f) => f.file === 'promo.pdf')).toMatchObject({ pages: 1, cached: false });
    expect(kb.search('zamrud')).toEqual([]);
    expect(kb.search('program safir')[0]).toMatchObject({ file: 'promo.pdf', page: 1 });

    fs.rmSync(path.join(dir, 'promo.pdf'));
    report = await kb.reload();
    expect(report.files.map((f) => f.file)).toEqual(['panduan.pdf']);
    expect(kb.search('program safir').every((p) => p.file === 'panduan.pdf')).toBe(true);
  });

  test('when a PDF is corrupt, encrypted or image-only, then it is reported by name with a reason and the others still load', async () => {
    const dir = tempDir('kb');
    fs.copyFileSync(SAMPLE_PDF, path.join(dir, 'panduan.pdf'));
    fs.writeFileSync(path.join(dir, 'rusak.pdf'), '%PDF-1.4\nthis is not really a pdf\n');
    await writePdf(path.join(dir, 'rahasia.pdf'), ['isi rahasia'], { userPassword: 'sandi' });
    await writePdf(path.join(dir, 'scan.pdf'), ['', ''], { imageOnly: true });
    fs.writeFileSync(path.join(dir, 'catatan.txt'), 'not a pdf, ignored');
    const { kb, logs } = kbFor(dir);
    const report = await kb.reload();
    expect(report.files.map((f) => f.file)).toEqual(['panduan.pdf']);
    const failed = Object.fromEntries(report.failed.map((f) => [f.file, f.error]));
    expect(Object.keys(failed).sort()).toEqual(['rahasia.pdf', 'rusak.pdf', 'scan.pdf']);
    expect(failed['rahasia.pdf']).toMatch(/encrypted/);
    expect(failed['rusak.pdf']).toMatch(/not a valid PDF|could not be read/);
    expect(failed['scan.pdf']).toMatch(/no extractable text/);
    expect(kb.isLoaded()).toBe(true);
    expect(kb.search('kolektibilitas macet').length).toBeGreaterThan(0);
    expect(logs.text()).toMatch(/skipped rusak\.pdf/);
  });

  test('when the PDFs did not change, then a new process reads the cache instead of parsing them again', async () => {
    const dir = tempDir('kb');
    fs.copyFileSync(SAMPLE_PDF, path.join(dir, 'panduan.pdf'));
    const first = kbFor(dir);
    expect((await first.kb.reload()).files[0].cached).toBe(false);
    expect(fs.readdirSync(first.cacheDir).filter((n) => n.endsWith('.json'))).toHaveLength(1);

    // A renamed but identical file is the same content: still served from the cache.
    fs.renameSync(path.join(dir, 'panduan.pdf'), path.join(dir, 'guide.pdf'));
    const second = kbFor(dir, first.cacheDir);
    const report = await second.kb.reload();
    expect(report.files).toEqual([{ file: 'guide.pdf', pages: 18, passages: expect.any(Number), cached: true }]);
    expect(second.kb.search('Berapa lama keterlambatan tercatat?')[0]).toMatchObject({ file: 'guide.pdf', page: 8 });
  });

  test('when a reload is running, then searches keep answering from the previous index', async () => {
    const dir = tempDir('kb');
    fs.copyFileSync(SAMPLE_PDF, path.join(dir, 'panduan.pdf'));
    const { kb } = kbFor(dir);
    await kb.reload();
    await writePdf(path.join(dir, 'baru.pdf'), ['Dokumen baru tentang deposito berjangka.']);
    const pending = kb.reload();
    expect(kb.search('kolektibilitas macet').length).toBeGreaterThan(0);
    await pending;
    expect(kb.search('deposito berjangka')[0]).toMatchObject({ file: 'baru.pdf' });
  });

  test('when the folder is missing, then the knowledge base loads empty instead of failing', async () => {
    const { kb } = kbFor(path.join(tempDir('kb'), 'does-not-exist'));
    const report = await kb.reload();
    expect(report).toMatchObject({ files: [], failed: [], totalPages: 0, totalPassages: 0 });
    expect(kb.isLoaded()).toBe(true);
  });

  test('when loading takes longer than a moment, then progress lines appear in the log', async () => {
    const dir = tempDir('kb');
    fs.copyFileSync(SAMPLE_PDF, path.join(dir, 'a.pdf'));
    await writePdf(path.join(dir, 'b.pdf'), ['halaman satu', 'halaman dua']);
    const { kb, logs } = kbFor(dir, tempDir('cache'), { progressAfterMs: 0 });
    await kb.reload();
    const messages = logs.lines().map((l) => String(l.msg));
    expect(messages).toEqual(expect.arrayContaining([
      expect.stringMatching(/Indexed 1\/2 files/), expect.stringMatching(/Indexed 2\/2 files/),
      expect.stringMatching(/Knowledge base loaded: 2 file\(s\), 20 pages/),
    ]));
  });
});

describe('knowledge module', () => {
  test('when a PDF is dropped into the folder of a running server, then the module notices and reloads on its own', async () => {
    const dir = tempDir('kb');
    fs.copyFileSync(SAMPLE_PDF, path.join(dir, 'panduan.pdf'));
    const { kb, logs } = kbFor(dir);
    const mod = createKnowledgeModule(kb, logs.logger, { dir, watchIntervalMs: 50 });
    await mod.start?.();
    try {
      for (let i = 0; i < 200 && !kb.isLoaded(); i++) await new Promise((r) => setTimeout(r, 25));
      expect(kb.lastReport()?.files).toHaveLength(1);
      await writePdf(path.join(dir, 'tambahan.pdf'), ['Informasi tabungan berjangka mutiara.']);
      for (let i = 0; i < 200 && kb.lastReport()?.files.length !== 2; i++) await new Promise((r) => setTimeout(r, 25));
      expect(kb.search('tabungan mutiara')[0]).toMatchObject({ file: 'tambahan.pdf' });
      expect(logs.text()).toMatch(/Knowledge folder changed/);
    } finally { await mod.stop?.(); }
  });
});
