-- Model turns per person and day, shared by every instance (AI_DAILY_TURNS_PER_USER), and the
-- day's total for the whole service under the reserved user id '*' (AI_DAILY_TURN_BUDGET).
-- Holds user ids: registered in src/privacy/registry.ts (erased with the person, kept DATA_RETENTION_DAYS).
CREATE TABLE ai_daily_usage (
  day      date NOT NULL,          -- the day in Asia/Jakarta
  user_id  text NOT NULL,
  turns    integer NOT NULL DEFAULT 0,
  PRIMARY KEY (day, user_id)
);
