// The ephemeral environment of examples/ephemeral, shared by its scenario and the benchmark: the
// two repositories (previews, and an application repository with a feature branch) and bringing
// a fresh cluster up until the branch's preview has converged.
//
// The application repository's deploy/ folder is what staging runs: examples/fleet's apps/staging
// overlay with its base, made self-contained. The branch changes one thing, the greeting, as the
// page's branch does.
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../../contracts/paths.ts';
import type { GitServer } from '../gitserver';
import { parseManifests } from '../kube/apply';
import { bootstrapFromGit } from './bootstrap';
import type { KubeObject } from '../kube/kube';
import { waitForDeploymentAvailable } from '../kube/readiness';
import { expectationsFor, FLEET_DIR } from '../fleet/expectations';
import { startScenarioCluster, type ScenarioCluster, type ScenarioEnvOptions } from './clusters';
import { waitApplied } from './flux';
import { gitIn, repoFile, repoTransform } from './repo';

export const EPHEMERAL_DIR = join(REPO_ROOT, 'examples', 'ephemeral');
export const SAMPLE = 'previews/feature-new-greeting.yaml';
const sample = parseManifests(readFileSync(join(EPHEMERAL_DIR, SAMPLE), 'utf8'), SAMPLE)[0];
/** Read from the sample preview file, never hard-coded. */
export const BRANCH: string = sample.spec.postBuild.substitute.BRANCH;
export const ENV_NAME: string = sample.spec.postBuild.substitute.ENV_NAME;
export const PREVIEW_NS = `preview-${ENV_NAME}`;
export const GREETING = 'Hello from a preview';
export const APP_CONFIG = 'deploy/demo-app-config.json';

export interface PreviewRepos {
  /** The commit the feature branch is at. */
  branchSha: string;
}

/**
 * Serves `previews` (examples/ephemeral, placeholder URLs pointed at the server) and `demo-app`
 * (deploy/ = what staging runs; branch BRANCH with the new greeting). The server must allow
 * anonymous reads: the template's GitRepository has no secretRef.
 */
export async function createPreviewRepos(git: GitServer): Promise<PreviewRepos> {
  await git.createRepoFrom(EPHEMERAL_DIR, 'previews', { transform: repoTransform(git, 'previews') });
  const appDir = mkdtempSync(join(tmpdir(), 'ephemeral-app-'));
  try {
    cpSync(join(FLEET_DIR, 'apps', 'base', 'demo-app'), join(appDir, 'deploy', 'base'), { recursive: true });
    cpSync(join(FLEET_DIR, 'apps', 'staging'), join(appDir, 'deploy'), { recursive: true });
    const overlay = join(appDir, 'deploy', 'kustomization.yaml');
    writeFileSync(overlay, readFileSync(overlay, 'utf8').replace('../base/demo-app', 'base'));
    await git.createRepoFrom(appDir, 'demo-app', { message: 'Deployment manifests of the demo app (what staging runs)' });
  } finally {
    rmSync(appDir, { recursive: true, force: true });
  }
  await gitIn(git, 'demo-app', ['switch', '--quiet', '-c', BRANCH]);
  const config = repoFile(git, 'demo-app', APP_CONFIG);
  assert.match(config, /"greeting": "Hello from the GitOps Field Guide"/, `${APP_CONFIG} has the greeting the branch changes`);
  const branchSha = await git.pushCommit('demo-app', { [APP_CONFIG]: config.replace('Hello from the GitOps Field Guide', GREETING) }, 'A new greeting');
  return { branchSha };
}

export interface PreviewUp {
  sc: ScenarioCluster;
  /** Seconds from the cluster's creation to the preview's Deployment Available. */
  seconds: number;
  /** The preview app's Kustomization, Ready at the branch's commit. */
  app: KubeObject;
  /** The commit of the previews repo the cluster was bootstrapped at. */
  sha: string;
}

/**
 * A fresh cluster with Flux, bootstrapped from the previews repo, until the preview of BRANCH
 * has converged: previews and the preview's Kustomizations Ready, the app Available with the
 * replicas staging's autoscaler asks for. The caller stops the cluster (also on failure: the
 * cluster is handed over through `onCluster` as soon as it exists).
 */
export async function bringUpPreview(git: GitServer, repos: PreviewRepos, opts: Omit<ScenarioEnvOptions, 'clusters' | 'repos'> & { onCluster?: (sc: ScenarioCluster) => void } = {}): Promise<PreviewUp> {
  const started = Date.now();
  const sc = await startScenarioCluster('previews', opts);
  opts.onCluster?.(sc);
  const { sha } = await bootstrapFromGit(sc.kube, git, { repo: 'previews', clusterPath: 'clusters/previews' });
  await waitApplied(sc, 'previews', sha);
  await waitApplied(sc, `preview-${ENV_NAME}`, sha);
  const app = await waitApplied(sc, `preview-${ENV_NAME}-app`, repos.branchSha);
  const hpa = (await expectationsFor('staging')).built.apps.find((o) => o.kind === 'HorizontalPodAutoscaler')!;
  await waitForDeploymentAvailable(sc.kube, 'demo-app', PREVIEW_NS, { replicas: hpa.spec.minReplicas, logs: sc.fluxLogs(), timeoutMs: 2 * 60_000 });
  return { sc, seconds: (Date.now() - started) / 1000, app, sha };
}
