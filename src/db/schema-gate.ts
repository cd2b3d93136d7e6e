// Requests that need the database schema wait for the migrations instead of failing on a missing
// table. The gate opens once when they are applied; until then a request waits for it (bounded), and
// when the wait runs out the caller answers 503 with Retry-After, without touching the database.
export interface SchemaGate {
  isOpen(): boolean;
  /** Resolves true as soon as the gate opens, false after `timeoutMs` (or when the gate can never open). */
  wait(timeoutMs: number): Promise<boolean>;
}

export function createSchemaGate(ready: Promise<unknown>): SchemaGate {
  let open = false;
  let failed = false;
  const settled = ready.then(() => { open = true; }, () => { failed = true; });
  return {
    isOpen: () => open,
    async wait(timeoutMs) {
      if (open) return true;
      if (failed || timeoutMs <= 0) return false;
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<void>((r) => { timer = setTimeout(r, timeoutMs); timer.unref(); });
      await Promise.race([settled, timeout]);
      clearTimeout(timer);
      return open;
    },
  };
}

/** A gate that is open from the start: the schema was migrated before the app was built. */
export const OPEN_GATE: SchemaGate = { isOpen: () => true, wait: async () => true };
