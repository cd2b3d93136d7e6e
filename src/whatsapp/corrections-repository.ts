// Edits and deletions of a message that still waits in the buffer: an edit replaces the pending
// message's text (and then starts nothing itself), a deletion takes the message out of the coming
// turn. A message already answered is not changed: the edit then stays a new message of its own.
// Only the sender's own messages (same conversation) can be changed. Idempotent: a re-delivered
// webhook changes nothing more.
import type { Database } from '../db/database';
import type { InboundMessage } from './parse-webhook';
import { conversationKey } from './session-service';

export function createCorrectionsRepository(db: Database) {
  return {
    async apply(messages: InboundMessage[]): Promise<number> {
      const c = messages.filter((m) => m.replaces);
      if (!c.length) return 0;
      const r = await db.query(
        `WITH v AS (
           SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[]) AS t(by_wamid, original, action, content, conversation_key)
         ), changed AS (
           UPDATE whatsapp_inbound i
           SET content = CASE WHEN v.action = 'edit' THEN v.content ELSE i.content END,
               starts_turn = CASE WHEN v.action = 'revoke' THEN false ELSE i.starts_turn END
           FROM v
           WHERE i.wamid = v.original AND i.conversation_key = v.conversation_key AND i.batch_id IS NULL AND i.starts_turn
           RETURNING v.by_wamid
         )
         UPDATE whatsapp_inbound SET starts_turn = false
         WHERE wamid IN (SELECT by_wamid FROM changed) AND batch_id IS NULL`,
        [c.map((m) => m.wamid), c.map((m) => m.replaces!.wamid), c.map((m) => m.replaces!.action), c.map((m) => m.replaces!.content ?? ''),
          c.map((m) => conversationKey(m))]);
      return r.rowCount;
    },
  };
}
