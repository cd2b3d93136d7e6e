// Pages in the reader's language, rendered on the server (no flash of the wrong language, and the
// CSP forbids inline scripts anyway). A page's HTML file holds {{ns.key}} markers; the renderer
// fills them HTML-escaped, sets <html lang>, adds the language switcher ({{langSwitch}}) and a
// JSON data block ({{i18nData}}) with the namespaces the page's script needs: a
// <script type="application/json"> is data, not code, so the CSP lets it be. The page's script
// reads it through /i18n/i18n.js (window.I18N).
import fs from 'node:fs';
import type { Request, RequestHandler, Response } from 'express';
import { LANG_COOKIE, pageMessages, requestLanguage, t, type MessageKey, type Namespace } from './catalogue';
import { isLang, LANGS, type Lang } from './lang';

const ONE_YEAR_MS = 365 * 24 * 3600 * 1000;

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]!));
}

/** The page's language, remembering an explicit ?lang= choice in the `lang` cookie for a year. */
export function pageLanguage(req: Request, res: Response, fallback: Lang): Lang {
  const q = (req.query as Record<string, unknown>).lang;
  if (isLang(q)) res.cookie(LANG_COOKIE, q, { maxAge: ONE_YEAR_MS, sameSite: 'lax', path: '/', httpOnly: false });
  return requestLanguage(req, fallback);
}

/** Links to the page itself in the other language(s), each written in its own language. */
export function languageSwitch(req: Request, lang: Lang): string {
  const links = LANGS.filter((l) => l !== lang).map((l) => {
    const params = new URLSearchParams(req.query as Record<string, string>);
    params.delete('token'); // never copy an admin token into a link
    params.set('lang', l);
    return `<a href="?${escapeHtml(params.toString())}" hreflang="${l}" lang="${l}" data-lang="${l}">${escapeHtml(t(l, 'common.languageName'))}</a>`;
  });
  return `<nav class="lang-switch" aria-label="${escapeHtml(t(lang, 'common.switchLabel'))}">${links.join(' ')}</nav>`;
}

/** The JSON data block the page's script reads (escaped so no text can close the element). */
export function i18nData(lang: Lang, namespaces: Namespace[]): string {
  const json = JSON.stringify({ lang, messages: pageMessages(lang, ['common', ...namespaces]) }).replace(/</g, '\\u003c');
  return `<script type="application/json" id="i18n-data">${json}</script>`;
}

/** In front of express.static: the HTML files are templates, only served rendered by their route. */
export const skipTemplates: RequestHandler = (req, _res, next) => (/\.html$/i.test(req.path) ? next('router') : next());

export interface PageOptions { namespaces: Namespace[] }

export function createPageRenderer(opts: { defaultLanguage: Lang }) {
  const cache = new Map<string, string>();
  const read = (file: string) => {
    let html = cache.get(file);
    if (html === undefined) { html = fs.readFileSync(file, 'utf8'); cache.set(file, html); }
    return html;
  };
  /** Fills a template (no file): {{ns.key}}, {{lang}}, {{langSwitch}}, {{i18nData}}. */
  function render(req: Request, lang: Lang, template: string, page: PageOptions, values: Record<string, string> = {}): string {
    return template.replace(/\{\{\s*([\w.]+)\s*\}\}/g, (whole, name: string) => {
      if (name === 'lang') return lang;
      if (name === 'langSwitch') return languageSwitch(req, lang);
      if (name === 'i18nData') return i18nData(lang, page.namespaces);
      if (name in values) return values[name];
      return name.includes('.') ? escapeHtml(t(lang, name as MessageKey)) : whole;
    });
  }
  return {
    defaultLanguage: opts.defaultLanguage,
    language: (req: Request, res: Response) => pageLanguage(req, res, opts.defaultLanguage),
    render,
    /** Sends an HTML file from disk in the request's language. */
    send(req: Request, res: Response, file: string, page: PageOptions, values?: Record<string, string> | ((lang: Lang) => Record<string, string>)): void {
      const lang = pageLanguage(req, res, opts.defaultLanguage);
      if (typeof values === 'function') values = values(lang);
      res.set({ 'Content-Language': lang, Vary: 'Accept-Language, Cookie' });
      if (!res.get('Cache-Control')) res.set('Cache-Control', 'no-cache');
      res.type('html').send(render(req, lang, read(file), page, values));
    },
  };
}
export type PageRenderer = ReturnType<typeof createPageRenderer>;
