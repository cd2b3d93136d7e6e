// Tests never reach the real internet: any outbound connection to a non-loopback address fails
// loudly. Fakes of Meta, OpenRouter and Google run on 127.0.0.1.
import net from 'node:net';
import os from 'node:os';

const original = net.Socket.prototype.connect;
const LOOPBACK = /^(127\.|::1$|localhost$|::ffff:127\.)/;
// This machine's own interface addresses are not the internet either: admin-protection tests
// connect to one of them to be a "non-loopback" client.
const OWN = new Set(Object.values(os.networkInterfaces()).flat().map((i) => i?.address).filter(Boolean));

net.Socket.prototype.connect = function patched(this: net.Socket, ...args: unknown[]) {
  const first = args[0] as { host?: string; path?: string; port?: number } | number | string;
  let host: string | undefined;
  if (typeof first === 'object' && first !== null) host = first.path ? 'localhost' : (first.host ?? 'localhost');
  else if (typeof first === 'number') host = typeof args[1] === 'string' ? (args[1] as string) : 'localhost';
  else if (typeof first === 'string' && !/^\d+$/.test(first)) host = 'localhost'; // unix socket path
  else host = 'localhost';
  if (!LOOPBACK.test(host) && !OWN.has(host)) {
    throw new Error(`Test tried to reach ${host}: tests must use fake servers on 127.0.0.1`);
  }
  return (original as (...a: unknown[]) => net.Socket).apply(this, args);
} as typeof net.Socket.prototype.connect;
