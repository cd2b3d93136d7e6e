// What several server processes on one database coordinate through it (PM2 cluster mode):
//  - runOnce: a periodic job runs once per period for the whole cluster. The claim is one
//    conditional upsert: only the process that moved last_run_at forward gets a row back.
//  - generations: a counter any process bumps and every process polls (a refresh-kb on one
//    instance reaches the others within the poll interval). Polling one row works on both
//    engines (LISTEN/NOTIFY does not exist on the embedded one) and costs one indexed read.
import type { Database } from '../db/database';

export interface ClusterService {
  /** True when this process won the job's run for the current period (nobody ran it within `everyMs`). */
  claimRun(job: string, everyMs: number, nowMs: number): Promise<boolean>;
  generation(key: string): Promise<number>;
  bump(key: string): Promise<number>;
}

export function createClusterService(deps: { db: Database; owner: string }): ClusterService {
  const { db, owner } = deps;
  return {
    async claimRun(job, everyMs, nowMs) {
      // 5 % slack: timers of two processes started together drift a little; the earlier one wins.
      const r = await db.query(
        `INSERT INTO cluster_jobs AS j (name, last_run_at, run_by) VALUES ($1, $2, $3)
         ON CONFLICT (name) DO UPDATE SET last_run_at = EXCLUDED.last_run_at, run_by = EXCLUDED.run_by
         WHERE j.last_run_at <= $4
         RETURNING name`,
        [job, new Date(nowMs), owner, new Date(nowMs - Math.floor(everyMs * 0.95))]);
      return r.rows.length > 0;
    },
    async generation(key) {
      const r = await db.query<{ generation: number }>('SELECT generation FROM cluster_state WHERE key = $1', [key]);
      return r.rows[0]?.generation ?? 0;
    },
    async bump(key) {
      const r = await db.query<{ generation: number }>(
        `INSERT INTO cluster_state AS s (key, generation, updated_by) VALUES ($1, 1, $2)
         ON CONFLICT (key) DO UPDATE SET generation = s.generation + 1, updated_by = EXCLUDED.updated_by, updated_at = now()
         RETURNING generation`, [key, owner]);
      return r.rows[0].generation;
    },
  };
}
