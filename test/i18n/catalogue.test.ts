// The two catalogues must say the same things: a key or a {placeholder} in one language and not
// the other is a text some person would see untranslated or broken.
import { CATALOGUES, t, pageMessages, requestLanguage } from '../../src/i18n/catalogue';
import { negotiateLanguage, detectMessageLanguage } from '../../src/i18n/lang';
import { formatRupiah, formatDate } from '../../src/i18n/format';

const flat = (o: Record<string, Record<string, string>>) =>
  Object.fromEntries(Object.entries(o).flatMap(([ns, keys]) => Object.entries(keys).map(([k, v]) => [`${ns}.${k}`, v])));
const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('message catalogues', () => {
  const id = flat(CATALOGUES.id as never);
  const en = flat(CATALOGUES.en as never);

  test('when a key exists in one language, then it exists in the other', () => {
    expect(Object.keys(en).filter((k) => !(k in id))).toEqual([]);
    expect(Object.keys(id).filter((k) => !(k in en))).toEqual([]);
  });

  test('when a text has placeholders, then both languages use the same ones and no text is empty', () => {
    const mismatched = Object.keys(id).filter((k) => JSON.stringify(placeholders(id[k])) !== JSON.stringify(placeholders(en[k] ?? '')));
    expect(mismatched).toEqual([]);
    expect(Object.entries({ ...id }).filter(([, v]) => !v.trim()).map(([k]) => `id:${k}`)).toEqual([]);
    expect(Object.entries({ ...en }).filter(([, v]) => !v.trim()).map(([k]) => `en:${k}`)).toEqual([]);
  });

  test('when a text is looked up, then it is in the asked language with its placeholders filled', () => {
    expect(t('id', 'common.languageName')).toBe('Bahasa Indonesia');
    expect(t('en', 'common.languageName')).toBe('English');
    expect(pageMessages('en', ['common'])['common.switchTo']).toBe('Bahasa Indonesia');
  });
});

describe('choosing the language', () => {
  test('when the browser prefers Indonesian (id or the old in) or sends nothing we know, then pages are Indonesian', () => {
    expect(negotiateLanguage('id-ID,id;q=0.9,en;q=0.8')).toBe('id');
    expect(negotiateLanguage('in-ID')).toBe('id');
    expect(negotiateLanguage('fr-FR,de;q=0.5')).toBe('id');
    expect(negotiateLanguage(undefined)).toBe('id');
    expect(negotiateLanguage('fr', 'en')).toBe('en');
  });

  test('when the browser prefers English, or weights English above Indonesian, then pages are English', () => {
    expect(negotiateLanguage('en-US,en;q=0.9')).toBe('en');
    expect(negotiateLanguage('fr;q=1, id;q=0.3, en;q=0.7')).toBe('en');
  });

  test('when the page chose a language, then the choice (query, then cookie) wins over the browser', () => {
    expect(requestLanguage({ headers: { 'accept-language': 'en' }, query: { lang: 'id' } })).toBe('id');
    expect(requestLanguage({ headers: { 'accept-language': 'id', cookie: 'sid=x; lang=en' } })).toBe('en');
    expect(requestLanguage({ headers: {} }, 'en')).toBe('en');
  });

  test('when a person writes on WhatsApp, then clear messages set the language and short ones keep the previous', () => {
    expect(detectMessageLanguage('berapa skor kredit saya?', 'en')).toBe('id');
    expect(detectMessageLanguage('what is my credit score?', 'id')).toBe('en');
    expect(detectMessageLanguage('ok', 'en')).toBe('en');
    expect(detectMessageLanguage('👍', 'id')).toBe('id');
    expect(detectMessageLanguage('ok makasih kak', 'en')).toBe('id');
    expect(detectMessageLanguage('thanks', 'id')).toBe('en');
  });
});

describe('the language of a question without a page or stored choice', () => {
  test('when the user writes Indonesian or English, then the language is detected', () => {
    expect(detectMessageLanguage('Berapa lama keterlambatan tercatat di SLIK?', 'id')).toBe('id');
    expect(detectMessageLanguage('How long do late payments stay on my report?', 'id')).toBe('en');
    expect(detectMessageLanguage('ok', 'id')).toBe('id');
    expect(detectMessageLanguage('oke makasih kak', 'id')).toBe('id');
  });
});

describe('formats', () => {
  test('when money and dates are shown, then they are written the way each language writes them', () => {
    expect(formatRupiah(1250000, 'id')).toBe('Rp1.250.000');
    expect(formatRupiah(1250000, 'en')).toBe('Rp1,250,000');
    expect(formatDate('2026-11-30T05:00:00Z', 'id')).toBe('30 Nov 2026');
    expect(formatDate('2026-11-30T05:00:00Z', 'en')).toBe('30 Nov 2026');
  });
});
