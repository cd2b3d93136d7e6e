-- Local WhatsApp sandbox (issue 7): the server acts as its own Meta outside production.
-- Secrets live here (not in memory) so every instance, the /sandbox page and `npm run simulate`
-- agree on one app secret; events are what the sandbox sent to the webhook and what the Graph
-- client sent to the sandbox's Graph endpoint, read back by the page and the CLI.
CREATE TABLE sandbox_settings (
  key        text PRIMARY KEY,
  value      text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE sandbox_events (
  id              bigserial PRIMARY KEY,
  at              timestamptz NOT NULL DEFAULT now(),
  direction       text NOT NULL CHECK (direction IN ('webhook', 'graph')),
  phone           text,              -- digits of the WhatsApp user concerned (sender / recipient)
  kind            text NOT NULL,     -- webhook: 'message'; graph: 'text' | 'read' | 'other'
  wamid           text,              -- the message sent (webhook) or created / marked read (graph)
  method          text NOT NULL,
  path            text NOT NULL,
  headers         jsonb NOT NULL DEFAULT '{}',
  body            text NOT NULL,     -- the exact bytes sent (and signed), as text
  response_status integer,
  response_body   text
);
CREATE INDEX sandbox_events_phone_idx ON sandbox_events (phone, id);
