-- WhatsApp channel (issue 3): inbound messages stored before Meta gets its 200, the per-conversation
-- debounce state shared by every server process, the batches (one AI turn each) and status callbacks.

-- One row per WhatsApp conversation (one sender). The key is the user id the sender maps to:
-- whatsapp_<digits> when the phone number is known, whatsapp_bsuid_<id> when only Meta's
-- business-scoped user id is. due_at/lease_* are the durable buffer: whoever wins the conditional
-- UPDATE on lease_until answers the batch; nobody else can until the lease is released or expires.
CREATE TABLE whatsapp_conversations (
  conversation_key   text PRIMARY KEY,
  recipient          text NOT NULL,             -- Graph `to`: phone digits, or the BSUID
  phone              text,
  bsuid              text,
  profile_name       text,
  user_ready         boolean NOT NULL DEFAULT false, -- user row and first-contact credit profile exist
  due_at             timestamptz,               -- pending messages become one turn at this time; NULL = none pending
  open_batch_id      bigint,                    -- claimed batch not finished yet (resumed after a crash)
  lease_owner        text,
  lease_until        timestamptz,
  last_inbound_at    timestamptz NOT NULL,
  last_reply_at      timestamptz,
  session_started_at timestamptz NOT NULL,
  session_ended_at   timestamptz,
  session_messages   integer NOT NULL DEFAULT 0
);
CREATE INDEX whatsapp_conversations_due_idx ON whatsapp_conversations (due_at) WHERE due_at IS NOT NULL;
CREATE INDEX whatsapp_conversations_open_idx ON whatsapp_conversations (lease_until) WHERE open_batch_id IS NOT NULL;
CREATE INDEX whatsapp_conversations_active_idx ON whatsapp_conversations (last_inbound_at) WHERE session_ended_at IS NULL;

-- Every inbound message, unique on its wamid: a re-delivered webhook inserts nothing.
CREATE TABLE whatsapp_inbound (
  wamid            text PRIMARY KEY,
  conversation_key text NOT NULL,
  type             text NOT NULL,
  content          text NOT NULL,                -- the text, or a short description ("[image: caption]")
  starts_turn      boolean NOT NULL,             -- reactions and system notices are kept but never answered
  sent_at          timestamptz NOT NULL,         -- WhatsApp's timestamp: batches are ordered by it, then by arrival
  received_at      timestamptz NOT NULL DEFAULT now(),
  seq              bigserial,
  batch_id         bigint,
  message          jsonb NOT NULL
);
CREATE INDEX whatsapp_inbound_pending_idx ON whatsapp_inbound (conversation_key, seq) WHERE batch_id IS NULL AND starts_turn;
CREATE INDEX whatsapp_inbound_batch_idx ON whatsapp_inbound (batch_id) WHERE batch_id IS NOT NULL;

-- One AI turn. The formatted reply is stored before the first send and each sent part is recorded
-- with its Graph message id, so a resumed batch never asks the AI again nor re-sends a recorded part.
CREATE TABLE whatsapp_batches (
  id                bigserial PRIMARY KEY,
  conversation_key  text NOT NULL,
  status            text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'sent', 'failed')),
  attempts          integer NOT NULL DEFAULT 1,
  message_count     integer NOT NULL DEFAULT 0,
  reply_parts       text[],
  reply_meta        jsonb,
  parts_sent        integer NOT NULL DEFAULT 0,
  graph_message_ids text[] NOT NULL DEFAULT '{}',
  error             text,
  created_at        timestamptz NOT NULL DEFAULT now(),
  finished_at       timestamptz
);
CREATE INDEX whatsapp_batches_conversation_idx ON whatsapp_batches (conversation_key, id);

-- Status callbacks (sent/delivered/read/failed/played) for the messages we sent; never start a turn.
CREATE TABLE whatsapp_statuses (
  wamid        text NOT NULL,
  status       text NOT NULL,
  recipient    text,
  occurred_at  timestamptz,
  error_code   integer,
  error_title  text,
  received_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (wamid, status)
);

-- Small shared facts every process can show on the status endpoint (last Graph API error, ...).
CREATE TABLE whatsapp_channel_state (
  key        text PRIMARY KEY,
  value      jsonb NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);
