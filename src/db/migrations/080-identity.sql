-- Who a WhatsApp sender is. One place decides (src/identity/): an explicit link (made by the
-- person with a code from the web chat, or by an operator), else a customer record the company
-- loaded with that phone number, else the seed's whatsapp_<digits> user.

-- An explicit link: one WhatsApp number (phone, or business-scoped user id) per account and one
-- account per number. Deleting the account deletes its link.
CREATE TABLE whatsapp_links (
  user_id    text PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
  phone      text UNIQUE,                                   -- digits only
  bsuid      text UNIQUE,                                   -- Meta's business-scoped user id
  linked_by  text NOT NULL CHECK (linked_by IN ('code', 'operator')),
  created_at timestamptz NOT NULL DEFAULT now(),
  CHECK (phone IS NOT NULL OR bsuid IS NOT NULL)
);

-- Self-service link codes: single use, short-lived, one per account (a new request replaces the
-- previous one). Only a hash is stored: the code is a credential while it lives.
CREATE TABLE whatsapp_link_codes (
  code_hash  text PRIMARY KEY,
  user_id    text NOT NULL UNIQUE REFERENCES users (id) ON DELETE CASCADE,
  language   text NOT NULL DEFAULT 'id' CHECK (language IN ('id', 'en')),
  expires_at timestamptz NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX whatsapp_link_codes_expiry_idx ON whatsapp_link_codes (expires_at);

-- Wrong codes per sender per hour, so codes cannot be guessed from one number.
CREATE TABLE whatsapp_link_attempts (
  conversation_key text PRIMARY KEY,
  window_start     timestamptz NOT NULL,
  failures         integer NOT NULL DEFAULT 0
);

-- A company customer and the seed's whatsapp_<digits> user of the same number may both exist
-- (the number wrote in before the company loaded its records): the phone is unique among the
-- company's own records only. whatsapp_<digits> ids carry their number in the id already.
DROP INDEX users_phone_key;
CREATE UNIQUE INDEX users_customer_phone_key ON users (phone) WHERE phone IS NOT NULL AND id NOT LIKE 'whatsapp\_%';

-- 'customer': a record the company loaded (not created by a sign-in or a first message).
ALTER TABLE users DROP CONSTRAINT users_channel_check;
ALTER TABLE users ADD CONSTRAINT users_channel_check CHECK (channel IN ('whatsapp', 'web', 'customer'));
