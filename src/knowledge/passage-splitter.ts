// Pure: one page of text → passages of roughly TARGET_WORDS words that keep their file and page.
// Passages follow the PDF's own line breaks and overlap by one line, so a sentence cut at a
// boundary is still found whole in one of the two passages.
import type { IndexedPassage } from './bm25-index';
import { estimateTokens, type TextAnalyzer } from './text-analyzer';

const TARGET_WORDS = 110;
/**
 * The page-number footer ("halaman 6") and table-of-contents entries ("- Halaman 6: Kolektibilitas")
 * name no topic of their own page: kept for reading, left out of the terms.
 */
const PAGE_FOOTER = /^([-•]\s*)?halaman \d+(\s*:.*)?$/gim;
/** A page's keyword line(s) ("Keywords: late payment, …"), as the guide's pages end. */
const KEYWORDS = /^(?:keywords?|kata kunci)\s*:.*$/gim;

export function splitPage(file: string, page: number, text: string, analyzer: TextAnalyzer): IndexedPassage[] {
  const lines = text.split('\n').map((l) => l.replace(/\s+/g, ' ').trim()).filter(Boolean)
    .flatMap((l) => splitLongLine(l));
  const count = (ls: string[]) => ls.reduce((s, l) => s + l.split(' ').length, 0);
  const chunks: string[][] = [];
  if (count(lines) <= TARGET_WORDS * 1.5) {
    if (lines.length) chunks.push(lines);
  } else {
    let current: string[] = [];
    for (const line of lines) {
      current.push(line);
      if (count(current) >= TARGET_WORDS) {
        chunks.push(current);
        current = [line];
      }
    }
    if (current.length > 1 || (current.length === 1 && chunks.length === 0)) chunks.push(current);
  }
  const bodies = chunks.map((ls) => ls.join('\n'));
  const terms = pageTerms(bodies, analyzer);
  return bodies.map((body, i) => ({ file, page, text: body, tokens: estimateTokens(body), terms: terms[i] }));
}

/**
 * Index terms of one page's passages (also when only the terms are redone after the synonyms
 * changed). A page's "Keywords:" line describes the whole page, not the passage it ends up in, so
 * every passage of the page is indexed with it.
 */
export function pageTerms(passageTexts: string[], analyzer: TextAnalyzer): string[][] {
  const keywords = [...new Set(passageTexts.flatMap((t) => t.match(KEYWORDS) ?? []))].join('\n');
  return passageTexts.map((t) => analyzer.analyze(`${t.replace(PAGE_FOOTER, '')}\n${keywords && !t.includes(keywords) ? keywords : ''}`));
}

function splitLongLine(line: string): string[] {
  const ws = line.split(' ');
  if (ws.length <= TARGET_WORDS) return [line];
  const out: string[] = [];
  for (let i = 0; i < ws.length; i += TARGET_WORDS / 2) out.push(ws.slice(i, i + TARGET_WORDS / 2).join(' '));
  return out;
}
