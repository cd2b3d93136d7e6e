// Pure text analysis for retrieval: the same steps run on passages and on questions, so a word
// matches whatever its affixes ("tunggakan", "menunggak"), its chat spelling ("telat", "nunggak"),
// or its language ("late payment") are. Steps: words → stems (stemmer.ts: Sastrawi for
// Indonesian, English inflections only for words Sastrawi does not know) → synonym phrases
// replaced by their canonical words (synonyms.ts, from a data file the business extends) →
// stopwords dropped.
import { stem } from './stemmer';
import { parseSynonyms, type SynonymTable } from './synonyms';

export { stem } from './stemmer';

const STOPWORDS = new Set([
  // Indonesian
  'yang', 'dan', 'di', 'ke', 'dari', 'untuk', 'dengan', 'atau', 'ini', 'itu', 'adalah', 'pada', 'dalam', 'saya', 'anda',
  'aku', 'kamu', 'apa', 'apakah', 'bagaimana', 'gimana', 'berapa', 'bisa', 'akan', 'juga', 'sudah', 'jika', 'kalau',
  'karena', 'sebagai', 'oleh', 'ada', 'tersebut', 'agar', 'seperti', 'kami', 'kita', 'mereka', 'dia', 'ya', 'nya', 'tolong',
  'mohon', 'dong', 'sih', 'kah', 'lah', 'pun', 'para', 'saja', 'hanya', 'bila', 'maka', 'tapi', 'tetapi', 'namun', 'mau',
  'ingin', 'misalnya', 'biasanya', 'umumnya', 'setiap', 'lain', 'tidak', 'belum', 'halo', 'hai', 'min', 'kak', 'gak', 'nggak',
  // chat Indonesian (kept here too, so a knowledge folder without synonyms.txt still drops them)
  'yg', 'sy', 'gw', 'gue', 'aja', 'udh', 'udah', 'sdh', 'blm', 'gk', 'ga', 'engga', 'enggak', 'tdk', 'kl', 'klo', 'kalo', 'gmn',
  'gmna', 'brp', 'trus', 'terus', 'deh', 'nih', 'tuh', 'gan', 'sis', 'bro', 'mas', 'mbak', 'pak', 'bu', 'bang', 'yah', 'dgn',
  'utk', 'krn', 'jd', 'jadi', 'bs', 'kan', 'emang', 'memang', 'apa2', 'kok', 'loh', 'lho', 'dah', 'tau', 'tahu', 'bgt', 'banget',
  'gitu', 'begitu', 'mana', 'sama', 'masih', 'lagi', 'harus', 'perlu', 'boleh', 'kenapa', 'mengapa',
  // question words that name no topic ("apa arti kol 2", "maksudnya apa")
  'arti', 'artinya', 'maksud', 'maksudnya', 'jelaskan', 'tanya', 'nanya', 'mean', 'means', 'meaning', 'explain',
  // English
  'the', 'a', 'an', 'is', 'are', 'was', 'were', 'what', 'how', 'do', 'does', 'did', 'i', 'my', 'me', 'you', 'your', 'of',
  'to', 'in', 'on', 'for', 'and', 'or', 'with', 'it', 'its', 'this', 'that', 'be', 'can', 'will', 'about', 'from', 'at',
  'by', 'if', 'when', 'why', 'which', 'should', 'would', 'could', 'there', 'have', 'has', 'please', 'hi', 'hello', 'not',
  'get', 'got', 'so', 'any', 'some', 'am', 'they', 'them', 'our', 'we', 'still', 'just', 'then', 'than', 'after', 'before',
]);

export interface TextAnalyzer {
  /** Changes whenever the synonyms change, so cached analysis can be told apart. */
  readonly version: string;
  /** Lines of the synonyms file that could not be read. */
  readonly problems: string[];
  /** Index terms of a passage or question (the same steps on both sides). */
  analyze(text: string): string[];
}

/** Lowercase words and numbers, punctuation removed, thousands separators joined (10.000.000). */
export function words(text: string): string[] {
  return text.toLowerCase()
    .normalize('NFKD').replace(/[\u0300-\u036f]/g, '')
    .replace(/(\d)[.,](?=\d{3}(\D|$))/g, '$1')
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

/** Bumped when the steps change (e.g. the stemmer's chat rules), so cached passage terms are redone. */
const ANALYSIS_REVISION = 'a2';

export function createTextAnalyzer(synonymsText = ''): TextAnalyzer {
  const table = parseSynonyms(synonymsText, (w) => stem(w), (w) => STOPWORDS.has(w));
  return { version: `${ANALYSIS_REVISION}-${table.version}`, problems: table.problems, analyze: (text) => analyzeWith(table, text) };
}

function analyzeWith(table: SynonymTable, text: string): string[] {
  const raw = words(text);
  const stems = raw.map(stem);
  const out: string[] = [];
  for (let i = 0; i < raw.length;) {
    let matched = 0;
    for (let len = Math.min(table.maxWords, raw.length - i); len >= 1 && !matched; len--) {
      const canonical = table.map.get(stems.slice(i, i + len).join(' ')) ?? (len === 1 ? table.map.get(raw[i]) : undefined);
      if (canonical) { out.push(...canonical); matched = len; }
    }
    if (matched) { i += matched; continue; }
    if (!STOPWORDS.has(raw[i])) out.push(stems[i]);
    i++;
  }
  return out;
}

const plain = createTextAnalyzer('');

/** Index terms without synonyms (pure; for callers without a knowledge base at hand). */
export function analyze(text: string): string[] {
  return plain.analyze(text);
}

/** Same as `analyze`: questions and passages go through the same steps. */
export const analyzeQuery = analyze;

/** Token estimate for prompt budgets: ~3.5 characters per token for Indonesian/English text. */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 3.5);
}
