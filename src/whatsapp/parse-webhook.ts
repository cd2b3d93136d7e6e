// Pure: a Meta webhook payload (already verified and JSON-parsed) → inbound messages, status
// callbacks and error notices. Defensive on every field: a payload of the wrong shape yields
// "ignored" entries, never an exception, so signed garbage cannot turn into a 500.
import { storableText } from '../shared/text';
import { describeFormReply, describeReferral, describeReferredProduct } from './message-extras';

export interface InboundMessage {
  wamid: string;
  phoneNumberId: string | null;
  /** Sender's phone, digits only; null when Meta sent none (username users, placeholders). */
  phone: string | null;
  /** Business-scoped user id (from_user_id / contacts[].user_id), when present. */
  bsuid: string | null;
  profileName: string | null;
  type: string;
  /** What the AI sees: the text, or a short description such as "[image: caption]". */
  content: string;
  /** Reactions and system notices are stored but never start an AI turn. */
  startsTurn: boolean;
  timestamp: Date;
  raw: Record<string, unknown>;
  /** An edit or a deletion of an earlier message: applied to it while it still waits in the buffer. */
  replaces?: { action: 'edit' | 'revoke'; wamid: string; content?: string };
}

export interface StatusEvent {
  wamid: string;
  phoneNumberId: string | null;
  status: string;
  recipient: string | null;
  timestamp: Date | null;
  /** `codeText`: the code as Meta sent it when it is not a number (logged as given). */
  errors: { code: number | null; codeText?: string; title: string | null }[];
}

export interface WebhookErrorEvent { phoneNumberId: string | null; code: number | null; title: string | null; message: string | null }

export interface ParsedWebhook {
  messages: InboundMessage[];
  statuses: StatusEvent[];
  errors: WebhookErrorEvent[];
  ignored: { reason: string; wamid?: string }[];
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
// Postgres text cannot hold NUL and jsonb rejects lone UTF-16 surrogates: a signed payload with
// either would fail the INSERT, answer 5xx, and be re-delivered by Meta for days. Strip them here.
const clean = storableText;
const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? clean(v) || null : typeof v === 'number' ? String(v) : null);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : null);
/** A Graph error code fits an int column; anything else is not a code. */
const int32 = (v: unknown): number | null => { const n = num(v); return n !== null && Number.isInteger(n) && Math.abs(n) <= 2 ** 31 - 1 ? n : null; };
const clip = (s: string, n = 500) => (s.length > n ? `${s.slice(0, n)}…` : s);
/** For log reasons only: never calls a payload's own toString (which may be a string, not a function). */
const show = (v: unknown): string => (typeof v === 'string' ? clip(v, 60) : typeof v === 'number' || typeof v === 'boolean' ? String(v) : v === null ? 'null' : typeof v);

/** Limits well above anything Meta sends; beyond them the field is not what it claims to be. */
export const LIMITS = { id: 256, phoneDigits: 20, bsuid: 128, profileName: 256, text: 4096, statusName: 40 };

