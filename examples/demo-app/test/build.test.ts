// The container runs the compiled output (node dist/main.js) with production
// dependencies only. Docker cannot run here, so this builds dist/ the way the
// Dockerfile does and starts it without tsx.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { APP_DIR, getJson, startApp, stop } from './helpers.js';

const run = promisify(execFile);

test('the compiled service (npm run build, node dist/main.js) starts and serves', async () => {
  const tsc = join(APP_DIR, 'node_modules', 'typescript', 'bin', 'tsc');
  await run(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: APP_DIR });
  assert.ok(existsSync(join(APP_DIR, 'dist', 'main.js')), 'dist/main.js was emitted');
  const app = await startApp({ entry: ['dist/main.js'], env: { APP_VERSION: '9.9.9', APP_COMMIT: 'abc1234' } });
  assert.deepEqual((await getJson(`${app.url}/version`)).json, { version: '9.9.9', commit: 'abc1234' });
  assert.equal((await getJson(`${app.url}/readyz`)).status, 200);
  assert.equal((await stop(app)).code, 0, app.output());
  assertOnlyProductionImports();
});

// The runtime image installs `dependencies` only (npm ci --omit=dev), so the
// compiled code must not import anything from devDependencies.
function assertOnlyProductionImports(): void {
  const pkg = JSON.parse(readFileSync(join(APP_DIR, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
  const dist = join(APP_DIR, 'dist');
  for (const file of readdirSync(dist).filter((f) => f.endsWith('.js'))) {
    const code = readFileSync(join(dist, file), 'utf8');
    for (const [, spec = ''] of code.matchAll(/(?:from\s+|import\()\s*'([^'.][^']*)'/g)) {
      if (spec.startsWith('node:')) continue;
      const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : (spec.split('/')[0] ?? spec);
      assert.ok(name in pkg.dependencies, `dist/${file} imports ${spec}, which is not in dependencies`);
    }
  }
}

// Docker cannot run here, so check what the build would need from the context.
test('the Dockerfile copies files that exist and are not excluded by .dockerignore', () => {
  const dockerfile = readFileSync(join(APP_DIR, 'Dockerfile'), 'utf8');
  const ignored = readFileSync(join(APP_DIR, '.dockerignore'), 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  const copies = [...dockerfile.matchAll(/^COPY (?!--from)(.+)$/gm)].map((m) => (m[1] ?? '').split(/\s+/).slice(0, -1));
  assert.ok(copies.length > 0);
  for (const source of copies.flat()) {
    assert.ok(existsSync(join(APP_DIR, source)), `Dockerfile copies ${source}, which does not exist`);
    assert.ok(!ignored.includes(source), `Dockerfile copies ${source}, which .dockerignore excludes`);
  }
  assert.match(dockerfile, /^CMD \["node", "dist\/main\.js"\]$/m);
  assert.match(dockerfile, /^USER 10001:10001$/m);
});
