-- Operator console and human handoff. Who answers a person (the AI, an operator, nobody while they
-- wait for one, nobody at all after STOP) lives here, per user id (the person, both channels), so
-- every instance and the console agree. No foreign key to users: a WhatsApp turn asks before the
-- first-contact user row exists; erasure removes these rows with the rest of the person's data.
CREATE TABLE operator_conversations (
  user_id              text PRIMARY KEY,
  state                text NOT NULL DEFAULT 'ai' CHECK (state IN ('ai', 'human', 'needs_human', 'opted_out')),
  operator             text,                        -- who holds it (state human): e-mail, or 'admin' for the token
  reason               text,                        -- why a person is needed (state needs_human)
  state_changed_at     timestamptz NOT NULL DEFAULT now(),
  operator_activity_at timestamptz,                 -- last takeover or operator message (idle auto-release)
  last_read_at         timestamptz,                 -- an operator opened the thread (unread counts)
  wa_recipient         text,                        -- Graph `to` of the person's last WhatsApp turn
  wa_last_inbound_at   timestamptz                  -- their last WhatsApp message (24-hour window)
);
CREATE INDEX operator_conversations_state_idx ON operator_conversations (state) WHERE state <> 'ai';
CREATE INDEX operator_conversations_recipient_idx ON operator_conversations (wa_recipient) WHERE wa_recipient IS NOT NULL;

-- Every operator action (and the person's own STOP/START/escalation), shown in the thread.
CREATE TABLE operator_actions (
  id         bigserial PRIMARY KEY,
  user_id    text NOT NULL,
  actor      text NOT NULL,                         -- operator e-mail, 'admin', 'customer', 'system'
  action     text NOT NULL,                         -- takeover, release, message, escalate, opt-out, opt-in, auto-release
  detail     jsonb NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX operator_actions_user_idx ON operator_actions (user_id, id);
CREATE INDEX operator_actions_created_idx ON operator_actions (created_at);

-- Operator replies, keyed by the page's idempotency key: a double click or the same request
-- reaching two instances inserts one row, and only the inserter sends.
CREATE TABLE operator_messages (
  idempotency_key   text PRIMARY KEY,
  user_id           text NOT NULL,
  operator          text NOT NULL,
  channel           text NOT NULL CHECK (channel IN ('whatsapp', 'web')),
  content           text NOT NULL,
  status            text NOT NULL DEFAULT 'sending' CHECK (status IN ('sending', 'sent', 'failed')),
  parts_sent        integer NOT NULL DEFAULT 0,
  graph_message_ids text[] NOT NULL DEFAULT '{}',
  error             text,
  history_id        bigint,                         -- its conversation_messages row
  created_at        timestamptz NOT NULL DEFAULT now(),
  sent_at           timestamptz
);
CREATE INDEX operator_messages_user_idx ON operator_messages (user_id, created_at);

-- Operator turns join the shared history, so the AI reads them after the hand-back.
ALTER TABLE conversation_messages DROP CONSTRAINT conversation_messages_role_check;
ALTER TABLE conversation_messages ADD CONSTRAINT conversation_messages_role_check CHECK (role IN ('user', 'assistant', 'operator'));
ALTER TABLE conversation_messages ADD COLUMN operator text;
