// Push versus pull, and webhook versus polling, on the development cluster of examples/fleet.
//
// - Push: a CI job builds the overlay and runs `kubectl apply --server-side` against the cluster
//   (the test is the CI job). While Flux reconciles the same objects that is drift, so the push
//   runs with `apps` suspended, as a push-only shop would have no reconciler on the app; resuming
//   shows Git taking the cluster back.
// - Pull: the same change committed to Git, delivered by Flux, first through the webhook
//   Receiver the git server calls on push, then by polling alone (the GitRepository interval
//   shortened in Git, as `flux bootstrap --interval` writes it, and the webhook detached).
// Both deliveries are asserted to arrive; their latencies are measured and recorded, never
// asserted (bench/live-scenarios.ts has the p50/p95 figures).
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe } from 'node:test';
import { parseManifests } from '../../harness/kube/apply';
import { fluxRef } from '../../harness/kube/readiness';
import type { ScenarioCluster, ScenarioEnv } from '../../harness/environment/clusters';
import { bootstrapFleetCluster, deploymentImage, eventually, flux, installReceiver, kubectl, waitApplied, waitForRollout, type InstalledReceiver } from '../../harness/environment/flux';
import { fakeCommit, releaseOf, repoFile, setGitRepositoryInterval, withRelease, type Release } from '../../harness/environment/repo';
import { fleetRepo, ScenarioFile, since } from './support/scenario';
import { kustomizeBuild, substitute } from '../../harness/fleet/expectations';

let receiver: InstalledReceiver;

const s = new ScenarioFile('push-pull', { clusters: ['development'], repos: [fleetRepo()] }, async (env) => {
  const sc = env.cluster('development');
  await bootstrapFleetCluster(env, sc);
  receiver = await installReceiver(env, sc);
});

const VERSION = 'apps/development/demo-app-version.yaml';
const SYNC = 'clusters/development/flux-system/gotk-sync.yaml';
const POLL_INTERVAL = '5s';
const image = (r: Release) => `ghcr.io/gitops-field-guide/demo-app:${r.version}`;

/**
 * The CI job of a push pipeline: build apps/development from the repo with the new promotion
 * file, fill in the cluster's identity (what Flux's postBuild does), and apply it server-side.
 */
async function pushPipeline(env: ScenarioEnv, sc: ScenarioCluster, versionFile: string): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'ci-pipeline-'));
  try {
    cpSync(join(env.git.workdir('fleet'), 'apps'), join(work, 'apps'), { recursive: true });
    writeFileSync(join(work, VERSION), versionFile);
    const identity = parseManifests(readFileSync(join(env.git.workdir('fleet'), 'clusters/development/cluster-identity.yaml'), 'utf8'))[0].data!;
    const manifests = substitute(await kustomizeBuild(join(work, 'apps', 'development')), identity);
    const result = await kubectl(sc, ['apply', '--server-side', '--field-manager=ci-pipeline', '--force-conflicts', '-f', '-'], { input: manifests });
    assert.match(result.output, /deployment\.apps\/demo-app serverside-applied/);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

describe('push versus pull: the same change delivered by a CI push and by Flux', { skip: s.skip }, () => {
  before(() => s.start());
  after(() => s.stop());

  s.test('a release applied by a push pipeline, then the same release committed and pulled by Flux (webhook)', [
    'examples/fleet/apps/development',
    'examples/fleet/clusters/development',
  ], async (env, t) => {
    const sc = env.cluster('development');
    const file = repoFile(env.git, 'fleet', VERSION);
    const current = releaseOf(file);
    const release: Release = { version: '1.4.0', commit: fakeCommit('push-pull 1.4.0') };

    // Push: no reconciler on the app while CI applies.
    await flux(sc, ['suspend', 'kustomization', 'apps']);
    const t0 = Date.now();
    await pushPipeline(env, sc, withRelease(file, release));
    await waitForRollout(sc, image(release));
    s.measure(t, 'push pipeline: kubectl apply to rolled out', since(t0));
    assert.equal(await deploymentImage(sc), image(release), 'the push delivered the release');
    assert.equal(releaseOf(repoFile(env.git, 'fleet', VERSION)).version, current.version, 'Git never heard of it');

    // Handing the app back to Flux undoes the push: Git says the old release.
    await flux(sc, ['resume', 'kustomization', 'apps']);
    await waitForRollout(sc, image(current));

    // Pull: the same change, committed; the webhook brings it in.
    const calls = receiver.calls();
    const t1 = Date.now();
    const sha = await env.git.pushCommit('fleet', { [VERSION]: withRelease(file, release) }, `Release demo-app ${release.version} to development`);
    await waitApplied(sc, 'apps', sha);
    await waitForRollout(sc, image(release));
    s.measure(t, 'pull by webhook: commit to applied and rolled out', since(t1));
    assert.equal(receiver.calls(), calls + 1, 'the git server called the Receiver once for the push');
    const managers = (await sc.kube.mustGet({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'demo-app', namespace: 'demo-app' })).metadata.managedFields as Array<{ manager: string; fieldsV1?: unknown }>;
    const imageOwner = managers.filter((m) => JSON.stringify(m.fieldsV1 ?? {}).includes('"f:image"')).map((m) => m.manager);
    assert.deepEqual(imageOwner, ['kustomize-controller'], 'Flux owns the image field again, not the CI pipeline');
  });

  s.test('with the webhook detached, a commit arrives by polling the GitRepository', [
    'examples/fleet/clusters/development/flux-system/gotk-sync.yaml',
    'examples/fleet/apps/development/demo-app-version.yaml',
  ], async (env, t) => {
    const sc = env.cluster('development');
    // As `flux bootstrap --interval=5s` would commit it (still delivered by the webhook).
    const intervalCommit = await env.git.pushCommit('fleet', { [SYNC]: setGitRepositoryInterval(repoFile(env.git, 'fleet', SYNC), POLL_INTERVAL) }, `Sync every ${POLL_INTERVAL}`);
    await waitApplied(sc, 'flux-system', intervalCommit);
    await eventually(`the GitRepository to poll every ${POLL_INTERVAL}`, async () => (await sc.kube.mustGet(fluxRef('GitRepository', 'flux-system'))).spec.interval === POLL_INTERVAL);
    await waitApplied(sc, 'apps', intervalCommit);
    receiver.detach();
    const handled = (await sc.kube.mustGet(fluxRef('GitRepository', 'flux-system'))).status.lastHandledReconcileAt;
    const calls = receiver.calls();

    const release: Release = { version: '1.5.0', commit: fakeCommit('push-pull 1.5.0') };
    const t0 = Date.now();
    const sha = await env.git.pushCommit('fleet', { [VERSION]: withRelease(repoFile(env.git, 'fleet', VERSION), release) }, `Release demo-app ${release.version} to development`);
    await waitApplied(sc, 'flux-system', sha);
    await waitApplied(sc, 'apps', sha);
    await waitForRollout(sc, image(release));
    s.measure(t, `pull by polling (${POLL_INTERVAL}): commit to applied and rolled out`, since(t0));
    assert.equal(receiver.calls(), calls, 'no webhook was called');
    const repo = await sc.kube.mustGet(fluxRef('GitRepository', 'flux-system'));
    assert.equal(repo.status.lastHandledReconcileAt, handled, 'no reconcile was requested: the interval found the commit');
  });
});
