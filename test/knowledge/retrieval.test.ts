// Retrieval as customers write: follow-ups, chat Indonesian, English, near-miss product sheets.
import fs from 'node:fs';
import path from 'node:path';
import { createKnowledgeBase } from '../../src/knowledge/knowledge-base';
import { conversationContext, familyOf } from '../../src/knowledge/retrieval';
import { captureLogs } from '../helpers/test-app';
import { SAMPLE_PDF, tempDir, writePdf } from '../helpers/kb-fixtures';

const GUIDE = 'panduan-kredit-sehat.pdf';

function kbFor(dir: string, extra: { synonymsFile?: string } = {}) {
  const logs = captureLogs();
  return { kb: createKnowledgeBase({ dir, cacheDir: tempDir('cache'), maxPromptTokens: 1500, logger: logs.logger, ...extra }), logs };
}

describe('retrieval on the sample guide with lender product sheets beside it', () => {
  const dir = tempDir('kb');
  const { kb } = kbFor(dir);
  const pages = (q: string, history: { role: 'user' | 'assistant'; text: string }[] = []) =>
    kb.search(q, { context: conversationContext(history) }).map((p) => `${p.file === GUIDE ? '' : `${p.file}:`}${p.page}`);

  beforeAll(async () => {
    fs.copyFileSync(SAMPLE_PDF, path.join(dir, GUIDE));
    // One catalogue family in two files, every page full of the guide's credit words.
    const sheet = (n: number) => Array.from({ length: 6 }, (_, i) => `Produk Paylater Belanja halaman ${n}.${i}. Limit kredit paylater hingga Rp20 juta, ` +
      `bunga 2,5 persen per bulan, tenor 12 bulan. Denda keterlambatan dan tunggakan dilaporkan ke SLIK OJK. Pelunasan dipercepat dan ` +
      `kolektibilitas, cicilan, pengajuan kredit, skor kredit, bank, bulan, tagihan, lunas. Variasi ${n * 10 + i}.`);
    await writePdf(path.join(dir, 'katalog-paylater-1.pdf'), sheet(1));
    await writePdf(path.join(dir, 'katalog-paylater-2.pdf'), sheet(2));
    await kb.reload();
  });

  test('when a follow-up names nothing of its topic, then the previous turn and reply bring the page the conversation is about', () => {
    const history = [
      { role: 'user' as const, text: 'Tunggakan paylater saya 300 ribu sudah 4 bulan' },
      { role: 'assistant' as const, text: 'Tunggakan paylater sekecil apa pun tercatat di SLIK dan bisa menurunkan kolektibilitas (hal. 9).' },
    ];
    expect(pages('itu ngaruh ke pengajuan KPR ga?', history)).toContain('9');
    expect(pages('kalau kol 3?', [{ role: 'user', text: 'Apa itu kolektibilitas?' }])[0]).toBe('6');
  });

  test('when a question is chat Indonesian or English, then it finds the guide page written in formal Indonesian', () => {
    expect(pages('kl nunggak 3 bln jd kol brp kak')).toContain('6');
    expect(pages('mau komplain data slik salah ke mn')[0]).toBe('14');
    expect(pages('How long does a late payment stay on my credit report?')[0]).toBe('8');
    expect(pages('I settled my credit card, will it still show up in SLIK?')).toContain('8');
  });

  test('when a chat question drops vowels or misspells a word, then it still finds the page the word is on', () => {
    expect(pages('brp lama kredit macet sy bs pulih klo udh lunas')).toContain('15');
    expect(pages('kolektibiltas 5 itu apa')[0]).toBe('6');
    expect(pages('restrukturisai kredit gmn caranya')[0]).toBe('16');
    expect(pages('utilisai kartu kredit yg sehat brp persen')[0]).toBe('7');
  });

  test('when a question gives a number, then it finds the page whose range contains it', () => {
    expect(pages('skor sy 765 bgs ga')[0]).toBe('3');
    expect(pages('telat bayar 45 hari jadi kol berapa')[0]).toBe('6');
  });

  test('when a question asks about two things, then both pages are in the prompt within the budget', () => {
    const both = (q: string, a: string, b: string) => {
      const found = pages(q);
      expect(found).toEqual(expect.arrayContaining([a, b]));
    };
    both('Restrukturisasi kredit itu apa, dan apakah pengajuan kredit baru menurunkan skor?', '16', '13');
    both('Bayar minimum kartu kredit dan tunggakan paylater, mana yang lebih berbahaya?', '10', '9');
    both('How do I get my iDeb and how do I dispute an error in it?', '5', '14');
  });

  test('when the answer sits in one half of a page, then that page\'s other passage does not push a second topic out', () => {
    const found = kb.search('Berapa lama keterlambatan tercatat di SLIK, dan apa itu utilisasi?', { maxTokens: 1500 });
    expect(found.some((p) => p.file === GUIDE && p.page === 8)).toBe(true);
    expect(found.some((p) => p.file === GUIDE && p.page === 7)).toBe(true);
  });

  test('when product sheets share every generic word, then they cannot fill all slots and near-duplicate pages are merged', () => {
    const found = kb.search('bunga tenor limit kredit paylater denda pelunasan bulan', { limit: 8 });
    const perFamily = new Map<string, number>();
    for (const p of found) perFamily.set(familyOf(p.file), (perFamily.get(familyOf(p.file)) ?? 0) + 1);
    expect(perFamily.get('katalog-paylater')).toBeLessThanOrEqual(4);
    expect(found.some((p) => p.file === GUIDE)).toBe(true);
    // The two files' pages differ only in their numbers: at most one of each pair comes back.
    const sheetTexts = found.filter((p) => p.file !== GUIDE).map((p) => p.text.replace(/\d+/g, '#'));
    expect(new Set(sheetTexts).size).toBe(sheetTexts.length);
  });
});

describe('retrieval: the synonyms file', () => {
  test('when the business adds a synonym and refreshes, then questions using it find the page, without parsing the PDFs again', async () => {
    const dir = tempDir('kb');
    fs.copyFileSync(SAMPLE_PDF, path.join(dir, GUIDE));
    const synonyms = path.join(dir, 'synonyms.txt');
    fs.writeFileSync(synonyms, '# empty at first\n');
    const { kb } = kbFor(dir);
    await kb.reload();
    expect(kb.search('zonk')).toEqual([]);
    fs.writeFileSync(synonyms, 'utilisasi = zonk\n');
    const report = await kb.reload();
    expect(report.files[0].cached).toBe(true);
    expect(kb.search('zonk')[0]).toMatchObject({ file: GUIDE, page: 7 });
  });

  test('when KB_SYNONYMS_FILE points to a missing file, then search still works without synonyms and the log says so', async () => {
    const { kb, logs } = kbFor(path.dirname(SAMPLE_PDF), { synonymsFile: path.join(tempDir('none'), 'missing.txt') });
    await kb.reload();
    expect(logs.text()).toMatch(/No synonyms file found/);
    expect(kb.search('Berapa lama keterlambatan tercatat di SLIK?')[0]).toMatchObject({ page: 8 });
  });
});
