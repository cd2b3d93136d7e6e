// Model output is Markdown; WhatsApp has its own light markup and a 4096-character limit per text.

export const WHATSAPP_TEXT_LIMIT = 4096;

/** **bold** → *bold*, *italic* → _italic_, ~~x~~ → ~x~, headings → bold lines, lists → •, [t](u) → t (u). */
export function markdownToWhatsApp(md: string): string {
  const BOLD = '\u0001';
  const lines = md.replace(/\r\n?/g, '\n').split('\n');
  let inCode = false;
  const out = lines.map((line) => {
    if (/^\s*```/.test(line)) { inCode = !inCode; return line; }
    if (inCode) return line;
    let l = line;
    // Each rule only runs on lines holding its marker: the lookaround patterns cost ~100 µs per
    // long plain-text reply otherwise (a tenth of a WhatsApp batch's CPU in the dispatch benchmark).
    const heading = l.includes('#') ? /^\s{0,3}#{1,6}\s+(.+?)\s*#*\s*$/.exec(l) : null;
    if (heading) l = `${BOLD}${heading[1].replace(/\*\*|__/g, '')}${BOLD}`;
    l = l.replace(/^(\s*)[-*+]\s+/, '$1• ');
    if (l.includes('](')) l = l.replace(/!?\[([^\]]+)\]\((\S+?)\)/g, (_m, text: string, url: string) => (text === url ? url : `${text} (${url})`));
    if (l.includes('**') || l.includes('__')) l = l.replace(/(\*\*|__)(?=\S)(.+?)(?<=\S)\1/g, `${BOLD}$2${BOLD}`);
    if (l.includes('*')) l = l.replace(/(^|[^*\w])\*(?=\S)([^*\n]+?)(?<=\S)\*(?!\*)/g, '$1_$2_');
    if (l.includes('~~')) l = l.replace(/~~(?=\S)(.+?)(?<=\S)~~/g, '~$1~');
    if (/^\s*([-*_]\s*){3,}$/.test(l)) l = '';
    return l;
  });
  return out.join('\n').split(BOLD).join('*').replace(/\n{3,}/g, '\n\n').trim();
}

/**
 * Splits text into parts of at most `limit` characters: on paragraph breaks first, then sentence
 * ends, then spaces. A single word longer than the limit is the only thing ever cut.
 */
export function splitMessage(text: string, limit = WHATSAPP_TEXT_LIMIT): string[] {
  const parts: string[] = [];
  let rest = text.trim();
  while (rest.length > limit) {
    const window = rest.slice(0, limit + 1);
    let cut = lastBreak(window, /\n\s*\n/g);
    if (cut <= 0) cut = lastBreak(window, /[.!?…](?=\s)|\n/g, 1);
    if (cut <= 0) cut = lastBreak(window, /\s/g);
    if (cut <= 0) cut = limit;
    parts.push(rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut).trimStart();
  }
  if (rest) parts.push(rest);
  return parts;
}

/** Index just after the last match in the first `limit` characters (the window holds limit+1). */
function lastBreak(window: string, re: RegExp, include = 0): number {
  let best = -1;
  for (const m of window.matchAll(re)) {
    const end = m.index + include;
    if (end <= window.length - 1 && end > 0) best = end;
  }
  return best;
}
