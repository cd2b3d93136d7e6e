// `npm run simulate -- --from +62812345678 "halo" "skor kredit saya berapa?"`
// Sends each message as a signed Meta webhook to a running server, then (sandbox) prints the
// replies the server sent to the sandbox's Graph endpoint, or (real deployment) the HTTP results.
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config';
import { phoneDigits, signedWebhook, textWebhookPayload } from '../whatsapp/sandbox/sandbox-payload';

const USAGE = `Usage: npm run simulate -- --from <phone> [options] "message" ["message" ...]

Options:
  --from <phone>            sender, e.g. +62812345678 (required)
  --name <name>             WhatsApp profile name (default "Simulated User")
  --url <url>               server base URL (default http://localhost:3000)
  --secret <app secret>     app secret to sign with (default: the sandbox's, fetched from
                            <url>/sandbox/api/credentials; else META_APP_SECRET from .env)
  --phone-number-id <id>    business phone_number_id in the payload (default: sandbox's or META_PHONE_NUMBER_ID)
  --token <token>           ADMIN_TOKEN of the server, when it has one (sandbox API)
  --wait <seconds>          how long to wait for the reply in the sandbox (default 120; 0 = do not wait)
  --audio <file>            send a voice note (.ogg/.opus/.mp3/.m4a/.wav), sandbox only; repeatable
  --image <file>            send a photo (.jpg/.png/.webp), sandbox only; repeatable
  --document <file>         send a document (.pdf; other types get the "please send a PDF" answer), sandbox only; repeatable
  --caption <text>          caption of the photos and documents
  --help

Files are sent first, then the text messages, all within one buffer window (one reply).`;

export interface SimulateIo { out(line: string): void; err(line: string): void }

interface Target { secret: string; phoneNumberId: string; sandbox: boolean; bufferMs: number | null }

