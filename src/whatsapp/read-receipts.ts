// Blue ticks while the buffer's window runs: each inbound message is marked read as it arrives,
// the way a person reading would. Meta marks the given message AND every earlier one read, so a
// burst needs one call, for its latest message: per conversation at most one read call per
// `intervalMs` (the first at once, then one for the latest message that arrived meanwhile). When the
// window ends, the batch's read+typing call covers everything, so a read still waiting is dropped.
// Typing is not shown here: it starts when the window ends (batch-service), so "typing…" means the
// reply is being written.
//
// Per process: webhooks of one conversation reaching two processes may each send a read, which is
// harmless (marking read is idempotent and never "unreads"); the bound per conversation is one call
// per interval per process. Nothing here is awaited by the webhook: the 200 has already gone.
// An operator holding the conversation does not stop the ticks: the message is in front of a
// person (the console's inbox), which is what the ticks say.
import type { Logger } from '../shared/logger';
import type { GraphClient } from './graph-client';

export const READ_INTERVAL_MS = 1500;
/** After a read call failed for Graph's side (network, 5xx, 429), window reads pause this long: they would only add load (ingest halved in the bench). */
export const READ_PAUSE_AFTER_FAILURE_MS = 10_000;
const MAX_TRACKED = 10_000;

export interface ReadReceipts {
  /** A stored message (after the webhook answered): marked read soon, combined with the others of its conversation. */
  seen(key: string, wamid: string, sentAt: Date): void;
  /** The batch's read+typing call for `wamid` marks this conversation read: drops a read still waiting. */
  covered(key: string, wamid?: string): void;
  stop(): void;
}

interface State { lastCallAt: number; pending: { wamid: string; at: number } | null; timer: NodeJS.Timeout | null }

export function createReadReceipts(deps: {
  graph: Pick<GraphClient, 'markRead'>; logger: Logger; clock?: () => number; intervalMs?: number;
}): ReadReceipts {
  const clock = deps.clock ?? Date.now;
  const interval = deps.intervalMs ?? READ_INTERVAL_MS;
  const log = deps.logger.child({ module: 'whatsapp-read' });
  const states = new Map<string, State>();
  let stopped = false;
  let pausedUntil = -Infinity;

  function fire(key: string, s: State, wamid: string) {
    s.lastCallAt = clock();
    if (s.lastCallAt < pausedUntil) return; // the read+typing call at the window's end still marks it read
    deps.graph.markRead(wamid).catch((err) => {
      // Graph unreachable, overloaded or throttling (not a refusal of this one message).
      if ((err as { retryable?: boolean }).retryable !== false) pausedUntil = clock() + READ_PAUSE_AFTER_FAILURE_MS;
      log.debug({ err: { message: (err as Error).message }, conversation: key }, 'could not mark a message read; window reads pause for a while');
    });
  }

  function prune() {
    if (states.size < MAX_TRACKED) return;
    const old = clock() - interval;
    for (const [k, s] of states) if (!s.timer && s.lastCallAt < old) states.delete(k);
  }

  return {
    seen(key, wamid, sentAt) {
      if (stopped) return;
      prune();
      let s = states.get(key);
      if (!s) states.set(key, s = { lastCallAt: -Infinity, pending: null, timer: null });
      const at = sentAt.getTime();
      if (!s.pending || at >= s.pending.at) s.pending = { wamid, at };
      if (s.timer) return;
      const wait = s.lastCallAt + interval - clock();
      if (wait <= 0) {
        const next = s.pending;
        s.pending = null;
        fire(key, s, next.wamid);
        return;
      }
      const state = s;
      state.timer = setTimeout(() => {
        state.timer = null;
        const next = state.pending;
        state.pending = null;
        if (next && !stopped) fire(key, state, next.wamid);
      }, wait).unref();
    },
    covered(key) {
      const s = states.get(key);
      if (!s) return;
      if (s.timer) clearTimeout(s.timer);
      s.timer = null;
      s.pending = null;
      s.lastCallAt = clock();
    },
    stop() {
      stopped = true;
      for (const s of states.values()) if (s.timer) clearTimeout(s.timer);
      states.clear();
    },
  };
}
