// The language of the web chat's fixed texts (busy, limits, handoff notices): the page's. The page
// sends it as `language` in the JSON body; without it, the `lang` cookie or ?lang= the page set,
// then the browser's Accept-Language, then APP_DEFAULT_LANGUAGE.
import type { Request } from 'express';
import { requestLanguage } from '../i18n/catalogue';
import { isLang, type Lang } from '../i18n/lang';

export function chatLanguage(req: Pick<Request, 'headers' | 'body'> & { query?: unknown }, fallback: Lang = 'id'): Lang {
  const asked = (req.body as { language?: unknown } | undefined)?.language;
  return isLang(asked) ? asked : requestLanguage(req, fallback);
}
