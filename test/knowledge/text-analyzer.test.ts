import { analyze, analyzeQuery, detectLanguage, stem, words } from '../../src/knowledge/text-analyzer';

describe('text analysis for Indonesian and English', () => {
  test('when words differ only by Indonesian affixes, then they reduce to the same stem', () => {
    expect(stem('tunggakan')).toBe(stem('menunggak'));
    expect(stem('pengajuan')).toBe(stem('mengajukan'));
    expect(stem('pelunasan')).toBe(stem('melunasi'));
    expect(stem('pembayaran')).toBe(stem('membayar'));
    expect(stem('sanggahan')).toBe(stem('menyanggah'));
    expect(stem('keterlambatan')).toBe(stem('terlambat'));
  });

  test('when text has punctuation, case and thousands separators, then words and numbers are kept cleanly', () => {
    expect(words('Tunggakan Rp10.000.000, kol-5 (Macet)!')).toEqual(['tunggakan', 'rp10000000', 'kol', '5', 'macet']);
    expect(analyze('yang dan di ke 24 bulan')).toEqual(['24', 'bulan']);
  });

  test('when an English question uses a domain word, then its Indonesian equivalent is searched too', () => {
    expect(analyzeQuery('late payments')).toEqual(expect.arrayContaining([stem('tunggakan'), stem('pembayaran')]));
    expect(analyzeQuery('mortgage')).toContain('kpr');
  });

  test('when the user writes Indonesian or English, then the language is detected', () => {
    expect(detectLanguage('Berapa lama keterlambatan tercatat di SLIK?')).toBe('id');
    expect(detectLanguage('How long do late payments stay on my report?')).toBe('en');
    expect(detectLanguage('ok')).toBe('id');
  });
});
