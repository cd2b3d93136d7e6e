// The baseline turn retrieval as it was: BM25 over the old analyser, the old budget loop of
// knowledge-base.ts, and the old processor rule (a turn under 6 words is searched together with
// the previous user message).
const { buildBm25Index } = require('./bm25-index');
const { analyze } = require('./text-analyzer');

function createBaselineSearch(passages) {
  const index = buildBm25Index(passages.map((p) => ({ ...p, terms: analyze(p.text) })));
  return function search(question, history, { maxTokens = 1500, limit = 8 } = {}) {
    let query = question;
    if (question.split(/\s+/).length < 6) {
      const previous = [...history].reverse().find((m) => m.role === 'user');
      if (previous) query = `${question}\n${previous.text}`;
    }
    const out = [];
    let used = 0;
    for (const { passage, score } of index.search(query, limit * 3)) {
      if (out.length >= limit) break;
      if (used + passage.tokens > maxTokens) continue;
      used += passage.tokens;
      out.push({ file: passage.file, page: passage.page, text: passage.text, score, tokens: passage.tokens });
    }
    return out;
  };
}

module.exports = { createBaselineSearch };
