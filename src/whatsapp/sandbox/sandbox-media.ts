// Attachments in the sandbox: stored for an hour, announced in a genuine media webhook (id,
// mime_type, sha256, voice flag, caption, filename), and served by the sandbox's Graph stand-in
// exactly like Meta's two-step download (GET /{version}/{media-id} → url, GET url with the token).
import crypto from 'node:crypto';
import type { Database } from '../../db/database';

export const SANDBOX_MEDIA_MAX_BYTES = 20 * 1024 * 1024;
const KEEP_MS = 60 * 60_000;

export type SandboxMediaKind = 'audio' | 'image' | 'document';

export function mediaKindOf(mimeType: string): SandboxMediaKind {
  if (/^audio\//i.test(mimeType)) return 'audio';
  if (/^image\//i.test(mimeType)) return 'image';
  return 'document';
}

export function createSandboxMediaStore(db: Database) {
  return {
    async save(bytes: Buffer, mimeType: string, phone: string): Promise<{ id: string; sha256: string }> {
      const id = String(BigInt(`0x${crypto.randomBytes(7).toString('hex')}`)); // Meta's media ids are digit strings
      const sha256 = crypto.createHash('sha256').update(bytes).digest('hex');
      await db.query('DELETE FROM sandbox_media WHERE created_at < $1', [new Date(Date.now() - KEEP_MS)]);
      await db.query('INSERT INTO sandbox_media (id, phone, mime_type, sha256, bytes) VALUES ($1, $2, $3, $4, $5)', [id, phone, mimeType, sha256, bytes]);
      return { id, sha256 };
    },
    async get(id: string): Promise<{ phone: string; mimeType: string; sha256: string; bytes: Buffer } | null> {
      const r = await db.query<{ phone: string; mime_type: string; sha256: string; bytes: Buffer | Uint8Array }>('SELECT phone, mime_type, sha256, bytes FROM sandbox_media WHERE id = $1', [id]);
      const row = r.rows[0];
      return row ? { phone: row.phone, mimeType: row.mime_type, sha256: row.sha256, bytes: Buffer.from(row.bytes) } : null;
    },
  };
}

export type SandboxMediaStore = ReturnType<typeof createSandboxMediaStore>;

/** The `messages[0]` part of a media webhook, in Meta's shape. */
export function mediaMessagePart(input: { kind: SandboxMediaKind; id: string; mimeType: string; sha256: string; caption?: string; filename?: string; voice?: boolean }) {
  const part: Record<string, unknown> = { id: input.id, mime_type: input.mimeType, sha256: Buffer.from(input.sha256, 'hex').toString('base64') };
  if (input.kind === 'audio') part.voice = input.voice ?? true;
  if (input.caption && input.kind !== 'audio') part.caption = input.caption;
  if (input.kind === 'document') part.filename = input.filename || 'document.pdf';
  return { type: input.kind, [input.kind]: part };
}
