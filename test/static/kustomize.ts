// Real kustomize (kubectl's built-in one, from the toolchain) with each rendered object
// traced back to the file it came from, so later checks can name that file.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse as parseYaml, parseAllDocuments, stringify } from 'yaml';
import { REPO_ROOT, display, kustomizationFileIn, toPosix } from './tree.ts';
import type { Finding } from './findings.ts';

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
export function kustomizeBuild(dir: string, opts: BuildOptions): RenderedObject[] {
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
    const res = spawnSync(opts.kubectl, args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
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
