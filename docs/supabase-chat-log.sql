-- Chat log schema for Supabase (SUPABASE_URL + SUPABASE_SERVICE_ROLE_KEY, no SUPABASE_DATABASE_URL).
-- Run this whole file once in the Supabase dashboard: SQL Editor → New query → paste → Run.
-- (With SUPABASE_DATABASE_URL the server applies the same schema itself at start; nothing to run.)
-- The part between the markers is src/db/migrations/020-chat-log.sql verbatim (a test keeps them equal).

-- ---- begin 020-chat-log.sql ----
-- Chat log: sessions and messages for analytics (issue 5). Self-contained on purpose (no foreign key
-- to users): it may live in a separate Postgres (SUPABASE_DATABASE_URL) or be run by hand in
-- Supabase's SQL editor. All writes and reads go through the functions below, so the pg transport
-- (SELECT fn(...)) and the supabase-js transport (rpc(fn, ...)) run exactly the same SQL.

CREATE TABLE chat_sessions (
  id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id           text NOT NULL,
  channel           text NOT NULL CHECK (channel IN ('whatsapp', 'web')),
  session_key       text,                          -- web: hash of the login session; a new login starts a new log session
  started_at        timestamptz NOT NULL,
  last_activity_at  timestamptz NOT NULL,
  ended_at          timestamptz,
  end_reason        text,                          -- 'logout' | 'inactivity' | 'new-login'
  message_count     integer NOT NULL DEFAULT 0
);
-- At most one open session per user and channel, whichever process writes.
CREATE UNIQUE INDEX chat_sessions_open_key ON chat_sessions (user_id, channel) WHERE ended_at IS NULL;
CREATE INDEX chat_sessions_started_idx ON chat_sessions (started_at);
CREATE INDEX chat_sessions_last_activity_idx ON chat_sessions (last_activity_at);

CREATE TABLE chat_messages (
  id                 bigserial PRIMARY KEY,
  session_id         uuid NOT NULL REFERENCES chat_sessions (id) ON DELETE CASCADE,
  turn_id            uuid NOT NULL,                -- one logTurn call: the user's messages and the reply
  seq                smallint NOT NULL,            -- order inside the turn
  user_id            text NOT NULL,
  channel            text NOT NULL CHECK (channel IN ('whatsapp', 'web')),
  role               text NOT NULL CHECK (role IN ('user', 'assistant')),
  content            text NOT NULL,
  created_at         timestamptz NOT NULL,
  -- replies only:
  kind               text CHECK (kind IN ('ai', 'fallback', 'offline', 'placeholder')),
  model              text,
  prompt_tokens      integer,
  completion_tokens  integer,
  latency_ms         integer,
  sources            jsonb NOT NULL DEFAULT '[]',  -- [{"file": "...", "page": 3}]
  UNIQUE (turn_id, seq)                            -- a retried batch cannot write a turn twice
);
CREATE INDEX chat_messages_session_idx ON chat_messages (session_id);
CREATE INDEX chat_messages_created_idx ON chat_messages (created_at);

-- Applies a batch of log operations in order, in one transaction:
--   {"type":"turn","turnId","userId","channel","sessionKey"?,"idleMinutes"?,"messages":[{seq,role,content,at,kind?,model?,...}]}
--   {"type":"end","userId","channel","at","reason"}
-- Idempotent: a turn already recorded is skipped, so a retry after a lost acknowledgement is harmless.
CREATE FUNCTION chat_log_apply(p_ops jsonb) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
  op jsonb;
  v_sid uuid;
  v_first timestamptz;
  v_last timestamptz;
  v_n integer;
  v_turns integer := 0;
  v_skipped integer := 0;
