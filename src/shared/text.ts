// Text from outside (webhooks, chat messages, names) as Postgres can store it: text columns refuse
// NUL and jsonb refuses lone UTF-16 surrogates, and either would turn a user's message into a 5xx.

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** Drops NUL characters and replaces lone surrogates with U+FFFD; everything else is kept. */
export function storableText(s: string): string {
  return s.replace(/\u0000/g, '').replace(LONE_SURROGATE, '\ufffd');
}
