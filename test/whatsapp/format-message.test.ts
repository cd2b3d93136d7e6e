import { markdownToWhatsApp, splitMessage } from '../../src/whatsapp/format-message';

describe('WhatsApp formatting', () => {
  test('when the model answers in Markdown, then bold, italics, headings, lists and links become WhatsApp markup', () => {
    const md = '## Skor Kredit\n\nSkor Anda **720** dan *cukup baik*.\n\n- bayar tepat waktu\n* kurangi utang\n\nLihat [panduan](https://example.com/p) dan ~~lama~~.';
    expect(markdownToWhatsApp(md)).toBe(
      '*Skor Kredit*\n\nSkor Anda *720* dan _cukup baik_.\n\n• bayar tepat waktu\n• kurangi utang\n\nLihat panduan (https://example.com/p) dan ~lama~.');
  });

  test('when the text fits, then it is one part', () => {
    expect(splitMessage('halo')).toEqual(['halo']);
  });

  test('when a reply is 6000 characters, then it is split in two on a paragraph break, in order, nothing lost', () => {
    const p1 = 'Satu dua tiga. '.repeat(200).trim();
    const p2 = 'Empat lima enam. '.repeat(170).trim();
    const parts = splitMessage(`${p1}\n\n${p2}`);
    expect(parts).toEqual([p1, p2]);
  });

  test('when a paragraph is longer than the limit, then it is cut at a sentence end, then at a space, never inside a word', () => {
    const text = Array.from({ length: 900 }, (_, i) => `kata${i}`).join(' ');
    const parts = splitMessage(text, 1000);
    expect(parts.every((p) => p.length <= 1000)).toBe(true);
    expect(parts.join(' ')).toBe(text);
    const sentences = 'Ini kalimat pertama yang cukup panjang. '.repeat(60).trim();
    for (const p of splitMessage(sentences, 500)) expect(p.endsWith('.')).toBe(true);
  });
});
