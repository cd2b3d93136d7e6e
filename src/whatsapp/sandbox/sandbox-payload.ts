// Pure: the webhook Meta would POST for one text message, and its signature. Used by the /sandbox
// page's backend and by `npm run simulate`, so both send exactly what Meta sends.
import crypto from 'node:crypto';
import { signPayload } from '../signature';

/** The sandbox's business number (Meta ids are digit strings; this one cannot collide with a real one in tests). */
export const SANDBOX_PHONE_NUMBER_ID = '100000000000001';
export const SANDBOX_DISPLAY_NUMBER = '15550000001';
export const SANDBOX_WABA_ID = '100000000000002';

/** +62 812-3456-7890 → 6281234567890 (WhatsApp's wa_id: digits with the country code, no plus). */
export function phoneDigits(input: string): string {
  return input.replace(/\D/g, '');
}

/** A WhatsApp-looking message id, unique enough to never repeat. */
export function newSandboxWamid(): string {
  return `wamid.SBX${crypto.randomBytes(18).toString('base64url')}`;
}

export interface TextWebhookInput {
  from: string;
  name: string;
  text: string;
  phoneNumberId?: string;
  displayPhoneNumber?: string;
  wamid?: string;
  /** Seconds since the epoch (WhatsApp's timestamp unit). */
  timestamp?: number;
  /** A media message instead of text: `{ type, [type]: { id, mime_type, sha256, … } }` (sandbox-media.ts). */
  media?: Record<string, unknown>;
}

export function textWebhookPayload(input: TextWebhookInput) {
  const from = phoneDigits(input.from);
  return {
    object: 'whatsapp_business_account',
    entry: [{
      id: SANDBOX_WABA_ID,
      changes: [{
        value: {
          messaging_product: 'whatsapp',
          metadata: { display_phone_number: input.displayPhoneNumber ?? SANDBOX_DISPLAY_NUMBER, phone_number_id: input.phoneNumberId ?? SANDBOX_PHONE_NUMBER_ID },
          contacts: [{ profile: { name: input.name }, wa_id: from }],
          messages: [{
            from, id: input.wamid ?? newSandboxWamid(), timestamp: String(input.timestamp ?? Math.floor(Date.now() / 1000)),
            ...(input.media ?? { text: { body: input.text }, type: 'text' }),
          }],
        },
        field: 'messages',
      }],
    }],
  };
}

/** The exact body bytes and the headers Meta sends with them. */
export function signedWebhook(payload: unknown, appSecret: string): { body: string; headers: Record<string, string> } {
  const body = JSON.stringify(payload);
  return { body, headers: { 'content-type': 'application/json', 'x-hub-signature-256': signPayload(body, appSecret) } };
}
