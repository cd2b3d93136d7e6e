// A real HTTP server on 127.0.0.1 speaking the Graph API's /{version}/{phone-number-id}/messages
// protocol. It records every call and answers like Meta: wamids for sends, {success:true} for
// read receipts, Graph error bodies for scripted failures. Shared by the channel, sandbox, fault
// and fuzz tests.
import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface GraphCall {
  at: number;
  method: string;
  path: string;
  version: string | null;
  phoneNumberId: string | null;
  authorization: string | undefined;
  body: Record<string, unknown>;
  /** What the server answered. */
  status: number;
  kind: 'text' | 'read' | 'other';
  /** For text sends: recipient and body. */
  to?: string;
  text?: string;
  messageId?: string;
}

export interface ScriptedResponse { status: number; body?: unknown; headers?: Record<string, string>; delayMs?: number; hangUp?: boolean }

/** A file the fake serves like Meta's media endpoints (GET /{version}/{id}, then GET the url). */
export interface FakeMedia {
  bytes: Buffer;
  mimeType: string;
  /** What the metadata claims; defaults to the real hex digest (set a wrong one to test the check). */
  sha256?: string;
  /** What the metadata claims as file_size; defaults to the real size. */
  fileSize?: number;
  /** Send the file in chunks without Content-Length. */
  chunked?: boolean;
}

export interface FakeGraphServer {
  url: string;
  /** Media by id; `url(id)` is its download URL (`expiredUrl(id)` one that answers 404, like a URL older than 5 minutes). */
  media: Map<string, FakeMedia>;
  mediaUrl(id: string): string;
  expiredMediaUrl(id: string): string;
  /** GET requests for media metadata and files, in order. */
  mediaCalls: { at: number; path: string; authorization: string | undefined; status: number }[];
  calls: GraphCall[];
  /** Text messages that were accepted (status 200), in arrival order. */
  sent(): GraphCall[];
  reads(): GraphCall[];
  /** The next `times` calls (optionally only of one kind) get this answer instead of success. */
  failNext(response: ScriptedResponse, times?: number, kind?: GraphCall['kind']): void;
  /** Every call gets this answer until cleared (null). */
  failAlways(response: ScriptedResponse | null): void;
  /** Delays every answer (simulates a slow Graph API). */
  setDelay(ms: number): void;
  waitFor(predicate: (s: FakeGraphServer) => boolean, timeoutMs?: number): Promise<void>;
  reset(): void;
  close(): Promise<void>;
}

/** The access token the test configuration uses (whatsapp-payloads.ts TEST_META). */
const TOKEN = 'test-access-token';

export function graphError(code: number, message = `(#${code}) error`, status = 400, headers?: Record<string, string>): ScriptedResponse {
  return { status, headers, body: { error: { message, type: 'OAuthException', code, error_data: { messaging_product: 'whatsapp', details: message }, fbtrace_id: 'Afake' } } };
}

