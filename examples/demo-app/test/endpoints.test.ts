// GET /, /version, probes, request ids, JSON request logs and metrics,
// against one running process.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { BASE_CONFIG, get, getJson, startApp, stop, waitFor, type App, type LogLine } from './helpers.js';

describe('endpoints of a running service', () => {
  let app: App;
  before(async () => {
    app = await startApp({
      config: { ...BASE_CONFIG, cluster: 'kind-test', region: 'local' },
      env: { APP_VERSION: '1.4.2', APP_COMMIT: '0123456789abcdef0123456789abcdef01234567' },
    });
  });
  after(async () => {
    const { code } = await stop(app);
    assert.equal(code, 0, app.output());
  });

  const requestLog = (id: string) =>
    app.waitForLog((l) => l.msg === 'request' && l.reqId === id, `the request log line for ${id}`);

  test('GET / greets with the values from the config file', async () => {
    const { status, json, headers } = await getJson(`${app.url}/`);
    assert.equal(status, 200);
    assert.match(String(headers['content-type']), /^application\/json/);
    assert.deepEqual(json, { message: 'Hello from the tests', environment: 'test', cluster: 'kind-test', region: 'local' });
  });

  test('/version reports APP_VERSION and APP_COMMIT from the environment', async () => {
    const { status, json } = await getJson(`${app.url}/version`);
    assert.equal(status, 200);
    assert.deepEqual(json, { version: '1.4.2', commit: '0123456789abcdef0123456789abcdef01234567' });
  });

  test('/healthz and /readyz answer 200 while serving', async () => {
    const health = await getJson(`${app.url}/healthz`);
    assert.equal(health.status, 200);
    assert.equal(health.json.status, 'ok');
    const ready = await getJson(`${app.url}/readyz`);
    assert.equal(ready.status, 200);
    assert.equal(ready.json.status, 'ready');
  });

  test('an incoming x-request-id is kept, echoed and logged', async () => {
    const { headers } = await get(`${app.url}/`, { 'x-request-id': 'trace-me-123' });
    assert.equal(headers['x-request-id'], 'trace-me-123');
    const line = await requestLog('trace-me-123');
    assert.equal(line.route, '/');
  });

  test('a request id is generated when none (or a malformed one) is sent', async () => {
    const plain = await get(`${app.url}/`);
    assert.match(String(plain.headers['x-request-id']), /^[0-9a-f-]{36}$/);
    const bad = await get(`${app.url}/`, { 'x-request-id': 'not ok {"injected": true}' });
    assert.match(String(bad.headers['x-request-id']), /^[0-9a-f-]{36}$/);
    await requestLog(String(bad.headers['x-request-id']));
  });

  test('each request is one JSON log line with request id, route, status and duration', async () => {
    const { headers } = await get(`${app.url}/version`, { 'x-request-id': 'log-line-check' });
    assert.equal(headers['x-request-id'], 'log-line-check');
    const line = await requestLog('log-line-check');
    assert.equal(line.level, 'info');
    assert.equal(line.service, 'demo-app');
    assert.equal(line.version, '1.4.2');
    assert.equal(line.method, 'GET');
    assert.equal(line.route, '/version');
    assert.equal(line.status, 200);
    assert.equal(typeof line.durationMs, 'number');
    assert.equal(typeof line.time, 'string');
    assert.equal(app.lines.filter((l) => typeof l !== 'string' && l.reqId === 'log-line-check').length, 1);
    const notJson = app.lines.filter((l) => typeof l === 'string');
    assert.deepEqual(notJson, [], 'every output line is JSON');
  });

  test('unknown paths get 404, other methods 405, and /slow is off by default', async () => {
    assert.equal((await get(`${app.url}/nope`)).status, 404);
    const post = await get(`${app.url}/`, {}, 'POST');
    assert.equal(post.status, 405);
    assert.equal(post.headers.allow, 'GET, HEAD');
    assert.equal((await get(`${app.url}/slow?ms=10`)).status, 404);
  });

  test('/metrics exposes default metrics and the request counter and histogram by route and status', async () => {
    await get(`${app.url}/`);
    await get(`${app.url}/no/such/page/42`);
    const { status, headers, body } = await get(`${app.url}/metrics`);
    assert.equal(status, 200);
    assert.match(String(headers['content-type']), /^text\/plain/);
    assert.match(body, /^http_requests_total\{method="GET",route="\/",status="200"\} \d+$/m);
    assert.match(body, /^http_request_duration_seconds_bucket\{le="0\.5",method="GET",route="\/",status="200"\} \d+$/m);
    // Unknown paths share one label value, so scanners cannot explode the series count.
    assert.match(body, /^http_requests_total\{method="GET",route="unmatched",status="404"\} \d+$/m);
    assert.doesNotMatch(body, /no\/such\/page/);
    assert.match(body, /^process_cpu_user_seconds_total \d/m);
    assert.match(body, /^nodejs_eventloop_lag_seconds /m);
    assert.match(body, /^demo_app_build_info\{version="1\.4\.2",commit="0123456789abcdef0123456789abcdef01234567"\} 1$/m);
    assert.match(body, /^demo_app_config_last_reload_successful 1$/m);
  });

  test('probe and scrape requests log at debug, so they stay out of the info-level log', async () => {
    await get(`${app.url}/healthz`, { 'x-request-id': 'probe-1' });
    await get(`${app.url}/`, { 'x-request-id': 'after-probe' });
    await requestLog('after-probe');
    const probeLines = app.lines.filter((l): l is LogLine => typeof l !== 'string' && l.reqId === 'probe-1');
    assert.deepEqual(probeLines, []);
  });

  test('the counter increases by one per request', async () => {
    const count = async () => {
      const { body } = await get(`${app.url}/metrics`);
      const m = /^http_requests_total\{method="GET",route="\/version",status="200"\} (\d+)$/m.exec(body);
      return Number(m?.[1] ?? 0);
    };
    const initial = await count();
    await get(`${app.url}/version`);
    await get(`${app.url}/version`);
    await waitFor(async () => (await count()) === initial + 2, 'the /version counter to grow by 2');
  });
});
