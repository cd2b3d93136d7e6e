// Every table that holds personal data, in one list: how to find one person's rows (erasure) and
// which column dates a row (retention). A new table holding anything about a person joins this
// list when it is created: one entry, nothing else to change. test/privacy/erasure.test.ts checks
// that after an erasure no table of the database still mentions the person.
//
// `person` is a condition on the table's row (alias t) and the subject s, whose columns are
//   s.ids     text[]: user ids (whatsapp_<digits>, whatsapp_bsuid_<id>, google_<sub>, demo_<name>)
//   s.phones  text[]: phone numbers, digits only
//   s.bsuids  text[]: Meta business-scoped user ids
// Erasure runs the entries in this order (children before the rows they reference).

export interface PersonalDataTable {
  table: string;
  person: string;
  /** Rows older than DATA_RETENTION_DAYS by this column are deleted by the daily sweep. */
  retention?: {
    column: string;
    /** 'expiry': the column is an expiry time, rows past it go (web sessions). */
    kind?: 'age' | 'expiry';
    /** Rows still in use are kept whatever their age (e.g. a conversation with a pending batch). */
    keepIf?: string;
  };
  /** Why it holds personal data (documentation for the operator; shown by `npm run forget -- --tables`). */
  holds: string;
}

export const PERSONAL_DATA_TABLES: PersonalDataTable[] = [
  { table: 'userpaymenthistory', person: 't.user_id = ANY(s.ids)', holds: 'credit payment history' },
  { table: 'usertradelinedata', person: 't.user_id = ANY(s.ids)', holds: 'credit accounts' },
  { table: 'usercreditinsights', person: 't.user_id = ANY(s.ids)', holds: 'credit score and totals' },
  { table: 'conversation_messages', person: 't.user_id = ANY(s.ids)', retention: { column: 'created_at' }, holds: 'conversation history (questions and answers)' },
  // Kept by triggers on conversation_messages (a person's row goes with their last message); listed so erasure says so.
  { table: 'conversation_summaries', person: 't.user_id = ANY(s.ids)', holds: 'each person\'s latest message id and time (operator inbox)' },
  {
    table: 'whatsapp_inbound', person: "t.conversation_key = ANY(s.ids) OR t.message->>'from' = ANY(s.phones)",
    retention: { column: 'received_at' }, holds: 'raw inbound WhatsApp messages (phone, name, text)',
  },
  {
    table: 'whatsapp_batches', person: 't.conversation_key = ANY(s.ids)',
    retention: { column: 'created_at', keepIf: "t.status = 'open'" }, holds: 'reply texts sent (quote credit data)',
  },
  {
    table: 'whatsapp_statuses', person: 't.recipient = ANY(s.phones) OR t.recipient = ANY(s.bsuids)',
    retention: { column: 'received_at' }, holds: 'delivery statuses (recipient phone)',
  },
  {
    table: 'whatsapp_conversations', person: 't.conversation_key = ANY(s.ids) OR t.phone = ANY(s.phones) OR t.bsuid = ANY(s.bsuids)',
    retention: { column: 'last_inbound_at', keepIf: 't.due_at IS NOT NULL OR t.open_batch_id IS NOT NULL' }, holds: 'WhatsApp conversation state (phone, profile name)',
  },
  { table: 'sandbox_media', person: 't.phone = ANY(s.phones)', retention: { column: 'created_at' }, holds: 'files attached in the sandbox (voice notes, photos, PDFs)' },
  { table: 'sandbox_events', person: 't.phone = ANY(s.phones)', retention: { column: 'at' }, holds: 'sandbox webhooks and Graph calls (phone, text)' },
  {
    table: 'web_sessions', person: "(t.sess::jsonb #>> '{passport,user,id}') = ANY(s.ids)",
    retention: { column: 'expire', kind: 'expiry' }, holds: 'web login sessions (name, e-mail)',
  },
  // Keys are '<prefix>:<user id>' (rate-limit-store.ts; the prefix names the limit).
  { table: 'web_rate_limits', person: "split_part(t.key, ':', 2) = ANY(s.ids) OR t.key = ANY(s.ids)", retention: { column: 'window_start' }, holds: 'web chat rate-limit counters (user id)' },
  { table: 'ai_daily_usage', person: 't.user_id = ANY(s.ids)', retention: { column: 'day' }, holds: 'daily AI turn counts (user id)' },
  { table: 'operator_messages', person: 't.user_id = ANY(s.ids)', retention: { column: 'created_at', keepIf: "t.status = 'sending'" }, holds: 'operator replies (text)' },
  { table: 'operator_actions', person: 't.user_id = ANY(s.ids)', retention: { column: 'created_at' }, holds: 'operator actions on a conversation (user id, operator e-mail)' },
  // An opt-out (STOP) must outlive the retention period: a person who asked for silence keeps it.
  {
    table: 'operator_conversations', person: 't.user_id = ANY(s.ids) OR t.wa_recipient = ANY(s.phones) OR t.wa_recipient = ANY(s.bsuids)',
    retention: { column: 'state_changed_at', keepIf: "t.state <> 'ai'" }, holds: 'who answers the person (state, their WhatsApp number)',
  },
  // A link lives as long as the account (no retention); erasing either side removes it.
  { table: 'whatsapp_links', person: 't.user_id = ANY(s.ids) OR t.phone = ANY(s.phones) OR t.bsuid = ANY(s.bsuids)', holds: 'which WhatsApp number is linked to which account (phone)' },
  { table: 'whatsapp_link_codes', person: 't.user_id = ANY(s.ids)', retention: { column: 'expires_at', kind: 'expiry' }, holds: 'link codes waiting to be sent (user id)' },
  { table: 'whatsapp_link_attempts', person: 't.conversation_key = ANY(s.ids)', retention: { column: 'window_start' }, holds: 'wrong link codes per number (phone in the key)' },
  // Last: the other tables' rows may reference it.
  { table: 'users', person: 't.id = ANY(s.ids) OR t.phone = ANY(s.phones) OR t.wa_user_id = ANY(s.bsuids)', holds: 'the person (name, phone, e-mail)' },
];
