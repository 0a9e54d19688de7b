// Config file: fail fast on bad input at start, reload on change (ConfigMap
// symlink swap via fs.watch, plain atomic rename via the poll fallback), and
// keep the previous config when a reload is invalid.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  BASE_CONFIG,
  get,
  getJson,
  replaceFileAtomically,
  spawnApp,
  startApp,
  stop,
  swapConfigMap,
  tempDir,
  waitFor,
  writeConfigFile,
  writeConfigMapDir,
  type App,
  type LogLine,
} from './helpers.js';

async function expectFailFast(opts: Parameters<typeof spawnApp>[0], ...patterns: RegExp[]): Promise<void> {
  const app = spawnApp(opts);
  const { code } = await app.exited;
  assert.equal(code, 1, `expected exit code 1, output:\n${app.output()}`);
  const fatal = app.lines.find((l): l is LogLine => typeof l !== 'string' && l.level === 'fatal');
  assert.ok(fatal, `expected a fatal JSON log line, output:\n${app.output()}`);
  for (const pattern of patterns) assert.match(String(fatal.msg), pattern);
}

const greeting = async (app: App) => (await getJson(`${app.url}/`)).json.message;

test('invalid JSON at start: exits 1 naming the file', async () => {
  const file = writeConfigFile('{"greeting": "unterminated');
  await expectFailFast({ configPath: file }, new RegExp(`invalid config file ${file}`), /not valid JSON/);
});

test('schema errors at start: exits 1 naming the file and every problem', async () => {
  const file = writeConfigFile({ greting: 'typo', shutdown: { drainTimeoutMs: -5 }, logLevel: 'loud' });
  await expectFailFast(
    { configPath: file },
    new RegExp(`invalid config file ${file}`),
    /greting: unknown key/,
    /greeting: must be a non-empty string/,
    /shutdown\.drainTimeoutMs: must be an integer/,
    /logLevel: must be one of/,
  );
});

test('missing config file at start: exits 1 naming the file', async () => {
  const file = join(tempDir(), 'absent.json');
  await expectFailFast({ configPath: file }, new RegExp(`invalid config file ${file}: cannot read it \\(ENOENT\\)`));
});

test('invalid environment at start: exits 1 naming the variable', async () => {
  await expectFailFast({ env: { PORT: 'eighty' } }, /env PORT: must be an integer/);
});

test('a ConfigMap-style symlink swap is picked up by the directory watch', async () => {
  const { dir, file } = writeConfigMapDir(BASE_CONFIG);
  // Polling off: only the fs.watch path can see this change.
  const app = await startApp({ configPath: file, env: { CONFIG_POLL_INTERVAL_MS: '0' } });
  assert.equal(await greeting(app), 'Hello from the tests');
  swapConfigMap(dir, { ...BASE_CONFIG, greeting: 'Hello after the swap', logLevel: 'debug' });
  await waitFor(async () => (await greeting(app)) === 'Hello after the swap', 'the new greeting');
  await app.waitForLog((l) => l.msg === 'config reloaded', 'the reload log line');
  // logLevel in the file applies on reload: probes now log at debug.
  await get(`${app.url}/healthz`, { 'x-request-id': 'debug-probe' });
  await app.waitForLog((l) => l.reqId === 'debug-probe' && l.level === 'debug', 'a debug-level probe log line');
  assert.equal((await stop(app)).code, 0);
});

test('the poll fallback picks up an atomic rename when watching is off', async () => {
  const file = writeConfigFile(BASE_CONFIG);
  const app = await startApp({ configPath: file, env: { CONFIG_WATCH: 'false', CONFIG_POLL_INTERVAL_MS: '100' } });
  replaceFileAtomically(file, { ...BASE_CONFIG, greeting: 'Hello from the poll' });
  await waitFor(async () => (await greeting(app)) === 'Hello from the poll', 'the polled greeting');
  assert.equal((await stop(app)).code, 0);
});

test('an invalid reload keeps the old config, logs an error, and leaves both probes passing', async () => {
  const { dir, file } = writeConfigMapDir(BASE_CONFIG);
  const app = await startApp({ configPath: file, env: { CONFIG_POLL_INTERVAL_MS: '200' } });
  swapConfigMap(dir, { greeting: '' });
  const error = await app.waitForLog((l) => l.level === 'error' && l.msg?.startsWith('config reload rejected') === true, 'the reload error');
  assert.match(String(error.error), new RegExp(`invalid config file ${file}: greeting: must be a non-empty string`));
  assert.equal(await greeting(app), 'Hello from the tests', 'the previous config stays in use');

  // Liveness never looks at config; readiness reports the problem but stays 200
  // (all replicas get the same bad file: failing readiness would empty the Service).
  assert.equal((await get(`${app.url}/healthz`)).status, 200);
  const ready = await getJson(`${app.url}/readyz`);
  assert.equal(ready.status, 200);
  assert.equal((ready.json.config as { ok: boolean }).ok, false);
  const metrics = (await get(`${app.url}/metrics`)).body;
  assert.match(metrics, /^demo_app_config_last_reload_successful 0$/m);
  assert.match(metrics, /^demo_app_config_reloads_total\{result="failure"\} 1$/m);

  swapConfigMap(dir, { ...BASE_CONFIG, greeting: 'Hello, fixed' });
  await waitFor(async () => (await greeting(app)) === 'Hello, fixed', 'the fixed greeting');
  const recovered = await getJson(`${app.url}/readyz`);
  assert.equal((recovered.json.config as { ok: boolean }).ok, true);
  assert.equal((await stop(app)).code, 0);
});
