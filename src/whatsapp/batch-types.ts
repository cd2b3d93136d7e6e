// The shapes shared by the message buffer and its claim and finish repositories, in a module of
// their own so that those repositories do not import the buffer that imports them.
import type { ConversationMessage } from '../ai/types';

export interface Due { key: string; dueAt: Date | null }

export interface BatchMessage { wamid: string; type: string; content: string; sentAt: Date }

export interface ClaimedBatch {
  id: number;
  key: string;
  /** The user the sender is answered as (identity/): a linked account, a company customer, or `key`. */
  userId: string;
  sender: 'link' | 'customer' | 'number';
  recipient: string;
  phone: string | null;
  bsuid: string | null;
  profileName: string | null;
  /** The user row and first-contact profile were already created (during the window). */
  userReady: boolean;
  /** The language the person reads, from their latest messages (stored by the webhook); null until known. */
  language: 'id' | 'en' | null;
  attempts: number;
  messages: BatchMessage[];
  /** Present when a previous attempt already got the reply from the AI (resumed batch). */
  replyParts: string[] | null;
  replyMeta: Record<string, unknown> | null;
  partsSent: number;
  /** Pending messages over the per-phone rate limit: stored, marked, never given to the AI. */
  limited?: BatchMessage[];
  /** Send the "slow down" notice: first time messages were limited in this window (at most once per window). */
  notice?: boolean;
  /** The conversation so far (both channels, oldest first), read with the claim. */
  history?: ConversationMessage[];
  /**
   * The rate-limit window after this claim, written by finish(): when nothing was over the limit
   * the claim needs no statement of its own (the lease keeps the count exact: no other claim of
   * this conversation can happen before finish frees it); otherwise finish writes the same values again.
   */
  rateCounters?: { start: string; used: number; notice: string | null };
}

export interface FinishOutcome {
  status: 'sent' | 'failed';
  error?: string;
  /** The last part, sent just now: recorded by the same statement (with the reply when it is the first part). */
  lastPart?: { messageId: string; reply?: { parts: string[]; meta: Record<string, unknown> } };
  /** Appended to conversation_messages (of `userId`, else the batch's user) by the same statement. */
  history?: { role: 'user' | 'assistant'; content: string; at: Date }[];
  /** Whose history the turn goes to, when it differs from the claim's (a link made by this batch). */
  userId?: string;
}

/** The rate-limit window (WHATSAPP_RATE_LIMIT_PER_MINUTE counts per this much time). */
export const RATE_WINDOW_MS = 60_000;
