-- Meta's per-number send rate (META_MESSAGES_PER_SECOND), shared by every server process: the next
-- free send slot of each business number. A process reserves slots with one statement (moving
-- next_slot_at forward by n intervals) and sends each message at its slot's time, so the cluster as
-- a whole stays under the rate however many conversation windows end together.
-- Holds no personal data (the business's own phone number id and a timestamp).
CREATE TABLE whatsapp_send_slots (
  phone_number_id text PRIMARY KEY,
  next_slot_at    timestamptz NOT NULL
);
