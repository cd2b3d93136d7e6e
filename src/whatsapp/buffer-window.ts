// How long the buffer waits after a message before answering. The seed's rule: WHATSAPP_BUFFER_MS
// (15 s) after the latest message. With WHATSAPP_BUFFER_MIN_MS set, a message that looks like the
// end of what the person wanted to say (a question mark at the end, or a long message) ends the
// window after that minimum instead: the answer comes sooner, at the risk of answering before a
// follow-up that would have joined the same turn (it then starts the next one). Never longer than
// WHATSAPP_BUFFER_MS.
export const LONG_MESSAGE_CHARS = 160;

export interface BufferWindowOptions { windowMs: number; minMs?: number | null; longChars?: number }

/** The window after one message (type and content as stored). */
export type BufferWindow = (m: { type: string; content: string }) => number;

export function createBufferWindow(opts: BufferWindowOptions): BufferWindow {
  const { windowMs } = opts;
  const min = opts.minMs === null || opts.minMs === undefined ? null : Math.min(opts.minMs, windowMs);
  const long = opts.longChars ?? LONG_MESSAGE_CHARS;
  if (min === null) return () => windowMs;
  return (m) => (m.type === 'text' && looksFinished(m.content, long) ? min : windowMs);
}

function looksFinished(content: string, longChars: number): boolean {
  const text = content.trim();
  return /[?？]$/.test(text) || text.length >= longChars;
}
