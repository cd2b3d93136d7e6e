// The ChatLogger contract both channels write through. Implementations must never block or break a
// reply: calls return immediately, writes happen in the background, failures are counted.
import type { AiTurnResult, Channel } from '../ai/types';

export interface LoggedTurn {
  userId: string;
  channel: Channel;
  /** The user's messages of this turn, in order. */
  userMessages: { text: string; at: Date }[];
  /** The reply that was sent (absent if nothing was sent). */
  reply?: AiTurnResult & { at: Date };
  /** Web: an opaque id of the login session (e.g. a hash of the express-session id). When it
   * changes, the open log session ends and a new one starts, so log sessions follow logins. */
  sessionKey?: string;
}

export interface ChatLoggerHealth { enabled: boolean; transport: string; queued: number; written: number; failedWrites: number; droppedWrites: number;
  /** Last storage error seen (message only) and when: set once a write or read has failed. */
  lastError?: string; lastErrorAt?: string }

export interface ChatLogger {
  logTurn(turn: LoggedTurn): void;
  /** Ends the user's open session of that channel (web logout). Fire-and-forget like logTurn. */
  endSession(userId: string, channel: Channel): void;
  /** Active sessions per channel, for the status endpoint. */
  activeSessions(channel: Channel): Promise<{ userId: string; startedAt: Date; lastActivityAt: Date; messageCount: number }[]>;
  health(): ChatLoggerHealth;
  /** Waits until queued writes are done or given up (tests, shutdown). */
  flush(): Promise<void>;
  close(): Promise<void>;
}

export function createNoopChatLogger(): ChatLogger {
  return {
    logTurn() {},
    endSession() {},
    async activeSessions() { return []; },
    health: () => ({ enabled: false, transport: 'none', queued: 0, written: 0, failedWrites: 0, droppedWrites: 0 }),
    async flush() {},
    async close() {},
  };
}
