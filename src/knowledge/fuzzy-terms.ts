// Terms a question spells in a way no passage does, matched to a term the knowledge base has:
// vowel-dropping chat abbreviations ("prnh" → pernah, "bnyk" → banyak, "tlat" → telat) and one-letter
// typos of longer words ("kolektibiltas", "restrukturisai"). Only for terms the index does not know,
// so a correctly spelled word is never changed, and the most common candidate in the knowledge
// base wins. Built once per index from its vocabulary.

/** Shortest consonant skeleton an abbreviation is read from: "sy" or "kl" are too ambiguous. */
const MIN_SKELETON = 3;
/** Shortest word corrected as a typo: short words have too many neighbours. */
const MIN_TYPO_LENGTH = 5;

export interface FuzzyTerms {
  /** The index term the unknown `term` most likely means, or null. */
  correct(term: string): string | null;
}

/** "ng" is one sound and abbreviations write it "g" (yg, dtg); vowels are what gets dropped. */
const skeleton = (w: string) => w.replace(/ng/g, 'g').replace(/[aeiou]/g, '');

export function buildFuzzyTerms(vocabulary: Iterable<[string, number]>): FuzzyTerms {
  const bySkeleton = new Map<string, string[]>();
  const byDeletion = new Map<string, string[]>();
  const df = new Map<string, number>();
  const add = (m: Map<string, string[]>, k: string, t: string) => { const l = m.get(k); if (l) { if (l[l.length - 1] !== t) l.push(t); } else m.set(k, [t]); };
  for (const [term, n] of vocabulary) {
    if (!/^[a-z]+$/.test(term)) continue;
    df.set(term, n);
    const sk = skeleton(term);
    if (sk.length >= MIN_SKELETON && sk.length < term.length) add(bySkeleton, sk, term);
    if (term.length >= MIN_TYPO_LENGTH) {
      add(byDeletion, term, term);
      for (let i = 0; i < term.length; i++) add(byDeletion, term.slice(0, i) + term.slice(i + 1), term);
    }
  }
  const best = (cands: Iterable<string>) => {
    let pick: string | null = null;
    for (const c of cands) if (pick === null || (df.get(c) ?? 0) > (df.get(pick) ?? 0) || ((df.get(c) ?? 0) === (df.get(pick) ?? 0) && c < pick)) pick = c;
    return pick;
  };
  return {
    correct(term) {
      if (!/^[a-z]+$/.test(term)) return null;
      const sk = skeleton(term);
      if (sk.length >= MIN_SKELETON) {
        const cands = (bySkeleton.get(sk) ?? []).filter((c) => c.length > term.length && c[0] === term[0] && isSubsequence(term, c));
        if (cands.length) return best(cands);
      }
      if (term.length < MIN_TYPO_LENGTH) return null;
      // One edit (SymSpell): the word with a letter missing, one too many, or one changed/swapped.
      const cands = new Set<string>(byDeletion.get(term) ?? []);
      for (let i = 0; i < term.length; i++) {
        const d = term.slice(0, i) + term.slice(i + 1);
        if (df.has(d) && d.length >= MIN_TYPO_LENGTH) cands.add(d);
        for (const c of byDeletion.get(d) ?? []) cands.add(c);
      }
      return best([...cands].filter((c) => c[0] === term[0] && c !== term));
    },
  };
}

function isSubsequence(short: string, long: string): boolean {
  let j = 0;
  for (let i = 0; i < long.length && j < short.length; i++) if (long[i] === short[j]) j++;
  return j === short.length;
}
