// `npm run link -- <phone> <userId>` links a WhatsApp number to an account through the running
// server's operator API (so the number gets its notice, and every instance sees the link at once).
//   npm run link -- 6281234567890 cust-1001     link
//   npm run link -- --show 6281234567890        who the number is answered as
//   npm run link -- --unlink 6281234567890      remove the link
// Options: --url (default http://localhost:<PORT>), --token (default ADMIN_TOKEN from the environment or .env).
import { parseArgs } from 'node:util';
import { loadConfig } from '../config';

const USAGE = `Usage: npm run link -- <phone> <userId> | --show <phone> | --unlink <phone>  [--url <server>] [--token <ADMIN_TOKEN>]`;

export async function runLink(argv: string[], io = { out: (l: string) => console.log(l), err: (l: string) => console.error(l) }): Promise<number> {
  let args;
  try {
    args = parseArgs({ args: argv, allowPositionals: true, options: {
      show: { type: 'boolean' }, unlink: { type: 'boolean' }, url: { type: 'string' }, token: { type: 'string' }, help: { type: 'boolean' },
    } });
  } catch (err) { io.err(`${(err as Error).message}\n${USAGE}`); return 2; }
  const o = args.values;
  const [phone, userId] = args.positionals;
  if (o.help) { io.out(USAGE); return 0; }
  if (!phone || (!o.show && !o.unlink && !userId)) { io.err(USAGE); return 2; }
  let config: ReturnType<typeof loadConfig> | null = null;
  try { config = loadConfig(); } catch { /* flags are enough */ }
  const base = (o.url ?? `http://localhost:${config?.port ?? 3000}`).replace(/\/+$/, '');
  const token = o.token ?? config?.adminToken;
  const method = o.show ? 'GET' : o.unlink ? 'DELETE' : 'PUT';
  let res: Response;
  try {
    res = await fetch(`${base}/api/whatsapp/links/${encodeURIComponent(phone)}`, {
      method,
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: method === 'PUT' ? JSON.stringify({ userId }) : undefined,
    });
  } catch (err) { io.err(`✗ cannot reach ${base}: ${(err as Error).message}`); return 1; }
  const body = await res.json().catch(() => ({})) as Record<string, unknown> & { error?: { message?: string; details?: { resolvesTo?: { userId: string; source: string } } } };
  if (!res.ok) {
    io.err(`✗ ${res.status}: ${body.error?.message ?? 'request failed'}`);
    const to = body.error?.details?.resolvesTo;
    if (to) io.out(`  the number is answered as ${to.userId} (${to.source})`);
    return 1;
  }
  if (method === 'PUT') io.out(`✓ ${body.phone} linked to ${body.userId}${body.changed ? '' : ' (it already was)'}`);
  else if (method === 'DELETE') io.out(`✓ ${body.phone} unlinked from ${body.userId}`);
  else io.out(`${body.phone} → ${body.userId} (linked by ${body.linkedBy} at ${body.linkedAt})`);
  return 0;
}

if (require.main === module) runLink(process.argv.slice(2)).then((code) => process.exit(code));
