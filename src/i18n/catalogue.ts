// Looking texts up: t('en', 'bot.busy', { minutes: 5 }). A missing key is a programming error the
// types catch; at run time it falls back to Indonesian, then to the key itself, never to a crash.
import type { Request } from 'express';
import { ID } from './messages.id';
import { EN } from './messages.en';
import type { MessageKey, Messages, Namespace } from './catalogue-types';
import { isLang, negotiateLanguage, type Lang } from './lang';

export type { MessageKey, Messages, Namespace } from './catalogue-types';
export const CATALOGUES: Readonly<Record<Lang, Messages>> = { id: ID as Messages, en: EN };

export type Params = Record<string, string | number | null | undefined>;

export function fill(template: string, params?: Params): string {
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (params[name] === undefined || params[name] === null ? whole : String(params[name])));
}

export function t(lang: Lang, key: MessageKey, params?: Params): string {
  const [ns, name] = key.split('.') as [Namespace, string];
  const table = (CATALOGUES[lang]?.[ns] ?? {}) as Record<string, string>;
  const fallback = (CATALOGUES.id[ns] ?? {}) as Record<string, string>;
  return fill(table[name] ?? fallback[name] ?? key, params);
}

/** A translator bound to one language. */
export function translator(lang: Lang): (key: MessageKey, params?: Params) => string {
  return (key, params) => t(lang, key, params);
}

/** The namespaces a page shows, flattened to "ns.key" → text, for sending to the browser. */
export function pageMessages(lang: Lang, namespaces: Namespace[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const ns of namespaces) for (const [k, v] of Object.entries(CATALOGUES[lang][ns])) out[`${ns}.${k}`] = v;
  return out;
}

export const LANG_COOKIE = 'lang';

/**
 * A web request's language: the page's explicit choice (?lang=, then the remembered `lang` cookie),
 * else the browser's Accept-Language, else the configured default.
 */
export function requestLanguage(req: Pick<Request, 'headers'> & { query?: unknown }, fallback: Lang = 'id'): Lang {
  const q = (req.query as Record<string, unknown> | undefined)?.lang;
  if (isLang(q)) return q;
  const cookie = /(?:^|;\s*)lang=(id|en)(?:;|$)/.exec(String(req.headers.cookie ?? ''))?.[1];
  if (isLang(cookie)) return cookie;
  return negotiateLanguage(req.headers['accept-language'], fallback);
}
