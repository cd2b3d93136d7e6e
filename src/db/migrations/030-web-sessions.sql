-- Web chat: login sessions (express-session through connect-pg-simple) and the per-user rate
-- limit counter. Both live in the shared database so several instances behind one load balancer
-- see the same sessions and count the same requests.

-- connect-pg-simple's own table.sql layout, created here instead of by its createTableIfMissing
-- (that reads a file from the package at runtime). timestamptz instead of timestamp: the store
-- compares with to_timestamp(), and instances in different time zones must agree.
CREATE TABLE web_sessions (
  sid     varchar PRIMARY KEY,
  sess    json NOT NULL,
  expire  timestamptz(6) NOT NULL
);
CREATE INDEX web_sessions_expire_idx ON web_sessions (expire);

-- Fixed-window counter per user (express-rate-limit store). One row per user and window; older
-- windows of a user are deleted when a new one starts.
CREATE TABLE web_rate_limits (
  key           text NOT NULL,
  window_start  timestamptz NOT NULL,
  hits          integer NOT NULL,
  PRIMARY KEY (key, window_start)
);
