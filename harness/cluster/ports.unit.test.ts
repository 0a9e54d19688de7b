import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { test } from 'node:test';
import { decodeProcAddress, freePorts, parseProcNetTcp, stillListening } from './ports';
import { parseProcStat } from './process';

test('freePorts hands out distinct loopback ports', async () => {
  const ports = await freePorts(20);
  assert.equal(new Set(ports).size, 20);
  for (const p of ports) assert.ok(p > 1024 && p < 65536);
});

test('decodes /proc/net/tcp addresses', () => {
  assert.equal(decodeProcAddress('0100007F'), '127.0.0.1');
  assert.equal(decodeProcAddress('00000000'), '0.0.0.0');
  assert.equal(decodeProcAddress('00000000000000000000000001000000'), '::1');
});

test('parses only LISTEN sockets from /proc/net/tcp', () => {
  const text = [
    '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
    '   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1 1',
    '   1: 0100007F:A3B2 0100007F:1F90 01 00000000:00000000 00:00000000 00000000     0        0 2 1',
  ].join('\n');
  assert.deepEqual(parseProcNetTcp(text), [{ address: '127.0.0.1', port: 8080 }]);
});

test('stillListening sees a real listener and stops seeing it once closed', async () => {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as { port: number }).port;
  assert.deepEqual(stillListening([port]), [port]);
  await new Promise<void>((r) => server.close(() => r()));
  assert.deepEqual(stillListening([port]), []);
});

test('parseProcStat copes with spaces and parentheses in the command name', () => {
  assert.deepEqual(parseProcStat('123 (kube (api) server) S 1 123 123 0 -1'), { state: 'S', ppid: 1, pgid: 123 });
});