BEGIN
  FOR op IN SELECT value FROM jsonb_array_elements(p_ops) LOOP
    IF op->>'type' = 'end' THEN
      UPDATE chat_sessions SET ended_at = GREATEST(last_activity_at, (op->>'at')::timestamptz), end_reason = op->>'reason'
       WHERE user_id = op->>'userId' AND channel = op->>'channel' AND ended_at IS NULL;
      CONTINUE;
    END IF;
    IF EXISTS (SELECT 1 FROM chat_messages WHERE turn_id = (op->>'turnId')::uuid) THEN
      v_skipped := v_skipped + 1;
      CONTINUE;
    END IF;
    SELECT min((m->>'at')::timestamptz), max((m->>'at')::timestamptz), count(*)
      INTO v_first, v_last, v_n FROM jsonb_array_elements(op->'messages') m;
    -- WhatsApp: a session idle for longer than the timeout is over even if the hourly sweep has not run yet.
    IF op ? 'idleMinutes' THEN
      UPDATE chat_sessions SET ended_at = last_activity_at, end_reason = 'inactivity'
       WHERE user_id = op->>'userId' AND channel = op->>'channel' AND ended_at IS NULL
         AND last_activity_at < v_first - make_interval(mins => (op->>'idleMinutes')::int);
    END IF;
    -- Web: a different login session means a new log session.
    IF op->>'sessionKey' IS NOT NULL THEN
      UPDATE chat_sessions SET ended_at = last_activity_at, end_reason = 'new-login'
       WHERE user_id = op->>'userId' AND channel = op->>'channel' AND ended_at IS NULL
         AND session_key IS DISTINCT FROM op->>'sessionKey';
    END IF;
    INSERT INTO chat_sessions AS s (user_id, channel, session_key, started_at, last_activity_at, message_count)
    VALUES (op->>'userId', op->>'channel', op->>'sessionKey', v_first, v_last, v_n)
    ON CONFLICT (user_id, channel) WHERE ended_at IS NULL DO UPDATE
      SET last_activity_at = GREATEST(s.last_activity_at, EXCLUDED.last_activity_at),
          message_count = s.message_count + EXCLUDED.message_count,
          session_key = COALESCE(s.session_key, EXCLUDED.session_key)
    RETURNING id INTO v_sid;
    INSERT INTO chat_messages (session_id, turn_id, seq, user_id, channel, role, content, created_at,
                               kind, model, prompt_tokens, completion_tokens, latency_ms, sources)
    SELECT v_sid, (op->>'turnId')::uuid, (m->>'seq')::smallint, op->>'userId', op->>'channel', m->>'role', m->>'content',
           (m->>'at')::timestamptz, m->>'kind', m->>'model', (m->>'promptTokens')::int, (m->>'completionTokens')::int,
           (m->>'latencyMs')::int, COALESCE(m->'sources', '[]'::jsonb)
      FROM jsonb_array_elements(op->'messages') m
    ON CONFLICT (turn_id, seq) DO NOTHING;
    v_turns := v_turns + 1;
  END LOOP;
  RETURN jsonb_build_object('turns', v_turns, 'skipped', v_skipped);
END $$;

-- Open sessions of a channel, most recent first (the WhatsApp status endpoint).
CREATE FUNCTION chat_log_active_sessions(p_channel text, p_active_after timestamptz) RETURNS jsonb LANGUAGE sql STABLE AS $$
  SELECT COALESCE(jsonb_agg(jsonb_build_object('userId', user_id, 'startedAt', started_at, 'lastActivityAt', last_activity_at,
                                               'messageCount', message_count) ORDER BY last_activity_at DESC), '[]'::jsonb)
    FROM (SELECT * FROM chat_sessions WHERE channel = p_channel AND ended_at IS NULL AND last_activity_at >= p_active_after
          ORDER BY last_activity_at DESC LIMIT 500) s
$$;

-- The inactivity sweep: ends open sessions of a channel idle since before p_before. Idempotent.
CREATE FUNCTION chat_log_end_idle(p_channel text, p_before timestamptz) RETURNS jsonb LANGUAGE sql AS $$
  WITH ended AS (
    UPDATE chat_sessions SET ended_at = last_activity_at, end_reason = 'inactivity'
     WHERE channel = p_channel AND ended_at IS NULL AND last_activity_at < p_before RETURNING 1)
  SELECT jsonb_build_object('ended', count(*)) FROM ended
$$;

-- Retention: deletes sessions (and, by cascade, their messages) whose last activity is before
-- p_before. One process at a time (advisory lock); the others skip, and the delete is idempotent anyway.
CREATE FUNCTION chat_log_delete_before(p_before timestamptz) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
  v_sessions integer;
  v_messages integer;
BEGIN
  IF NOT pg_try_advisory_xact_lock(727020) THEN
    RETURN jsonb_build_object('skipped', true, 'sessions', 0, 'messages', 0);
  END IF;
  SELECT count(*) INTO v_messages FROM chat_messages m JOIN chat_sessions s ON s.id = m.session_id WHERE s.last_activity_at < p_before;
  DELETE FROM chat_sessions WHERE last_activity_at < p_before;
  GET DIAGNOSTICS v_sessions = ROW_COUNT;
  RETURN jsonb_build_object('skipped', false, 'sessions', v_sessions, 'messages', v_messages);