export async function startFakeGraphServer(opts: { port?: number } = {}): Promise<FakeGraphServer> {
  const calls: GraphCall[] = [];
  const script: { response: ScriptedResponse; kind?: GraphCall['kind'] }[] = [];
  let always: ScriptedResponse | null = null;
  let delay = 0;
  let counter = 0;
  const media = new Map<string, FakeMedia>();
  const mediaCalls: FakeGraphServer['mediaCalls'] = [];
  let base = '';
  function serveMedia(req: http.IncomingMessage, res: http.ServerResponse): boolean {
    const path = req.url ?? '';
    const file = /^\/media-file\/([^/?]+)(\?expired=1)?$/.exec(path);
    const meta = /^\/(v\d+\.\d+)\/([^/?]+)(\?.*)?$/.exec(path);
    if (req.method !== 'GET' || (!file && !meta)) return false;
    const answer = (status: number, body: Buffer | string, type = 'application/json') => {
      mediaCalls.push({ at: Date.now(), path, authorization: req.headers.authorization, status });
      res.writeHead(status, { 'content-type': type, 'content-length': String(Buffer.byteLength(body)) }).end(body);
    };
    if (req.headers.authorization !== `Bearer ${TOKEN}`) { answer(401, JSON.stringify({ error: { message: 'Invalid OAuth access token', code: 190 } })); return true; }
    const id = decodeURIComponent((file ? file[1] : meta![2]));
    const m = media.get(id);
    if (!m) { answer(404, JSON.stringify({ error: { message: 'Unsupported get request', code: 100 } })); return true; }
    if (file) {
      if (file[2]) answer(404, JSON.stringify({ error: { message: 'URL expired', code: 100 } }));
      else if (m.chunked) {
        mediaCalls.push({ at: Date.now(), path, authorization: req.headers.authorization, status: 200 });
        res.writeHead(200, { 'content-type': m.mimeType });
        for (let i = 0; i < m.bytes.length; i += 1000) res.write(m.bytes.subarray(i, i + 1000));
        res.end();
      } else answer(200, m.bytes, m.mimeType);
      return true;
    }
    answer(200, JSON.stringify({
      messaging_product: 'whatsapp', url: `${base}/media-file/${encodeURIComponent(id)}`, mime_type: m.mimeType,
      sha256: m.sha256 ?? crypto.createHash('sha256').update(m.bytes).digest('hex'), file_size: m.fileSize ?? m.bytes.length, id,
    }));
    return true;
  }
  const server = http.createServer((req, res) => {
    if (serveMedia(req, res)) { req.resume(); return; }
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', async () => {
      let body: Record<string, unknown> = {};
      try { body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}'); } catch { /* recorded as {} */ }
      const m = /^\/(v\d+\.\d+)\/([^/]+)\/messages\/?$/.exec(req.url ?? '');
      const kind: GraphCall['kind'] = body.type === 'text' ? 'text' : body.status === 'read' ? 'read' : 'other';
      const call: GraphCall = {
        at: Date.now(), method: req.method ?? '', path: req.url ?? '', version: m?.[1] ?? null, phoneNumberId: m ? decodeURIComponent(m[2]) : null,
        authorization: req.headers.authorization, body, status: 200, kind,
        ...(kind === 'text' ? { to: String(body.to), text: String((body.text as { body?: string })?.body ?? '') } : {}),
      };
      const idx = script.findIndex((s) => !s.kind || s.kind === kind);
      const scripted = idx >= 0 ? script.splice(idx, 1)[0].response : always;
      if (delay || scripted?.delayMs) await new Promise((r) => setTimeout(r, (scripted?.delayMs ?? 0) + delay));
      if (scripted?.hangUp) { calls.push({ ...call, status: 0 }); req.socket.destroy(); return; }
      // The client gave up (its timeout) before we answered: modelled as a request Meta never
      // processed, so it is not counted as delivered (status 0).
      if (res.destroyed || req.socket.destroyed) { calls.push({ ...call, status: 0 }); return; }
      if (!m || req.method !== 'POST') {
        call.status = 404;
        calls.push(call);
        res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: 'Unknown path', code: 100 } }));
        return;
      }
      if (scripted) {
        call.status = scripted.status;
        calls.push(call);
        res.writeHead(scripted.status, { 'content-type': 'application/json', ...scripted.headers }).end(JSON.stringify(scripted.body ?? {}));
        return;
      }
      if (kind === 'text') {
        call.messageId = `wamid.FAKE${String(++counter).padStart(6, '0')}`;
        calls.push(call);
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({
          messaging_product: 'whatsapp', contacts: [{ input: call.to, wa_id: call.to }], messages: [{ id: call.messageId }],
        }));
        return;
      }
      calls.push(call);
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ success: true }));
    });
  });
  await new Promise<void>((r) => server.listen(opts.port ?? 0, '127.0.0.1', () => r()));
  const port = (server.address() as AddressInfo).port;
  base = `http://127.0.0.1:${port}`;
  const fake: FakeGraphServer = {
    url: base,
    media, mediaCalls,
    mediaUrl: (id) => `${base}/media-file/${encodeURIComponent(id)}`,
    expiredMediaUrl: (id) => `${base}/media-file/${encodeURIComponent(id)}?expired=1`,
    calls,
    sent: () => calls.filter((c) => c.kind === 'text' && c.status === 200),
    reads: () => calls.filter((c) => c.kind === 'read' && c.status === 200),
    failNext(response, times = 1, kind) { for (let i = 0; i < times; i++) script.push({ response, kind }); },
    failAlways(response) { always = response; },
    setDelay(ms) { delay = ms; },
    async waitFor(predicate, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      while (!predicate(fake)) {
        if (Date.now() > deadline) throw new Error(`fake Graph server: condition not met within ${timeoutMs} ms; calls: ${JSON.stringify(calls.map((c) => ({ kind: c.kind, to: c.to, text: c.text?.slice(0, 80), status: c.status })))}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    reset() { mediaCalls.length = 0; calls.length = 0; script.length = 0; always = null; delay = 0; },
    close: () => new Promise<void>((r) => { server.closeAllConnections?.(); server.close(() => r()); }),
  };
  return fake;
}
