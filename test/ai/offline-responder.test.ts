// Offline answers read like an answer: whole sentences, no keyword/TOC lines, credit data only when asked.
import { createOfflineResponder } from '../../src/ai/offline-responder';
import { shortCreditSummary } from '../../src/ai/offline-credit';
import { generateDummyProfile } from '../../src/credit/dummy-profile';
import type { KnowledgePassage } from '../../src/knowledge/types';

const passage = (text: string, page = 8, score = 5): KnowledgePassage => ({ file: 'panduan.pdf', page, text, score, tokens: 100 });
const PAGE_8 = [
  'Keterlambatan Pembayaran dan Berapa Lama Tercatat',
  'Berapa lama keterlambatan tercatat? iDeb menampilkan riwayat kolektibilitas 24 bulan terakhir untuk',
  'setiap fasilitas. Setelah lewat 24 bulan, catatan lama tidak lagi tampil.',
  'Keywords: late payment, how long late payments stay, 24 months history, missed payment,',
  'days past due.',
  'halaman 8',
].join('\n');

describe('offline answers', () => {
  const off = createOfflineResponder();
  const answer = (question: string, passages: KnowledgePassage[], creditText = '- Skor kredit: 700 (Baik)') =>
    off.answer({ question, passages, creditText, lang: /how|what|my/i.test(question) ? 'en' : 'id' });

  test('when a passage has a heading, keyword lines and a page footer, then only its whole sentences are quoted, with the page', () => {
    const text = answer('how long does a late payment stay?', [passage(PAGE_8)]);
    expect(text).toMatch(/• Berapa lama keterlambatan tercatat\? iDeb menampilkan riwayat kolektibilitas 24 bulan terakhir untuk setiap fasilitas\./);
    expect(text).toMatch(/\(panduan\.pdf, p\. 8\)/);
    expect(text).not.toMatch(/Keywords|days past due|halaman 8|Lama Tercatat Berapa/);
  });

  test('when a passage starts or ends mid-sentence or lists a table of contents, then the fragments are left out', () => {
    const text = answer('rentang skor', [passage('- Halaman 3: Rentang skor dan kategorinya\nyang ditawarkan lebih rendah. Skor kredit umumnya berada pada rentang 250 sampai 900. Semakin tinggi skor,\nsemakin', 3)]);
    expect(text).toMatch(/• Skor kredit umumnya berada pada rentang 250 sampai 900\. \(/);
    expect(text).not.toMatch(/Halaman 3|Semakin|ditawarkan/);
  });

  test('when a chosen sentence introduces a list, then the list follows it; one whose list is missing is dropped', () => {
    const withList = answer('kategori skor', [passage('Skor dikelompokkan ke dalam kategori berikut:\n• 750 ke atas: Sangat Baik.\n• Di bawah 600: Buruk.', 3)]);
    expect(withList).toMatch(/berikut:\n {2}- 750 ke atas: Sangat Baik\.\n {2}- Di bawah 600: Buruk\./);
    const cut = answer('kategori skor', [passage('Skor dibagi dalam kategori. Ada lima kategori skor berikut:', 3)]);
    expect(cut).not.toMatch(/berikut:/);
  });

  test('when a chosen sentence is a question in the guide, then its answer comes with it; a lone list item reads as a sentence', () => {
    const faq = answer('skor pulih', [passage('Berapa lama skor pulih? Untuk keterlambatan ringan, perbaikan terlihat setelah 3 sampai 6 bulan.', 15)]);
    expect(faq).toMatch(/• Berapa lama skor pulih\? Untuk keterlambatan ringan, perbaikan terlihat setelah 3 sampai 6 bulan\. \(/);
    const item = answer('skor buruk', [passage('• Di bawah 600: Buruk.\nSkor buruk biasanya berarti ada tunggakan.', 3)]);
    expect(item).toMatch(/• Di bawah 600: Buruk\./);
  });

  test('when the question is not about the person\'s own report, then no credit data is shown; when it is, a short summary is', () => {
    expect(answer('Berapa lama keterlambatan tercatat?', [passage(PAGE_8)])).not.toMatch(/Skor kredit: 700/);
    expect(answer('skor saya berapa?', [passage(PAGE_8)])).toMatch(/📊 Data kredit Anda:\n- Skor kredit: 700/);
    expect(answer('what is my credit score?', [passage(PAGE_8)])).toMatch(/📊 Your credit data:/);
    expect(answer('how long does a late payment stay on my report?', [passage(PAGE_8)])).not.toMatch(/credit data/);
  });

  test('when the person only thanks or greets, then the reply is one short line', () => {
    expect(answer('oke makasih kak', [passage(PAGE_8)])).toBe('Sama-sama! 🙏 Kalau ada pertanyaan lain soal skor atau laporan kredit, silakan tanya.');
    expect(answer('halo min', [])).toMatch(/^Halo! 👋/);
    expect(off.answer({ question: 'thanks!', passages: [], creditText: '', lang: 'en' })).toMatch(/^You're welcome/);
  });

  test('when the summary is built, then it uses human labels in the person\'s language, never column codes', () => {
    const p = generateDummyProfile('whatsapp_6281200000009', { riskiness: 0.9 });
    const report = { insights: { ...p.insights, is_dummy: true }, tradelines: p.tradelines.map((t, i) => ({ ...t, id: i })), payments: [] } as never;
    const id = shortCreditSummary(report, 'id');
    const en = shortCreditSummary(report, 'en');
    expect(id).toMatch(/^- Skor kredit: \d+ \(.+\), data contoh, bukan laporan resmi/);
    expect(en).toMatch(/^- Credit score: \d+/);
    expect(`${id}\n${en}`).not.toMatch(/credit_card|DUMMY|generated demo data|_/);
    expect(id.split('\n').length).toBeLessThanOrEqual(4);
  });
});
