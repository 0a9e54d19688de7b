// Real kustomize (kubectl's built-in one, from the toolchain) with each rendered object
// traced back to the file it came from, so later checks can name that file.
import { spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse as parseYaml, parseAllDocuments, stringify } from 'yaml';
import { cacheRoot } from '../toolchain/binaries.ts';
import { EXAMPLES_DIR, FIXTURES_DIR, display, kustomizationFileIn, toPosix, walk } from './tree.ts';
import { REPO_ROOT } from '../../contracts/paths.ts';
import type { Finding } from './findings.ts';
import { settingOn } from '../../contracts/settings.ts';

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata?: { name?: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string>; [k: string]: unknown };
  [key: string]: unknown;
}

export interface RenderedObject {
  obj: K8sObject;
  /** Absolute path of the file the object (or its generator) is written in. */
  origin: string;
  /** What rendered it, for messages: e.g. "kustomize examples/fleet/apps/production". */
  context: string;
}

export class BuildError extends Error {
  constructor(readonly finding: Finding) {
    super(`${finding.file}: ${finding.message}`);
  }
}

const ORIGIN = 'config.kubernetes.io/origin';

export function objectId(obj: K8sObject): string {
  const ns = obj.metadata?.namespace;
  return `${obj.kind}/${ns ? `${ns}/` : ''}${obj.metadata?.name ?? '(no name)'}`;
}

export interface BuildOptions {
  /** kubectl with built-in kustomize. */
  kubectl: string;
  /** Build these files/dirs (absolute) instead of the directory itself: Flux's generated kustomization. */
  resources?: string[];
  /** Flux builds with kustomize's load restrictions off (inside the repository). */
  loadRestrictionsNone?: boolean;
  /** Label for messages. */
  context?: string;
  /** Extra fields for the wrapper kustomization (what a Flux Kustomization's spec adds). */
  extra?: Record<string, unknown>;
  /** Components (absolute paths) for the wrapper kustomization. */
  components?: string[];
}

/**
 * `kubectl kustomize` of `dir` (or of a generated kustomization listing `resources`), through a
 * throw-away wrapper kustomization that only adds `buildMetadata: [originAnnotations]`.
 * Throws BuildError naming the kustomization file and kustomize's reason.
 */
export async function kustomizeBuild(dir: string, opts: BuildOptions): Promise<RenderedObject[]> {
  const key = cacheKey(dir, opts);
  const cached = key ? readCache(key) : undefined;
  if (cached) {
    if ('error' in cached) throw new BuildError(cached.error);
    return cached.objects.map((o) => ({ ...o, context: opts.context ?? `kustomize ${display(dir)}` }));
  }
  try {
    const objects = await kustomizeBuildUncached(dir, opts);
    if (key) writeCache(key, { objects });
    return objects;
  } catch (err) {
    if (key && err instanceof BuildError) writeCache(key, { error: err.finding });
    throw err;
  }
}

// A build depends on the files it reads, which all live under examples/ or test/fixtures/, on
// kubectl and on the options. The test files of the tier run as separate processes and build
// many of the same directories, so builds are cached on disk under a key of all of that.
// STATIC_NO_CACHE=1 turns the cache off.
type CacheEntry = { objects: RenderedObject[] } | { error: Finding };
let treeHash: string | undefined;

function hashTrees(): string {
  const h = createHash('sha256');
  for (const root of [EXAMPLES_DIR, FIXTURES_DIR]) {
    if (!existsSync(root)) continue;
    for (const f of walk(root)) h.update(f).update('\0').update(readFileSync(f)).update('\0');
  }
  return h.digest('hex');
}

function cacheKey(dir: string, opts: BuildOptions): string | undefined {
  if (settingOn('STATIC_NO_CACHE')) return undefined;
  const inTrees = [dir, ...(opts.resources ?? [])].every((p) => p.startsWith(EXAMPLES_DIR + path.sep) || p.startsWith(FIXTURES_DIR + path.sep));
  if (!inTrees) return undefined;
  treeHash ??= hashTrees();
  const st = statSync(opts.kubectl);
  return createHash('sha256')
    .update(JSON.stringify({ treeHash, kubectl: [opts.kubectl, st.size, st.mtimeMs], dir, resources: opts.resources, none: opts.loadRestrictionsNone, extra: opts.extra, components: opts.components }))
    .digest('hex');
}

function cacheFile(key: string): string {
  return path.join(cacheRoot(), 'static', 'kustomize', `${key}.json`);
}

function readCache(key: string): CacheEntry | undefined {
  try {
    return JSON.parse(readFileSync(cacheFile(key), 'utf8')) as CacheEntry;
  } catch {
    return undefined;
  }
}

