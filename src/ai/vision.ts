// A turn with photos: the last user message becomes its text plus one image part per photo. The
// caption (or "[image]") stays in the text, so the model knows which words belong to the picture.
import { imagePart, textPart, type ImageInput, type RichChatMessage } from './content-parts';
import type { ChatMessage } from './prompts';

export function withImages(messages: ChatMessage[], images: ImageInput[]): RichChatMessage[] {
  const last = messages.length - 1;
  return messages.map((m, i) => (i === last && m.role === 'user'
    ? { role: 'user', content: [textPart(m.content), ...images.map(imagePart)] }
    : m));
}

/**
 * At most `limit` turns with photos talk to the model at once: each holds its photos several times
 * over while its request is built and sent (bytes, base64, JSON, the request body), about 15-20 MB
 * for a 3 MB photo, so 50 at once peaked at 0.5 GB in the media benchmark. Text turns never wait.
 */
export function createSlots(limit: number) {
  let busy = 0;
  const waiting: (() => void)[] = [];
  return async function run<T>(fn: () => Promise<T>): Promise<T> {
    // A finishing turn hands its slot straight to the next waiter, so the limit is never exceeded.
    if (busy >= limit) await new Promise<void>((r) => waiting.push(r));
    else busy++;
    try { return await fn(); } finally {
      const next = waiting.shift();
      if (next) next(); else busy--;
    }
  };
}
