// A small but real OAuth 2.0 / OpenID Connect provider on 127.0.0.1 speaking Google's protocol:
// /o/oauth2/v2/auth (authorization: redirects back with a code, as after the consent screen),
// /token (code → access token, checks client credentials, redirect_uri and the PKCE verifier) and
// /v1/userinfo (OIDC claims; the path ends in /userinfo so passport-google-oauth20 picks its OIDC parser).
import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeGoogleAccount { sub: string; name?: string; email?: string; email_verified?: boolean; picture?: string; given_name?: string; family_name?: string }

export interface FakeGoogle {
  url: string;
  env: Record<string, string>;
  /** The account the next authorization "signs in" as. */
  account: FakeGoogleAccount;
  /** Next authorization: the user presses "Cancel" on the consent screen. */
  denyNext: boolean;
  /** Next token exchange answers 500. */
  failTokenNext: boolean;
  /** Next token exchange never answers (a provider that hangs). */
  hangTokenNext: boolean;
  /** Userinfo accepts the token only in the Authorization header (as most OpenID providers do). */
  headerOnly: boolean;
  requests: { method: string; path: string; search: string; authorization?: string }[];
  close(): Promise<void>;
}

export const FAKE_CLIENT_ID = 'fake-client-id.apps.googleusercontent.com';
export const FAKE_CLIENT_SECRET = 'fake-client-secret';

export async function startFakeGoogle(opts: { callbackUrl?: string } = {}): Promise<FakeGoogle> {
  const codes = new Map<string, { account: FakeGoogleAccount; redirectUri: string; challenge?: string; method?: string; clientId: string }>();
  const tokens = new Map<string, FakeGoogleAccount>();
  const readBody = (req: http.IncomingMessage) => new Promise<string>((resolve) => {
    let s = ''; req.on('data', (d) => { s += d; }); req.on('end', () => resolve(s));
  });
  const json = (res: http.ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  };

  const fake: FakeGoogle = {
    url: '', env: {}, account: { sub: '10769150350006150715113082367', name: 'Siti Rahma', email: 'siti@example.com', email_verified: true },
    denyNext: false, failTokenNext: false, hangTokenNext: false, headerOnly: false, requests: [],
    close: () => new Promise((r) => { server.close(() => r()); server.closeAllConnections(); }),
  };

  const server = http.createServer(async (req, res) => {
    const u = new URL(req.url ?? '/', 'http://127.0.0.1');
    fake.requests.push({ method: req.method ?? 'GET', path: u.pathname, search: u.search, authorization: req.headers.authorization });
    if (req.method === 'GET' && u.pathname === '/o/oauth2/v2/auth') {
      const redirectUri = u.searchParams.get('redirect_uri');
      const clientId = u.searchParams.get('client_id');
      if (!redirectUri || clientId !== FAKE_CLIENT_ID || u.searchParams.get('response_type') !== 'code') {
        return json(res, 400, { error: 'invalid_request' });
      }
      const back = new URL(redirectUri);
      const state = u.searchParams.get('state');
      if (state) back.searchParams.set('state', state);
      if (fake.denyNext) {
        fake.denyNext = false;
        back.searchParams.set('error', 'access_denied');
      } else {
        const code = crypto.randomBytes(12).toString('hex');
        codes.set(code, { account: { ...fake.account }, redirectUri, clientId,
          challenge: u.searchParams.get('code_challenge') ?? undefined, method: u.searchParams.get('code_challenge_method') ?? undefined });
        back.searchParams.set('code', code);
      }
      res.writeHead(302, { location: back.toString() }).end();
      return;
    }
    if (req.method === 'POST' && u.pathname === '/token') {
      const form = new URLSearchParams(await readBody(req));
      if (fake.hangTokenNext) { fake.hangTokenNext = false; return; }
      if (fake.failTokenNext) { fake.failTokenNext = false; return json(res, 500, { error: 'internal_failure' }); }
      if (form.get('client_id') !== FAKE_CLIENT_ID || form.get('client_secret') !== FAKE_CLIENT_SECRET) return json(res, 401, { error: 'invalid_client' });
      const grant = codes.get(form.get('code') ?? '');
      if (!grant || form.get('grant_type') !== 'authorization_code' || form.get('redirect_uri') !== grant.redirectUri) {
        return json(res, 400, { error: 'invalid_grant' });
      }
      if (grant.challenge) {
        const verifier = form.get('code_verifier') ?? '';
        const expected = grant.method === 'S256' ? crypto.createHash('sha256').update(verifier).digest('base64url') : verifier;
        if (expected !== grant.challenge) return json(res, 400, { error: 'invalid_grant', error_description: 'PKCE verification failed' });
      }
      codes.delete(form.get('code')!); // codes are single-use
      const accessToken = `ya29.${crypto.randomBytes(16).toString('hex')}`;
      tokens.set(accessToken, grant.account);
      return json(res, 200, { access_token: accessToken, token_type: 'Bearer', expires_in: 3599, scope: 'openid profile email', id_token: 'unused.in.tests' });
    }
    if (req.method === 'GET' && u.pathname === '/v1/userinfo') {
      const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? (fake.headerOnly ? '' : u.searchParams.get('access_token')) ?? '';
      const account = tokens.get(bearer);
      if (!account) return json(res, 401, { error: 'invalid_token', error_description: 'Invalid Credentials' });
      return json(res, 200, account);
    }
    json(res, 404, { error: 'not_found' });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  fake.env = {
    GOOGLE_CLIENT_ID: FAKE_CLIENT_ID,
    GOOGLE_CLIENT_SECRET: FAKE_CLIENT_SECRET,
    GOOGLE_AUTH_URL: `${fake.url}/o/oauth2/v2/auth`,
    GOOGLE_TOKEN_URL: `${fake.url}/token`,
    GOOGLE_USERINFO_URL: `${fake.url}/v1/userinfo`,
    ...(opts.callbackUrl ? { CALLBACK_URL: opts.callbackUrl } : {}),
  };
  return fake;
}
