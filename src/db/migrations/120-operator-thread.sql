-- What the operator console shows beside an AI reply, recorded with the reply itself: the knowledge
-- pages it used (both channels) and, on WhatsApp, the batch that sent it (its delivery ticks), so
-- the thread no longer matches replies to batches by time.
ALTER TABLE conversation_messages ADD COLUMN sources jsonb;
ALTER TABLE conversation_messages ADD COLUMN batch_id bigint;

-- The inbox lists conversations by their latest message. Reading that from conversation_messages
-- meant a pass over every message of every person per console poll; this table keeps one row per
-- person, kept current by the triggers below whatever writes the history (both channels, operator
-- replies, notices, account links moving messages, erasure and retention deleting them).
CREATE TABLE conversation_summaries (
  user_id         text PRIMARY KEY,
  last_message_id bigint NOT NULL,                 -- the person's latest history row (highest id)
  last_message_at timestamptz NOT NULL             -- its created_at: the inbox's order and "last message at"
);
CREATE INDEX conversation_summaries_last_idx ON conversation_summaries (last_message_at DESC, last_message_id DESC);

-- The unread counts beside each listed conversation read role and time from the index alone (the
-- same key as the index it replaces, which the history reads keep using).
CREATE INDEX conversation_messages_user_inbox_idx ON conversation_messages (user_id, id DESC) INCLUDE (role, created_at);
DROP INDEX conversation_messages_user_idx;

INSERT INTO conversation_summaries (user_id, last_message_id, last_message_at)
SELECT DISTINCT ON (user_id) user_id, id, created_at FROM conversation_messages ORDER BY user_id, id DESC;

-- Statement-level with transition tables: a batch finish writing many people's turns in one
-- statement costs one upsert, not one per row. Rows are taken in user_id order so two statements
-- touching the same people lock their summaries in the same order.
CREATE FUNCTION conversation_summaries_added() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO conversation_summaries AS s (user_id, last_message_id, last_message_at)
  SELECT DISTINCT ON (user_id) user_id, id, created_at FROM added ORDER BY user_id, id DESC
  ON CONFLICT (user_id) DO UPDATE SET last_message_id = EXCLUDED.last_message_id, last_message_at = EXCLUDED.last_message_at
    WHERE EXCLUDED.last_message_id > s.last_message_id;
  RETURN NULL;
END $$;

-- Moved or deleted messages: the affected people's latest message is looked up again (an index
-- read each); a person without messages left loses their row.
CREATE FUNCTION conversation_summaries_recount(p_ids text[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM conversation_summaries s WHERE s.user_id = ANY(p_ids)
    AND NOT EXISTS (SELECT 1 FROM conversation_messages m WHERE m.user_id = s.user_id);
  INSERT INTO conversation_summaries AS s (user_id, last_message_id, last_message_at)
  SELECT u.id, last.id, last.created_at
    FROM (SELECT DISTINCT unnest(p_ids) AS id ORDER BY 1) u
    CROSS JOIN LATERAL (SELECT m.id, m.created_at FROM conversation_messages m WHERE m.user_id = u.id ORDER BY m.id DESC LIMIT 1) last
  ON CONFLICT (user_id) DO UPDATE SET last_message_id = EXCLUDED.last_message_id, last_message_at = EXCLUDED.last_message_at;
END $$;

CREATE FUNCTION conversation_summaries_removed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM conversation_summaries_recount(ARRAY(SELECT DISTINCT user_id FROM removed));
  RETURN NULL;
END $$;

CREATE FUNCTION conversation_summaries_moved() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM conversation_summaries_recount(ARRAY(
    SELECT o.user_id FROM before_rows o JOIN after_rows n ON n.id = o.id WHERE n.user_id <> o.user_id
    UNION SELECT n.user_id FROM before_rows o JOIN after_rows n ON n.id = o.id WHERE n.user_id <> o.user_id));
  RETURN NULL;
END $$;

CREATE TRIGGER conversation_summaries_insert AFTER INSERT ON conversation_messages
  REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION conversation_summaries_added();
CREATE TRIGGER conversation_summaries_delete AFTER DELETE ON conversation_messages
  REFERENCING OLD TABLE AS removed FOR EACH STATEMENT EXECUTE FUNCTION conversation_summaries_removed();
CREATE TRIGGER conversation_summaries_update AFTER UPDATE ON conversation_messages
  REFERENCING OLD TABLE AS before_rows NEW TABLE AS after_rows FOR EACH STATEMENT EXECUTE FUNCTION conversation_summaries_moved();
