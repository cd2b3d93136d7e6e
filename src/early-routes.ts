// The hot machine-to-machine routes (the WhatsApp webhook's POST), dispatched before Express sees
// the request. Express's per-request set-up (prototype swap of req and res, router walk, final
// handler) cost about as much CPU as storing the webhook itself (docs/benchmarks.md); these
// handlers use only node:http's request and response, so they need none of it.
// Matching follows Express's defaults (case-insensitive, optional trailing slash, query ignored).
// An error a handler passes on goes to the app's own error handler, so every answer looks the same.
import type { IncomingMessage, ServerResponse } from 'node:http';

export type EarlyHandler = (req: IncomingMessage, res: ServerResponse, next: (err?: unknown) => void) => void;
export interface EarlyRoute { method: 'post'; path: string; handler: EarlyHandler }

type Handle = (req: IncomingMessage, res: ServerResponse, done?: (err?: unknown) => void) => void;

const ERROR = Symbol('early-route-error');

/** Wraps the app's handle: early routes first, everything else (and their errors) to Express. */
export function withEarlyRoutes(expressHandle: Handle, routes: EarlyRoute[]): Handle {
  const chains = new Map<string, EarlyHandler[]>();
  for (const r of routes) {
    const key = `${r.method.toUpperCase()} ${normalize(r.path)}`;
    chains.set(key, [...(chains.get(key) ?? []), r.handler]);
  }
  if (!chains.size) return expressHandle;
  return (req, res, done) => {
    const chain = chains.get(`${req.method} ${normalize(req.url ?? '/')}`);
    if (!chain) return expressHandle(req, res, done);
    let i = 0;
    const next = (err?: unknown) => {
      if (err !== undefined && err !== null) {
        (req as unknown as Record<symbol, unknown>)[ERROR] = err;
        return expressHandle(req, res, done);
      }
      const h = chain[i++];
      // Every handler passed it on: Express answers as if there were no early route (404).
      if (!h) return expressHandle(req, res, done);
      try { h(req, res, next); } catch (e) { next(e); }
    };
    next();
  };
}

/** The app's first middleware: hands an early route's error to the error handler. */
export function earlyErrorForwarder(req: IncomingMessage, _res: unknown, next: (err?: unknown) => void): void {
  next((req as unknown as Record<symbol, unknown>)[ERROR]);
}

function normalize(url: string): string {
  const q = url.indexOf('?');
  let p = q < 0 ? url : url.slice(0, q);
  if (p.length > 1 && p.endsWith('/')) p = p.slice(0, -1);
  return p.toLowerCase();
}
