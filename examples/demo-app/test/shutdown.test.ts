// Graceful shutdown on SIGTERM: readiness fails first, the listener closes,
// in-flight requests finish (up to the drain timeout), then the process exits.
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { test } from 'node:test';
import { BASE_CONFIG, get, getJson, open, readBody, startApp, waitFor } from './helpers.js';

function connectionRefused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(false)));
    socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code === 'ECONNREFUSED'));
  });
}

test('during the pre-stop delay readiness is 503 while liveness stays 200, then exit 0', async () => {
  const app = await startApp({ config: { ...BASE_CONFIG, shutdown: { preStopDelayMs: 3_000, drainTimeoutMs: 5_000 } } });
  assert.equal((await get(`${app.url}/readyz`)).status, 200);
  app.proc.kill('SIGTERM');
  const notReady = await waitFor(async () => {
    const reply = await getJson(`${app.url}/readyz`);
    return reply.status === 503 && reply;
  }, '/readyz to answer 503');
  assert.equal(notReady.json.status, 'shutting down');
  // Still serving during the delay: requests routed before endpoints update must succeed...
  assert.equal(app.proc.exitCode, null, 'the process is still running');
  const health = await get(`${app.url}/healthz`);
  assert.equal(health.status, 200, 'liveness is unaffected by shutdown');
  const greeting = await get(`${app.url}/`);
  assert.equal(greeting.status, 200);
  // ...but keep-alive clients are told not to reuse the connection.
  assert.equal(greeting.headers.connection, 'close');
  const { code } = await app.exited;
  assert.equal(code, 0, app.output());
  const order = app.lines.map((l) => (typeof l === 'string' ? l : l.msg));
  const started = order.indexOf('shutdown started: readiness now fails');
  const closed = order.indexOf('stopped accepting new connections; draining in-flight requests');
  assert.ok(started >= 0 && closed > started, `shutdown steps out of order:\n${app.output()}`);
});

test('SIGTERM drains an in-flight request: it completes with 200, new connections are refused, exit 0', async () => {
  const app = await startApp({
    config: { ...BASE_CONFIG, enableSlowEndpoint: true, shutdown: { preStopDelayMs: 0, drainTimeoutMs: 15_000 } },
  });
  // Headers arrive at once; the body only after 3s, so the request is in flight.
  const slow = await open(`${app.url}/slow?ms=3000`, { 'x-request-id': 'in-flight' });
  assert.equal(slow.statusCode, 200);
  const body = readBody(slow);
  app.proc.kill('SIGTERM');
  await app.waitForLog((l) => l.msg === 'stopped accepting new connections; draining in-flight requests', 'the listener to close');
  assert.equal(app.proc.exitCode, null, 'the process waits for the in-flight request');
  assert.ok(await connectionRefused(app.port), 'new connections are refused once draining');
  assert.deepEqual(JSON.parse(await body), { sleptMs: 3000 });
  const { code } = await app.exited;
  assert.equal(code, 0, app.output());
  await app.waitForLog((l) => l.reqId === 'in-flight' && l.status === 200, 'the drained request log line');
  await app.waitForLog((l) => l.msg === 'shutdown complete: all requests finished', 'the completion log line');
});

test('the drain timeout bounds shutdown: a request that outlasts it is cut and the exit code is 1', async () => {
  const app = await startApp({
    config: { ...BASE_CONFIG, enableSlowEndpoint: true, shutdown: { preStopDelayMs: 0, drainTimeoutMs: 300 } },
  });
  const slow = await open(`${app.url}/slow?ms=60000`);
  const body = readBody(slow);
  app.proc.kill('SIGTERM');
  await assert.rejects(body, 'the response is cut when the drain timeout expires');
  const { code } = await app.exited;
  assert.equal(code, 1, app.output());
  await app.waitForLog((l) => l.level === 'warn' && l.msg?.startsWith('drain timeout reached') === true, 'the drain timeout warning');
});
