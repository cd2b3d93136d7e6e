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