/** Copy of a payload part safe for jsonb (no NUL, no lone surrogates, also in keys). */
function cleanDeep(v: unknown, depth = 0): unknown {
  if (typeof v === 'string') return clean(v);
  if (v === null || typeof v !== 'object' || depth > 64) return typeof v === 'object' ? null : v;
  if (Array.isArray(v)) return v.map((x) => cleanDeep(x, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) out[clean(k)] = cleanDeep(x, depth + 1);
  return out;
}

function toDate(v: unknown): Date | null {
  const n = num(v);
  if (n === null) return null;
  const d = new Date(n * 1000);
  // Outside 1970..9999 it is not a WhatsApp timestamp (and Postgres may not store it): use arrival time.
  return Number.isNaN(d.getTime()) || d.getUTCFullYear() < 1970 || d.getUTCFullYear() > 9999 ? null : d;
}

export function parseWebhook(payload: unknown, now: Date = new Date()): ParsedWebhook {
  const out: ParsedWebhook = { messages: [], statuses: [], errors: [], ignored: [] };
  if (!isObj(payload)) { out.ignored.push({ reason: 'payload is not an object' }); return out; }
  if (payload.object !== undefined && payload.object !== 'whatsapp_business_account') {
    out.ignored.push({ reason: `object is ${show(payload.object)}` });
    return out;
  }
  for (const entry of arr(payload.entry)) {
    if (!isObj(entry)) continue;
    for (const change of arr(entry.changes)) {
      if (!isObj(change) || !isObj(change.value)) continue;
      if (change.field !== undefined && change.field !== 'messages') { out.ignored.push({ reason: `field ${show(change.field)}` }); continue; }
      parseValue(change.value, now, out);
    }
  }
  return out;
}

function parseValue(value: Obj, now: Date, out: ParsedWebhook): void {
  const phoneNumberId = isObj(value.metadata) ? str(value.metadata.phone_number_id) : null;
  // Contacts carry the profile name and, for username users, the BSUID; match them by wa_id or user_id.
  const contacts = arr(value.contacts).filter(isObj);
  for (const m of arr(value.messages)) {
    if (!isObj(m)) continue;
    // One unreadable message must not cost the rest of the payload (nor a 5xx that Meta re-delivers).
    try { parseMessage(m, phoneNumberId, contacts, now, out); } catch (err) {
      out.ignored.push({ reason: `unreadable message: ${(err as Error).message}`, wamid: str(m.id)?.slice(0, LIMITS.id) });
    }
  }
  for (const s of arr(value.statuses)) {
    if (!isObj(s)) continue;
    const wamid = str(s.id);
    const status = str(s.status);
    if (!wamid || !status || wamid.length > LIMITS.id || status.length > LIMITS.statusName) { out.ignored.push({ reason: 'status without a valid id or status' }); continue; }
    out.statuses.push({
      wamid, phoneNumberId, status, recipient: (str(s.recipient_id) ?? str(s.recipient_user_id))?.slice(0, LIMITS.bsuid) ?? null, timestamp: toDate(s.timestamp),
      errors: arr(s.errors).filter(isObj).map((e) => ({
        code: int32(e.code), ...(int32(e.code) === null && str(e.code) ? { codeText: clip(str(e.code)!, 60) } : {}),
        title: (str(e.title) ?? str(e.message))?.slice(0, 500) ?? null,
      })),
    });
  }
  for (const e of arr(value.errors)) {
    if (!isObj(e)) continue;
    out.errors.push({ phoneNumberId, code: int32(e.code), title: str(e.title)?.slice(0, 500) ?? null, message: str(e.message)?.slice(0, 500) ?? null });
  }
}

export const PHONE_NUMBER = /^\d{7,15}$/;
export function asPhone(value: string | null | undefined): string | null {
  return value && PHONE_NUMBER.test(value) ? value : null;
}

function parseMessage(m: Obj, phoneNumberId: string | null, contacts: Obj[], now: Date, out: ParsedWebhook): void {
  {
    const wamid = str(m.id);
    if (!wamid) { out.ignored.push({ reason: 'message without id' }); return; }
    if (wamid.length > LIMITS.id) { out.ignored.push({ reason: 'message id too long' }); return; }
    // Strict: `from` is a phone number only as 7 to 15 digits (E.164 without the +). Anything else
    // is never turned into one by dropping characters: "+1 (555) abc" must not become someone's number.
    const from = str(m.from);
    const phone = asPhone(from);
    let bsuid = str(m.from_user_id);
    const contact = contacts.find((c) => (phone && asPhone(str(c.wa_id)) === phone) || (bsuid && str(c.user_id) === bsuid))
      ?? (contacts.length === 1 ? contacts[0] : undefined);
    bsuid ??= contact ? str(contact.user_id) : null;
    if (bsuid && bsuid.length > LIMITS.bsuid) { out.ignored.push({ reason: 'user id too long', wamid }); return; }
    if (!phone && !bsuid) {
      out.ignored.push({ reason: from ? 'sender is not a phone number' : 'sender has neither a phone number nor a user id', wamid });
      return;
    }
    // A group chat is not a private conversation: answering a participant privately would be wrong.
    if (str(m.group_id)) { out.ignored.push({ reason: 'group message (not answered privately)', wamid }); return; }
    const profile = contact && isObj(contact.profile) ? contact.profile : {};
    // Some senders leave out `type`; the part present (e.g. `location`) still says what it is.
    let type = clip(str(m.type) ?? KNOWN_TYPES.find((t) => isObj(m[t])) ?? 'unknown', 40);
    let { content, startsTurn } = describe(type, m);
    let replaces: InboundMessage['replaces'];
    if (type === 'edit' || type === 'revoke') {
      const part = isObj(m[type]) ? (m[type] as Obj) : {};
      const original = (str(part.original_message_id) ?? (isObj(m.context) ? str(m.context.id) : null))?.slice(0, LIMITS.id);
      if (original) replaces = type === 'edit' ? { action: 'edit', wamid: original, content: content.replace(/^\(edited\) /, '') } : { action: 'revoke', wamid: original };
    }
    // Types we cannot read, and messages WhatsApp could not deliver to us whole, get a fixed answer.
    if (startsTurn && (UNREADABLE.test(content) || (arr(m.errors).length > 0 && /^\[[^\]]*\]$/.test(content) && !/: /.test(content)))) {
      type = 'unsupported';
      content = content.startsWith('[unsupported') ? content : `[unsupported message: ${clip(str(m.type) ?? 'unknown', 40)}]`;
    }
    const extras = [describeReferral(m.referral), describeReferredProduct(m.context)].filter(Boolean);
    if (extras.length && type !== 'unsupported') content = `${content}\n${extras.join('\n')}`;
    // Ad referrals and form answers quote the payload's strings: made storable once, here, for all of them.
    content = clean(content);
    out.messages.push({
      wamid, phoneNumberId, phone, bsuid, profileName: (str(profile.name) ?? str(profile.username))?.slice(0, LIMITS.profileName) ?? null, type,
      content, startsTurn, timestamp: toDate(m.timestamp) ?? now, raw: cleanDeep(m) as Record<string, unknown>, ...(replaces ? { replaces } : {}),
    });
  }
}

