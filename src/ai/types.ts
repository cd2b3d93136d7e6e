// The one interface both channels use to get an answer. The WhatsApp buffer and the web chat
// call `reply`; the AI processor (OpenRouter + knowledge base + credit data) implements it.

import type { ImageInput } from './content-parts';
import type { Lang } from '../i18n/lang';

export type Channel = 'whatsapp' | 'web';

/** 'operator': a person from the company answered (handoff); the model reads it as the assistant's turn. */
export interface ConversationMessage { role: 'user' | 'assistant' | 'operator'; text: string; at?: Date; channel?: Channel }

export interface AiTurnInput {
  userId: string;
  channel: Channel;
  /** What the user said this turn: one element per message (a WhatsApp batch may hold several), in order. */
  messages: string[];
  /** Earlier messages of this user's conversation, oldest first. */
  history: ConversationMessage[];
  userName?: string | null;
  /**
   * WhatsApp: how the sender was identified (identity/). 'number' = no link and no company record:
   * without a credit report the model is told how to link instead of anything to guess from.
   */
  sender?: 'link' | 'customer' | 'number';
  /** Photos sent this turn, given to a vision-capable model with the text. */
  images?: ImageInput[];
  /** The language the person reads (WhatsApp: of their latest messages; web: the page's); fixed texts use it. */
  language?: Lang;
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
  /** The model asks for a person (a dispute it must not decide): the conversation waits for an operator. */
  handoff?: { reason: string };
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
