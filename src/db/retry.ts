// Retrying a single statement that PostgreSQL aborted to break a deadlock or a serialization
// conflict. Only for statements that run alone (autocommit): the abort rolled all of it back, so
// running it again is exact. Inside a transaction the whole transaction must be retried instead.
// A short random pause before the next try keeps two aborted statements from colliding again.
export async function retryOnDeadlock<T>(run: () => Promise<T>, attempts = 5): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await run();
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (i >= attempts || (code !== '40P01' && code !== '40001')) throw err;
      await new Promise((r) => setTimeout(r, Math.random() * 20 * i));
    }
  }
}
