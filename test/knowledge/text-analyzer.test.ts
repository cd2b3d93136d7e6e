import fs from 'node:fs';
import path from 'node:path';
import { createTextAnalyzer, stem, words } from '../../src/knowledge/text-analyzer';

const SYNONYMS = fs.readFileSync(path.resolve(__dirname, '../../knowledge/synonyms.txt'), 'utf8');
const a = createTextAnalyzer(SYNONYMS);
const same = (x: string, y: string) => expect(a.analyze(x)).toEqual(a.analyze(y));

describe('text analysis for Indonesian and English', () => {
  test('when words differ only by Indonesian affixes, then the dictionary stemmer reduces them to the same root', () => {
    expect(stem('tunggakan')).toBe(stem('menunggak'));
    expect(stem('tertunggak')).toBe('tunggak');
    expect(stem('pengajuan')).toBe(stem('mengajukan'));
    expect(stem('pelunasan')).toBe(stem('melunasi'));
    expect(stem('pembayaran')).toBe(stem('membayar'));
    expect(stem('sanggahan')).toBe(stem('menyanggah'));
    expect(stem('keterlambatan')).toBe(stem('terlambat'));
  });

  test('when an Indonesian word was mis-stemmed by the old hand-written rules, then it now keeps its root', () => {
    expect(stem('lunas')).toBe('lunas');
    expect(stem('penilaian')).toBe('nilai');
    expect(stem('keterangan')).toBe('terang');
    expect(stem('penolakan')).toBe('tolak');
  });

  test('when an English word is inflected, then it meets its base form, and English rules never touch Indonesian words', () => {
    expect(stem('settled')).toBe(stem('settle'));
    expect(stem('payments')).toBe(stem('payment'));
    expect(stem('closing')).toBe(stem('close'));
    expect(stem('paid')).toBe(stem('pay'));
    expect(stem('kartu')).toBe('kartu');
    expect(stem('kolektibilitas')).toBe(stem('kolektibilitasnya'));
  });

  test('when text has punctuation, case and thousands separators, then words and numbers are kept cleanly', () => {
    expect(words('Tunggakan Rp10.000.000, kol-5 (Macet)!')).toEqual(['tunggakan', 'rp10000000', 'kol', '5', 'macet']);
    expect(a.analyze('yang dan di ke 24 bulan')).toEqual(['24', 'bulan']);
  });

  test('when a customer writes chat Indonesian, then abbreviations become stopwords and slang meets the guide\'s words', () => {
    expect(a.analyze('sy gmn brp udh yg kl')).toEqual([]);
    same('telat', 'terlambat');
    same('nunggak', 'tunggakan');
    same('komplain', 'sanggahan');
    same('gaji', 'penghasilan');
    same('nilai', 'skor');
    same('cicilan rumah', 'KPR');
    same('pinjol', 'pinjaman online');
    same('keringanan', 'restrukturisasi');
    same('daftar hitam', 'macet');
  });

  test('when the question is in English, then the bilingual table maps it to the guide\'s Indonesian words, inflections included', () => {
    same('settled', 'lunas');
    same('late payments', 'terlambat bayar');
    same('mortgage', 'KPR');
    expect(a.analyze('one-time password')).toEqual(['otp']);
    expect(a.analyze('one obligor')).not.toContain('otp');
  });

  test('when a customer writes Jakarta chat forms the dictionary does not know, then they meet the guide\'s roots', () => {
    expect(stem('naikinnya')).toBe('naik');
    expect(stem('nutup')).toBe(stem('menutup'));
    expect(stem('ngelaporinnya')).toBe(stem('melaporkan'));
    expect(stem('dilampirin')).toBe(stem('melampirkan'));
    expect(stem('nyicil')).toBe(stem('cicilan'));
    expect(stem('dapetinnya')).toBe(stem('mendapatkan'));
    // English words are left to the English rules, not read as chat Indonesian.
    expect(stem('later')).toBe('later');
    expect(stem('never')).toBe('never');
  });

  test('when a synonyms variant reads as another line\'s canonical word, then it is left out with a warning instead of swallowing that word', () => {
    const b = createTextAnalyzer('pinjaman = loan, ngutang\nutang = hutang, debt');
    expect(b.problems).toEqual([expect.stringMatching(/line 1: "ngutang" reads as "utang"/)]);
    expect(b.analyze('utang')).toEqual(b.analyze('debt'));
    expect(b.analyze('utang')).not.toEqual(b.analyze('loan'));
    expect(a.problems).toEqual([]);
  });

  test('when the synonyms file has a line without "=", then it is reported and the rest still applies', () => {
    const b = createTextAnalyzer('telat terlambat\nterlambat = telat');
    expect(b.problems).toEqual([expect.stringMatching(/line 1/)]);
    expect(b.analyze('telat')).toEqual(b.analyze('terlambat'));
    expect(b.version).not.toBe(createTextAnalyzer('').version);
  });

});
