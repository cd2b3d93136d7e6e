// Pure text analysis for retrieval: the same steps run on passages and on questions, so a word
// matches whatever its affixes ("tunggakan", "menunggak") or language ("late payment") are.
// Deliberately small: a light Indonesian affix stripper in the spirit of Nazief-Adriani (no
// dictionary), light English suffix stripping, and a short English→Indonesian glossary for the
// domain's key terms. Consistency between both sides matters more than linguistic correctness.

const STOPWORDS = new Set([
  // Indonesian
  'yang', 'dan', 'di', 'ke', 'dari', 'untuk', 'dengan', 'atau', 'ini', 'itu', 'adalah', 'pada', 'dalam', 'saya', 'anda',
  'aku', 'kamu', 'apa', 'apakah', 'bagaimana', 'gimana', 'berapa', 'bisa', 'akan', 'juga', 'sudah', 'jika', 'kalau',
  'karena', 'sebagai', 'oleh', 'ada', 'tersebut', 'agar', 'seperti', 'kami', 'kita', 'mereka', 'dia', 'ya', 'nya', 'tolong',
  'mohon', 'dong', 'sih', 'kah', 'lah', 'pun', 'para', 'saja', 'hanya', 'bila', 'maka', 'tapi', 'tetapi', 'namun', 'mau',
  'ingin', 'misalnya', 'biasanya', 'umumnya', 'setiap', 'lain', 'tidak', 'belum', 'halo', 'hai', 'min', 'kak', 'gak', 'nggak',
  // English
  'the', 'a', 'an', 'is', 'are', 'was', 'were', 'what', 'how', 'do', 'does', 'did', 'i', 'my', 'me', 'you', 'your', 'of',
  'to', 'in', 'on', 'for', 'and', 'or', 'with', 'it', 'its', 'this', 'that', 'be', 'can', 'will', 'about', 'from', 'at',
  'by', 'if', 'when', 'why', 'which', 'should', 'would', 'could', 'there', 'have', 'has', 'please', 'hi', 'hello', 'not',
]);

// English domain words → Indonesian words of the guide (stemmed like everything else). Questions only.
const GLOSSARY: Record<string, string[]> = {
  credit: ['kredit'], score: ['skor'], late: ['terlambat', 'tunggakan'], overdue: ['tunggakan'], arrear: ['tunggakan'],
  payment: ['pembayaran'], pay: ['bayar'], paid: ['bayar', 'lunas'], mortgage: ['kpr'], home: ['rumah', 'kpr'], house: ['rumah', 'kpr'],
  loan: ['pinjaman', 'kredit'], unsecured: ['agunan', 'kta'], personal: ['kta'], improve: ['memperbaiki'], fix: ['memperbaiki'],
  raise: ['naik'], utilization: ['utilisasi'], utilisation: ['utilisasi'], card: ['kartu'], collectibility: ['kolektibilitas'],
  dispute: ['sanggahan'], wrong: ['salah'], error: ['salah'], correction: ['koreksi'], complaint: ['pengaduan'], fraud: ['penipuan'],
  scam: ['penipuan'], month: ['bulan'], year: ['tahun'], long: ['lama'], history: ['riwayat'], debt: ['utang'], bad: ['macet', 'buruk'],
  restructuring: ['restrukturisasi'], settle: ['pelunasan'], settlement: ['pelunasan'], apply: ['pengajuan'], application: ['pengajuan'],
  rejected: ['ditolak'], reject: ['ditolak'], interest: ['bunga'], income: ['penghasilan'], check: ['periksa', 'cek'], report: ['laporan'],
  delete: ['hapus'], remove: ['hapus'], range: ['rentang'], band: ['kategori'], recover: ['pulih'],
};

const PARTICLES = /(lah|kah|tah|pun)$/;
const POSSESSIVES = /(ku|mu|nya)$/;
const SUFFIXES = /(kan|an|i)$/;

