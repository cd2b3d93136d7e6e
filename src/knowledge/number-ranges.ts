// Numbers in a question against the ranges the guide writes: "skor 720" belongs on the page that
// says "700 sampai 749: Baik", "telat 45 hari" on the one that says "tunggakan 1 sampai 90 hari".
// Passages' ranges are read once per index; a question's number then counts as a term found in
// every passage with a range that contains it.

/** "700 sampai 749", "1-90", "12 to 60"; "750 ke atas"; "di bawah 600"; "lebih dari 180". */
const CLOSED = /(\d+)\s*(?:sampai|hingga|s\/d|-|–|to)\s*(?:rp\s*)?(\d+)/g;
const AT_LEAST = /(\d+)\s*(?:ke atas|or more|and above)/g;
const BELOW = /(?:di bawah|kurang dari|below|under|less than)\s*(\d+)/g;
const ABOVE = /(?:di atas|lebih dari|more than|over|above)\s*(\d+)/g;

export type Range = [number, number];

/** Ranges written in a text (thousands separators removed, so "Rp5.000.000" is one number). */
export function rangesIn(text: string): Range[] {
  const t = text.toLowerCase().replace(/(\d)[.,](?=\d{3}(\D|$))/g, '$1');
  const out: Range[] = [];
  for (const m of t.matchAll(CLOSED)) { const a = Number(m[1]); const b = Number(m[2]); if (a < b) out.push([a, b]); }
  for (const m of t.matchAll(AT_LEAST)) out.push([Number(m[1]), Infinity]);
  for (const m of t.matchAll(BELOW)) out.push([-Infinity, Number(m[1]) - 1]);
  for (const m of t.matchAll(ABOVE)) out.push([Number(m[1]) + 1, Infinity]);
  return out;
}

/** Index term standing for "a range containing this number" (never produced by the analyser: `#`). */
export const rangeTerm = (n: string) => `#${n}`;

export interface RangeIndex {
  /** Passages (and how many of their ranges) that contain the number of a `rangeTerm`. */
  postings(term: string): { doc: number; tf: number }[] | undefined;
}

export function buildRangeIndex(texts: string[]): RangeIndex {
  const ranges = texts.map(rangesIn);
  return {
    postings(term) {
      if (!term.startsWith('#')) return undefined;
      const x = Number(term.slice(1));
      if (!Number.isFinite(x)) return undefined;
      const list: { doc: number; tf: number }[] = [];
      ranges.forEach((rs, doc) => {
        const tf = rs.filter(([a, b]) => a <= x && x <= b).length;
        if (tf) list.push({ doc, tf });
      });
      return list.length ? list : undefined;
    },
  };
}
