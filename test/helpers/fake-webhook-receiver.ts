// A small HTTP receiver on 127.0.0.1 standing in for a Slack/Teams/e-mail bridge: records every
// JSON POST, and can be told to fail the next few.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeReceiver {
  url: string;
  /** Bodies of the accepted requests. */
  received: Record<string, unknown>[];
  attempts: number;
  failNext(times: number, status?: number): void;
  close(): Promise<void>;
}

export async function startFakeReceiver(): Promise<FakeReceiver> {
  let failures = 0;
  let failStatus = 500;
  const fake: FakeReceiver = {
    url: '', received: [], attempts: 0,
    failNext(times, status = 500) { failures = times; failStatus = status; },
    close: () => new Promise((r) => { server.close(() => r()); server.closeAllConnections(); }),
  };
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d) => { body += d; });
    req.on('end', () => {
      fake.attempts++;
      if (failures > 0) { failures--; res.writeHead(failStatus).end(); return; }
      try { fake.received.push(JSON.parse(body)); } catch { res.writeHead(400).end(); return; }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  return fake;
}
