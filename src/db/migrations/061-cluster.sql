-- Production hardening (issue 8): facts shared by every server process of a PM2 cluster.

-- Periodic jobs that must run once per period for the whole cluster, not once per process
-- (hourly session cleanup, daily chat-log deletion). A process runs a job only if its conditional
-- upsert moved last_run_at forward; the others see no row returned and skip.
CREATE TABLE cluster_jobs (
  name        text PRIMARY KEY,
  last_run_at timestamptz NOT NULL,
  run_by      text
);

-- Counters every process polls: a bump on one process is seen by all within a few seconds
-- (kb_generation: a refresh-kb on one instance makes every instance reload its knowledge base).
CREATE TABLE cluster_state (
  key        text PRIMARY KEY,
  generation bigint NOT NULL DEFAULT 0,
  updated_by text,
  updated_at timestamptz NOT NULL DEFAULT now()
);
