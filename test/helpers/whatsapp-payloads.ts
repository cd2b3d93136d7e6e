// Builders for Meta-shaped webhook payloads, signed like Meta signs them. Shared by the channel,
// sandbox, fault and fuzz tests: everything has defaults and everything can be overridden.
import crypto from 'node:crypto';
import { signPayload } from '../../src/whatsapp/signature';

export { signPayload };

export const TEST_META = {
  appSecret: 'test-app-secret',
  verifyToken: 'test-verify-token',
  accessToken: 'test-access-token',
  phoneNumberId: '106540352242922',
  displayPhoneNumber: '15550783881',
};

/** META_* variables for parseConfig / spawnServer pointing the Graph client at a fake server. */
export function metaEnv(graphUrl: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    META_APP_SECRET: TEST_META.appSecret, META_WEBHOOK_VERIFY_TOKEN: TEST_META.verifyToken, META_ACCESS_TOKEN: TEST_META.accessToken,
    META_PHONE_NUMBER_ID: TEST_META.phoneNumberId, META_GRAPH_URL: graphUrl, ...extra,
  };
}

let seq = 0;
export const newWamid = () => `wamid.TEST${Date.now().toString(36)}${(++seq).toString(36)}${crypto.randomBytes(4).toString('hex')}`;

export interface MessageSpec {
  from: string;
  /** Any message type; `text` is shorthand for a text message. */
  type?: string;
  text?: string;
  /** The per-type object (e.g. { caption, mime_type, id } for image). */
  content?: Record<string, unknown>;
  id?: string;
  timestamp?: number;
  name?: string;
  /** Business-scoped user id; with from: '' a username user. */
  userId?: string;
  extra?: Record<string, unknown>;
}

export function message(spec: MessageSpec): { message: Record<string, unknown>; contact: Record<string, unknown> } {
  const type = spec.type ?? 'text';
  const body = type === 'text' ? { text: { body: spec.text ?? 'hello' } } : { [type]: spec.content ?? {} };
  return {
    message: {
      from: spec.from, id: spec.id ?? newWamid(), timestamp: String(spec.timestamp ?? Math.floor(Date.now() / 1000)), type, ...body,
      ...(spec.userId ? { from_user_id: spec.userId } : {}), ...spec.extra,
    },
    contact: { profile: { name: spec.name ?? 'Test User' }, wa_id: spec.from, ...(spec.userId ? { user_id: spec.userId } : {}) },
  };
}

export function statusUpdate(spec: { id: string; status: string; recipient?: string; errorCode?: number; errorTitle?: string; timestamp?: number }) {
  return {
    id: spec.id, status: spec.status, timestamp: String(spec.timestamp ?? Math.floor(Date.now() / 1000)), recipient_id: spec.recipient ?? '16505551234',
    ...(spec.errorCode ? { errors: [{ code: spec.errorCode, title: spec.errorTitle ?? 'error', message: spec.errorTitle ?? 'error', error_data: { details: 'x' } }] } : {}),
  };
}

/** A full webhook payload; one change per call of the builder, so several senders can share one POST. */
export function webhookPayload(opts: { messages?: MessageSpec[]; statuses?: ReturnType<typeof statusUpdate>[]; phoneNumberId?: string; errors?: unknown[] }) {
  const built = (opts.messages ?? []).map(message);
  const value: Record<string, unknown> = {
    messaging_product: 'whatsapp',
    metadata: { display_phone_number: TEST_META.displayPhoneNumber, phone_number_id: opts.phoneNumberId ?? TEST_META.phoneNumberId },
  };
  if (built.length) {
    const contacts = new Map<string, Record<string, unknown>>();
    for (const b of built) contacts.set(String(b.contact.wa_id) + String(b.contact.user_id ?? ''), b.contact);
    value.contacts = [...contacts.values()];
    value.messages = built.map((b) => b.message);
  }
  if (opts.statuses?.length) value.statuses = opts.statuses;
  if (opts.errors?.length) value.errors = opts.errors;
  return { object: 'whatsapp_business_account', entry: [{ id: '102290129340398', changes: [{ value, field: 'messages' }] }] };
}

export const textPayload = (from: string, text: string, extra: Partial<MessageSpec> = {}) => webhookPayload({ messages: [{ from, text, ...extra }] });

/** The body and headers Meta would send. */
export function signedRequest(payload: unknown, secret = TEST_META.appSecret): { body: string; headers: Record<string, string> } {
  const body = typeof payload === 'string' ? payload : JSON.stringify(payload);
  return { body, headers: { 'content-type': 'application/json', 'x-hub-signature-256': signPayload(body, secret) } };
}

/** POSTs a signed payload to a running server (base URL), like Meta does. */
export async function postWebhook(baseUrl: string, payload: unknown, secret = TEST_META.appSecret): Promise<{ status: number; text: string }> {
  const { body, headers } = signedRequest(payload, secret);
  const res = await fetch(`${baseUrl}/webhook/whatsapp`, { method: 'POST', headers, body });
  return { status: res.status, text: await res.text() };
}
