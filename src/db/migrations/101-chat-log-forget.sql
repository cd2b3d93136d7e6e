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