/** Returns the process exit code: 0 ok, 1 rejected / unreachable, 2 usage, 3 no reply in time. */
export async function runSimulate(argv: string[], io: SimulateIo = { out: (l) => console.log(l), err: (l) => console.error(l) }): Promise<number> {
  let args;
  try {
    args = parseArgs({
      args: argv, allowPositionals: true,
      options: {
        from: { type: 'string' }, name: { type: 'string' }, url: { type: 'string' }, secret: { type: 'string' },
        'phone-number-id': { type: 'string' }, token: { type: 'string' }, wait: { type: 'string' }, help: { type: 'boolean' },
        audio: { type: 'string', multiple: true }, image: { type: 'string', multiple: true }, document: { type: 'string', multiple: true },
        caption: { type: 'string' },
      },
    });
  } catch (err) {
    io.err(`${(err as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const o = args.values;
  if (o.help) { io.out(USAGE); return 0; }
  const from = phoneDigits(o.from ?? '');
  if (from.length < 6 || from.length > 15) { io.err(`--from must be a phone number with its country code, e.g. +62812345678\n\n${USAGE}`); return 2; }
  const files = [...(o.audio ?? []).map((f) => ({ f, kind: 'audio' })), ...(o.image ?? []).map((f) => ({ f, kind: 'image' })), ...(o.document ?? []).map((f) => ({ f, kind: 'document' }))];
  if (!args.positionals.length && !files.length) { io.err(`Give at least one message or file to send.\n\n${USAGE}`); return 2; }
  for (const { f } of files) if (!fs.existsSync(f)) { io.err(`✗ no such file: ${f}`); return 2; }
  const waitSeconds = o.wait === undefined ? 120 : Number(o.wait);
  if (!Number.isFinite(waitSeconds) || waitSeconds < 0) { io.err('--wait must be a number of seconds'); return 2; }
  const base = (o.url ?? 'http://localhost:3000').replace(/\/+$/, '');
  const auth: Record<string, string> = o.token ? { authorization: `Bearer ${o.token}` } : {};

  let target: Target;
  try {
    target = await resolveTarget(base, auth, o.secret, o['phone-number-id']);
  } catch (err) {
    io.err(`✗ ${(err as Error).message}`);
    return 1;
  }
  io.out(target.sandbox
    ? `Sandbox at ${base}: sending ${files.length ? `${files.length} file(s) and ` : ''}${args.positionals.length} message(s) from +${from} (buffer ${target.bufferMs} ms)`
    : `Server at ${base} (not a sandbox): sending ${args.positionals.length} signed webhook(s) from +${from}`);

  const cursor = target.sandbox ? await lastEventId(base, auth, from) : 0;
  if (files.length && !target.sandbox) { io.err('✗ files can only be sent to a sandbox (its Graph stand-in serves them to the bot)'); return 1; }
  for (const { f, kind } of files) {
    const q = new URLSearchParams({ phone: from, name: o.name ?? 'Simulated User', caption: o.caption ?? '', filename: path.basename(f) });
    const res = await fetch(`${base}/sandbox/api/media?${q}`, {
      method: 'POST', headers: { ...auth, 'content-type': mimeOf(f, kind), 'x-sandbox-upload': '1' }, body: fs.readFileSync(f), signal: AbortSignal.timeout(30_000),
    }).catch((err: Error) => err);
    if (res instanceof Error) { io.err(`✗ could not reach ${base}/sandbox/api/media: ${res.message}`); return 1; }
    const answer = await res.text();
    if (!res.ok) { io.err(`✗ ${res.status} ${errorMessage(answer)} for ${f}`); return 1; }
    io.out(`→ ${(JSON.parse(answer) as { status: number }).status} ${kind} ${path.basename(f)}`);
  }
  for (const text of args.positionals) {
    const payload = textWebhookPayload({ from, name: o.name ?? 'Simulated User', text, phoneNumberId: target.phoneNumberId });
    const { body, headers } = signedWebhook(payload, target.secret);
    let res: Response;
    try {
      res = await fetch(`${base}/webhook/whatsapp`, { method: 'POST', headers, body, signal: AbortSignal.timeout(15_000) });
    } catch (err) {
      io.err(`✗ could not reach ${base}/webhook/whatsapp: ${((err as Error).cause as Error | undefined)?.message ?? (err as Error).message}`);
      return 1;
    }
    const answer = (await res.text()).slice(0, 300);
    if (res.status === 401) {
      io.err(`✗ 401 ${errorMessage(answer)}: the server rejected the signature, so the app secret is wrong. ` +
        'Pass the server\'s app secret with --secret (a sandbox\'s is at /sandbox/api/credentials, from the server machine).');
      return 1;
    }
    if (!res.ok) {
      io.err(`✗ ${res.status} ${errorMessage(answer)} for "${text}"`);
      return 1;
    }
    io.out(`→ ${res.status} ${answer}  "${text}"`);
  }

  if (!target.sandbox) {
    io.out('The server accepted the webhooks. Its replies go to the real WhatsApp number; see the server log.');
    return 0;
  }
  if (waitSeconds === 0) return 0;
  return printReplies(base, auth, from, cursor, waitSeconds, io);
}

async function resolveTarget(base: string, auth: Record<string, string>, secret?: string, phoneNumberId?: string): Promise<Target> {
  let res: Response;
  try {
    res = await fetch(`${base}/sandbox/api/credentials`, { headers: auth, signal: AbortSignal.timeout(10_000) });
  } catch (err) {
    throw new Error(`could not reach ${base}: ${((err as Error).cause as Error | undefined)?.message ?? (err as Error).message}. Is the server running (npm start)?`);
  }
  if (res.ok) {
    const c = await res.json() as { appSecret: string; phoneNumberId: string; bufferMs: number };
    return { secret: secret ?? c.appSecret, phoneNumberId: phoneNumberId ?? c.phoneNumberId, sandbox: true, bufferMs: c.bufferMs };
  }
  if (res.status === 401 || res.status === 403) {
    if (!secret) throw new Error(`${res.status} from the sandbox API: ${errorMessage(await res.text())}. Pass --token <ADMIN_TOKEN>, or --secret to sign yourself.`);
    return { secret, phoneNumberId: phoneNumberId ?? '', sandbox: false, bufferMs: null };
  }
  // Not a sandbox (production, or real META_* set): sign with what the caller or .env says.
  let config: ReturnType<typeof loadConfig> | null = null;
  try { config = loadConfig({ argv: [] }); } catch { /* a broken .env is not needed when flags are given */ }
  const s = secret ?? config?.meta.appSecret;
  const id = phoneNumberId ?? config?.meta.phoneNumberId;
  if (!s) throw new Error(`${base} is not a sandbox: pass --secret <META_APP_SECRET of that server> (or set META_APP_SECRET in .env)`);
  if (!id) throw new Error(`${base} is not a sandbox: pass --phone-number-id <META_PHONE_NUMBER_ID of that server> (it ignores other numbers)`);
  return { secret: s, phoneNumberId: id, sandbox: false, bufferMs: null };
}

interface Conversation { typing: boolean; pending: boolean; events: { id: number; direction: string; kind: string; body: string; responseStatus: number | null }[] }

async function conversation(base: string, auth: Record<string, string>, phone: string, after: number): Promise<Conversation> {
  const res = await fetch(`${base}/sandbox/api/conversation?phone=${phone}&after=${after}`, { headers: auth, signal: AbortSignal.timeout(10_000) });
  if (!res.ok) throw new Error(`sandbox API answered ${res.status}: ${errorMessage(await res.text())}`);
  return await res.json() as Conversation;
}

async function lastEventId(base: string, auth: Record<string, string>, phone: string): Promise<number> {
  const c = await conversation(base, auth, phone, 0).catch(() => null);
  return Math.max(0, ...(c?.events ?? []).map((e) => e.id));
}

async function printReplies(base: string, auth: Record<string, string>, phone: string, cursor: number, waitSeconds: number, io: SimulateIo): Promise<number> {
  const deadline = Date.now() + waitSeconds * 1000;
  let after = cursor;
  let replies = 0;
  let typingShown = false;
  io.out('⏳ waiting for the reply (the buffer waits for more messages first)…');
  while (Date.now() < deadline) {
    const c = await conversation(base, auth, phone, after);
    for (const e of c.events) {
      after = Math.max(after, e.id);
      if (e.direction !== 'graph' || e.responseStatus !== 200) continue;
      if (e.kind === 'read' && !typingShown) { io.out('✓✓ read, typing…'); typingShown = true; }
      if (e.kind === 'text') {
        replies++;
        const text = (JSON.parse(e.body) as { text?: { body?: string } }).text?.body ?? '';
        io.out(`🤖 ${text}`);
      }
    }
    if (replies > 0 && !c.pending) return 0;
    await new Promise((r) => setTimeout(r, 400));
  }
  io.err(`✗ no ${replies ? 'complete ' : ''}reply within ${waitSeconds} s (see the server log; --wait to wait longer)`);
  return 3;
}

/** The MIME type WhatsApp would report for a file, from its extension. */
export function mimeOf(file: string, kind: string): string {
  const ext = path.extname(file).slice(1).toLowerCase();
  const known: Record<string, string> = {
    ogg: 'audio/ogg', oga: 'audio/ogg', opus: 'audio/ogg', mp3: 'audio/mpeg', m4a: 'audio/mp4', aac: 'audio/aac', wav: 'audio/wav', amr: 'audio/amr',
    jpg: 'image/jpeg', jpeg: 'image/jpeg', png: 'image/png', webp: 'image/webp', pdf: 'application/pdf',
    doc: 'application/msword', docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', xls: 'application/vnd.ms-excel', txt: 'text/plain',
  };
  return known[ext] ?? (kind === 'audio' ? 'audio/ogg' : kind === 'image' ? 'image/jpeg' : 'application/octet-stream');
}

function errorMessage(text: string): string {
  try { return (JSON.parse(text) as { error?: { message?: string } }).error?.message ?? text; } catch { return text; }
}

if (require.main === module) {
  runSimulate(process.argv.slice(2)).then((code) => { process.exitCode = code; }, (err) => { console.error(err); process.exitCode = 1; });
}
