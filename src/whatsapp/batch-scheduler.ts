// When batches are answered: an in-process timer per conversation fires when its window ends
// (precision); a periodic database sweep picks up what other processes or a crashed one left behind
// (safety net). Conversations that become due together are claimed together and answered in due
// order, at most `maxConcurrent` at once. What answering does is batch-service.ts.
import type { Logger } from '../shared/logger';
import type { ClaimedBatch, Due, MessageBuffer } from './message-buffer';

export interface BatchSchedulerDeps {
  buffer: Pick<MessageBuffer, 'claimMany' | 'candidates'>;
  clock: () => number;
  owner: string;
  logger: Logger;
  leaseMs: number;
  sweepMs: number;
  maxConcurrent: number;
  /** Answers one claimed batch; never rejects with anything the scheduler must handle. */
  answer(batch: ClaimedBatch): Promise<void>;
  /** Told how late after its window's end each batch was claimed (the dispatch delay). */
  onClaimed?(lateMs: number): void;
}

export interface BatchScheduler {
  schedule(due: Due[]): void;
  sweepOnce(): Promise<void>;
  start(): void;
  stop(drainMs?: number): Promise<void>;
  stopped(): boolean;
  inFlight(): number;
}

export function createBatchScheduler(deps: BatchSchedulerDeps): BatchScheduler {
  const { buffer, clock, owner, leaseMs, sweepMs, maxConcurrent, answer } = deps;
  const log = deps.logger;
  const timers = new Map<string, NodeJS.Timeout>();
  const dueAt = new Map<string, number>(); // for the dispatch delay; removed when the key is claimed or let go
  const inflight = new Map<string, Promise<void>>();
  let sweeper: NodeJS.Timeout | null = null;
  let stopped = false;

  function schedule(due: Due[]) {
    for (const d of due) {
      if (stopped) continue;
      const at = d.dueAt ? d.dueAt.getTime() : clock();
      if (deps.onClaimed) dueAt.set(d.key, at);
      const prev = timers.get(d.key);
      if (prev) clearTimeout(prev);
      const fire = () => {
        // setTimeout may fire a millisecond early; the claim would then see the window still open.
        const left = at - clock();
        if (left > 0) { timers.set(d.key, setTimeout(fire, left).unref()); return; }
        timers.delete(d.key);
        run(d.key);
      };
      timers.set(d.key, setTimeout(fire, Math.max(0, at - clock())).unref());
    }
  }

  // When many windows end at once, answering them all concurrently makes every one wait behind all
  // the others in the connection pool's queue (all finish late). A limit answers them in due order
  // instead. Conversations that become due together are claimed together: one statement for up to
  // `claimBatch` of them (round trips, not JavaScript, bound the dispatch rate).
  const claimBatch = 64;
  const waiting: string[] = [];
  const queued = new Set<string>();
  let active = 0;
  let claiming = 0;

  function run(key: string): void {
    if (stopped || inflight.has(key) || queued.has(key)) return; // a running batch re-checks the due time when it finishes
    waiting.push(key);
    queued.add(key);
    // Let the other timers of this tick join the same claim.
    if (waiting.length === 1) setImmediate(pump);
  }

  function pump(): void {
    while (!stopped && claiming < 2 && waiting.length && active < maxConcurrent) {
      // While a claim is in flight, wait for a useful number of free slots rather than claiming
      // conversations one by one as single batches finish (that would undo the batching).
      const free = maxConcurrent - active;
      if (claiming > 0 && free < Math.min(waiting.length, 16)) break;
      const keys = waiting.splice(0, Math.min(claimBatch, free));
      const done = new Map<string, () => void>();
      for (const k of keys) {
        queued.delete(k);
        inflight.set(k, new Promise<void>((r) => done.set(k, r)));
      }
      active += keys.length;
      claiming++;
      const finished = (k: string) => {
        inflight.delete(k);
        dueAt.delete(k);
        done.get(k)!();
        active--;
        pump();
      };
      void buffer.claimMany(keys, owner, clock(), leaseMs).then((batches) => {
        claiming--;
        pump();
        const claimed = new Set(batches.map((b) => b.key));
        for (const k of keys) if (!claimed.has(k)) finished(k);
        if (deps.onClaimed) for (const b of batches) { const at = dueAt.get(b.key); if (at !== undefined) deps.onClaimed(Math.max(0, clock() - at)); }
        for (const b of batches) void answer(b).finally(() => finished(b.key));
      }, (err) => {
        claiming--;
        pump();
        log.error({ err, keys: keys.length }, 'could not claim batches (database unreachable?); the sweep retries');
        for (const k of keys) finished(k);
      });
    }
  }

  async function sweepOnce() {
    if (stopped) return;
    try {
      const due = await buffer.candidates(clock(), sweepMs, 500);
      schedule(due.filter((d) => !inflight.has(d.key)));
    } catch (err) {
      log.warn({ err: { message: (err as Error).message } }, 'buffer sweep failed (database unreachable?)');
    }
  }

  return {
    schedule,
    sweepOnce,
    start() {
      stopped = false;
      void sweepOnce();
      sweeper = setInterval(() => void sweepOnce(), sweepMs).unref();
    },
    async stop(drainMs = 10_000) {
      stopped = true;
      if (sweeper) clearInterval(sweeper);
      for (const t of timers.values()) clearTimeout(t);
      timers.clear();
      dueAt.clear();
      waiting.length = 0;
      queued.clear();
      // In-flight batches finish (or keep their lease and are resumed elsewhere after it expires).
      await Promise.race([Promise.allSettled([...inflight.values()]), new Promise((r) => setTimeout(r, drainMs).unref())]);
    },
    stopped: () => stopped,
    inFlight: () => inflight.size,
  };
}
