// Inbound media from the Graph API: GET /{version}/{media-id} gives a short-lived URL (about five
// minutes), the file itself comes from that URL with the same Bearer token. The webhook's own `url`
// is tried first when present; an expired or missing one (404/403/410) is replaced by a fresh one.
// Sizes are checked before the body is read (metadata, Content-Length) and while it streams, and
// the bytes must match the sha256 Meta gave. Nothing touches the disk.
import crypto from 'node:crypto';
import { Agent, request } from 'undici';

export interface MediaRef {
  kind: 'audio' | 'image' | 'document' | 'video' | 'sticker';
  id: string | null;
  url: string | null;
  mimeType: string | null;
  sha256: string | null;
  filename: string | null;
}

export interface DownloadedMedia { bytes: Buffer; mimeType: string; sha256: string }

export class MediaError extends Error {
  constructor(message: string, readonly reason: 'too-large' | 'checksum' | 'not-found' | 'unavailable' | 'no-id') {
    super(message);
    this.name = 'MediaError';
  }
}

export interface MediaClientOptions {
  /** META_GRAPH_URL, version and token; read on every download (the sandbox's are getters filled at start). */
  graph: { readonly graphUrl: string; readonly graphVersion: string; readonly accessToken: string };
  timeoutMs?: number;
  /** Largest file accepted per kind, in bytes. */
  maxBytes: Record<MediaRef['kind'], number>;
}

export interface MediaClient {
  download(ref: MediaRef): Promise<DownloadedMedia>;
  close(): Promise<void>;
}

const EXPIRED = new Set([401, 403, 404, 410]);

export function createMediaClient(o: MediaClientOptions): MediaClient {
  const timeoutMs = o.timeoutMs ?? 20_000;
  const dispatcher = new Agent({ keepAliveTimeout: 10_000, connect: { timeout: timeoutMs } });
  const auth = () => ({ authorization: `Bearer ${o.graph.accessToken}` });

  async function metadata(id: string): Promise<{ url: string; mimeType: string | null; sha256: string | null; size: number | null }> {
    const url = `${o.graph.graphUrl.replace(/\/+$/, '')}/${o.graph.graphVersion}/${encodeURIComponent(id)}`;
    const res = await request(url, { method: 'GET', headers: auth(), dispatcher, signal: AbortSignal.timeout(timeoutMs) })
      .catch((err: Error) => { throw new MediaError(`media lookup failed: ${err.message}`, 'unavailable'); });
    const text = await res.body.text();
    if (res.statusCode === 404) throw new MediaError('media id unknown to Graph (older than 7 days?)', 'not-found');
    if (res.statusCode !== 200) throw new MediaError(`media lookup answered HTTP ${res.statusCode}`, 'unavailable');
    let json: Record<string, unknown> = {};
    try { json = JSON.parse(text); } catch { /* checked below */ }
    if (typeof json.url !== 'string') throw new MediaError('media lookup returned no url', 'unavailable');
    const size = Number(json.file_size);
    return {
      url: json.url, mimeType: typeof json.mime_type === 'string' ? json.mime_type : null,
      sha256: typeof json.sha256 === 'string' ? json.sha256 : null, size: Number.isFinite(size) ? size : null,
    };
  }

  /** The file, or null when the URL has expired. */
  async function fetchFile(url: string, limit: number): Promise<{ bytes: Buffer; mimeType: string | null } | null> {
    const res = await request(url, { method: 'GET', headers: auth(), dispatcher, signal: AbortSignal.timeout(timeoutMs) })
      .catch((err: Error) => { throw new MediaError(`media download failed: ${err.message}`, 'unavailable'); });
    if (EXPIRED.has(res.statusCode)) { await res.body.dump(); return null; }
    if (res.statusCode !== 200) { await res.body.dump(); throw new MediaError(`media download answered HTTP ${res.statusCode}`, 'unavailable'); }
    const declared = Number(res.headers['content-length']);
    // Abandoning a body makes undici emit an abort error on it: without a listener that would be an
    // uncaught exception (a crashed process) for every oversize file.
    const abandon = () => { res.body.on('error', () => {}); res.body.destroy(); };
    if (Number.isFinite(declared) && declared > limit) {
      abandon();
      throw new MediaError(`media is ${declared} bytes, over the ${limit}-byte limit`, 'too-large');
    }
    const chunks: Buffer[] = [];
    let total = 0;
    for await (const chunk of res.body) {
      total += (chunk as Buffer).length;
      if (total > limit) { abandon(); throw new MediaError(`media is over the ${limit}-byte limit`, 'too-large'); }
      chunks.push(chunk as Buffer);
    }
    const type = res.headers['content-type'];
    return { bytes: Buffer.concat(chunks, total), mimeType: typeof type === 'string' ? type : null };
  }

  return {
    async download(ref) {
      const limit = o.maxBytes[ref.kind];
      let file = ref.url && trustedUrl(ref.url) ? await fetchFile(ref.url, limit).catch((err) => { if (err instanceof MediaError && err.reason === 'too-large') throw err; return null; }) : null;
      let expected = ref.sha256;
      let mimeType = ref.mimeType;
      if (!file) {
        if (!ref.id) throw new MediaError('media without an id', 'no-id');
        const meta = await metadata(ref.id);
        if (meta.size !== null && meta.size > limit) throw new MediaError(`media is ${meta.size} bytes, over the ${limit}-byte limit`, 'too-large');
        expected = meta.sha256 ?? expected;
        mimeType = meta.mimeType ?? mimeType;
        file = await fetchFile(meta.url, limit);
        if (!file) throw new MediaError('fresh media url refused the download', 'unavailable');
      }
      const digest = crypto.createHash('sha256').update(file.bytes).digest();
      if (expected && !sameDigest(digest, expected)) throw new MediaError('media sha256 does not match', 'checksum');
      return { bytes: file.bytes, mimeType: mimeType ?? file.mimeType ?? 'application/octet-stream', sha256: digest.toString('hex') };
    },
    close: () => dispatcher.close(),
  };

  /** The access token goes only to Meta's own hosts (or the configured Graph stand-in). */
  function trustedUrl(u: string): boolean {
    try {
      const host = new URL(u).hostname;
      return host === new URL(o.graph.graphUrl).hostname || /(^|\.)(fbsbx\.com|facebook\.com|fbcdn\.net|whatsapp\.net)$/.test(host);
    } catch { return false; }
  }
}

/** Meta writes the digest as hex in some places and base64 in others. */
function sameDigest(digest: Buffer, expected: string): boolean {
  const e = expected.trim();
  if (/^[0-9a-f]{64}$/i.test(e)) return digest.toString('hex') === e.toLowerCase();
  const b64 = digest.toString('base64');
  return b64 === e || b64.replace(/=+$/, '') === e.replace(/=+$/, '') || digest.toString('base64url') === e.replace(/=+$/, '');
}
