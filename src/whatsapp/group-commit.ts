// Group commit: calls that arrive while earlier ones are being written are merged into the next
// single statement. An idle server writes each webhook at once (no added latency); a busy one
// writes hundreds of webhooks per round trip and commit instead of one each.

export function createGroupCommitter<T, R>(write: (items: T[]) => Promise<R>, opts: { maxInFlight?: number; maxItems?: number } = {}) {
  const maxInFlight = opts.maxInFlight ?? 2;
  const maxItems = opts.maxItems ?? 500;
  let queue: { item: T; resolve(r: R): void; reject(e: unknown): void }[] = [];
  let inFlight = 0;

  function pump() {
    while (inFlight < maxInFlight && queue.length) {
      const group = queue.slice(0, maxItems);
      queue = queue.slice(group.length);
      inFlight++;
      write(group.map((g) => g.item)).then(
        (r) => { for (const g of group) g.resolve(r); },
        (e) => { for (const g of group) g.reject(e); },
      ).finally(() => { inFlight--; pump(); });
    }
  }

  return {
    /** Resolves with the result of the statement that wrote this item (shared with its group). */
    submit(item: T): Promise<R> {
      return new Promise<R>((resolve, reject) => { queue.push({ item, resolve, reject }); pump(); });
    },
  };
}
