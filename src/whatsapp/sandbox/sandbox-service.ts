// The local sandbox: the server acts as its own Meta. It owns generated secrets (shared through the
// database), signs genuine webhook payloads and POSTs them over HTTP to the server's own
// /webhook/whatsapp, and answers the Graph client's calls like the Graph API does, recording both.
import type { Config } from '../../config';
import { maskPhone, type Logger } from '../../shared/logger';
import { whatsappUserId } from '../../users/user-repository';
import type { WhatsAppCredentials } from '../credentials';
import { WEBHOOK_PATH } from '../webhook-router';
import { SANDBOX_PHONE_NUMBER_ID, newSandboxWamid, phoneDigits, signedWebhook, textWebhookPayload } from './sandbox-payload';
import type { SandboxEvent, SandboxRepository, SandboxSecrets } from './sandbox-repository';
import { mediaKindOf, mediaMessagePart, type SandboxMediaStore } from './sandbox-media';

export const SANDBOX_GRAPH_PATH = '/sandbox/graph';
/** WhatsApp hides the typing indicator after 25 s, or when the reply arrives. */
const TYPING_MS = 25_000;
const MAX_TEXT = 4096;

export interface GraphAnswer { status: number; body: Record<string, unknown> }

export function createSandboxService(deps: { config: Config; logger: Logger; repo: SandboxRepository; media?: SandboxMediaStore; clock?: () => number }) {
  const { config, repo } = deps;
  const log = deps.logger.child({ module: 'whatsapp-sandbox' });
  const clock = deps.clock ?? Date.now;
  let secrets: SandboxSecrets | null = null;
  let loading: Promise<SandboxSecrets> | null = null;
  // The port this server listens on: told by server.ts once it listens, else learned from the
  // requests it serves (an app mounted by a test); PORT may be 0 or sit behind a proxy.
  let learnedPort: number | null = null;
  const loopbackHost = ['0.0.0.0', '::', ''].includes(config.host) ? '127.0.0.1' : config.host.includes(':') ? `[${config.host}]` : config.host;

  const selfUrl = () => `http://${loopbackHost}:${learnedPort ?? config.port}`;

  /** Loads (or, first time ever, generates) the shared secrets. Retried on the next call after a failure. */
  function load(): Promise<SandboxSecrets> {
    if (secrets) return Promise.resolve(secrets);
    loading ??= repo.secrets().then((s) => { secrets = s; return s; }).finally(() => { loading = null; });
    return loading;
  }

  // Getters: the webhook and the Graph client read these per request, after load() filled them.
  const credentials: WhatsAppCredentials = {
    get appSecret() { return secrets?.appSecret ?? ''; },
    get verifyToken() { return secrets?.verifyToken ?? ''; },
    get accessToken() { return secrets?.accessToken ?? ''; },
    phoneNumberId: SANDBOX_PHONE_NUMBER_ID,
    get graphUrl() { return `${selfUrl()}${SANDBOX_GRAPH_PATH}`; },
    graphVersion: config.meta.graphVersion,
  };

  const graphError = (status: number, code: number, message: string): GraphAnswer =>
    ({ status, body: { error: { message, type: 'OAuthException', code, error_data: { messaging_product: 'whatsapp', details: message }, fbtrace_id: 'Asandbox' } } });

  return {
    credentials,
    load,
    isLoaded: () => secrets !== null,
    learnPort(port: number | undefined) { if (port) learnedPort = port; },
    selfUrl,

    /** POST /{version}/{phone-number-id}/messages, answered like the Graph API and recorded. */
    async graphCall(req: { path: string; phoneNumberId: string; authorization: string | undefined; rawBody: string }): Promise<GraphAnswer> {
      const s = await load();
      let body: Record<string, unknown> = {};
      let answer: GraphAnswer;
      let phone: string | null = null;
      let wamid: string | null = null;
      let kind = 'other';
      const tokenOk = req.authorization === `Bearer ${s.accessToken}`;
      try { body = JSON.parse(req.rawBody || '{}'); } catch { body = {}; }
      if (!tokenOk) answer = graphError(401, 190, 'Invalid OAuth access token - Cannot parse access token');
      else if (req.phoneNumberId !== SANDBOX_PHONE_NUMBER_ID) {
        answer = graphError(400, 100, `Unsupported post request. Object with ID '${req.phoneNumberId}' does not exist`);
      } else if (body.messaging_product !== 'whatsapp') answer = graphError(400, 100, 'The parameter messaging_product is required.');
      else if (body.status === 'read') {
        kind = 'read';
        wamid = typeof body.message_id === 'string' ? body.message_id : null;
        phone = wamid ? await repo.phoneOfMessage(wamid) : null;
        answer = wamid ? { status: 200, body: { success: true } } : graphError(400, 100, 'The parameter message_id is required.');
      } else {
        kind = body.type === 'text' ? 'text' : 'other';
        phone = typeof body.to === 'string' ? phoneDigits(body.to) : null;
        const text = (body.text as { body?: unknown } | undefined)?.body;
        if (!phone) answer = graphError(400, 100, 'The parameter to is required.');
        else if (kind === 'text' && (typeof text !== 'string' || !text)) answer = graphError(400, 100, "The parameter text['body'] is required.");
        else if (kind === 'text' && (text as string).length > MAX_TEXT) answer = graphError(400, 100, `Param text['body'] must be at most ${MAX_TEXT} characters long.`);
        else {
          wamid = newSandboxWamid();
          answer = { status: 200, body: { messaging_product: 'whatsapp', contacts: [{ input: body.to, wa_id: phone }], messages: [{ id: wamid }] } };
        }
      }
      await repo.record({
        direction: 'graph', phone, kind, wamid, method: 'POST', path: req.path,
        headers: { authorization: tokenOk ? 'Bearer <sandbox access token>' : 'Bearer <wrong token>', 'content-type': 'application/json' },
        body: req.rawBody, responseStatus: answer.status, responseBody: JSON.stringify(answer.body),
      });
      if (answer.status !== 200) log.warn({ status: answer.status, code: (answer.body.error as { code?: number } | undefined)?.code }, 'sandbox Graph endpoint refused a call');
      return answer;
    },

    /**
     * GET /{version}/{media-id} (metadata with a download URL) and GET that URL (the bytes), both
     * with the Bearer token, like Meta's media endpoints. Recorded without the bytes.
     */
    async mediaCall(req: { path: string; id: string; file: boolean; authorization: string | undefined }):
      Promise<{ status: number; body: Record<string, unknown> } | { status: 200; bytes: Buffer; mimeType: string }> {
      const s = await load();
      const tokenOk = req.authorization === `Bearer ${s.accessToken}`;
      const m = tokenOk && deps.media ? await deps.media.get(req.id) : null;
      const answer = !tokenOk ? graphError(401, 190, 'Invalid OAuth access token - Cannot parse access token')
        : !m ? graphError(404, 100, `Unsupported get request. Object with ID '${req.id}' does not exist`)
          : req.file ? { status: 200 as const, bytes: m.bytes, mimeType: m.mimeType }
            : { status: 200, body: { messaging_product: 'whatsapp', url: `${selfUrl()}${SANDBOX_GRAPH_PATH}/media-file/${req.id}`, mime_type: m.mimeType, sha256: m.sha256, file_size: m.bytes.length, id: req.id } };
      await repo.record({
        direction: 'graph', phone: m?.phone ?? null, kind: 'media', wamid: null, method: 'GET', path: req.path,
        headers: { authorization: tokenOk ? 'Bearer <sandbox access token>' : 'Bearer <wrong token>' }, body: '',
        responseStatus: answer.status, responseBody: 'bytes' in answer ? `<${answer.bytes.length} bytes of ${answer.mimeType}>` : JSON.stringify(answer.body),
      });
      return answer;
    },

    /** An attachment from the page or the CLI: stored, then announced in a signed media webhook. */
    async sendMedia(input: { phone: string; name: string; bytes: Buffer; mimeType: string; caption?: string; filename?: string }) {
      if (!deps.media) throw new Error('sandbox media store not configured');
      const kind = mediaKindOf(input.mimeType);
      const { id, sha256 } = await deps.media.save(input.bytes, input.mimeType, phoneDigits(input.phone));
      const media = mediaMessagePart({ kind, id, mimeType: input.mimeType, sha256, caption: input.caption, filename: input.filename });
      return this.send({ phone: input.phone, name: input.name, text: '', media });
    },

    /** What the page's "send" does: a genuine signed webhook, POSTed over HTTP to this server. */
    async send(input: { phone: string; name: string; text: string; media?: Record<string, unknown> }) {
      const s = await load();
      const phone = phoneDigits(input.phone);
      const wamid = newSandboxWamid();
      const payload = textWebhookPayload({ from: phone, name: input.name, text: input.text, wamid, timestamp: Math.floor(clock() / 1000), media: input.media });
      const { body, headers } = signedWebhook(payload, s.appSecret);
      let status = 0;
      let responseText = '';
      try {
        const res = await fetch(`${selfUrl()}${WEBHOOK_PATH}`, { method: 'POST', headers, body, signal: AbortSignal.timeout(10_000) });
        status = res.status;
        responseText = await res.text();
      } catch (err) {
        responseText = `could not reach ${selfUrl()}${WEBHOOK_PATH}: ${((err as Error).cause as Error | undefined)?.message ?? (err as Error).message}`;
      }
      const eventId = await repo.record({
        direction: 'webhook', phone, kind: 'message', wamid, method: 'POST', path: WEBHOOK_PATH, headers, body,
        responseStatus: status || null, responseBody: responseText,
      });
      log.debug({ phone: maskPhone(phone), status }, 'sandbox webhook sent');
      return { wamid, status, response: responseText, eventId };
    },

    /** One phone's chat as WhatsApp would show it, plus the panel's raw events after `afterId`. */
    async conversation(phoneInput: string, afterId = 0) {
      const phone = phoneDigits(phoneInput);
      const key = whatsappUserId({ phone });
      const [inbound, events, pending] = await Promise.all([repo.inbound(key), repo.events({ phone, limit: 300 }), repo.pending(key)]);
      const seqOf = new Map(inbound.map((m) => [m.wamid, m.seq]));
      const ok = events.filter((e) => e.direction === 'graph' && e.responseStatus === 200);
      const readSeq = Math.max(0, ...ok.filter((e) => e.kind === 'read' && e.wamid).map((e) => seqOf.get(e.wamid!) ?? 0));
      const bot = ok.filter((e) => e.kind === 'text');
      const messages = [
        ...inbound.map((m) => ({ id: m.wamid, from: 'user' as const, text: m.content, at: m.receivedAt.toISOString(), read: m.seq <= readSeq })),
        ...bot.map((e) => ({ id: e.wamid!, from: 'bot' as const, text: textOf(e), at: e.at.toISOString(), read: true })),
      ].sort((a, b) => a.at.localeCompare(b.at));
      const lastTyping = ok.filter((e) => e.kind === 'read' && /typing_indicator/.test(e.body)).at(-1);
      const lastBot = bot.at(-1);
      // Only while a batch is open: the read+typing call and the reply travel in parallel, so the
      // typing call may be recorded after the reply it announced.
      const typing = Boolean(pending.pending && lastTyping && (!lastBot || lastBot.id < lastTyping.id) && clock() - lastTyping.at.getTime() < TYPING_MS);
      return {
        phone, userId: key, messages, typing, pending: pending.pending, dueAt: pending.dueAt?.toISOString() ?? null,
        events: events.filter((e) => e.id > afterId).slice(-50).map(publicEvent),
      };
    },
  };
}

function textOf(e: SandboxEvent): string {
  try { return String((JSON.parse(e.body) as { text?: { body?: string } }).text?.body ?? ''); } catch { return ''; }
}

function publicEvent(e: SandboxEvent) {
  return {
    id: e.id, at: e.at.toISOString(), direction: e.direction, kind: e.kind, method: e.method, path: e.path,
    headers: e.headers, body: e.body, responseStatus: e.responseStatus, responseBody: e.responseBody,
  };
}

export type SandboxService = ReturnType<typeof createSandboxService>;
