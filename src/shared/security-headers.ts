// The security headers every response carries (helmet), in two forms: the middleware for the
// app's routes, and the same headers as a plain object for hot machine-to-machine routes (the
// webhook's 200) that answer before the middleware chain. helmet's headers do not depend on the
// request, so running it once on a stand-in response gives exactly what it would set.
import helmet from 'helmet';
import type { IncomingMessage } from 'node:http';
import type { RequestHandler } from 'express';

export interface SecurityHeaders {
  middleware: RequestHandler;
  /** Header name (lower case) → value, as helmet sets them. */
  headers: Readonly<Record<string, string>>;
}

export function createSecurityHeaders(opts: { production: boolean }): SecurityHeaders {
  const middleware = helmet({
    contentSecurityPolicy: { directives: { 'upgrade-insecure-requests': opts.production ? [] : null } },
    strictTransportSecurity: opts.production,
  }) as unknown as RequestHandler;
  const headers: Record<string, string> = {};
  const stand = {
    setHeader(name: string, value: string | number | string[]) { headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value); },
    removeHeader(name: string) { delete headers[name.toLowerCase()]; },
    getHeader(name: string) { return headers[name.toLowerCase()]; },
  };
  let synchronous = false;
  (middleware as unknown as (req: IncomingMessage, res: unknown, next: (err?: unknown) => void) => void)(
    { headers: {} } as IncomingMessage, stand, (err) => { if (err) throw err; synchronous = true; },
  );
  // helmet 8 finishes synchronously; if a later version did not, the hot routes would silently
  // lose their headers, so fail at boot instead.
  if (!synchronous || !headers['x-content-type-options']) throw new Error('helmet did not set its headers synchronously');
  return { middleware, headers: Object.freeze(headers) };
}
