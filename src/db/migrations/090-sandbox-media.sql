-- Files attached in the local WhatsApp sandbox (the page's attach button, `npm run simulate --audio`):
-- its Graph stand-in serves them like Meta's media endpoints. In the database, not in memory, so
-- whichever process answers the batch can download them; pruned after an hour (sandbox-media.ts).
CREATE TABLE sandbox_media (
  id          text PRIMARY KEY,
  phone       text NOT NULL,     -- the sender's digits: the page's panel shows the downloads with that chat
  mime_type   text NOT NULL,
  sha256      text NOT NULL,
  bytes       bytea NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX sandbox_media_created_idx ON sandbox_media (created_at);