END $$;

-- Everything the dashboard shows for [p_from, p_to), days and hours counted in time zone p_tz.
CREATE FUNCTION chat_log_analytics(p_from timestamptz, p_to timestamptz, p_tz text) RETURNS jsonb LANGUAGE sql STABLE AS $$
  WITH msg AS (
    SELECT m.*, to_char(m.created_at AT TIME ZONE p_tz, 'YYYY-MM-DD') AS day,
           extract(hour FROM m.created_at AT TIME ZONE p_tz)::int AS hour
      FROM chat_messages m WHERE m.created_at >= p_from AND m.created_at < p_to
  ), ses AS (
    SELECT s.*, to_char(s.started_at AT TIME ZONE p_tz, 'YYYY-MM-DD') AS day
      FROM chat_sessions s WHERE s.started_at >= p_from AND s.started_at < p_to
  ), replies AS (SELECT * FROM msg WHERE role = 'assistant'),
  ai AS (SELECT * FROM replies WHERE kind = 'ai' AND latency_ms IS NOT NULL),
  -- Each (turn, source) once, even when a reply cites the same page twice.
  cited AS (
    SELECT DISTINCT r.turn_id, s.value->>'file' AS file, (s.value->>'page')::int AS page
      FROM replies r, jsonb_array_elements(r.sources) s
  ),
  -- The question of a turn is its user messages joined (a WhatsApp burst is one question).
  questions AS (
    SELECT turn_id, left(lower(regexp_replace(btrim(string_agg(content, ' ' ORDER BY seq)), '\s+', ' ', 'g')), 200) AS question
      FROM chat_messages WHERE role = 'user' AND turn_id IN (SELECT turn_id FROM cited) GROUP BY turn_id
  ),
  per_question AS (
    SELECT c.file, c.page, q.question, count(*) AS n,
           row_number() OVER (PARTITION BY c.file, c.page ORDER BY count(*) DESC, q.question) AS rank
      FROM cited c JOIN questions q USING (turn_id) GROUP BY c.file, c.page, q.question
  ),
  per_source AS (
    SELECT file, page, count(*) AS turns FROM cited GROUP BY file, page ORDER BY count(*) DESC, file, page LIMIT 10
  )
  SELECT jsonb_build_object(
    'totals', (SELECT jsonb_build_object(
        'sessions', (SELECT count(*) FROM ses),
        'messages', count(*),
        'userMessages', count(*) FILTER (WHERE role = 'user'),
        'replies', count(*) FILTER (WHERE role = 'assistant'),
        'uniqueUsers', count(DISTINCT user_id),
        'uniqueUsersByChannel', jsonb_build_object(
          'whatsapp', count(DISTINCT user_id) FILTER (WHERE channel = 'whatsapp'),
          'web', count(DISTINCT user_id) FILTER (WHERE channel = 'web')),
        'promptTokens', COALESCE(sum(prompt_tokens), 0),
        'completionTokens', COALESCE(sum(completion_tokens), 0)) FROM msg),
    'perDay', (SELECT COALESCE(jsonb_agg(jsonb_build_object('day', day, 'channel', channel, 'sessions', sessions, 'messages', messages,
                                                            'users', users) ORDER BY day, channel), '[]'::jsonb)
       FROM (SELECT COALESCE(a.day, b.day) AS day, COALESCE(a.channel, b.channel) AS channel,
                    COALESCE(b.sessions, 0) AS sessions, COALESCE(a.messages, 0) AS messages, COALESCE(a.users, 0) AS users
               FROM (SELECT day, channel, count(*) AS messages, count(DISTINCT user_id) AS users FROM msg GROUP BY 1, 2) a
               FULL JOIN (SELECT day, channel, count(*) AS sessions FROM ses GROUP BY 1, 2) b ON a.day = b.day AND a.channel = b.channel) d),
    'latency', (SELECT jsonb_build_object('replies', count(*), 'avgMs', round(avg(latency_ms)),
                                          'p95Ms', round(percentile_cont(0.95) WITHIN GROUP (ORDER BY latency_ms)::numeric)) FROM ai),
    'replyKinds', (SELECT jsonb_build_object(
        'ai', count(*) FILTER (WHERE kind = 'ai'), 'fallback', count(*) FILTER (WHERE kind = 'fallback'),
        'offline', count(*) FILTER (WHERE kind = 'offline'), 'placeholder', count(*) FILTER (WHERE kind = 'placeholder'),
        'fallbackRate', CASE WHEN count(*) = 0 THEN 0 ELSE round(count(*) FILTER (WHERE kind = 'fallback')::numeric / count(*), 4) END)
       FROM replies),
    'tokensPerDay', (SELECT COALESCE(jsonb_agg(jsonb_build_object('day', day, 'model', model, 'promptTokens', p, 'completionTokens', c)
                                               ORDER BY day, model), '[]'::jsonb)
       FROM (SELECT day, model, sum(prompt_tokens) AS p, sum(completion_tokens) AS c FROM replies
              WHERE model IS NOT NULL AND (prompt_tokens IS NOT NULL OR completion_tokens IS NOT NULL) GROUP BY 1, 2) t),
    'perModel', (SELECT COALESCE(jsonb_agg(jsonb_build_object('model', model, 'replies', n, 'promptTokens', p, 'completionTokens', c,
                                                              'avgLatencyMs', l) ORDER BY n DESC, model), '[]'::jsonb)
       FROM (SELECT model, count(*) AS n, COALESCE(sum(prompt_tokens), 0) AS p, COALESCE(sum(completion_tokens), 0) AS c,
                    round(avg(latency_ms)) AS l FROM replies WHERE model IS NOT NULL GROUP BY 1) t),
    'busiestHours', (SELECT jsonb_agg(jsonb_build_object('hour', h, 'messages', COALESCE(n, 0)) ORDER BY h)
       FROM generate_series(0, 23) h LEFT JOIN (SELECT hour, count(*) AS n FROM msg WHERE role = 'user' GROUP BY 1) x ON x.hour = h),
    'topSources', (SELECT COALESCE(jsonb_agg(jsonb_build_object('file', s.file, 'page', s.page, 'turns', s.turns, 'questions',
                      (SELECT COALESCE(jsonb_agg(jsonb_build_object('text', q.question, 'count', q.n) ORDER BY q.rank), '[]'::jsonb)
                         FROM per_question q WHERE q.file = s.file AND q.page = s.page AND q.rank <= 5))
                    ORDER BY s.turns DESC, s.file, s.page), '[]'::jsonb)
       FROM per_source s)
  )
