// Free loopback ports. Several clusters start at once and kwokctl's own picker walks down from a
// fixed number, so two kwokctl processes would choose the same ports: every port is chosen here,
// by the kernel (listen on :0), and remembered so this process never hands one out twice.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

const handedOut = new Set<number>();

/** Asks the kernel for one free port on 127.0.0.1. */
function kernelPort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen({ host: '127.0.0.1', port: 0, exclusive: true }, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

/** A free 127.0.0.1 port that this process has not handed out before. */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = await kernelPort();
    if (port > 0 && !handedOut.has(port)) {
      handedOut.add(port);
      return port;
    }
  }
  throw new Error('could not find a free port on 127.0.0.1 after 50 attempts');
}

/** `count` distinct free ports. */
export async function freePorts(count: number): Promise<number[]> {
  const ports: number[] = [];
  for (let i = 0; i < count; i++) ports.push(await freePort());
  return ports;
}

/** Lets a port be handed out again (after the server that used it has stopped). */
export function releasePorts(ports: Iterable<number>): void {
  for (const port of ports) handedOut.delete(port);
}

export interface ListeningSocket {
  address: string; // dotted IPv4 or IPv6 text
  port: number;
}

// /proc/net/tcp state 0A is LISTEN.
const LISTEN = '0A';

/** Decodes the kernel's hex address (little-endian per 32-bit word) to text. */
export function decodeProcAddress(hex: string): string {
  if (hex.length === 8) {
    const bytes = hex.match(/../g)!.map((b) => parseInt(b, 16)).reverse();
    return bytes.join('.');
  }
  // IPv6: four little-endian 32-bit words.
  const words = hex.match(/.{8}/g)!.map((w) => w.match(/../g)!.reverse().join(''));
  const groups = words.join('').match(/.{4}/g)!.map((g) => parseInt(g, 16).toString(16));
  return groups.join(':').replace(/(^|:)0(:0)+(:|$)/, '::');
}

/** Parses /proc/net/tcp or tcp6 text into its listening sockets. */
export function parseProcNetTcp(text: string): ListeningSocket[] {
  const sockets: ListeningSocket[] = [];
  for (const line of text.split('\n').slice(1)) {
    const fields = line.trim().split(/\s+/);
    if (fields.length < 4 || fields[3] !== LISTEN) continue;
    const [addrHex, portHex] = fields[1].split(':');
    sockets.push({ address: decodeProcAddress(addrHex), port: parseInt(portHex, 16) });
  }
  return sockets;
}

/** Every TCP socket in LISTEN state on this machine (read from /proc, nothing is dialled). */
export function listeningSockets(): ListeningSocket[] {
  const sockets: ListeningSocket[] = [];
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    try {
      sockets.push(...parseProcNetTcp(readFileSync(file, 'utf8')));
    } catch {
      // tcp6 is absent when IPv6 is disabled.
    }
  }
  return sockets;
}

/** The ports among `ports` that something still listens on. */
export function stillListening(ports: Iterable<number>): number[] {
  const listening = new Set(listeningSockets().map((s) => s.port));
  return [...ports].filter((p) => listening.has(p));
}
