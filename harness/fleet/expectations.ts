// What a fleet cluster should look like after Flux reconciles it, read from examples/fleet
// itself (never hard-coded): the cluster's Flux Kustomizations, each one's `kubectl kustomize`
// build with the cluster's postBuild substitutions, and the HelmReleases those builds contain.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { REPO_ROOT } from '../../contracts/paths.ts';
import { runCommand } from '../cluster/process';
import { parseManifests } from '../kube/apply';
import { desiredState, subsetMismatches } from '../kube/compare';
import { describeRef, refOf, type Kube, type KubeObject } from '../kube/kube';
import { waitForAllFluxReady, waitForGitRepository, waitForKustomization } from '../kube/readiness';
import { toolPath } from '../toolchain/binaries';
import { setting } from '../../contracts/settings.ts';

// LIVE_FLEET_DIR points the live tier at a patched copy (e.g. under .tmp/) while a fix to
// examples/fleet is pending; normally unset.
const fleetOverride = setting('LIVE_FLEET_DIR');
export const FLEET_DIR = fleetOverride ? resolve(fleetOverride) : join(REPO_ROOT, 'examples', 'fleet');

/** The cluster entry points: every folder of clusters/ with a flux-system/gotk-sync.yaml. */
export function fleetClusters(fleetDir = FLEET_DIR): string[] {
  const dir = join(fleetDir, 'clusters');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => existsSync(join(dir, name, 'flux-system', 'gotk-sync.yaml')))
    .sort();
}

/**
 * Flux's post-build variable substitution: ${var} and ${var:=default} take values from the
 * substituteFrom data; unknown variables without a default are left as they are.
 */
export function substitute(text: string, vars: Record<string, string>): string {
  return text.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?::=([^}]*))?\}/g, (whole, name: string, fallback?: string) =>
    vars[name] ?? fallback ?? whole,
  );
}

function yamlFilesOf(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f) && statSync(join(dir, f)).isFile())
    .map((f) => join(dir, f));
}

export interface FluxKustomizationSpec {
  name: string;
  /** Folder relative to the repo root, without leading ./ */
  path: string;
  dependsOn: string[];
  substitutes: boolean;
}

export interface ClusterExpectations {
  cluster: string;
  /** data of the cluster-identity ConfigMap. */
  identity: Record<string, string>;
  /** The root Kustomization (from gotk-sync.yaml) and the ones in the cluster folder. */
  kustomizations: FluxKustomizationSpec[];
  /** Built objects per Kustomization name, after substitution (what should be in the cluster). */
  built: Record<string, KubeObject[]>;
  /** HelmReleases found in the builds. */
  helmReleases: KubeObject[];
}

/** Objects in the cluster folder itself (what the root Kustomization applies). */
function clusterFolderObjects(fleetDir: string, cluster: string): KubeObject[] {
  const dir = join(fleetDir, 'clusters', cluster);
  return yamlFilesOf(dir).flatMap((file) => parseManifests(readFileSync(file, 'utf8'), file));
}

function kustomizationSpec(obj: KubeObject): FluxKustomizationSpec {
  return {
    name: obj.metadata.name,
    path: String(obj.spec?.path ?? '').replace(/^\.\//, ''),
    dependsOn: (obj.spec?.dependsOn ?? []).map((d: { name: string }) => d.name),
    substitutes: Array.isArray(obj.spec?.postBuild?.substituteFrom),
  };
}

/** `kubectl kustomize <dir>` (the pinned kubectl, whose kustomize Flux's matches closely). */
export async function kustomizeBuild(dir: string): Promise<string> {
  const result = await runCommand(toolPath('kubectl'), ['kustomize', dir], { timeoutMs: 60_000 });
  if (result.code !== 0) throw new Error(`kubectl kustomize ${dir} failed:\n${result.output}`);
  return result.output;
}

/** Reads every expectation of one cluster from the fleet folder. */
export async function expectationsFor(cluster: string, fleetDir = FLEET_DIR): Promise<ClusterExpectations> {
  const objects = clusterFolderObjects(fleetDir, cluster);
  const identity = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'cluster-identity')?.data ?? {};
  const sync = parseManifests(readFileSync(join(fleetDir, 'clusters', cluster, 'flux-system', 'gotk-sync.yaml'), 'utf8'));
  const kustomizations = [...sync, ...objects].filter((o) => o.kind === 'Kustomization').map(kustomizationSpec);
  const built: Record<string, KubeObject[]> = {};
  for (const ks of kustomizations.filter((k) => k.path !== `clusters/${cluster}`)) {
    const text = await kustomizeBuild(join(fleetDir, ks.path));
    built[ks.name] = parseManifests(ks.substitutes ? substitute(text, identity) : text, `${ks.path} (built)`);
  }
  const helmReleases = Object.values(built).flat().filter((o) => o.kind === 'HelmRelease');
  return { cluster, identity, kustomizations, built, helmReleases };
}

/** The first built object of a kind (and name, when given) across a cluster's builds. */
export function builtObject(exp: ClusterExpectations, kind: string, name?: string): KubeObject | undefined {
  return Object.values(exp.built)
    .flat()
    .find((o) => o.kind === kind && (name === undefined || o.metadata.name === name));
}

/**
 * The namespaces the fleet's apps run in: those of the objects built by the Kustomizations
 * whose path is under apps/ (infrastructure and flux-system are not apps).
 */
export function appNamespaces(exp: ClusterExpectations): string[] {
  const apps = exp.kustomizations.filter((k) => k.path.startsWith('apps/'));
  const namespaces = apps.flatMap((k) => (exp.built[k.name] ?? []).map((o) => o.metadata.namespace)).filter((ns): ns is string => Boolean(ns));
  return [...new Set(namespaces)].sort();
}

/** All built objects of a kind. */
export function builtObjects(exp: ClusterExpectations, kind: string): KubeObject[] {
  return Object.values(exp.built)
    .flat()
    .filter((o) => o.kind === kind);
}

// Shared with the upgrade canary (harness/cli/canary.ts), which runs the bootstrap scenario's
// bootstrap at other Kubernetes versions: the same wait and the same comparison with Git.

/**
 * After gotk-sync.yaml is applied: the GitRepository at the pushed commit, the root
 * Kustomization applied at it, then every Kustomization and HelmRelease of the cluster Ready.
 */
export async function waitForFleetReconcile(
  kube: Kube,
  exp: ClusterExpectations,
  sha: string,
  opts: { logs?: string[]; timeoutMs?: number } = {},
): Promise<void> {
  const wait = { logs: opts.logs, timeoutMs: opts.timeoutMs ?? 5 * 60_000 };
  await waitForGitRepository(kube, 'flux-system', sha, wait);
  await waitForKustomization(kube, 'flux-system', { ...wait, revision: sha });
  await waitForAllFluxReady(kube, { ...wait, expectAtLeast: exp.kustomizations.length + exp.helmReleases.length });
  for (const ks of exp.kustomizations) await waitForKustomization(kube, ks.name, { ...wait, revision: sha });
}

/** Built objects that are missing from the cluster or differ from Git (empty when all match). */
export async function fleetMismatches(kube: Kube, exp: ClusterExpectations): Promise<string[]> {
  const problems: string[] = [];
  for (const obj of Object.values(exp.built).flat()) {
    const live = await kube.get(refOf(obj));
    if (!live) {
      problems.push(`${describeRef(refOf(obj))} is missing`);
      continue;
    }
    const mismatches = subsetMismatches(desiredState(obj), live);
    if (mismatches.length) problems.push(`${describeRef(refOf(obj))}:\n    ${mismatches.join('\n    ')}`);
  }
  return problems;
}
