// Pure readers for the message parts that are not the message's own text: WhatsApp Flow and
// address-form answers, Click-to-WhatsApp ad referrals and product enquiries. Each returns plain
// text for the model (or null), never throws, and bounds what it returns: the payload is the
// customer's, so it is read as data, not trusted as structure.

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const scalar = (v: unknown): string | null =>
  (typeof v === 'string' ? (v.trim() || null) : typeof v === 'number' || typeof v === 'boolean' ? String(v) : null);
const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n)}…` : s);

/** Form fields that identify the form, not answer it. */
const FORM_NOISE = new Set(['flow_token', 'saved_address_id']);

/**
 * `response_json` of an nfm_reply (a JSON string) as `field: value` lines; nested objects become
 * `parent.child`, lists are joined. Empty answers are left out; at most 40 lines of 200 characters.
 */
export function formAnswers(responseJson: unknown): string[] {
  let data: unknown = responseJson;
  if (typeof responseJson === 'string') {
    try { data = JSON.parse(responseJson); } catch { return scalar(responseJson) ? [clip(responseJson, 500)] : []; }
  }
  const lines: string[] = [];
  const walk = (v: unknown, key: string, depth: number) => {
    if (lines.length >= 40 || depth > 5) return;
    if (Array.isArray(v)) {
      const parts = v.map(scalar).filter((x): x is string => x !== null);
      if (parts.length) lines.push(`${key}: ${clip(parts.join(', '), 200)}`);
      else v.forEach((x, i) => walk(x, `${key}[${i}]`, depth + 1));
      return;
    }
    if (isObj(v)) {
      for (const [k, x] of Object.entries(v)) {
        if (FORM_NOISE.has(k)) continue;
        walk(x, key ? `${key}.${k}` : k, depth + 1);
      }
      return;
    }
    const s = scalar(v);
    if (s !== null) lines.push(`${clip(key || 'answer', 80)}: ${clip(s, 200)}`);
  };
  walk(data, '', 0);
  // An address form nests its fields under `values`: they read better without the prefix.
  return lines.map((l) => l.replace(/^values\./, ''));
}

/** The text for an `interactive.nfm_reply`: which form, then its answers. */
export function describeFormReply(reply: Obj): string {
  const name = scalar(reply.name);
  const answers = formAnswers(reply.response_json);
  const label = name === 'address_message' ? 'address form reply' : `form reply${name && name !== 'flow' ? ` (${clip(name, 60)})` : ''}`;
  if (!answers.length) return `[${label}${scalar(reply.body) ? `: ${clip(String(reply.body), 500)}` : ''}]`;
  return [`[${label}]`, ...answers].join('\n');
}

/** "the customer came from an ad: …" for a message carrying a Click-to-WhatsApp `referral`. */
export function describeReferral(referral: unknown): string | null {
  if (!isObj(referral)) return null;
  const parts = [
    scalar(referral.headline) && `headline "${clip(scalar(referral.headline)!, 200)}"`,
    scalar(referral.body) && `text "${clip(scalar(referral.body)!, 300)}"`,
    scalar(referral.source_type) && `source ${clip(scalar(referral.source_type)!, 40)}`,
    scalar(referral.source_url) && `link ${clip(scalar(referral.source_url)!, 200)}`,
  ].filter(Boolean);
  if (!parts.length) return null;
  return `[the customer came from an ad: ${parts.join(', ')}]`;
}

/** A product enquiry (`context.referred_product`): which product the customer asks about. */
export function describeReferredProduct(context: unknown): string | null {
  if (!isObj(context) || !isObj(context.referred_product)) return null;
  const id = scalar(context.referred_product.product_retailer_id);
  return id ? `[asking about product ${clip(id, 120)}]` : null;
}
