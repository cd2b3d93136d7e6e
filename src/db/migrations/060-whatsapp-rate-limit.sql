-- Per-phone rate limit (issue 8): WHATSAPP_RATE_LIMIT_PER_MINUTE messages per conversation reach the
-- AI per window; the rest are stored (never lost) but never start a turn. The counter lives on the
-- conversation row, which the batch claim already holds exclusively, so every process counts the
-- same window without an extra lock or round trip.

-- A message over the limit: starts_turn is set to false (so it leaves the pending index) and this
-- flag says why.
ALTER TABLE whatsapp_inbound ADD COLUMN rate_limited boolean NOT NULL DEFAULT false;

ALTER TABLE whatsapp_conversations
  ADD COLUMN rate_window_start  timestamptz,                -- start of the current 60 s window
  ADD COLUMN rate_window_used   integer NOT NULL DEFAULT 0, -- messages given to the AI in it
  ADD COLUMN rate_notice_window timestamptz;                -- window in which the "slow down" notice went out