$$;
-- ---- end 020-chat-log.sql ----

-- Supabase exposes the public schema over its HTTP API to the anon and authenticated roles. Only the
-- server (service_role, which bypasses row level security) may read or write the chat log:
ALTER TABLE chat_sessions ENABLE ROW LEVEL SECURITY;
ALTER TABLE chat_messages ENABLE ROW LEVEL SECURITY;
-- Erasure of one person from the chat log (also applied to a separate chat-log database, see
-- chatLogMigrations): every session and message of the given user ids (a JSON array, as every
-- chat-log function takes its arguments through both transports); returns the counts.
CREATE FUNCTION chat_log_forget(p_user_ids jsonb) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
  v_ids text[] := ARRAY(SELECT jsonb_array_elements_text(p_user_ids));
  v_sessions integer;
  v_messages integer;
BEGIN
  DELETE FROM chat_messages WHERE user_id = ANY(v_ids);
  GET DIAGNOSTICS v_messages = ROW_COUNT;
  DELETE FROM chat_sessions WHERE user_id = ANY(v_ids);
  GET DIAGNOSTICS v_sessions = ROW_COUNT;
  RETURN jsonb_build_object('sessions', v_sessions, 'messages', v_messages);
END $$;

REVOKE ALL ON chat_sessions, chat_messages FROM anon, authenticated;
REVOKE EXECUTE ON FUNCTION chat_log_apply(jsonb), chat_log_active_sessions(text, timestamptz), chat_log_end_idle(text, timestamptz),
  chat_log_delete_before(timestamptz), chat_log_analytics(timestamptz, timestamptz, text), chat_log_forget(jsonb) FROM PUBLIC, anon, authenticated;
GRANT EXECUTE ON FUNCTION chat_log_apply(jsonb), chat_log_active_sessions(text, timestamptz), chat_log_end_idle(text, timestamptz),
  chat_log_delete_before(timestamptz), chat_log_analytics(timestamptz, timestamptz, text), chat_log_forget(jsonb) TO service_role;
GRANT ALL ON chat_sessions, chat_messages TO service_role;
GRANT USAGE, SELECT ON SEQUENCE chat_messages_id_seq TO service_role;
-- Let PostgREST see the new functions at once.
NOTIFY pgrst, 'reload schema';
