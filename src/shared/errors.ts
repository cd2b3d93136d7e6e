// One error class with a stable kebab-case code and one middleware that answers
// { "error": { "code", "message" } }. Only 5xx are logged: 4xx are the caller's business.
import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from './logger';
import { AppError, isLocalized } from './app-error';
import { databaseUnavailableError, isDatabaseUnavailable } from './unavailable';
import { errorText } from './error-texts';
import { requestLanguage, t } from '../i18n/catalogue';
import type { Lang } from '../i18n/lang';
import { escapeHtml, languageSwitch } from '../i18n/page-renderer';

export { AppError } from './app-error';

export function notFoundHandler(): RequestHandler {
  return (req, _res, next) => next(new AppError('not-found', 404, `No route for ${req.method} ${req.path}`));
}

export function errorHandler(logger: Logger, opts: { defaultLanguage?: Lang } = {}): ErrorRequestHandler {
  return (err, req, res, next) => {
    if (res.headersSent) return next(err);
    // A lost database connection is an outage to retry, not a bug: 503 with a sentence, one warning.
    if (!(err instanceof AppError) && isDatabaseUnavailable(err)) {
      logger.warn({ path: req.path, err: { message: (err as Error).message, code: (err as { code?: string }).code } }, 'database unreachable: answering 503');
      err = databaseUnavailableError(req, res);
    }
    let status = 500;
    let code = 'internal-error';
    let message = 'Something went wrong on our side. Please try again.';
    let details: Record<string, unknown> | undefined;
    if (err instanceof AppError) {
      ({ status, code, message, details } = err);
    } else if (err && typeof err === 'object' && 'type' in err) {
      // body-parser errors carry a type and a status.
      const e = err as { type: string; status?: number; message: string };
      if (e.type === 'entity.too.large') { status = 413; code = 'payload-too-large'; message = 'Request body is too large'; }
      else if (e.type === 'entity.parse.failed') { status = 400; code = 'invalid-json'; message = 'Request body is not valid JSON'; }
      else if (e.status && e.status < 500) { status = e.status; code = 'bad-request'; message = e.message; }
    }
    if (status >= 500 && !(err instanceof AppError && err.logged)) (req as { log?: Logger }).log?.error({ err }, 'request failed') ?? logger.error({ err, path: req.path }, 'request failed');
    // The person reads the message in their language (?lang=, the lang cookie, Accept-Language).
    const lang = requestLanguage(req, opts.defaultLanguage ?? 'id');
    if (!isLocalized(err)) message = errorText(lang, code, req.path, details) ?? message;
    res.set('Content-Language', lang);
    // A browser opening an address gets a page, not JSON.
    if (req.method === 'GET' && req.accepts(['json', 'html']) === 'html') {
      res.status(status).type('html').send(errorPage(req, lang, status, message));
      return;
    }
    res.status(status).json({ error: { code, message, ...(details ? { details } : {}) } });
  };
}

function errorPage(req: Parameters<typeof languageSwitch>[0], lang: Lang, status: number, message: string): string {
  const title = t(lang, status === 404 ? 'errors.notFoundTitle' : 'errors.pageTitle');
  return `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title><link rel="icon" href="data:,"><link rel="stylesheet" href="/styles.css"></head>
<body class="simple"><main class="error-page">${languageSwitch(req, lang)}<h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p>
<p><a href="/">${escapeHtml(t(lang, 'errors.backHome'))}</a></p></main></body></html>`;
}
