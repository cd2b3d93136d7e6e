// Today's retrieval before the Sastrawi/synonyms rework, kept verbatim (transpiled from src/knowledge/bm25-index.ts at
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
var bm25_index_exports = {};
__export(bm25_index_exports, {
  buildBm25Index: () => buildBm25Index
});
module.exports = __toCommonJS(bm25_index_exports);
var import_text_analyzer = require("./text-analyzer");
const K1 = 1.2;
const B = 0.75;
function buildBm25Index(passages) {
  const postings = /* @__PURE__ */ new Map();
  const lengths = passages.map((p) => p.terms.length);
  const avgLength = lengths.reduce((s, n2) => s + n2, 0) / Math.max(1, passages.length);
  passages.forEach((p, doc) => {
    const tf = /* @__PURE__ */ new Map();
    for (const t of p.terms) tf.set(t, (tf.get(t) ?? 0) + 1);
    for (const [term, n2] of tf) {
      let list = postings.get(term);
      if (!list) postings.set(term, list = []);
      list.push({ doc, tf: n2 });
    }
  });
  const n = passages.length;
  return {
    size: n,
    search(query, limit) {
      const terms = [...new Set((0, import_text_analyzer.analyzeQuery)(query))];
      const scores = /* @__PURE__ */ new Map();
      for (const term of terms) {
        const list = postings.get(term);
        if (!list) continue;
        const idf = Math.log(1 + (n - list.length + 0.5) / (list.length + 0.5));
        for (const { doc, tf } of list) {
          const norm = tf * (K1 + 1) / (tf + K1 * (1 - B + B * lengths[doc] / avgLength));
          scores.set(doc, (scores.get(doc) ?? 0) + idf * norm);
        }
      }
      return [...scores.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, limit).map(([doc, score]) => ({ passage: passages[doc], score }));
    }
  };
}
// Annotate the CommonJS export names for ESM import in node:
0 && (module.exports = {
  buildBm25Index
});