/** Light Indonesian (and English) stemmer. */
export function stem(word: string): string {
  let w = word;
  if (/^\d+$/.test(w) || w.length <= 4) return w;
  // English inflections first: they never collide with Indonesian affixes in our domain vocabulary.
  if (w.length > 6 && w.endsWith('ing')) w = w.slice(0, -3);
  else if (w.length > 5 && w.endsWith('ed')) w = w.slice(0, -2);
  else if (w.length > 4 && w.endsWith('s') && !/(ss|us|is)$/.test(w)) w = w.slice(0, -1);
  if (w.length > 5) w = w.replace(PARTICLES, '');
  if (w.length > 5) w = w.replace(POSSESSIVES, '');
  if (w.length > 5) w = w.replace(SUFFIXES, '');
  for (let i = 0; i < 2 && w.length > 5; i++) {
    const before = w;
    w = stripPrefix(w);
    if (w === before) break;
  }
  // "tunggakan" may lose "-kan" where "menunggak" keeps its k: dropping a final k makes both agree.
  if (w.length > 4 && w.endsWith('k')) w = w.slice(0, -1);
  return w;
}

function stripPrefix(w: string): string {
  let m: RegExpMatchArray | null;
  if ((m = w.match(/^(di|ke|se)(.{3,})$/))) return m[2];
  if ((m = w.match(/^(ter|ber|per)(.{3,})$/))) return m[2];
  if ((m = w.match(/^be(r?)([^aeiou]er.{2,})$/))) return m[2];
  if ((m = w.match(/^(me|pe)ng([aeiou].{2,})$/))) return m[2];        // mengajukan → ajukan
  if ((m = w.match(/^(me|pe)ng([gkh].{2,})$/))) return m[2];           // menghitung → hitung
  if ((m = w.match(/^(me|pe)ny([aeiou].{2,})$/))) return `s${m[2]}`;   // menyanggah → sanggah
  if ((m = w.match(/^(me|pe)m([bfpv].{2,})$/))) return m[2];           // membayar → bayar
  if ((m = w.match(/^(me|pe)m([aeiou].{2,})$/))) return `p${m[2]}`;    // memakai → pakai
  if ((m = w.match(/^(me|pe)n([cdjzs].{2,})$/))) return m[2];          // mencatat → catat
  if ((m = w.match(/^(me|pe)n([aeiou].{2,})$/))) return `t${m[2]}`;    // menunggak → tunggak
  if ((m = w.match(/^(me|pe)([lrwy].{2,})$/))) return m[2];            // melunasi → lunasi
  return w;
}

/** Lowercase words and numbers, punctuation removed, thousands separators joined (10.000.000). */
export function words(text: string): string[] {
  return text.toLowerCase()
    .normalize('NFKD').replace(/[\u0300-\u036f]/g, '')
    .replace(/(\d)[.,](?=\d{3}(\D|$))/g, '$1')
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

/** Index terms of a passage. */
export function analyze(text: string): string[] {
  const out: string[] = [];
  for (const w of words(text)) {
    if (STOPWORDS.has(w)) continue;
    out.push(stem(w));
  }
  return out;
}

/** Query terms: like `analyze`, plus Indonesian equivalents of English domain words. */
export function analyzeQuery(text: string): string[] {
  const out: string[] = [];
  for (const w of words(text)) {
    if (STOPWORDS.has(w)) continue;
    out.push(stem(w));
    const singular = w.length > 4 && w.endsWith('s') ? w.slice(0, -1) : w;
    for (const t of GLOSSARY[w] ?? GLOSSARY[singular] ?? []) out.push(stem(t));
  }
  return out;
}

/** Token estimate for prompt budgets: ~3.5 characters per token for Indonesian/English text. */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 3.5);
}

/** 'id' or 'en', from common function words; Indonesian when unsure (the product's main audience). */
export function detectLanguage(text: string): 'id' | 'en' {
  const ws = words(text);
  const en = new Set(['the', 'is', 'are', 'what', 'how', 'my', 'i', 'you', 'your', 'can', 'do', 'does', 'why', 'when', 'please', 'of', 'to', 'and', 'hello', 'hi', 'thanks', 'thank', 'score', 'credit', 'late', 'payment']);
  const id = new Set(['yang', 'dan', 'saya', 'apa', 'apakah', 'bagaimana', 'berapa', 'bisa', 'tidak', 'skor', 'kredit', 'kenapa', 'mengapa', 'tolong', 'halo', 'terima', 'kasih', 'sudah', 'belum', 'ini', 'itu', 'di', 'ke', 'gimana', 'gak', 'nggak', 'aku', 'kak', 'min']);
  let e = 0, i = 0;
  for (const w of ws) { if (en.has(w)) e++; if (id.has(w)) i++; }
  return e > i ? 'en' : 'id';
}
