-- The language a WhatsApp person reads: set by the webhook from their latest message that clearly
-- says which (short ones like "ok" keep it), so fixed texts sent outside a batch (link notices,
-- a conversation handed back to the AI) use it too. NULL until known (then APP_DEFAULT_LANGUAGE).
-- Part of the conversation's row: erased and retained with it (privacy registry, whatsapp_conversations).
ALTER TABLE whatsapp_conversations ADD COLUMN language text CHECK (language IN ('id', 'en'));
