// OpenRouter's multimodal message content: a user turn may be a list of parts (text, a picture as a
// data URL, audio as base64) instead of one string. Pure builders, so the shapes live in one place.
export type ContentPart =
  | { type: 'text'; text: string }
  | { type: 'image_url'; image_url: { url: string } }
  | { type: 'input_audio'; input_audio: { data: string; format: string } };

export interface RichChatMessage { role: 'system' | 'user' | 'assistant'; content: string | ContentPart[] }

export interface ImageInput { mimeType: string; data: Buffer }

export const textPart = (text: string): ContentPart => ({ type: 'text', text });

export function imagePart(image: ImageInput): ContentPart {
  return { type: 'image_url', image_url: { url: `data:${image.mimeType.split(';')[0].trim()};base64,${image.data.toString('base64')}` } };
}

/**
 * The audio format name OpenRouter expects, from a MIME type. WhatsApp voice notes are
 * `audio/ogg; codecs=opus`: Ogg is the container whatever the codec, so oga/opus become ogg.
 */
export function audioFormat(mimeType: string): string {
  const sub = (mimeType.split(';')[0].split('/')[1] ?? '').trim().toLowerCase();
  const map: Record<string, string> = {
    ogg: 'ogg', oga: 'ogg', opus: 'ogg', mpeg: 'mp3', mp3: 'mp3', mp4: 'm4a', m4a: 'm4a', 'x-m4a': 'm4a', aac: 'aac',
    wav: 'wav', 'x-wav': 'wav', wave: 'wav', flac: 'flac', 'x-flac': 'flac', aiff: 'aiff', 'x-aiff': 'aiff', amr: 'amr', webm: 'webm',
  };
  return map[sub] ?? (sub || 'ogg');
}

export function audioPart(data: Buffer, mimeType: string): ContentPart {
  return { type: 'input_audio', input_audio: { data: data.toString('base64'), format: audioFormat(mimeType) } };
}

/** The text of a message for token estimates and logs (pictures and audio are not text). */
export function textOf(content: string | ContentPart[]): string {
  return typeof content === 'string' ? content : content.map((p) => (p.type === 'text' ? p.text : '')).join('\n');
}
