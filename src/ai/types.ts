// The one interface both channels use to get an answer. The WhatsApp buffer and the web chat
// call `reply`; the AI processor (OpenRouter + knowledge base + credit data) implements it.

import type { ImageInput } from './content-parts';

export type Channel = 'whatsapp' | 'web';

export interface ConversationMessage { role: 'user' | 'assistant'; text: string; at?: Date; channel?: Channel }

export interface AiTurnInput {
  userId: string;
  channel: Channel;
  /** What the user said this turn: one element per message (a WhatsApp batch may hold several), in order. */
  messages: string[];
  /** Earlier messages of this user's conversation, oldest first. */
  history: ConversationMessage[];
  userName?: string | null;
  /** Photos sent this turn, given to a vision-capable model with the text. */
  images?: ImageInput[];
}

export interface AiTurnResult {
  text: string;
  /** 'ai': the model answered; 'fallback': polite busy message after failures; 'offline': no API key, local answer. */
  kind: 'ai' | 'fallback' | 'offline' | 'placeholder';
  model: string | null;
  promptTokens: number | null;
  completionTokens: number | null;
  latencyMs: number;
  /** Knowledge-base passages the answer was grounded in. */
  sources: { file: string; page: number }[];
}

export interface AiResponder {
  reply(input: AiTurnInput): Promise<AiTurnResult>;
}

/** Stand-in until the AI processor is wired: echoes the turn. Used by tests of the channels. */
export function createEchoResponder(): AiResponder {
  return {
    async reply(input) {
      const started = Date.now();
      return {
        text: `Echo: ${input.messages.join(' | ')}`,
        kind: 'placeholder', model: null, promptTokens: null, completionTokens: null,
        latencyMs: Date.now() - started, sources: [],
      };
    },
  };
}