function writeCache(key: string, entry: CacheEntry): void {
  const file = cacheFile(key);
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(entry));
  renameSync(tmp, file);
}

/** At most one kubectl per core at a time. */
const slots = { free: Math.max(1, availableParallelism()), waiting: [] as Array<() => void> };
async function withSlot<T>(fn: () => Promise<T>): Promise<T> {
  if (slots.free > 0) slots.free--;
  else await new Promise<void>((resolve) => slots.waiting.push(resolve));
  try {
    return await fn();
  } finally {
    const next = slots.waiting.shift();
    if (next) next();
    else slots.free++;
  }
}

function run(cmd: string, args: string[]): Promise<{ status: number | null; stdout: string; stderr: string; error?: Error }> {
  return withSlot(
    () =>
      new Promise((resolve) => {
        const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
        const out: Buffer[] = [];
        const err: Buffer[] = [];
        child.stdout.on('data', (d: Buffer) => out.push(d));
        child.stderr.on('data', (d: Buffer) => err.push(d));
        child.on('error', (error) => resolve({ status: null, stdout: '', stderr: '', error }));
        child.on('close', (status) => resolve({ status, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') }));
      }),
  );
}

async function kustomizeBuildUncached(dir: string, opts: BuildOptions): Promise<RenderedObject[]> {
  const wrapper = mkdtempSync(path.join(tmpdir(), 'static-kustomize-'));
  const rel = (p: string): string => toPosix(path.relative(wrapper, p)) || '.';
  const resources = opts.resources ?? [dir];
  const context = opts.context ?? `kustomize ${display(dir)}`;
  try {
    writeFileSync(
      path.join(wrapper, 'kustomization.yaml'),
      stringify({
        apiVersion: 'kustomize.config.k8s.io/v1beta1',
        kind: 'Kustomization',
        resources: resources.map(rel),
        ...(opts.components?.length ? { components: opts.components.map(rel) } : {}),
        ...(opts.extra ?? {}),
        buildMetadata: ['originAnnotations'],
      }),
    );
    const args = ['kustomize', wrapper];
    if (opts.loadRestrictionsNone) args.push('--load-restrictor', 'LoadRestrictionsNone');
    const res = await run(opts.kubectl, args);
    const kfile = kustomizationFileIn(dir) ?? dir;
    if (res.error) throw new BuildError({ check: 'kustomize', file: display(kfile), message: `cannot run ${opts.kubectl}: ${res.error.message}` });
    if (res.status !== 0) {
      throw new BuildError({ check: 'kustomize', file: display(kfile), message: `kustomize build failed: ${cleanError(res.stderr, wrapper)}` });
    }
    const out: RenderedObject[] = [];
    for (const doc of parseAllDocuments(res.stdout)) {
      const obj = doc.toJS() as K8sObject | null;
      if (!obj) continue;
      out.push({ obj, origin: takeOrigin(obj, wrapper, kfile), context });
    }
    return out;
  } finally {
    rmSync(wrapper, { recursive: true, force: true });
  }
}

function takeOrigin(obj: K8sObject, wrapper: string, fallback: string): string {
  const annotations = obj.metadata?.annotations;
  const raw = annotations?.[ORIGIN];
  if (!annotations || raw === undefined) return fallback;
  delete annotations[ORIGIN];
  if (Object.keys(annotations).length === 0) delete obj.metadata!.annotations;
  const origin = parseYaml(raw) as { path?: string; configuredIn?: string } | null;
  const p = origin?.path ?? origin?.configuredIn;
  return p ? path.resolve(wrapper, p) : fallback;
}

/** kustomize's stderr, with the wrapper's relative paths turned back into repository paths. */
function cleanError(stderr: string, wrapper: string): string {
  const up = toPosix(path.relative(wrapper, REPO_ROOT)) + '/';
  const lines = stderr
    .split('\n')
    .map((l) => l.replace(/^E\d{4} [\d:.]+\s+\d+ \S+\] /, '').replace(/^Error: /, ''))
    .filter((l) => l.trim() !== '');
  let text = lines.join(' ').replaceAll(up, '').replaceAll(REPO_ROOT + '/', '').replaceAll(wrapper, '<build>');
  const m = /err="(.*)"$/.exec(text);
  if (m) text = m[1].replaceAll('\\"', '"');
  // The wrapper's own layer adds nothing a reader needs.
  text = text.replace(/^accumulating resources: accumulation err='accumulating resources from '[^']*': '[^']*' must resolve to a file': recursed accumulation of path '[^']*': /, '');
  // kustomize repeats a missing file's error as "must build at directory: …"; once is enough.
  text = text.replace(/': must build at directory: not a valid directory: .*$/, "'");
  return text;
}
