// Today's retrieval before the Sastrawi/synonyms rework, kept verbatim (transpiled from src/knowledge/text-analyzer.ts at
// commit a6e9f7f) as the benchmark's baseline in the same run.
var __defProp = Object.defineProperty;
var __getOwnPropDesc = Object.getOwnPropertyDescriptor;
var __getOwnPropNames = Object.getOwnPropertyNames;
var __hasOwnProp = Object.prototype.hasOwnProperty;
var __export = (target, all) => {
  for (var name in all)
    __defProp(target, name, { get: all[name], enumerable: true });
};
var __copyProps = (to, from, except, desc) => {
  if (from && typeof from === "object" || typeof from === "function") {
    for (let key of __getOwnPropNames(from))
      if (!__hasOwnProp.call(to, key) && key !== except)
        __defProp(to, key, { get: () => from[key], enumerable: !(desc = __getOwnPropDesc(from, key)) || desc.enumerable });
  }
  return to;
};
var __toCommonJS = (mod) => __copyProps(__defProp({}, "__esModule", { value: true }), mod);
var text_analyzer_exports = {};
__export(text_analyzer_exports, {
  analyze: () => analyze,
  analyzeQuery: () => analyzeQuery,
  detectLanguage: () => detectLanguage,
  estimateTokens: () => estimateTokens,
  stem: () => stem,
  words: () => words
});
module.exports = __toCommonJS(text_analyzer_exports);
const STOPWORDS = /* @__PURE__ */ new Set([
  // Indonesian
  "yang",
  "dan",
  "di",
  "ke",
  "dari",
  "untuk",
  "dengan",
  "atau",
  "ini",
  "itu",
  "adalah",
  "pada",
  "dalam",
  "saya",
  "anda",
  "aku",
  "kamu",
  "apa",
  "apakah",
  "bagaimana",
  "gimana",
  "berapa",
  "bisa",
  "akan",
  "juga",
  "sudah",
  "jika",
  "kalau",
  "karena",
  "sebagai",
  "oleh",
  "ada",
  "tersebut",
  "agar",
  "seperti",
  "kami",
  "kita",
  "mereka",
  "dia",
  "ya",
  "nya",
  "tolong",
  "mohon",
  "dong",
  "sih",
  "kah",
  "lah",
  "pun",
  "para",
  "saja",
  "hanya",
  "bila",
  "maka",
  "tapi",
  "tetapi",
  "namun",
  "mau",
  "ingin",
  "misalnya",
  "biasanya",
  "umumnya",
  "setiap",
  "lain",
  "tidak",
  "belum",
  "halo",
  "hai",
  "min",
  "kak",
  "gak",
  "nggak",
  // English
  "the",
  "a",
  "an",
  "is",
  "are",
  "was",
  "were",
  "what",
  "how",
  "do",
  "does",
  "did",
  "i",
  "my",
  "me",
  "you",
  "your",
  "of",
  "to",
  "in",
  "on",
  "for",
  "and",
  "or",
  "with",
  "it",
  "its",
  "this",
  "that",
  "be",
  "can",
  "will",
  "about",
  "from",
  "at",
  "by",
  "if",
  "when",
  "why",
  "which",
  "should",
  "would",
  "could",
  "there",
  "have",
  "has",
  "please",
  "hi",
  "hello",
  "not"
]);
const GLOSSARY = {
  credit: ["kredit"],
  score: ["skor"],
  late: ["terlambat", "tunggakan"],
  overdue: ["tunggakan"],
  arrear: ["tunggakan"],
  payment: ["pembayaran"],
  pay: ["bayar"],
  paid: ["bayar", "lunas"],
  mortgage: ["kpr"],
  home: ["rumah", "kpr"],
  house: ["rumah", "kpr"],
  loan: ["pinjaman", "kredit"],
  unsecured: ["agunan", "kta"],
  personal: ["kta"],
  improve: ["memperbaiki"],
  fix: ["memperbaiki"],
  raise: ["naik"],
  utilization: ["utilisasi"],
  utilisation: ["utilisasi"],
  card: ["kartu"],
  collectibility: ["kolektibilitas"],
  dispute: ["sanggahan"],
  wrong: ["salah"],
  error: ["salah"],
  correction: ["koreksi"],
  complaint: ["pengaduan"],
  fraud: ["penipuan"],
  scam: ["penipuan"],
  month: ["bulan"],
  year: ["tahun"],
  long: ["lama"],
  history: ["riwayat"],
  debt: ["utang"],
  bad: ["macet", "buruk"],
  restructuring: ["restrukturisasi"],
  settle: ["pelunasan"],
  settlement: ["pelunasan"],
  apply: ["pengajuan"],
  application: ["pengajuan"],
  rejected: ["ditolak"],
  reject: ["ditolak"],
  interest: ["bunga"],
  income: ["penghasilan"],
  check: ["periksa", "cek"],
  report: ["laporan"],
  delete: ["hapus"],
  remove: ["hapus"],
  range: ["rentang"],
  band: ["kategori"],
  recover: ["pulih"]
};
const PARTICLES = /(lah|kah|tah|pun)$/;
const POSSESSIVES = /(ku|mu|nya)$/;
const SUFFIXES = /(kan|an|i)$/;
function stem(word) {
  let w = word;
  if (/^\d+$/.test(w) || w.length <= 4) return w;
  if (w.length > 6 && w.endsWith("ing")) w = w.slice(0, -3);
  else if (w.length > 5 && w.endsWith("ed")) w = w.slice(0, -2);
  else if (w.length > 4 && w.endsWith("s") && !/(ss|us|is)$/.test(w)) w = w.slice(0, -1);
  if (w.length > 5) w = w.replace(PARTICLES, "");
  if (w.length > 5) w = w.replace(POSSESSIVES, "");
  if (w.length > 5) w = w.replace(SUFFIXES, "");
  for (let i = 0; i < 2 && w.length > 5; i++) {
    const before = w;
    w = stripPrefix(w);
    if (w === before) break;
  }
  if (w.length > 4 && w.endsWith("k")) w = w.slice(0, -1);
  return w;
}
function stripPrefix(w) {
  let m;
  if (m = w.match(/^(di|ke|se)(.{3,})$/)) return m[2];
  if (m = w.match(/^(ter|ber|per)(.{3,})$/)) return m[2];
  if (m = w.match(/^be(r?)([^aeiou]er.{2,})$/)) return m[2];
  if (m = w.match(/^(me|pe)ng([aeiou].{2,})$/)) return m[2];
  if (m = w.match(/^(me|pe)ng([gkh].{2,})$/)) return m[2];
  if (m = w.match(/^(me|pe)ny([aeiou].{2,})$/)) return `s${m[2]}`;
  if (m = w.match(/^(me|pe)m([bfpv].{2,})$/)) return m[2];
  if (m = w.match(/^(me|pe)m([aeiou].{2,})$/)) return `p${m[2]}`;
  if (m = w.match(/^(me|pe)n([cdjzs].{2,})$/)) return m[2];
  if (m = w.match(/^(me|pe)n([aeiou].{2,})$/)) return `t${m[2]}`;
  if (m = w.match(/^(me|pe)([lrwy].{2,})$/)) return m[2];
  return w;
}
function words(text) {
  return text.toLowerCase().normalize("NFKD").replace(/[\u0300-\u036f]/g, "").replace(/(\d)[.,](?=\d{3}(\D|$))/g, "$1").split(/[^a-z0-9]+/).filter(Boolean);
}
function analyze(text) {
  const out = [];
  for (const w of words(text)) {
    if (STOPWORDS.has(w)) continue;
    out.push(stem(w));
  }
  return out;
}
function analyzeQuery(text) {
  const out = [];
  for (const w of words(text)) {
    if (STOPWORDS.has(w)) continue;
    out.push(stem(w));
    const singular = w.length > 4 && w.endsWith("s") ? w.slice(0, -1) : w;
    for (const t of GLOSSARY[w] ?? GLOSSARY[singular] ?? []) out.push(stem(t));
  }
  return out;
}
function estimateTokens(text) {
  return Math.ceil(text.length / 3.5);
}
function detectLanguage(text) {
  const ws = words(text);
  const en = /* @__PURE__ */ new Set(["the", "is", "are", "what", "how", "my", "i", "you", "your", "can", "do", "does", "why", "when", "please", "of", "to", "and", "hello", "hi", "thanks", "thank", "score", "credit", "late", "payment"]);
  const id = /* @__PURE__ */ new Set(["yang", "dan", "saya", "apa", "apakah", "bagaimana", "berapa", "bisa", "tidak", "skor", "kredit", "kenapa", "mengapa", "tolong", "halo", "terima", "kasih", "sudah", "belum", "ini", "itu", "di", "ke", "gimana", "gak", "nggak", "aku", "kak", "min"]);
  let e = 0, i = 0;
  for (const w of ws) {
    if (en.has(w)) e++;
    if (id.has(w)) i++;
  }
  return e > i ? "en" : "id";
}
// Annotate the CommonJS export names for ESM import in node:
0 && (module.exports = {
  analyze,
  analyzeQuery,
  detectLanguage,
  estimateTokens,
  stem,
  words
});