const KNOWN_TYPES = ['text', 'image', 'audio', 'video', 'document', 'sticker', 'location', 'contacts', 'interactive', 'button', 'reaction', 'order', 'system'];

/** Descriptions that carry nothing the model could use. */
const UNREADABLE = /^\[(unsupported message|interactive reply)(: [^\]]*)?\]$/;

/**
 * The text the AI gets for each message type. Media is described here (the placeholder a failed
 * download leaves); the batch replaces it with the transcript, picture or document text.
 */
export function describe(type: string, m: Obj, depth = 0): { content: string; startsTurn: boolean } {
  const part = isObj(m[type]) ? (m[type] as Obj) : {};
  const withCaption = (label: string, caption: string | null) => (caption ? `[${label}: ${clip(caption)}]` : `[${label}]`);
  switch (type) {
    case 'text': return { content: clip(str(part.body) ?? '[empty message]', LIMITS.text), startsTurn: true };
    // A sticker alone is a reaction, not a question: kept, never the start of a turn.
    case 'sticker': return { content: part.animated ? '[animated sticker]' : '[sticker]', startsTurn: false };
    case 'image': case 'video':
      return { content: withCaption(type, str(part.caption)), startsTurn: true };
    case 'audio': return { content: part.voice ? '[voice message]' : '[audio]', startsTurn: true };
    case 'document': {
      const name = str(part.filename);
      const caption = str(part.caption);
      return { content: withCaption(name ? `document ${clip(name, 120)}` : 'document', caption), startsTurn: true };
    }
    case 'location': {
      const where = [str(part.name), str(part.address)].filter(Boolean).join(', ');
      const coords = num(part.latitude) !== null ? `${num(part.latitude)}, ${num(part.longitude) ?? '?'}` : '';
      return { content: `[location: ${[where, coords && `(${coords})`].filter(Boolean).join(' ') || 'shared'}]`, startsTurn: true };
    }
    case 'contacts': {
      const names = arr(m.contacts).filter(isObj).map((c) => (isObj(c.name) ? str(c.name.formatted_name) ?? str(c.name.first_name) : null) ?? 'contact');
      return { content: `[contact card: ${names.join(', ') || 'contact'}]`, startsTurn: true };
    }
    case 'interactive': {
      if (isObj(part.nfm_reply)) return { content: clip(describeFormReply(part.nfm_reply), LIMITS.text), startsTurn: true };
      // The customer allowed or refused calls: nothing to answer.
      if (isObj(part.call_permission_reply)) return { content: `[call permission: ${str(part.call_permission_reply.response) ?? 'answered'}]`, startsTurn: false };
      const reply = isObj(part.button_reply) ? part.button_reply : isObj(part.list_reply) ? part.list_reply : null;
      if (!reply) return { content: '[interactive reply]', startsTurn: true };
      const desc = str(reply.description);
      return { content: `${str(reply.title) ?? str(reply.id) ?? ''}${desc ? ` (${desc})` : ''}`, startsTurn: true };
    }
    case 'button': return { content: str(part.text) ?? str(part.payload) ?? '[button]', startsTurn: true };
    case 'reaction': return { content: `[reaction: ${str(part.emoji) ?? 'removed'}]`, startsTurn: false };
    case 'order': {
      const items = arr(part.product_items).filter(isObj).map((i) => `${str(i.product_retailer_id) ?? 'item'} x${num(i.quantity) ?? 1}`);
      const text = str(part.text);
      return { content: `[order: ${items.join(', ') || 'no items'}]${text ? ` ${clip(text)}` : ''}`, startsTurn: true };
    }
    case 'system': return { content: `[system: ${clip(str(part.body) ?? str(part.type) ?? 'notice')}]`, startsTurn: false };
    case 'unsupported': return { content: `[unsupported message${str(part.type) ? `: ${clip(str(part.type)!, 40)}` : ''}]`, startsTurn: true };
    case 'edit': {
      // The new version of the message sits under edit.message, in the shape of an ordinary message.
      const inner = isObj(part.message) ? part.message : {};
      const innerType = str(inner.type);
      if (!innerType || depth > 0 || innerType === 'edit') return { content: '[unsupported message: edit]', startsTurn: true };
      return { content: `(edited) ${describe(clip(innerType, 40), inner, depth + 1).content}`, startsTurn: true };
    }
    case 'revoke': return { content: '[the customer deleted a message]', startsTurn: false };
    // The person opened the chat for the first time: the welcome text, no model call (batch-service).
    case 'request_welcome': return { content: '[opened the chat]', startsTurn: true };
    default: return { content: `[unsupported message: ${clip(type, 40)}]`, startsTurn: true };
  }
}
