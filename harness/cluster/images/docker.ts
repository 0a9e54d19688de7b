// Docker steps every image the kind tier makes goes through: build from a Dockerfile, save to a
// tarball, load a tarball, ask whether a tag exists. Images are kept as tarballs under
// .cache/images/<name>@<version>-<inputs digest>/ (gitignored, like .cache/bin), so a warm run
// loads them instead of building, and a change to any input (a Dockerfile, a binary) builds anew.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../../../contracts/paths.ts';
import { runCommand } from '../process';

export interface ImageArchive {
  /** The reference the image is tagged with, as pods name it (e.g. ghcr.io/fluxcd/source-controller:v1.9.3). */
  ref: string;
  /** A `docker save` tarball holding that tag. */
  tarPath: string;
  /** The digest of the inputs it was made from (its INPUTS_LABEL). */
  digest?: string;
}

export function imagesCacheRoot(): string {
  return join(REPO_ROOT, '.cache', 'images');
}

/** A short digest over files and strings: what decides whether a cached image is still good. */
export function inputsDigest(inputs: { files?: string[]; text?: string[] }): string {
  const hash = createHash('sha256');
  for (const file of inputs.files ?? []) {
    hash.update(file);
    hash.update(statSync(file).isFile() ? readFileSync(file) : 'dir');
  }
  for (const text of inputs.text ?? []) hash.update(text);
  return hash.digest('hex').slice(0, 12);
}

async function docker(args: string[], opts: { logFile?: string; timeoutMs?: number; input?: string } = {}): Promise<string> {
  const result = await runCommand('docker', args, { logFile: opts.logFile, timeoutMs: opts.timeoutMs ?? 15 * 60_000, input: opts.input });
  if (result.code !== 0) {
    const tail = result.output.trim().split('\n').slice(-20).join('\n');
    throw new Error(`docker ${args.slice(0, 3).join(' ')} … exited ${result.code}${opts.logFile ? ` (log: ${opts.logFile})` : ''}:\n${tail}`);
  }
  return result.output;
}

export async function imageExists(ref: string): Promise<boolean> {
  const result = await runCommand('docker', ['image', 'inspect', '--format', '{{.Id}}', ref], { timeoutMs: 30_000 });
  return result.code === 0;
}

/** The label every image made here carries: the digest of the inputs it was made from. */
export const INPUTS_LABEL = 'dev.fieldguide.inputs';

/** True when the engine has `ref` made from inputs `digest`. */
export async function cachedImageRef(ref: string, digest: string): Promise<boolean> {
  return (await imageInputs(ref)) === digest;
}

/** The inputs digest of the image the engine has under `ref`, or undefined. */
export async function imageInputs(ref: string): Promise<string | undefined> {
  const result = await runCommand('docker', ['image', 'inspect', '--format', `{{index .Config.Labels "${INPUTS_LABEL}"}}`, ref], { timeoutMs: 30_000 });
  const value = result.output.trim();
  return result.code === 0 && value && value !== '<no value>' ? value : undefined;
}

export interface BuildSpec {
  /** Build context folder. */
  context: string;
  /** Dockerfile path (default <context>/Dockerfile). */
  dockerfile?: string;
  tag: string;
  buildArgs?: Record<string, string>;
  logFile?: string;
  /** Inputs digest recorded as the INPUTS_LABEL label (see cachedImage). */
  inputs?: string;
}

/** `docker build` (classic builder: FROM a local image or scratch needs no registry). */
export async function dockerBuild(spec: BuildSpec): Promise<void> {
  // --force-rm: a failed step's container is removed too, so failed builds leave nothing behind.
  const args = ['build', '--force-rm', '--tag', spec.tag, ...(spec.inputs ? ['--label', `${INPUTS_LABEL}=${spec.inputs}`] : [])];
  if (spec.dockerfile) args.push('--file', spec.dockerfile);
  for (const [k, v] of Object.entries(spec.buildArgs ?? {})) args.push('--build-arg', `${k}=${v}`);
  args.push(spec.context);
  await docker(args, { logFile: spec.logFile, timeoutMs: 30 * 60_000 });
}

/** `docker save` of one or more references into one tarball (layers they share are stored once). */
export async function dockerSave(refs: string | string[], tarPath: string): Promise<void> {
  await docker(['save', '--output', tarPath, ...(Array.isArray(refs) ? refs : [refs])]);
}

export async function dockerLoad(tarPath: string): Promise<void> {
  await docker(['load', '--input', tarPath]);
}

export { docker as runDocker };

/**
 * The cached tarball of `name@version` for these inputs, built by `build` (which must leave
 * `ref` tagged in the engine, labelled with INPUTS_LABEL=digest) when missing. Also makes sure the
 * engine has the tag, loading the tarball when a fresh engine lacks it; an engine that already
 * holds the image made from these inputs (a fresh clone on the same machine) is only saved from.
 * Progress goes to `log`.
 */
export async function cachedImage(opts: {
  name: string;
  version: string;
  digest: string;
  ref: string;
  log: (line: string) => void;
  build: (workDir: string) => Promise<void>;
}): Promise<ImageArchive> {
  const dir = join(imagesCacheRoot(), `${opts.name}@${opts.version}-${opts.digest}`);
  const tarPath = join(dir, 'image.tar');
  if (existsSync(tarPath)) {
    if (!(await imageExists(opts.ref))) {
      opts.log(`      ${opts.ref}: loading cached ${tarPath}`);
      await dockerLoad(tarPath);
    }
    return { ref: opts.ref, tarPath, digest: opts.digest };
  }
  const work = `${dir}.partial`;
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const started = Date.now();
  if ((await imageInputs(opts.ref)) === opts.digest) {
    opts.log(`      ${opts.ref}: the engine already has it (inputs ${opts.digest}); saving to the cache`);
  } else {
    opts.log(`      ${opts.ref}: building (${opts.name}@${opts.version}, inputs ${opts.digest}) …`);
    await opts.build(work);
    const got = await imageInputs(opts.ref);
    if (got !== opts.digest) throw new Error(`${opts.name}: the build left ${opts.ref} labelled ${INPUTS_LABEL}=${got ?? '(none)'}, expected ${opts.digest}`);
  }
  await dockerSave(opts.ref, join(work, 'image.tar'));
  writeFileSync(join(work, 'image.json'), JSON.stringify({ ref: opts.ref, name: opts.name, version: opts.version, digest: opts.digest, builtAt: new Date().toISOString() }, null, 2));
  rmSync(dir, { recursive: true, force: true });
  renameSync(work, dir);
  opts.log(`      ${opts.ref}: built in ${((Date.now() - started) / 1000).toFixed(1)}s`);
  return { ref: opts.ref, tarPath, digest: opts.digest };
}
